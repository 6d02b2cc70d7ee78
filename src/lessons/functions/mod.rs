//! `/functions`: activation functions and losses, each with its derivative, and a checker for
//! worked examples of one training step. The maths and the lesson's state live here (tested
//! natively); the page is `page.rs` and `page/` (wasm only).

pub mod activations;
pub mod checker;
pub mod link;
pub mod losses;

use serde::{Deserialize, Serialize};

use activations::ActivationFunction;
use checker::CheckerFields;
use losses::Loss;

/// The activation explorer's range of x (its chart and its slider).
pub const X_MIN: f64 = -5.0;
pub const X_MAX: f64 = 5.0;

/// The lesson's state, also its link's state (`link.rs`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FunctionsState {
    pub activation: ActivationFunction,
    pub x: f64,
    pub loss: Loss,
    pub target: f64,
    pub prediction: f64,
    pub checker: CheckerFields,
}

impl Default for FunctionsState {
    fn default() -> Self {
        Self { activation: ActivationFunction::Sigmoid, x: -2.0, loss: Loss::Mse, target: 1.0, prediction: 0.6, checker: CheckerFields::default() }
    }
}

#[cfg(target_arch = "wasm32")]
pub mod page;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_through_json() {
        let state = FunctionsState::default();
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(serde_json::from_str::<FunctionsState>(&json).unwrap(), state);
        assert_eq!(serde_json::from_str::<FunctionsState>("{}").unwrap(), state);
    }
}
