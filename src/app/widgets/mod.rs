//! Widgets every lesson shares: formulas and charts. Written once, here.

pub mod chart;
pub mod math;

pub use chart::{css_colour, Chart};
pub use math::Math;
