//! The digits lesson's settings in a link: `?h=256,128&act=tanh&opt=sgd&lr=0.05&bs=128&seed=7`
//! (`h=none` for no hidden layer). A link holds settings, not a trained network: opening it
//! sets the form, and training starts from those settings (and that seed) when the learner
//! presses Train. Only values that differ from the defaults are written. Bad values are
//! clamped or replaced with a note (see `shared::url_state`).

use super::settings::{activation_name, optimiser_name, ACTIVATIONS, BATCH_SIZES, MAX_HIDDEN_LAYERS, MAX_WIDTH, OPTIMISERS};
use super::{convolutions, Settings};
use crate::engine::layers::Activation;
use crate::engine::optim::Method;
use crate::lessons::shared::url_state::{LinkState, Query, QueryWriter};

/// Every key the lesson writes (the address keeps any other, like `present=1`).
pub const KEYS: &[&str] = &["conv", "h", "act", "opt", "lr", "bs", "seed"];

fn activation_of(name: &str) -> Activation {
    match name {
        "leaky-relu" => Activation::LeakyRelu { slope: 0.01 },
        "sigmoid" => Activation::Sigmoid,
        "tanh" => Activation::Tanh,
        _ => Activation::Relu,
    }
}

fn optimiser_of(name: &str) -> Method {
    match name {
        "sgd" => Method::Sgd,
        "momentum" => Method::momentum(),
        "nesterov" => Method::nesterov(),
        "rmsprop" => Method::rms_prop(),
        _ => Method::adam(),
    }
}

impl LinkState for Settings {
    const KEYS: &'static [&'static str] = KEYS;

    fn to_query(&self) -> String {
        query_against(self, &Settings::default())
    }

    /// The settings a link describes, and a note for each value it replaced.
    fn from_query(search: &str) -> (Self, Vec<String>) {
        settings_from(search, Settings::default())
    }
}

/// The link of `s` on a page whose defaults are `d`: only what differs is written. The CNN
/// lesson's page shares these keys with its own defaults (LeNet).
pub fn query_against(s: &Settings, d: &Settings) -> String {
    let mut w = QueryWriter::new().text_unless("conv", &convolutions::to_text(&s.convolutions), &convolutions::to_text(&d.convolutions));
    if s.hidden != d.hidden {
        let widths: Vec<String> = s.hidden.iter().map(usize::to_string).collect();
        let text = if widths.is_empty() { "none".to_string() } else { widths.join(",") };
        w = w.text("h", &text);
    }
    w.text_unless("act", activation_name(s.activation), activation_name(d.activation))
        .text_unless("opt", optimiser_name(s.optimiser), optimiser_name(d.optimiser))
        .f32_unless("lr", s.learning_rate, d.learning_rate)
        .number_unless("bs", s.batch_size as f64, d.batch_size as f64)
        .number_unless("seed", s.seed as f64, d.seed as f64)
        .finish()
}

/// The settings a link describes on a page whose defaults are `d`, and a note for each value
/// it replaced.
pub fn settings_from(search: &str, d: Settings) -> (Settings, Vec<String>) {
    let mut q = Query::parse(search);
    let hidden = match q.raw("h").map(str::trim) {
        None => d.hidden.clone(),
        Some("" | "none" | "0") => Vec::new(),
        Some(_) => {
            let default: Vec<f64> = d.hidden.iter().map(|&w| w as f64).collect();
            let widths = q.numbers("h", &default, (1, MAX_HIDDEN_LAYERS), (1.0, MAX_WIDTH as f64));
            widths.iter().map(|w| w.round() as usize).collect()
        }
    };
    let activations: Vec<(&str, &str)> = ACTIVATIONS.iter().map(|(n, _)| (*n, *n)).collect();
    let optimisers: Vec<(&str, &str)> = OPTIMISERS.iter().map(|(n, _)| (*n, *n)).collect();
    let convolutions = match q.raw("conv").map(convolutions::parse) {
        None => d.convolutions.clone(),
        Some(Ok(blocks)) => blocks,
        Some(Err(problem)) => {
            q.note(format!("The link's convolutions were not used: {problem}"));
            d.convolutions.clone()
        }
    };
    let mut settings = Settings {
        convolutions,
        hidden,
        activation: activation_of(q.choice("act", activation_name(d.activation), &activations)),
        optimiser: optimiser_of(q.choice("opt", optimiser_name(d.optimiser), &optimisers)),
        learning_rate: q.number("lr", d.learning_rate as f64, 1e-6, 10.0) as f32,
        batch_size: q.one_of("bs", d.batch_size, &BATCH_SIZES),
        seed: q.integer("seed", d.seed as usize, 0, u32::MAX as usize) as u64,
    };
    if let Some(problem) = settings.problem() {
        q.note(format!("The link's network cannot be built ({problem}), so the default one is used."));
        settings = Settings {
            convolutions: d.convolutions,
            hidden: d.hidden,
            ..settings
        };
    }
    (settings, q.notes)
}

#[cfg(test)]
mod tests {
    use super::super::settings::Form;
    use super::*;
    use crate::lessons::shared::form::SettingsText;

    #[test]
    fn settings_survive_the_link_and_are_what_the_form_would_apply() {
        let s = Settings {
            convolutions: Vec::new(),
            hidden: vec![256, 128],
            activation: Activation::Tanh,
            optimiser: Method::nesterov(),
            learning_rate: 0.05,
            batch_size: 128,
            seed: 7,
        };
        let link = s.to_query();
        assert_eq!(link, "h=256%2C128&act=tanh&opt=nesterov&lr=0.05&bs=128&seed=7");
        let (back, notes) = Settings::from_query(&link);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(back, s);
        // The settings form reads them back to the same settings (what Apply would train).
        assert_eq!(Form::from_settings(&back).parse().unwrap(), s);
        let none = Settings {
            hidden: vec![],
            ..Settings::default()
        };
        assert_eq!(Settings::from_query(&none.to_query()).0, none);
        let cnn = Settings::lenet();
        assert_eq!(cnn.to_query(), "conv=5x8+pool+2%2C+5x16+pool+2&h=none");
        assert_eq!(Settings::from_query(&cnn.to_query()), (cnn.clone(), vec![]));
        assert_eq!(Form::from_settings(&cnn).parse().unwrap(), cnn);
    }

    #[test]
    fn a_network_that_cannot_be_built_falls_back_with_a_note() {
        let (s, notes) = Settings::from_query("conv=5x8+pool+2,13x8");
        assert_eq!(s.convolutions, Settings::default().convolutions);
        assert!(notes[0].contains("13×13 window does not fit in a 12×12 image"), "{notes:?}");
        let (s, notes) = Settings::from_query("conv=5y8&lr=0.01");
        assert_eq!((s.convolutions.len(), s.learning_rate), (0, 0.01));
        assert!(notes[0].contains("has no x"), "{notes:?}");
    }

    #[test]
    fn bad_values_are_clamped_or_replaced_with_notes() {
        let (s, notes) = Settings::from_query("h=9999,0.4,3,4&act=swish&opt=&lr=-1&bs=100&seed=x");
        assert_eq!(s.hidden, Settings::default().hidden, "four layers is too many: the default is kept");
        assert_eq!(s.activation, Activation::Relu);
        assert_eq!(s.learning_rate, 1e-6);
        assert_eq!(s.batch_size, 128, "nearest allowed batch size");
        assert_eq!(s.seed, 1);
        assert_eq!(notes.len(), 6, "{notes:?}");
        let (s, notes) = Settings::from_query("h=9999,0.4");
        assert_eq!(s.hidden, vec![MAX_WIDTH, 1]);
        assert_eq!(notes.len(), 1);
    }
}
