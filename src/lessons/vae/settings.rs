//! The settings form: what the learner typed, checked field by field. Text is kept as typed;
//! each field that does not parse gets its own message; nothing is applied until all parse.

use super::{Settings, LATENT_SIZES};
use crate::lessons::shared::form::{decimal, run_in_field, whole, Problems, RunText, SettingsText};

pub const BATCH_SIZES: [usize; 5] = [25, 50, 100, 200, 500];
pub const MAX_HIDDEN: usize = 1024;
/// β beyond this only squeezes every code on to 0 (the decoder then draws one blurred average).
pub const MAX_BETA: f32 = 20.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    pub latent: String,
    pub hidden: String,
    pub beta: String,
    pub run: RunText,
}

run_in_field!(Form);

impl SettingsText for Form {
    type Settings = Settings;

    fn from_settings(s: &Settings) -> Form {
        Form { latent: s.latent.to_string(), hidden: s.hidden.to_string(), beta: s.beta.to_string(), run: RunText::new(s.learning_rate, s.batch_size, s.seed) }
    }

    fn parse(&self) -> Result<Settings, Problems> {
        let mut problems = Problems::default();
        let latent = problems.check("latent", whole(&self.latent, *LATENT_SIZES.start(), *LATENT_SIZES.end(), "A latent size"));
        let hidden = problems.check("hidden", whole(&self.hidden, 1, MAX_HIDDEN, "Units"));
        let beta = problems.check("beta", decimal(&self.beta, 0.0, MAX_BETA, "β"));
        let run = self.run.parse(&mut problems, "0.001", &BATCH_SIZES);
        match (latent, hidden, beta, run) {
            (Some(latent), Some(hidden), Some(beta), Some(run)) => Ok(Settings { latent, hidden, beta, learning_rate: run.learning_rate, batch_size: run.batch_size, seed: run.seed }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_form_gives_the_default_settings_and_round_trips() {
        assert_eq!(Form::from_settings(&Settings::default()).parse(), Ok(Settings::default()));
        let s = Settings { latent: 16, hidden: 256, beta: 4.0, learning_rate: 0.002, batch_size: 50, seed: 7 };
        assert_eq!(Form::from_settings(&s).parse(), Ok(s));
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let f = Form { latent: "0".into(), hidden: "many".into(), beta: "-1".into(), run: RunText { learning_rate: "fast".into(), batch_size: "7".into(), seed: "x".into() } };
        let p = f.parse().unwrap_err();
        assert_eq!(p.of("latent").unwrap(), "A latent size from 1 to 32.");
        assert!(p.of("hidden").unwrap().contains("\"many\" is not a whole number"));
        assert_eq!(p.of("beta").unwrap(), "β: a number from 0 to 20.");
        assert!(p.of("learning_rate").is_some() && p.of("batch_size").is_some() && p.of("seed").is_some());
    }
}
