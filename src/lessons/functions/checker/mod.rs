//! The worked-example checker: a teacher types a small network (one or two layers), an input,
//! a target, a loss and a learning rate; we compute the forward pass, the loss, every gradient
//! by the chain rule and the updated weights, as a numbered list of steps.
//!
//! Here: what the teacher chooses and types. `parse.rs` reads the typed fields into a network,
//! `pass.rs` runs it forward and backward, `steps.rs` writes each step with its numbers in TeX.

mod parse;
mod pass;
mod steps;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use super::activations::ActivationFunction;
use crate::lessons::shared::numbers::fixed_ascii;

pub use parse::*;
pub use pass::*;
pub use steps::*;

/// The activation a checker layer applies: one of the lesson's, or none (a linear output).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LayerActivation {
    Linear,
    Apply(ActivationFunction),
}

impl LayerActivation {
    pub fn value(self, z: f64) -> f64 {
        match self {
            Self::Linear => z,
            Self::Apply(a) => a.value(z),
        }
    }
    pub fn derivative(self, z: f64) -> f64 {
        match self {
            Self::Linear => 1.0,
            Self::Apply(a) => a.derivative(z),
        }
    }
    pub fn slug(self) -> &'static str {
        match self {
            Self::Linear => "linear",
            Self::Apply(a) => a.slug(),
        }
    }
    pub fn from_slug(slug: &str) -> Self {
        ActivationFunction::from_slug(slug).map(Self::Apply).unwrap_or(Self::Linear)
    }
    pub fn tex(self) -> &'static str {
        match self {
            Self::Linear => r"\operatorname{id}",
            Self::Apply(ActivationFunction::Sigmoid) => r"\sigma",
            Self::Apply(ActivationFunction::Tanh) => r"\tanh",
            Self::Apply(ActivationFunction::Relu) => r"\operatorname{ReLU}",
            Self::Apply(ActivationFunction::LeakyRelu) => r"\operatorname{LReLU}",
            Self::Apply(ActivationFunction::Softplus) => r"\operatorname{softplus}",
            Self::Apply(ActivationFunction::Gelu) => r"\operatorname{GELU}",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckerLoss {
    Mse,
    BinaryCrossEntropy,
}

/// What the teacher typed, kept verbatim so nothing is lost when a field is wrong.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckerFields {
    pub inputs: String,
    pub weights1: String,
    pub biases1: String,
    pub activation1: LayerActivation,
    pub two_layers: bool,
    pub weights2: String,
    pub biases2: String,
    pub activation2: LayerActivation,
    pub target: String,
    pub loss: CheckerLoss,
    pub learning_rate: String,
}

impl Default for CheckerFields {
    /// The issue's example: x = [2, −3], w = [0.5, 0.7], b = 1, ReLU.
    fn default() -> Self {
        Self {
            inputs: "2, −3".into(),
            weights1: "0.5, 0.7".into(),
            biases1: "1".into(),
            activation1: LayerActivation::Apply(ActivationFunction::Relu),
            two_layers: false,
            weights2: "0.3, −0.2".into(),
            biases2: "0.1".into(),
            activation2: LayerActivation::Apply(ActivationFunction::Sigmoid),
            target: "1".into(),
            loss: CheckerLoss::Mse,
            learning_rate: "0.1".into(),
        }
    }
}

/// Which field a problem belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Inputs,
    Weights1,
    Biases1,
    Weights2,
    Biases2,
    Target,
    LearningRate,
}
