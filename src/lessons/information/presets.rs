//! The named examples a learner can start from.

use super::*;

/// The presets: name, P, Q.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Preset {
    FairCoin,
    #[default]
    BiasedCoin,
    FairDie,
    LoadedDie,
    OneHot,
    NearlyEqual,
}

impl Preset {
    pub const ALL: [Preset; 6] =
        [Preset::FairCoin, Preset::BiasedCoin, Preset::FairDie, Preset::LoadedDie, Preset::OneHot, Preset::NearlyEqual];

    pub fn label(self) -> &'static str {
        match self {
            Preset::FairCoin => "Fair coin",
            Preset::BiasedCoin => "Biased coin",
            Preset::FairDie => "Fair die",
            Preset::LoadedDie => "Loaded die",
            Preset::OneHot => "One-hot label vs prediction",
            Preset::NearlyEqual => "Two nearly equal",
        }
    }
    pub fn slug(self) -> &'static str {
        match self {
            Preset::FairCoin => "fair-coin",
            Preset::BiasedCoin => "biased-coin",
            Preset::FairDie => "fair-die",
            Preset::LoadedDie => "loaded-die",
            Preset::OneHot => "one-hot",
            Preset::NearlyEqual => "nearly-equal",
        }
    }
    pub fn describe(self) -> &'static str {
        match self {
            Preset::FairCoin => "P is a fair coin; Q is a model that thinks heads comes up 3 times in 4.",
            Preset::BiasedCoin => "P is a coin that lands heads 90% of the time; Q believes it is fair.",
            Preset::FairDie => "P is a fair six-sided die; Q believes six comes up half the time.",
            Preset::LoadedDie => "P is a die loaded towards six; Q believes it is fair.",
            Preset::OneHot => "P is a one-hot label (the true class is 1); Q is a classifier's prediction.",
            Preset::NearlyEqual => "P and Q differ by a few hundredths: the divergence is small but not zero.",
        }
    }
    pub fn distributions(self) -> (Vec<f64>, Vec<f64>) {
        match self {
            Preset::FairCoin => (vec![0.5, 0.5], vec![0.75, 0.25]),
            Preset::BiasedCoin => (vec![0.9, 0.1], vec![0.5, 0.5]),
            Preset::FairDie => (vec![1.0 / 6.0; 6], vec![0.1, 0.1, 0.1, 0.1, 0.1, 0.5]),
            Preset::LoadedDie => (vec![0.1, 0.1, 0.1, 0.1, 0.1, 0.5], vec![1.0 / 6.0; 6]),
            Preset::OneHot => (vec![1.0, 0.0, 0.0], vec![0.9, 0.05, 0.05]),
            Preset::NearlyEqual => (vec![0.25, 0.25, 0.25, 0.25], vec![0.27, 0.23, 0.26, 0.24]),
        }
    }
}
