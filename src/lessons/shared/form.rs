//! What the training lessons' settings forms share: the text is kept as typed, each field that
//! does not parse gets its own plain message, and nothing is applied until every field parses.

/// What is wrong with the fields that do not parse, by field name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Problems(Vec<(&'static str, String)>);

impl Problems {
    /// `result`'s value, or `None` with its problem noted under `field`.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, String>) -> Option<T> {
        result.map_err(|problem| self.0.push((field, problem))).ok()
    }

    /// What is wrong with `field`, if anything.
    pub fn of(&self, field: &str) -> Option<String> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, problem)| problem.clone())
    }

    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }
}

/// A settings form: its fields as typed, and the settings they stand for.
pub trait SettingsText: Clone + PartialEq + Send + Sync + 'static {
    type Settings: Clone + PartialEq + Send + Sync + 'static;
    fn from_settings(settings: &Self::Settings) -> Self;
    /// The settings, or what is wrong with each field.
    fn parse(&self) -> Result<Self::Settings, Problems>;
}

/// The fields every training run's form has, as typed: the learning rate, the batch size and
/// the seed.
#[derive(Clone, Debug, PartialEq)]
pub struct RunText {
    pub learning_rate: String,
    pub batch_size: String,
    pub seed: String,
}

/// A run's learning rate, batch size and seed, once all three parse.
pub struct Run {
    pub learning_rate: f32,
    pub batch_size: usize,
    pub seed: u64,
}

impl RunText {
    pub fn new(learning_rate: f32, batch_size: usize, seed: u64) -> RunText {
        RunText { learning_rate: learning_rate.to_string(), batch_size: batch_size.to_string(), seed: seed.to_string() }
    }

    /// The three values, or `None` with the problem of each that does not parse noted (all
    /// three are checked, so every bad field gets its message). `example` is the learning rate
    /// the message suggests; `sizes` the batch sizes offered.
    pub fn parse(&self, problems: &mut Problems, example: &str, sizes: &[usize]) -> Option<Run> {
        let rate = problems.check("learning_rate", learning_rate(&self.learning_rate, example));
        let batch = problems.check("batch_size", batch_size(&self.batch_size, sizes));
        let seed = problems.check("seed", seed(&self.seed));
        Some(Run { learning_rate: rate?, batch_size: batch?, seed: seed? })
    }
}

/// A settings form with a run's fields in it (what the shared form rows edit).
pub trait WithRun {
    fn run(&self) -> &RunText;
    fn run_mut(&mut self) -> &mut RunText;
}

/// `impl WithRun` for a form that keeps its run's fields in a field named `run`. (The light
/// build has no training lesson, so it uses neither this nor its import.)
#[allow(unused_macros)]
macro_rules! run_in_field {
    ($form:ty) => {
        impl $crate::lessons::shared::form::WithRun for $form {
            fn run(&self) -> &$crate::lessons::shared::form::RunText {
                &self.run
            }
            fn run_mut(&mut self) -> &mut $crate::lessons::shared::form::RunText {
                &mut self.run
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use run_in_field;

/// A whole number from `low` to `high`; `what` names it in the message ("A width").
pub fn whole(text: &str, low: usize, high: usize, what: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (low..=high).contains(&n) => Ok(n),
        Ok(_) => Err(format!("{what} from {low} to {high}.")),
        Err(_) => Err(format!("\"{}\" is not a whole number; {} from {low} to {high}.", text.trim(), what.to_lowercase())),
    }
}

/// A number from `low` to `high`; `what` names it in the message ("Weight decay").
pub fn decimal(text: &str, low: f32, high: f32, what: &str) -> Result<f32, String> {
    match text.trim().parse::<f32>() {
        Ok(x) if (low..=high).contains(&x) => Ok(x),
        _ => Err(format!("{what}: a number from {low} to {high}.")),
    }
}

/// A learning rate in (0, 10]; `example` is the one the message suggests.
pub fn learning_rate(text: &str, example: &str) -> Result<f32, String> {
    match text.trim().parse::<f32>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 && rate <= 10.0 => Ok(rate),
        Ok(_) => Err("A learning rate between 0 (exclusive) and 10.".into()),
        Err(_) => Err(format!("Not a number: try {example}.")),
    }
}

/// One of the batch sizes offered.
pub fn batch_size(text: &str, sizes: &[usize]) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(b) if sizes.contains(&b) => Ok(b),
        _ => Err(format!("Choose one of {sizes:?}.")),
    }
}

/// A seed: any 32-bit whole number (what a link can hold).
pub fn seed(text: &str) -> Result<u64, String> {
    text.trim().parse::<u32>().map(u64::from).map_err(|_| "A whole number from 0 to 4294967295.".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_kept_by_field() {
        let mut p = Problems::default();
        assert_eq!(p.check("seed", seed(" 7 ")), Some(7));
        assert!(!p.any());
        assert_eq!(p.check("seed", seed("-1")), None);
        assert_eq!(p.of("seed").as_deref(), Some("A whole number from 0 to 4294967295."));
        assert_eq!(p.of("learning_rate"), None);
        assert!(p.any());
    }

    #[test]
    fn each_reader_refuses_what_it_cannot_use() {
        assert_eq!(learning_rate("0.01", "0.001"), Ok(0.01));
        for bad in ["0", "-1", "11", "NaN", "inf"] {
            assert!(learning_rate(bad, "0.001").is_err(), "{bad}");
        }
        assert_eq!(learning_rate("fast", "0.005").unwrap_err(), "Not a number: try 0.005.");
        assert_eq!(batch_size("64", &[32, 64]), Ok(64));
        assert_eq!(batch_size("100", &[32, 64]).unwrap_err(), "Choose one of [32, 64].");
        assert_eq!(whole("9", 2, 8, "A width").unwrap_err(), "A width from 2 to 8.");
        assert_eq!(whole("x", 2, 8, "A width").unwrap_err(), "\"x\" is not a whole number; a width from 2 to 8.");
        assert_eq!(seed("4294967296").is_err(), true);
    }
}
