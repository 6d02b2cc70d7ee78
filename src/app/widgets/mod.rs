//! Widgets every lesson shares: formulas, charts, and state in the link. Written once, here.

pub mod chart;
pub mod host_api;
pub mod math;
pub mod share;
pub mod training_link;
#[cfg(feature = "full")]
pub mod where_training;

pub use chart::{css_colour, Chart};
pub use math::Math;
#[cfg(feature = "full")]
pub use where_training::{GpuChoice, Thread, TrainOn, WhereTraining};
