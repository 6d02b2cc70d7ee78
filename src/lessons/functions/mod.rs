//! `/functions`: being built. The maths and the lesson's state live here (tested natively); the
//! page is `page.rs` (wasm only).

#[cfg(target_arch = "wasm32")]
pub mod page;
