//! The settings form: what the learner typed, checked field by field. Text is kept as typed;
//! each field that does not parse gets its own message; nothing is applied until all parse.

use super::Settings;

pub const DIMS: (usize, usize) = (2, 64);
pub const MAX_HIDDEN: usize = 256;
pub const BATCH_SIZES: [usize; 6] = [8, 16, 32, 64, 128, 256];

#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    pub embedding_dim: String,
    pub hidden: String,
    pub learning_rate: String,
    pub batch_size: String,
    pub seed: String,
}

/// Per field: `None` if fine, or what is wrong.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Problems {
    pub embedding_dim: Option<String>,
    pub hidden: Option<String>,
    pub learning_rate: Option<String>,
    pub batch_size: Option<String>,
    pub seed: Option<String>,
}

impl Problems {
    pub fn any(&self) -> bool {
        self.embedding_dim.is_some() || self.hidden.is_some() || self.learning_rate.is_some() || self.batch_size.is_some() || self.seed.is_some()
    }
}

fn whole(text: &str, low: usize, high: usize, what: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (low..=high).contains(&n) => Ok(n),
        Ok(_) => Err(format!("{what} from {low} to {high}.")),
        Err(_) => Err(format!("\"{}\" is not a whole number; {} from {low} to {high}.", text.trim(), what.to_lowercase())),
    }
}

impl Form {
    pub fn from_settings(s: &Settings) -> Form {
        Form {
            embedding_dim: s.embedding_dim.to_string(),
            hidden: s.hidden.to_string(),
            learning_rate: s.learning_rate.to_string(),
            batch_size: s.batch_size.to_string(),
            seed: s.seed.to_string(),
        }
    }

    pub fn parse(&self) -> Result<Settings, Problems> {
        let mut problems = Problems::default();
        let embedding_dim = whole(&self.embedding_dim, DIMS.0, DIMS.1, "A width").map_err(|p| problems.embedding_dim = Some(p)).ok();
        let hidden_text = if self.hidden.trim().is_empty() { "0" } else { self.hidden.as_str() };
        let hidden = whole(hidden_text, 0, MAX_HIDDEN, "Units (0 for no hidden layer)").map_err(|p| problems.hidden = Some(p)).ok();
        let learning_rate = match self.learning_rate.trim().parse::<f32>() {
            Ok(rate) if rate.is_finite() && rate > 0.0 && rate <= 10.0 => Some(rate),
            Ok(_) => {
                problems.learning_rate = Some("A learning rate between 0 (exclusive) and 10.".into());
                None
            }
            Err(_) => {
                problems.learning_rate = Some("Not a number: try 0.005.".into());
                None
            }
        };
        let batch_size = match self.batch_size.trim().parse::<usize>() {
            Ok(b) if BATCH_SIZES.contains(&b) => Some(b),
            _ => {
                problems.batch_size = Some(format!("Choose one of {BATCH_SIZES:?}."));
                None
            }
        };
        let seed = match self.seed.trim().parse::<u32>() {
            Ok(s) => Some(s as u64),
            Err(_) => {
                problems.seed = Some("A whole number from 0 to 4294967295.".into());
                None
            }
        };
        match (embedding_dim, hidden, learning_rate, batch_size, seed) {
            (Some(embedding_dim), Some(hidden), Some(learning_rate), Some(batch_size), Some(seed)) => {
                Ok(Settings { embedding_dim, hidden, learning_rate, batch_size, seed })
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
        let s = Settings { embedding_dim: 32, hidden: 64, learning_rate: 0.01, batch_size: 128, seed: 9 };
        assert_eq!(Form::from_settings(&s).parse(), Ok(s));
    }

    #[test]
    fn an_empty_hidden_field_means_no_hidden_layer() {
        assert_eq!(Form { hidden: " ".into(), ..form() }.parse().unwrap().hidden, 0);
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let f = Form { embedding_dim: "lots".into(), hidden: "-3".into(), learning_rate: "fast".into(), batch_size: "100".into(), seed: "x".into() };
        let p = f.parse().unwrap_err();
        assert!(p.embedding_dim.unwrap().contains("\"lots\" is not a whole number"));
        assert!(p.hidden.is_some() && p.batch_size.is_some() && p.seed.is_some());
        assert!(p.learning_rate.unwrap().contains("Not a number"));
    }

    #[test]
    fn absurd_values_are_refused_not_clamped_silently() {
        for (dim, hidden, rate) in [("1", "0", "0.005"), ("65", "0", "0.005"), ("16", "257", "0.005"), ("16", "0", "0"), ("16", "0", "NaN"), ("16", "0", "1e30")] {
            let p = Form { embedding_dim: dim.into(), hidden: hidden.into(), learning_rate: rate.into(), ..form() }.parse().unwrap_err();
            assert!(p.any(), "{dim} {hidden} {rate}");
        }
    }
}
