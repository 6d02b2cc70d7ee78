//! The text lesson in a link: the model's settings (`ed` word-vector width, `hu` hidden units,
//! `lr`, `wd` weight decay, `bs`, `seed`), `keep=1` to train on past the best validation check,
//! and the typed review (`review`). A link holds settings, not a trained
//! model: training starts from them (and that seed) when the learner presses Train. Only values
//! that differ from the defaults are written; bad values are clamped or replaced with a note.

use super::settings::{BATCH_SIZES, DIMS, MAX_HIDDEN, MAX_WEIGHT_DECAY};
use super::Settings;
use crate::lessons::shared::url_state::{LinkState, Query, QueryWriter};

/// Every key the lesson writes (the address keeps any other, like `present=1`).
pub const KEYS: &[&str] = &["ed", "hu", "lr", "wd", "bs", "seed", "keep", "review"];
/// Longest review a link holds, in characters (a long paragraph; links stay under 8 KB).
pub const MAX_REVIEW: usize = 2000;
/// The review in the typing box when a link has none.
pub const DEFAULT_REVIEW: &str = "A wonderful, moving film with a brilliant cast. I loved every minute, though the ending drags a little.";

/// What the lesson keeps in a link.
#[derive(Clone, Debug, PartialEq)]
pub struct TextLink {
    pub settings: Settings,
    /// Train on after the validation accuracy stops improving (to watch the model memorise),
    /// instead of stopping early at the best model.
    pub keep_training: bool,
    pub review: String,
}

impl Default for TextLink {
    fn default() -> Self {
        TextLink { settings: Settings::default(), keep_training: false, review: DEFAULT_REVIEW.to_string() }
    }
}

impl LinkState for TextLink {
    const KEYS: &'static [&'static str] = KEYS;

    fn to_query(&self) -> String {
        let (s, d) = (&self.settings, Settings::default());
        let mut w = QueryWriter::new()
            .number_unless("ed", s.embedding_dim as f64, d.embedding_dim as f64)
            .number_unless("hu", s.hidden as f64, d.hidden as f64)
            .f32_unless("lr", s.learning_rate, d.learning_rate)
            .f32_unless("wd", s.weight_decay, d.weight_decay)
            .number_unless("bs", s.batch_size as f64, d.batch_size as f64)
            .number_unless("seed", s.seed as f64, d.seed as f64)
            .number_unless("keep", self.keep_training as u8 as f64, 0.0);
        if self.review != DEFAULT_REVIEW {
            // A link keeps the start of a very long review (the box keeps all of it).
            let kept: String = self.review.chars().take(MAX_REVIEW).collect();
            w = w.text("review", &kept);
        }
        w.finish()
    }

    /// What a link describes, and a note for each value it replaced.
    fn from_query(search: &str) -> (Self, Vec<String>) {
        let mut q = Query::parse(search);
        let d = Settings::default();
        let settings = Settings {
            embedding_dim: q.integer("ed", d.embedding_dim, DIMS.0, DIMS.1),
            hidden: q.integer("hu", d.hidden, 0, MAX_HIDDEN),
            learning_rate: q.number("lr", d.learning_rate as f64, 1e-6, 10.0) as f32,
            batch_size: q.one_of("bs", d.batch_size, &BATCH_SIZES),
            seed: q.integer("seed", d.seed as usize, 0, u32::MAX as usize) as u64,
            weight_decay: q.number("wd", d.weight_decay as f64, 0.0, MAX_WEIGHT_DECAY as f64) as f32,
        };
        let keep_training = q.choice("keep", false, &[("0", false), ("1", true)]);
        let review = q.text("review", DEFAULT_REVIEW, MAX_REVIEW);
        (TextLink { settings, keep_training, review }, q.notes)
    }

    /// A new review alone keeps the trained model; new settings start training again.
    fn restarts_training(&self, fresh: &Self) -> bool {
        self.settings != fresh.settings
    }
}

#[cfg(test)]
mod tests {
    use super::super::settings::Form;
    use crate::lessons::shared::form::SettingsText;
    use super::*;

    #[test]
    fn settings_and_review_survive_the_link() {
        let link = TextLink {
            settings: Settings { embedding_dim: 32, hidden: 64, learning_rate: 0.01, batch_size: 64, seed: 9, weight_decay: 0.25 },
            keep_training: true,
            review: "Not good. Not good at all — “awful” & boring?".into(),
        };
        let (back, notes) = TextLink::from_query(&link.to_query());
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(back, link);
        assert_eq!(Form::from_settings(&back.settings).parse().unwrap(), link.settings, "what the form would apply");
    }

    #[test]
    fn bad_values_are_clamped_or_replaced_and_long_reviews_cut() {
        let long = "word ".repeat(1000);
        let (l, notes) = TextLink::from_query(&format!("ed=1000&hu=-3&lr=abc&bs=7&seed=1.5&wd=-1&keep=yes&review={long}"));
        assert_eq!(l.settings.embedding_dim, DIMS.1);
        assert_eq!(l.settings.hidden, 0);
        assert_eq!(l.settings.learning_rate, Settings::default().learning_rate);
        assert_eq!(l.settings.batch_size, 8);
        assert_eq!(l.settings.seed, 1);
        assert_eq!(l.settings.weight_decay, 0.0);
        assert!(!l.keep_training);
        assert_eq!(l.review.chars().count(), MAX_REVIEW);
        assert_eq!(notes.len(), 8, "{notes:?}");
    }
}
