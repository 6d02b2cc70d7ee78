//! What several lessons share and can test natively: formulas rendered as MathML, and numbers
//! formatted the way a lesson shows them.

pub mod math;
pub mod numbers;
