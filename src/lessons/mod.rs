//! One folder per lesson. A lesson's maths and its state (one serialisable struct, which is
//! also its URL state) are plain Rust, tested natively with `cargo test`; its page, the Leptos
//! view, is compiled only into the wasm build (`page.rs`, behind `cfg(target_arch = "wasm32")`).

pub mod functions;
pub mod gan;
pub mod gradient_descent;
pub mod information;
pub mod mnist;
pub mod shared;
pub mod text;
