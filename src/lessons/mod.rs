//! One folder per lesson. A lesson's maths and its state (one serialisable struct, which is
//! also its URL state) are plain Rust, tested natively with `cargo test`; its page, the Leptos
//! view, is compiled only into the wasm build (`page.rs`, behind `cfg(target_arch = "wasm32")`).

//!
//! The light embed build (wasm without the `full` feature, see Cargo.toml) leaves out the
//! lessons that download datasets and train networks; natively every lesson is always built.

/// A lesson's page files (its Leptos views), compiled only into the wasm build.
macro_rules! page_files {
    ($($vis:vis mod $name:ident;)*) => {
        $(
            #[cfg(target_arch = "wasm32")]
            $vis mod $name;
        )*
    };
}
pub(crate) use page_files;

#[cfg(any(feature = "full", not(target_arch = "wasm32")))]
pub mod cnn;
pub mod functions;
#[cfg(any(feature = "full", not(target_arch = "wasm32")))]
pub mod gan;
#[cfg(any(feature = "full", not(target_arch = "wasm32")))]
pub mod gpt;
pub mod gradient_descent;
pub mod information;
#[cfg(test)]
mod link_properties;
#[cfg(any(feature = "full", not(target_arch = "wasm32")))]
pub mod mnist;
pub mod plan;
pub mod shared;
#[cfg(any(feature = "full", not(target_arch = "wasm32")))]
pub mod text;
#[cfg(any(feature = "full", not(target_arch = "wasm32")))]
pub mod vae;
