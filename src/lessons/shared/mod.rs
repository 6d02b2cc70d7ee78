//! What several lessons share and can test natively: settings forms checked field by field,
//! learning curves kept to a bounded number of points,
//! formulas rendered as MathML, numbers
//! formatted the way a lesson shows them, and state read from and written to a link.

pub mod curve_points;
pub mod form;
pub mod frame;
pub mod host_gate;
pub mod math;
pub mod numbers;
pub mod pictures;
pub mod probability;
/// The networks recomputed in f64, the tests' reference.
#[cfg(test)]
pub mod reference;
pub mod url_state;
