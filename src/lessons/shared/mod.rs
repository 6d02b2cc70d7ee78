//! What several lessons share and can test natively: formulas rendered as MathML, and numbers
//! formatted the way a lesson shows them, and state read from and written to a link.

pub mod math;
pub mod numbers;
pub mod url_state;
