//! The settings form: what the learner typed, checked field by field. Text is kept as typed;
//! each field that does not parse gets its own message; nothing is applied until all parse.

use super::Settings;
use crate::engine::layers::Activation;
use crate::engine::optim::Method;
use crate::lessons::shared::form::{Problems, run_in_field, RunText, SettingsText};

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
    /// The convolution blocks, as `convolutions::to_text` writes them.
    pub convolutions: String,
    pub hidden: String,
    pub activation: String,
    pub optimiser: String,
    pub run: RunText,
}

run_in_field!(Form);

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


impl SettingsText for Form {
    type Settings = Settings;

    fn from_settings(s: &Settings) -> Form {
        Form {
            convolutions: super::convolutions::to_text(&s.convolutions),
            hidden: s.hidden.iter().map(usize::to_string).collect::<Vec<_>>().join(", "),
            activation: activation_name(s.activation).into(),
            optimiser: optimiser_name(s.optimiser).into(),
            run: RunText::new(s.learning_rate, s.batch_size, s.seed),
        }
    }

    fn parse(&self) -> Result<Settings, Problems> {
        let mut problems = Problems::default();
        let convolutions = problems.check("convolutions", super::convolutions::parse(&self.convolutions));
        let hidden = problems.check("hidden", parse_hidden(&self.hidden));
        let run = self.run.parse(&mut problems, "0.001", &BATCH_SIZES);
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
        let (Some(convolutions), Some(hidden), Some(run)) = (convolutions, hidden, run) else {
            return Err(problems);
        };
        let settings = Settings { convolutions, hidden, activation, optimiser, learning_rate: run.learning_rate, batch_size: run.batch_size, seed: run.seed };
        // Sizes that each parse but do not fit together (a kernel larger than its image, a
        // step too big for memory) are the network's problem: shown under its convolutions.
        match settings.problem() {
            None => Ok(settings),
            Some(problem) => {
                problems.check::<()>("convolutions", Err(problem));
                Err(problems)
            }
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
            run: RunText { learning_rate: "fast".into(), batch_size: "100".into(), seed: "-1".into() },
            ..form()
        };
        let problems = f.parse().unwrap_err();
        assert!(problems.of("hidden").unwrap().contains("\"lots\""));
        assert!(problems.of("learning_rate").unwrap().contains("Not a number"));
        assert!(problems.of("batch_size").is_some());
        assert!(problems.of("seed").is_some());
    }

    #[test]
    fn absurd_values_are_refused_not_clamped_silently() {
        for (hidden, rate) in [("1, 2, 3, 4", "0.001"), ("0", "0.001"), ("99999", "0.001"), ("500", "0"), ("500", "1e30"), ("500", "NaN"), ("500", "inf")] {
            let problems = Form { hidden: hidden.into(), run: RunText { learning_rate: rate.into(), ..form().run }, ..form() }.parse().unwrap_err();
            assert!(problems.any(), "{hidden} / {rate}");
        }
    }
}
