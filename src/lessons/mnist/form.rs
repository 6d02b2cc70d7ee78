//! The settings form: what the learner typed, checked field by field. Text is kept as typed;
//! each field that does not parse gets its own message; nothing is applied until all parse.

use super::Settings;
use crate::engine::layers::Activation;
use crate::engine::optim::Method;

pub const MAX_HIDDEN_LAYERS: usize = 3;
pub const MAX_WIDTH: usize = 2048;
pub const BATCH_SIZES: [usize; 6] = [16, 32, 64, 128, 256, 512];
/// The activations offered, by the name the form uses.
pub const ACTIVATIONS: [(&str, &str); 4] = [("relu", "ReLU"), ("leaky-relu", "leaky ReLU (slope 0.01)"), ("sigmoid", "sigmoid"), ("tanh", "tanh")];
pub const OPTIMISERS: [(&str, &str); 5] =
    [("sgd", "SGD"), ("momentum", "momentum (0.9)"), ("nesterov", "Nesterov (0.9)"), ("rmsprop", "RMSProp"), ("adam", "Adam")];

/// The form's fields, as text.
#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    pub hidden: String,
    pub activation: String,
    pub optimiser: String,
    pub learning_rate: String,
    pub batch_size: String,
    pub seed: String,
}

/// Per field: `None` if fine, or what is wrong.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Problems {
    pub hidden: Option<String>,
    pub learning_rate: Option<String>,
    pub batch_size: Option<String>,
    pub seed: Option<String>,
}

impl Problems {
    pub fn any(&self) -> bool {
        self.hidden.is_some() || self.learning_rate.is_some() || self.batch_size.is_some() || self.seed.is_some()
    }
}

pub fn activation_name(activation: Activation) -> &'static str {
    match activation {
        Activation::LeakyRelu { .. } => "leaky-relu",
        Activation::Sigmoid => "sigmoid",
        Activation::Tanh => "tanh",
        _ => "relu",
    }
}

pub fn optimiser_name(method: Method) -> &'static str {
    match method {
        Method::Sgd => "sgd",
        Method::Momentum { .. } => "momentum",
        Method::Nesterov { .. } => "nesterov",
        Method::RmsProp { .. } => "rmsprop",
        Method::Adam { .. } => "adam",
    }
}

impl Form {
    pub fn from_settings(s: &Settings) -> Form {
        Form {
            hidden: s.hidden.iter().map(usize::to_string).collect::<Vec<_>>().join(", "),
            activation: activation_name(s.activation).into(),
            optimiser: optimiser_name(s.optimiser).into(),
            learning_rate: s.learning_rate.to_string(),
            batch_size: s.batch_size.to_string(),
            seed: s.seed.to_string(),
        }
    }

    /// The settings, or what is wrong with each field.
    pub fn parse(&self) -> Result<Settings, Problems> {
        let mut problems = Problems::default();
        let hidden = parse_hidden(&self.hidden).map_err(|p| problems.hidden = Some(p)).ok();
        let learning_rate = parse_learning_rate(&self.learning_rate).map_err(|p| problems.learning_rate = Some(p)).ok();
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
        let activation = match self.activation.as_str() {
            "leaky-relu" => Activation::LeakyRelu { slope: 0.01 },
            "sigmoid" => Activation::Sigmoid,
            "tanh" => Activation::Tanh,
            _ => Activation::Relu,
        };
        let optimiser = match self.optimiser.as_str() {
            "sgd" => Method::Sgd,
            "momentum" => Method::momentum(),
            "nesterov" => Method::nesterov(),
            "rmsprop" => Method::rms_prop(),
            _ => Method::adam(),
        };
        match (hidden, learning_rate, batch_size, seed) {
            (Some(hidden), Some(learning_rate), Some(batch_size), Some(seed)) => {
                Ok(Settings { hidden, activation, optimiser, learning_rate, batch_size, seed })
            }
            _ => Err(problems),
        }
    }
}

/// "500" or "256, 128" (commas or spaces); empty means no hidden layer.
fn parse_hidden(text: &str) -> Result<Vec<usize>, String> {
    let widths: Vec<&str> = text.split([',', ' ']).map(str::trim).filter(|w| !w.is_empty()).collect();
    if widths.len() > MAX_HIDDEN_LAYERS {
        return Err(format!("At most {MAX_HIDDEN_LAYERS} hidden layers."));
    }
    widths
        .iter()
        .map(|w| match w.parse::<usize>() {
            Ok(n) if (1..=MAX_WIDTH).contains(&n) => Ok(n),
            Ok(_) => Err(format!("Each layer needs 1 to {MAX_WIDTH} units; \"{w}\" is out of range.")),
            Err(_) => Err(format!("\"{w}\" is not a whole number of units.")),
        })
        .collect()
}

fn parse_learning_rate(text: &str) -> Result<f32, String> {
    match text.trim().parse::<f32>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 && rate <= 10.0 => Ok(rate),
        Ok(_) => Err("A learning rate between 0 (exclusive) and 10.".into()),
        Err(_) => Err("Not a number: try 0.001.".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form {
        Form::from_settings(&Settings::default())
    }

    #[test]
    fn the_default_form_gives_the_default_settings() {
        assert_eq!(form().hidden, "500");
        assert_eq!(form().parse(), Ok(Settings::default()));
    }

    #[test]
    fn every_choice_round_trips() {
        for (activation, _) in ACTIVATIONS {
            for (optimiser, _) in OPTIMISERS {
                let f = Form { activation: activation.into(), optimiser: optimiser.into(), hidden: "256, 128".into(), ..form() };
                let settings = f.parse().unwrap();
                assert_eq!(settings.hidden, vec![256, 128]);
                assert_eq!(Form::from_settings(&settings), f);
            }
        }
    }

    #[test]
    fn no_hidden_layer_is_allowed() {
        let s = Form { hidden: "  ".into(), ..form() }.parse().unwrap();
        assert_eq!(s.layer_sizes(), vec![784, 10]);
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let f = Form {
            hidden: "500, lots".into(),
            learning_rate: "fast".into(),
            batch_size: "100".into(),
            seed: "-1".into(),
            ..form()
        };
        let problems = f.parse().unwrap_err();
        assert!(problems.hidden.unwrap().contains("\"lots\""));
        assert!(problems.learning_rate.unwrap().contains("Not a number"));
        assert!(problems.batch_size.is_some());
        assert!(problems.seed.is_some());
    }

    #[test]
    fn absurd_values_are_refused_not_clamped_silently() {
        for (hidden, rate) in [("1, 2, 3, 4", "0.001"), ("0", "0.001"), ("99999", "0.001"), ("500", "0"), ("500", "1e30"), ("500", "NaN"), ("500", "inf")] {
            let problems = Form { hidden: hidden.into(), learning_rate: rate.into(), ..form() }.parse().unwrap_err();
            assert!(problems.any(), "{hidden} / {rate}");
        }
    }
}
