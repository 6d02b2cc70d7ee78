//! `/information`: entropy, cross-entropy and KL divergence between two discrete
//! distributions, term by term, and the softmax + cross-entropy link to training. The maths and
//! the lesson's state live here (plain Rust, f64, tested natively); the page is `page.rs`.
//!
//! Here: the entropy maths. `bars.rs` edits a distribution (drag, resize, normalise, typed
//! values), `presets.rs` holds the named examples, `softmax.rs` the link to training, `tex.rs`
//! the formulas, `state.rs` the lesson's state and its link.

mod bars;
pub mod gaussians;
mod presets;
mod softmax;
mod state;
#[cfg(test)]
mod tests;
mod tex;

use serde::{Deserialize, Serialize};

pub use bars::*;
pub use presets::*;
pub use softmax::*;
pub use state::*;
pub use tex::*;

crate::lessons::page_files! {
    mod bars_view;
    mod editor_view;
    pub mod gaussians_view;
    mod measures_view;
    pub mod page;
    pub mod softmax_view;
    mod terms_view;
}

/// Fewest and most outcomes a distribution may have.
pub const MIN_K: usize = 2;
pub const MAX_K: usize = 10;
/// How far from 1 a sum may be and still count as a distribution (typed values have a few
/// decimals; the bars are rescaled exactly).
pub const SUM_TOLERANCE: f64 = 1e-9;

/// The unit information is measured in: bits use log base 2, nats the natural log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Units {
    #[default]
    Bits,
    Nats,
}

impl Units {
    pub fn log(self, x: f64) -> f64 {
        match self {
            Units::Bits => x.log2(),
            Units::Nats => x.ln(),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Units::Bits => "bits",
            Units::Nats => "nats",
        }
    }
    /// The log as TeX: `\log_2` or `\ln`.
    pub fn tex(self) -> &'static str {
        match self {
            Units::Bits => r"\log_2",
            Units::Nats => r"\ln",
        }
    }
}

/// One row of the term-by-term table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Term {
    pub p: f64,
    pub q: f64,
    /// −p log p, this outcome's share of H(P); 0 when p = 0 (the limit of p log p).
    pub entropy: f64,
    /// −p log q, its share of H(P, Q); 0 when p = 0, +∞ when q = 0 < p.
    pub cross: f64,
    /// p log(p/q), its share of D_KL(P‖Q); 0 when p = 0, +∞ when q = 0 < p.
    pub kl: f64,
}

/// The three terms for outcome probabilities p and q.
pub fn term(p: f64, q: f64, units: Units) -> Term {
    let (entropy, cross, kl) = if p == 0.0 {
        (0.0, 0.0, 0.0)
    } else if q == 0.0 {
        (-p * units.log(p), f64::INFINITY, f64::INFINITY)
    } else {
        (-p * units.log(p), -p * units.log(q), p * units.log(p / q))
    };
    Term { p, q, entropy, cross, kl }
}

/// Every row. `p` and `q` have the same length.
pub fn terms(p: &[f64], q: &[f64], units: Units) -> Vec<Term> {
    p.iter().zip(q).map(|(&p, &q)| term(p, q, units)).collect()
}

/// H(P) = −Σ p log p.
pub fn entropy(p: &[f64], units: Units) -> f64 {
    terms(p, p, units).iter().map(|t| t.entropy).sum()
}

/// H(P, Q) = −Σ p log q.
pub fn cross_entropy(p: &[f64], q: &[f64], units: Units) -> f64 {
    terms(p, q, units).iter().map(|t| t.cross).sum()
}

/// D_KL(P‖Q) = Σ p log(p/q).
pub fn kl(p: &[f64], q: &[f64], units: Units) -> f64 {
    terms(p, q, units).iter().map(|t| t.kl).sum()
}

/// Why D_KL(P‖Q) is infinite, if it is: the outcomes (1-based) where q = 0 but p > 0.
pub fn infinite_reason(p: &[f64], q: &[f64], p_name: &str, q_name: &str) -> Option<String> {
    let bad: Vec<String> =
        p.iter().zip(q).enumerate().filter(|(_, (&p, &q))| p > 0.0 && q == 0.0).map(|(i, _)| (i + 1).to_string()).collect();
    if bad.is_empty() {
        return None;
    }
    let which = if bad.len() == 1 { format!("outcome {}", bad[0]) } else { format!("outcomes {}", bad.join(", ")) };
    Some(format!(
        "{q_name} gives {which} probability 0 but {p_name} does not: {p_name} expects it to happen, and log 0 = −∞, \
         so the surprise under {q_name} is infinite."
    ))
}
