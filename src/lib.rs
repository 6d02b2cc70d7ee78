//! Stepwise: a machine-learning playground that trains in the browser.
//!
//! Layers, each importing only those below it (ARCHITECTURE.md; tests/layers.rs checks):
//! `engine` and `data` (plain Rust), `catalog` (what lessons and widgets exist, as data),
//! `lessons` (each lesson's maths, state and, in wasm, its views), `ui` (the wasm kit the
//! lessons share) and `app` (shell, routes, home, Lab). `worker` is the training worker's entry.
//! Everything but `ui` and `app` builds and tests natively (`cargo test`).

pub mod catalog;
pub mod data;
pub mod engine;
pub mod lessons;
pub mod worker;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod ui;
