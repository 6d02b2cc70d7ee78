//! The VAE lesson in a link: its settings (`?z=16&beta=4&h=256&lr=0.002&bs=50&seed=3`, or a β
//! preset by name, `?preset=autoencoder`) and the point the learner dragged on the latent map
//! (`at=1.5,-0.75`). A link holds settings, not a trained model: training starts from them when
//! the learner presses Train. Only values that differ from the defaults are written; bad values
//! are clamped with a note.

use super::settings::{BATCH_SIZES, MAX_BETA, MAX_HIDDEN};
use super::{Settings, LATENT_SIZES, PRESETS};
use crate::lessons::shared::url_state::{LinkState, Query, QueryWriter};

pub const KEYS: &[&str] = &["preset", "z", "beta", "h", "lr", "bs", "seed", "at"];

/// How far from 0 a dragged point may be (the map shows ±4; a link may go a little further).
pub const FARTHEST: f64 = 10.0;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct VaeLink {
    pub settings: Settings,
    /// The point on the latent map whose decoding the page shows (its first two coordinates).
    pub point: [f32; 2],
}

impl LinkState for VaeLink {
    const KEYS: &'static [&'static str] = KEYS;

    fn to_query(&self) -> String {
        let (s, d) = (&self.settings, Settings::default());
        let writer = QueryWriter::new()
            .number_unless("z", s.latent as f64, d.latent as f64)
            .f32_unless("beta", s.beta, d.beta)
            .number_unless("h", s.hidden as f64, d.hidden as f64)
            .f32_unless("lr", s.learning_rate, d.learning_rate)
            .number_unless("bs", s.batch_size as f64, d.batch_size as f64)
            .number_unless("seed", s.seed as f64, d.seed as f64);
        if self.point == [0.0, 0.0] { writer.finish() } else { writer.numbers_f32("at", &self.point).finish() }
    }

    fn from_query(search: &str) -> (Self, Vec<String>) {
        let mut q = Query::parse(search);
        let d = Settings::default();
        let options: Vec<(&str, Option<f32>)> = PRESETS.iter().map(|p| (p.slug, Some(p.beta))).collect();
        let beta = q.choice("preset", None, &options).unwrap_or(d.beta);
        let settings = Settings {
            latent: q.integer("z", d.latent, *LATENT_SIZES.start(), *LATENT_SIZES.end()),
            beta: q.number("beta", beta as f64, 0.0, MAX_BETA as f64) as f32,
            hidden: q.integer("h", d.hidden, 1, MAX_HIDDEN),
            learning_rate: q.number("lr", d.learning_rate as f64, 1e-6, 1.0) as f32,
            batch_size: q.one_of("bs", d.batch_size, &BATCH_SIZES),
            seed: q.integer("seed", d.seed as usize, 0, u32::MAX as usize) as u64,
        };
        let at = q.numbers("at", &[0.0, 0.0], (2, 2), (-FARTHEST, FARTHEST));
        let point = [at[0] as f32, at[1] as f32];
        (VaeLink { settings, point }, q.notes)
    }

    /// Dragging the point never restarts training; new settings do.
    fn restarts_training(&self, fresh: &Self) -> bool {
        self.settings != fresh.settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_reads_back_to_the_same_state() {
        let link = VaeLink { settings: Settings { latent: 16, beta: 4.0, hidden: 256, learning_rate: 2e-3, batch_size: 50, seed: 3 }, point: [1.5, -0.75] };
        let (back, notes) = VaeLink::from_query(&link.to_query());
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(back, link);
        assert_eq!(VaeLink::default().to_query(), "");
    }

    #[test]
    fn a_preset_sets_beta_and_later_keys_refine_it() {
        let (link, notes) = VaeLink::from_query("preset=autoencoder");
        assert!(notes.is_empty());
        assert_eq!(link.settings.beta, 0.0);
        let (link, _) = VaeLink::from_query("preset=smooth&seed=9");
        assert_eq!((link.settings.beta, link.settings.seed), (4.0, 9));
        let (link, _) = VaeLink::from_query("preset=smooth&beta=2");
        assert_eq!(link.settings.beta, 2.0);
    }

    /// The bad input: a latent size of 0 or above 32, a negative β, a point far off.
    #[test]
    fn bad_values_are_clamped_with_a_note_and_always_check() {
        let (link, notes) = VaeLink::from_query("z=0&beta=-1&at=50,-80&lr=9&bs=0");
        let s = &link.settings;
        assert_eq!((s.latent, s.beta, s.learning_rate, s.batch_size), (1, 0.0, 1.0, 25));
        assert_eq!(link.point, [10.0, -10.0]);
        assert!(s.check().is_ok());
        assert!(notes.iter().any(|n| n.starts_with("z")) && notes.iter().any(|n| n.contains("beta")), "{notes:?}");
        let (link, notes) = VaeLink::from_query("z=64");
        assert_eq!(link.settings.latent, 32);
        assert_eq!(notes.len(), 1, "{notes:?}");
    }
}
