//! The wasm UI kit every lesson and the app shell share, written once: where the page is
//! (`address`), state in the link (`share`, `host_api`, `training_link`), charts and formulas,
//! the training loop on the page's thread, the worker client, the GPU loop, downloads and files,
//! and what this device can compute with. Imports `engine`, `data`, `lessons::shared` and
//! `catalog`; never a lesson's folder or `app` (tests/layers.rs checks).

pub mod address;
pub mod chart;
pub(crate) mod compute;
pub mod download;
pub mod files;
#[cfg(feature = "full")]
pub mod gpu_training;
pub mod host_api;
pub mod keep_view;
pub mod keys;
pub mod math;
pub mod panel;
pub mod pointer;
pub mod settings_form;
pub mod share;
pub mod training;
pub mod training_link;
#[cfg(feature = "full")]
pub mod where_training;
#[cfg(feature = "full")]
pub mod worker_client;

pub use chart::{css_colour, Chart};
pub use math::Math;
pub use panel::{Lede, More, OneLine, PageIntro, Panel, Stat};
#[cfg(feature = "full")]
pub use where_training::{GpuChoice, Thread, TrainOn, WhereTraining};
