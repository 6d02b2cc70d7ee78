//! What the learner chooses for the tiny GPT: its shape (layers, heads, width, context, tied
//! output), its run (batch, learning rate, seed), and the check that refuses a shape too big
//! for the browser before training starts, with the estimate shown.

use serde::{Deserialize, Serialize};

use super::model::Shape;
use super::trainer::Training;
use crate::lessons::shared::form::{whole, Problems, RunText, SettingsText};

pub const LAYERS: (usize, usize) = (1, 8);
pub const HEADS: (usize, usize) = (1, 16);
pub const WIDTHS: (usize, usize) = (8, 512);
pub const CONTEXTS: (usize, usize) = (1, 256);
pub const BATCH_SIZES: [usize; 8] = [1, 2, 4, 8, 12, 16, 32, 64];
/// The longest warm-up and cosine decay, in steps.
pub const SCHEDULE_STEPS: (usize, usize) = (0, 100_000);
/// The most memory a run may need. The threaded build's wasm memory is capped at 1 GiB
/// (scripts/build-threads.sh), and the page, the book and the worker's own copy need room too.
pub const MEMORY_LIMIT_BYTES: u64 = 512 << 20;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub layers: usize,
    pub heads: usize,
    pub width: usize,
    pub context: usize,
    pub tied: bool,
    pub batch: usize,
    pub learning_rate: f32,
    pub seed: u64,
    /// Warm-up steps, and cosine-decay steps after them (see `Training`); 0 for none.
    pub warmup: u32,
    pub decay: u32,
}

impl Default for Settings {
    fn default() -> Self {
        let (shape, training) = (Shape::default(), Training::default());
        Settings {
            layers: shape.layers,
            heads: shape.heads,
            width: shape.width,
            context: shape.context,
            tied: shape.tied,
            batch: training.batch,
            learning_rate: training.learning_rate,
            seed: training.seed,
            warmup: training.warmup,
            decay: training.decay,
        }
    }
}

impl Settings {
    pub fn shape(&self, vocabulary: usize) -> Shape {
        Shape { vocabulary, layers: self.layers, heads: self.heads, width: self.width, context: self.context, tied: self.tied }
    }

    pub fn training(&self) -> Training {
        Training { batch: self.batch, learning_rate: self.learning_rate, seed: self.seed, warmup: self.warmup, decay: self.decay, ..Training::default() }
    }

    /// The learning rate's schedule in words.
    pub fn schedule_words(&self) -> String {
        // f32's shortest form that reads back the same (0.001), and a tenth of that decimal.
        let rate = self.learning_rate.to_string();
        let tenth = (rate.parse::<f64>().unwrap_or(0.0) / 10.0) as f32;
        match (self.warmup, self.decay) {
            (0, 0) => format!("The learning rate stays at {rate}."),
            (w, 0) => format!("The learning rate climbs to {rate} over the first {w} steps, then stays there."),
            (0, d) => format!("The learning rate falls from {rate} along a cosine to {tenth} over {d} steps, then stays there."),
            (w, d) => format!("The learning rate climbs to {rate} over the first {w} steps, then falls along a cosine to {tenth} over {d} more."),
        }
    }

    /// The width rounded up to a multiple of the heads (each head gets width ÷ heads numbers),
    /// and what was changed, if anything.
    pub fn with_whole_heads(mut self) -> (Settings, Option<String>) {
        if self.width.is_multiple_of(self.heads) {
            return (self, None);
        }
        let fixed = self.width.next_multiple_of(self.heads).min(WIDTHS.1 / self.heads * self.heads);
        let note = format!("A width of {} does not split into {} heads; using {fixed}.", self.width, self.heads);
        self.width = fixed;
        (self, Some(note))
    }

    /// Bytes a training step needs, roughly: the weights with their gradients and AdamW's two
    /// moments, and what one step keeps for its backward pass (about 25 numbers per position
    /// per width in each block, the attention's three T × T tables per head, the scores over
    /// the vocabulary), twice over for their gradients.
    pub fn memory_bytes(&self, vocabulary: usize) -> u64 {
        let shape = self.shape(vocabulary);
        let positions = (self.batch * self.context) as u64;
        let per_block = positions * (25 * self.width + 3 * self.heads * self.context) as u64;
        let activations = 2 * (self.layers as u64 * per_block + 3 * positions * vocabulary as u64);
        4 * (4 * shape.parameter_count() as u64 + activations)
    }

    /// Why this run cannot train here, if it cannot.
    pub fn too_big(&self, vocabulary: usize) -> Option<String> {
        let bytes = self.memory_bytes(vocabulary);
        (bytes > MEMORY_LIMIT_BYTES).then(|| {
            format!(
                "This model would need about {} MB to train, more than the {} MB this page allows. Make it smaller (fewer layers, a narrower width, a shorter context or a smaller batch).",
                bytes >> 20,
                MEMORY_LIMIT_BYTES >> 20
            )
        })
    }
}

/// The settings form, as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    pub layers: String,
    pub heads: String,
    pub width: String,
    pub context: String,
    pub tied: bool,
    pub run: RunText,
    pub warmup: String,
    pub decay: String,
}

crate::lessons::shared::form::run_in_field!(Form);

impl SettingsText for Form {
    type Settings = Settings;

    fn from_settings(s: &Settings) -> Form {
        Form {
            layers: s.layers.to_string(),
            heads: s.heads.to_string(),
            width: s.width.to_string(),
            context: s.context.to_string(),
            tied: s.tied,
            run: RunText::new(s.learning_rate, s.batch, s.seed),
            warmup: s.warmup.to_string(),
            decay: s.decay.to_string(),
        }
    }

    fn parse(&self) -> Result<Settings, Problems> {
        let mut p = Problems::default();
        let layers = p.check("layers", whole(&self.layers, LAYERS.0, LAYERS.1, "Layers"));
        let heads = p.check("heads", whole(&self.heads, HEADS.0, HEADS.1, "Heads"));
        let width = p.check("width", whole(&self.width, WIDTHS.0, WIDTHS.1, "A width"));
        let context = p.check("context", whole(&self.context, CONTEXTS.0, CONTEXTS.1, "A context"));
        let run = self.run.parse(&mut p, "0.001", &BATCH_SIZES);
        let warmup = p.check("warmup", whole(&self.warmup, SCHEDULE_STEPS.0, SCHEDULE_STEPS.1, "A warm-up"));
        let decay = p.check("decay", whole(&self.decay, SCHEDULE_STEPS.0, SCHEDULE_STEPS.1, "A decay"));
        if let (Some(h), Some(w)) = (heads, width) {
            if !w.is_multiple_of(h) {
                p.check::<()>("width", Err(format!("{w} numbers do not split evenly into {h} heads; try {}.", w.next_multiple_of(h))));
            }
        }
        match (layers, heads, width, context, run, warmup, decay) {
            (Some(layers), Some(heads), Some(width), Some(context), Some(run), Some(warmup), Some(decay)) if !p.any() => Ok(Settings {
                layers,
                heads,
                width,
                context,
                tied: self.tied,
                batch: run.batch_size,
                learning_rate: run.learning_rate,
                seed: run.seed,
                warmup: warmup as u32,
                decay: decay as u32,
            }),
            _ => Err(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_form_gives_the_default_settings_and_round_trips() {
        let form = Form::from_settings(&Settings::default());
        assert_eq!(form.parse(), Ok(Settings::default()));
        let s = Settings { layers: 2, heads: 2, width: 64, context: 32, tied: false, batch: 8, learning_rate: 3e-3, seed: 7, warmup: 100, decay: 5000 };
        assert_eq!(Form::from_settings(&s).parse(), Ok(s.clone()));
        assert_eq!(s.training().learning_rate_at(0), 3e-3 / 101.0);
        let bad = Form { warmup: "-3".into(), decay: "1e9".into(), ..Form::from_settings(&s) }.parse().unwrap_err();
        assert!(bad.of("warmup").unwrap().contains("from 0 to 100000") && bad.of("decay").is_some());
    }

    #[test]
    fn the_schedule_is_said_in_words() {
        let s = |warmup, decay| Settings { warmup, decay, ..Settings::default() }.schedule_words();
        assert_eq!(s(0, 0), "The learning rate stays at 0.001.");
        assert_eq!(s(100, 5000), "The learning rate climbs to 0.001 over the first 100 steps, then falls along a cosine to 0.0001 over 5000 more.");
    }

    #[test]
    fn a_width_that_does_not_split_into_the_heads_is_refused_in_the_form_and_fixed_in_a_link() {
        let form = Form { width: "130".into(), ..Form::from_settings(&Settings::default()) };
        assert!(form.parse().unwrap_err().of("width").unwrap().contains("try 132"));
        let (s, note) = Settings { width: 130, ..Settings::default() }.with_whole_heads();
        assert_eq!(s.width, 132);
        assert!(note.unwrap().contains("130"));
        assert_eq!(Settings::default().with_whole_heads(), (Settings::default(), None));
        // Never past the widest allowed: 512 with 3 heads becomes 510, not 513.
        assert_eq!(Settings { width: 512, heads: 3, ..Settings::default() }.with_whole_heads().0.width, 510);
    }

    /// The estimate worked by hand for the default run: 812,160 numbers × 4 (weights,
    /// gradients, two moments); 768 positions × (25 · 128 + 3 · 4 · 64) = 3,047,424 per block,
    /// × 4 blocks, plus 3 · 768 · 83 = 191,232 for the scores, doubled; 4 bytes each.
    #[test]
    fn the_memory_estimate_is_worked_by_hand_and_refuses_a_huge_model() {
        let want = 4 * (4 * 812_160 + 2 * (4 * 3_047_424 + 191_232));
        assert_eq!(Settings::default().memory_bytes(83), want);
        assert!(Settings::default().too_big(83).is_none());
        let huge = Settings { layers: 8, width: 512, context: 256, batch: 64, ..Settings::default() };
        let why = huge.too_big(83).unwrap();
        assert!(why.contains(&format!("{} MB", huge.memory_bytes(83) >> 20)) && why.contains("512 MB"), "{why}");
    }
}
