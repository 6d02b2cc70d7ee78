//! Property tests of every lesson's link reader (the hardening issue): thousands of random
//! strings and of links built from the lesson's own keys, numbers, words and junk. Reading never
//! panics; what it reads, written back as a link, reads back to the same state with no notes
//! (so every value read is one the lesson can write, within its clamps); and the training
//! lessons' settings pass their own range check.

use std::fmt::Debug;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::shared::url_state::LinkState;
use super::{cnn, functions, gan, gpt, gradient_descent, information, mnist, text, vae};

/// Words the lessons' choices use, and some they do not.
const WORDS: &[&str] = &[
    "relu", "gelu", "tanh", "sigmoid", "leaky-relu", "adam", "sgd", "momentum", "nesterov", "rmsprop", "bce", "mse", "huber",
    "hinge", "known-good", "tiny-batch", "bowl", "rosenbrock", "batch", "mini-batch", "stochastic", "minimax",
    "non-saturating", "true", "false", "on", "off", "bits", "nats", "NaN", "inf", "-inf", "1e400", "", "é", "%ZZ",
];

/// One `key=value` pair: a key of the lesson's or junk, a value that is a number, a list of
/// numbers, a word or junk.
fn pair(keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    let key = prop_oneof![3 => proptest::sample::select(keys.to_vec()).prop_map(str::to_string), 1 => "[a-z0-9%]{0,4}"];
    let value = prop_oneof![
        any::<f64>().prop_map(|x| x.to_string()),
        (-1000i64..1000).prop_map(|n| n.to_string()),
        proptest::collection::vec(-10.0f64..10.0, 0..6).prop_map(|v| v.iter().map(f64::to_string).collect::<Vec<_>>().join(",")),
        proptest::sample::select(WORDS.to_vec()).prop_map(str::to_string),
        "[-0-9.,eE%+ ]{0,12}",
        ".{0,10}",
    ];
    (key, value).prop_map(|(k, v)| format!("{k}={v}"))
}

fn links(keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![".{0,200}", proptest::collection::vec(pair(keys), 0..14).prop_map(|p| p.join("&"))]
}

/// Reads `search`, writes what it read, reads that: the same state, and nothing to note.
fn reads_back<S: PartialEq + Debug>(search: &str, read: impl Fn(&str) -> (S, Vec<String>), write: impl Fn(&S) -> String) -> Result<S, TestCaseError> {
    let (state, _) = read(search);
    let written = write(&state);
    let (again, notes) = read(&written);
    prop_assert_eq!(&again, &state, "{:?} was written as {:?}", search, written);
    prop_assert!(notes.is_empty(), "{:?} was written as {:?}, which reads with notes {:?}", search, written, notes);
    Ok(state)
}

/// `reads_back` for a lesson's `LinkState`.
fn state_reads_back<S: LinkState + Debug>(search: &str) -> Result<S, TestCaseError> {
    reads_back(search, S::from_query, S::to_query)
}

/// A lesson's default state writes an empty link, and a link of none of its keys (a
/// classroom's `present=1`, say) opens the default state without a note.
fn default_is_the_empty_link<S: LinkState + Default + Debug>() {
    assert_eq!(S::default().to_query(), "", "{}", std::any::type_name::<S>());
    for search in ["", "?", "?present=1"] {
        assert_eq!(S::from_query(search), (S::default(), Vec::new()), "{search:?} for {}", std::any::type_name::<S>());
    }
}

#[test]
fn every_lessons_default_state_is_the_empty_link() {
    default_is_the_empty_link::<mnist::Settings>();
    default_is_the_empty_link::<cnn::link::CnnLink>();
    default_is_the_empty_link::<gan::Settings>();
    default_is_the_empty_link::<vae::link::VaeLink>();
    default_is_the_empty_link::<text::link::TextLink>();
    default_is_the_empty_link::<gpt::link::GptLink>();
    default_is_the_empty_link::<gpt::attention_link::AttentionLink>();
    default_is_the_empty_link::<functions::FunctionsState>();
    default_is_the_empty_link::<information::gaussians::GaussiansState>();
}

/// The keys of the gradient-descent stepper, whose link reader keeps no list of them.
const GRADIENT_DESCENT_KEYS: &[&str] = &["x", "y", "t0", "t1", "a", "m", "b", "s", "n"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn digits_links(search in links(mnist::Settings::KEYS)) {
        let settings = state_reads_back::<mnist::Settings>(&search)?;
        prop_assert!(settings.learning_rate > 0.0 && settings.learning_rate <= 10.0 && settings.hidden.iter().all(|&h| h > 0), "{:?}", settings);
        prop_assert!(settings.problem().is_none(), "{:?}: {:?}", settings, settings.problem());
    }

    #[test]
    fn cnn_links(search in links(cnn::link::CnnLink::KEYS)) {
        let link = state_reads_back::<cnn::link::CnnLink>(&search)?;
        prop_assert!(link.0.problem().is_none(), "{:?}: {:?}", link, link.0.problem());
    }

    #[test]
    fn gan_links(search in links(gan::Settings::KEYS)) {
        let settings = state_reads_back::<gan::Settings>(&search)?;
        prop_assert!(settings.check().is_ok(), "{:?}: {:?}", settings, settings.check());
    }

    #[test]
    fn vae_links(search in links(vae::link::KEYS)) {
        let link = state_reads_back::<vae::link::VaeLink>(&search)?;
        prop_assert!(link.settings.check().is_ok() && link.point.iter().all(|p| p.abs() <= vae::link::FARTHEST as f32), "{:?}", link);
    }

    #[test]
    fn text_links(search in links(text::link::TextLink::KEYS)) {
        state_reads_back::<text::link::TextLink>(&search)?;
    }

    #[test]
    fn gpt_links(search in links(gpt::link::KEYS)) {
        let link = state_reads_back::<gpt::link::GptLink>(&search)?;
        let s = &link.settings;
        prop_assert!(s.width % s.heads == 0 && s.context >= 1 && link.layer < s.layers && link.head < s.heads, "{:?}", link);
    }

    #[test]
    fn attention_widget_links(search in links(gpt::attention_link::KEYS)) {
        let link = state_reads_back::<gpt::attention_link::AttentionLink>(&search)?;
        let s = gpt::attention_link::widget_settings();
        prop_assert!(link.layer < s.layers && link.head < s.heads, "{:?}", link);
    }

    #[test]
    fn gaussians_links(search in links(information::gaussians::KEYS)) {
        let s = state_reads_back::<information::gaussians::GaussiansState>(&search)?;
        let numbers = [s.p.mean, s.p.sd, s.q.mean, s.q.sd];
        prop_assert!(numbers.iter().all(|x| x.is_finite()) && s.p.sd > 0.0 && s.q.sd > 0.0, "{:?}", s);
    }

    #[test]
    fn functions_links(search in links(functions::FunctionsState::KEYS)) {
        state_reads_back::<functions::FunctionsState>(&search)?;
    }

    #[test]
    fn information_links(search in links(information::InformationState::KEYS)) {
        state_reads_back::<information::InformationState>(&search)?;
    }

    #[test]
    fn gradient_descent_links(search in links(GRADIENT_DESCENT_KEYS)) {
        let read = |s: &str| { let (settings, steps, notes) = gradient_descent::descent::Settings::from_query(s); ((settings, steps), notes) };
        reads_back(&search, read, |(settings, steps)| settings.to_query(*steps))?;
    }

    #[test]
    fn optimiser_race_links(search in links(gradient_descent::race_link::RACE_KEYS)) {
        let read = |s: &str| { let (settings, steps, notes) = gradient_descent::race::RaceSettings::from_query(s); ((settings, steps), notes) };
        reads_back(&search, read, |(settings, steps)| settings.to_query(*steps))?;
    }
}
