//! The GAN lesson's settings in a link: `?glr=0.005&dlr=0.005&b1=0.5&bs=64&gl=minimax&ds=each&seed=3`,
//! and the stabilisers: `rl=0.9&avg=0&pack=2&drop=0&spread=off`, a conditional GAN and the
//! digit it is asked for: `cond=on&digit=7` (the "Pick the digit" preset is `preset=pick-the-digit`),
//! or a "break it" preset by name (`?preset=tiny-batch&seed=3`; keys after it refine it). A link
//! holds settings, not trained networks: training starts from them (and that seed) when the
//! learner presses Train. Only values that differ from the defaults are written; bad values
//! are clamped or replaced with a note.

use super::{DiscriminatorSteps, GeneratorLoss, Settings, PRESETS};
use crate::lessons::shared::url_state::{LinkState, Query, QueryWriter};

/// Every key the lesson writes or reads (the address keeps any other, like `present=1`).
pub const KEYS: &[&str] = &["preset", "glr", "dlr", "b1", "bs", "gl", "ds", "rl", "avg", "pack", "drop", "spread", "cond", "digit", "seed"];

const LOSSES: [(&str, GeneratorLoss); 2] = [("non-saturating", GeneratorLoss::NonSaturating), ("minimax", GeneratorLoss::Minimax)];
const STEPS: [(&str, DiscriminatorSteps); 2] = [("both", DiscriminatorSteps::OneForBoth), ("each", DiscriminatorSteps::OnePerBatch)];
const SWITCH: [(&str, bool); 2] = [("on", true), ("off", false)];

/// A preset's name in a link: "Tiny batch" is `tiny-batch`.
pub fn preset_slug(name: &str) -> String {
    name.to_lowercase().replace(' ', "-")
}

fn name_of<T: PartialEq + Copy>(options: &[(&'static str, T)], value: T) -> &'static str {
    options.iter().find(|(_, v)| *v == value).map_or(options[0].0, |(n, _)| n)
}

impl LinkState for Settings {
    const KEYS: &'static [&'static str] = KEYS;

    fn to_query(&self) -> String {
        let d = Settings::default();
        QueryWriter::new()
            .f32_unless("glr", self.generator_learning_rate, d.generator_learning_rate)
            .f32_unless("dlr", self.discriminator_learning_rate, d.discriminator_learning_rate)
            .f32_unless("b1", self.beta1, d.beta1)
            .number_unless("bs", self.batch_size as f64, d.batch_size as f64)
            .text_unless("gl", name_of(&LOSSES, self.generator_loss), name_of(&LOSSES, d.generator_loss))
            .text_unless("ds", name_of(&STEPS, self.discriminator_steps), name_of(&STEPS, d.discriminator_steps))
            .f32_unless("rl", self.real_label, d.real_label)
            .f32_unless("avg", self.average_decay, d.average_decay)
            .number_unless("pack", self.pack as f64, d.pack as f64)
            .f32_unless("drop", self.discriminator_dropout, d.discriminator_dropout)
            .text_unless("spread", name_of(&SWITCH, self.minibatch_spread), name_of(&SWITCH, d.minibatch_spread))
            .text_unless("cond", name_of(&SWITCH, self.conditional), name_of(&SWITCH, d.conditional))
            .number_unless("digit", self.digit as f64, d.digit as f64)
            .number_unless("seed", self.seed as f64, d.seed as f64)
            .finish()
    }

    /// The settings a link describes, and a note for each value it replaced.
    fn from_query(search: &str) -> (Self, Vec<String>) {
        let mut q = Query::parse(search);
        let d = Settings::default();
        let seed = q.integer("seed", d.seed as usize, 0, u32::MAX as usize) as u64;
        let names: Vec<(String, usize)> = PRESETS.iter().enumerate().map(|(i, p)| (preset_slug(p.name), i)).collect();
        let options: Vec<(&str, Option<usize>)> = names.iter().map(|(n, i)| (n.as_str(), Some(*i))).collect();
        let base = Settings { seed, ..d };
        let base = match q.choice("preset", None, &options) {
            Some(i) => (PRESETS[i].apply)(&base),
            None => base,
        };
        let rate = |v: f32| v as f64;
        let settings = Settings {
            generator_learning_rate: q.number("glr", rate(base.generator_learning_rate), 1e-6, 1.0) as f32,
            discriminator_learning_rate: q.number("dlr", rate(base.discriminator_learning_rate), 1e-6, 1.0) as f32,
            beta1: q.number("b1", rate(base.beta1), 0.0, 0.99) as f32,
            batch_size: q.integer("bs", base.batch_size, 1, 1024),
            generator_loss: q.choice("gl", base.generator_loss, &LOSSES),
            discriminator_steps: q.choice("ds", base.discriminator_steps, &STEPS),
            real_label: q.number("rl", rate(base.real_label), 0.5, 1.0) as f32,
            average_decay: q.number("avg", rate(base.average_decay), 0.0, 0.9999) as f32,
            pack: q.integer("pack", base.pack, 1, 4),
            discriminator_dropout: q.number("drop", rate(base.discriminator_dropout), 0.0, 0.85) as f32,
            minibatch_spread: q.choice("spread", base.minibatch_spread, &SWITCH),
            conditional: q.choice("cond", base.conditional, &SWITCH),
            digit: q.integer("digit", base.digit as usize, 0, 9) as u8,
            ..base
        };
        let mut notes = q.notes;
        let settings = if settings.batch_size % settings.pack == 0 {
            settings
        } else {
            notes.push(format!("pack: D cannot judge {} images at a time from batches of {}; it judges one at a time", settings.pack, settings.batch_size));
            Settings { pack: 1, ..settings }
        };
        (settings, notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_the_link_and_can_be_checked() {
        let s = Settings {
            generator_learning_rate: 5e-3,
            discriminator_learning_rate: 4e-3,
            beta1: 0.9,
            batch_size: 16,
            generator_loss: GeneratorLoss::Minimax,
            discriminator_steps: DiscriminatorSteps::OnePerBatch,
            real_label: 0.9,
            average_decay: 0.999,
            pack: 2,
            discriminator_dropout: 0.5,
            minibatch_spread: !Settings::default().minibatch_spread,
            conditional: true,
            digit: 7,
            seed: 3,
            ..Settings::default()
        };
        let (back, notes) = Settings::from_query(&s.to_query());
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(back, s);
        assert!(back.check().is_ok());
    }

    #[test]
    fn a_preset_by_name_keeps_the_seed_and_later_keys_refine_it() {
        let (s, notes) = Settings::from_query("preset=tiny-batch&seed=5");
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(s, (PRESETS[3].apply)(&Settings { seed: 5, ..Settings::default() }));
        assert_eq!(s.batch_size, 4);
        let (s, _) = Settings::from_query("preset=learning-rate-too-high&glr=0.001");
        assert_eq!((s.generator_learning_rate, s.discriminator_learning_rate), (0.001, 5e-3));
    }

    #[test]
    fn bad_values_are_clamped_or_replaced_with_notes_and_always_check() {
        let (s, notes) = Settings::from_query("preset=chaos&glr=50&dlr=0&b1=1&bs=0&gl=wasserstein&ds=x&seed=-1&rl=2&avg=1&drop=-1&spread=maybe");
        assert_eq!(s.generator_learning_rate, 1.0);
        assert_eq!(s.discriminator_learning_rate, 1e-6);
        assert_eq!(s.beta1, 0.99);
        assert_eq!(s.batch_size, 1);
        assert_eq!(s.generator_loss, GeneratorLoss::NonSaturating);
        assert_eq!(s.seed, 0);
        assert_eq!((s.real_label, s.average_decay, s.discriminator_dropout), (1.0, 0.9999, 0.0));
        assert_eq!(s.minibatch_spread, Settings::default().minibatch_spread);
        assert!(s.check().is_ok(), "a link can only describe a GAN that can be built");
        assert_eq!(notes.len(), 12, "{notes:?}");
        // A digit outside 0–9 is clamped with a note; a preset by name makes a conditional GAN.
        let (s, notes) = Settings::from_query("preset=pick-the-digit&digit=12");
        assert!(s.conditional && s.check().is_ok());
        assert_eq!(s.digit, 9);
        assert!(notes.iter().any(|n| n.contains("digit")), "{notes:?}");
        let (s, notes) = Settings::from_query("cond=on&digit=-3");
        assert_eq!((s.conditional, s.digit), (true, 0));
        assert_eq!(notes.len(), 1, "{notes:?}");
        // A pack that does not divide the batch falls back to one image at a time, with a note.
        let (s, notes) = Settings::from_query("bs=6&pack=4");
        assert_eq!((s.batch_size, s.pack), (6, 1));
        assert!(notes[0].contains("pack"), "{notes:?}");
        assert!(s.check().is_ok());
    }
}
