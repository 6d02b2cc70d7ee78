//! Widgets every lesson shares: formulas, charts, and state in the link. Written once, here.

pub mod chart;
pub mod host_api;
pub mod math;
pub mod share;
pub mod training_link;

pub use chart::{css_colour, Chart};
pub use math::Math;
