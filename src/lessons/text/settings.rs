//! The settings form: what the learner typed, checked field by field. Text is kept as typed;
//! each field that does not parse gets its own message; nothing is applied until all parse.

use super::Settings;
use crate::lessons::shared::form::{decimal, whole, Problems, run_in_field, RunText, SettingsText};

pub const DIMS: (usize, usize) = (2, 64);
pub const MAX_HIDDEN: usize = 256;
pub const BATCH_SIZES: [usize; 6] = [8, 16, 32, 64, 128, 256];
/// The largest weight decay λ: at Adam's largest learning rate here a step would shrink the
/// weights by more than half.
pub const MAX_WEIGHT_DECAY: f32 = 1.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    pub embedding_dim: String,
    pub hidden: String,
    pub weight_decay: String,
    pub run: RunText,
}

run_in_field!(Form);

impl SettingsText for Form {
    type Settings = Settings;

    fn from_settings(s: &Settings) -> Form {
        Form {
            embedding_dim: s.embedding_dim.to_string(),
            hidden: s.hidden.to_string(),
            weight_decay: s.weight_decay.to_string(),
            run: RunText::new(s.learning_rate, s.batch_size, s.seed),
        }
    }

    fn parse(&self) -> Result<Settings, Problems> {
        let mut problems = Problems::default();
        let embedding_dim = problems.check("embedding_dim", whole(&self.embedding_dim, DIMS.0, DIMS.1, "A width"));
        let hidden_text = if self.hidden.trim().is_empty() { "0" } else { self.hidden.as_str() };
        let hidden = problems.check("hidden", whole(hidden_text, 0, MAX_HIDDEN, "Units (0 for no hidden layer)"));
        let decay_text = if self.weight_decay.trim().is_empty() { "0" } else { self.weight_decay.as_str() };
        let weight_decay = problems.check("weight_decay", decimal(decay_text, 0.0, MAX_WEIGHT_DECAY, "Weight decay (0 for none)"));
        let run = self.run.parse(&mut problems, "0.005", &BATCH_SIZES);
        match (embedding_dim, hidden, weight_decay, run) {
            (Some(embedding_dim), Some(hidden), Some(weight_decay), Some(run)) => {
                Ok(Settings { embedding_dim, hidden, learning_rate: run.learning_rate, batch_size: run.batch_size, seed: run.seed, weight_decay })
            }
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form {
        Form::from_settings(&Settings::default())
    }

    #[test]
    fn the_default_form_gives_the_default_settings_and_round_trips() {
        assert_eq!(form().parse(), Ok(Settings::default()));
        let s = Settings { embedding_dim: 32, hidden: 64, learning_rate: 0.01, batch_size: 128, seed: 9, weight_decay: 0.1 };
        assert_eq!(Form::from_settings(&s).parse(), Ok(s));
    }

    #[test]
    fn an_empty_hidden_field_means_no_hidden_layer() {
        assert_eq!(Form { hidden: " ".into(), ..form() }.parse().unwrap().hidden, 0);
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let f = Form { embedding_dim: "lots".into(), hidden: "-3".into(), weight_decay: "2".into(), run: RunText { learning_rate: "fast".into(), batch_size: "100".into(), seed: "x".into() } };
        let p = f.parse().unwrap_err();
        assert!(p.of("embedding_dim").unwrap().contains("\"lots\" is not a whole number"));
        assert!(p.of("hidden").is_some() && p.of("batch_size").is_some() && p.of("seed").is_some());
        assert_eq!(p.of("weight_decay").unwrap(), "Weight decay (0 for none): a number from 0 to 1.");
        assert!(p.of("learning_rate").unwrap().contains("Not a number"));
    }

    #[test]
    fn absurd_values_are_refused_not_clamped_silently() {
        for (dim, hidden, rate) in [("1", "0", "0.005"), ("65", "0", "0.005"), ("16", "257", "0.005"), ("16", "0", "0"), ("16", "0", "NaN"), ("16", "0", "1e30")] {
            let p = Form { embedding_dim: dim.into(), hidden: hidden.into(), weight_decay: "0".into(), run: RunText { learning_rate: rate.into(), ..form().run } }.parse().unwrap_err();
            assert!(p.any(), "{dim} {hidden} {rate}");
        }
    }
}
