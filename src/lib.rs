//! Stepwise: a machine-learning playground that trains in the browser.
//!
//! `engine`, `data` and the lessons' maths and state (`lessons`) are plain Rust with no UI imports, so they build and test natively
//! (`cargo test`). `app` is the Leptos front end and exists only in the wasm32 build.

pub mod data;
pub mod engine;
pub mod lessons;
pub mod worker;

#[cfg(target_arch = "wasm32")]
pub mod app;
