//! The training engine: tensors, autodiff, layers, losses, optimisers and backends.
//! Imports nothing from the UI, so it builds and tests natively as well as for wasm32.
//!
//! Layers from the bottom up:
//! - [`backend`]: the `Backend` trait, storage and kernels of one device, knowing nothing of
//!   gradients; [`cpu`] implements it.
//! - [`tensor`], [`autodiff`] and `ops`: tensors that record the ops that made them, and
//!   `backward()`.
//! - [`init`], [`rng`], [`optim`], [`layers`], [`export`]: what a training loop is built from.
//! - [`webgpu`]: the same kernels in WGSL, through `wgpu`.
//! - [`conformance`]: the one test suite every backend must pass.
//!
//! The light embed build (wasm without the `full` feature) leaves out `webgpu` and
//! `conformance`: its widgets train on the CPU only. Native builds always have both.

pub mod autodiff;
pub mod backend;
#[cfg(any(feature = "full", not(target_arch = "wasm32")))]
pub mod conformance;
pub mod cpu;
pub mod export;
pub mod init;
pub mod layers;
mod ops;
pub mod optim;
pub mod poll;
pub mod rng;
pub mod tensor;
pub mod training;
#[cfg(any(feature = "full", not(target_arch = "wasm32")))]
pub mod webgpu;
pub mod window;
pub mod workload;

pub use backend::Backend;
pub use cpu::CpuBackend;
pub use ops::{one_hot, Bags, LAYER_NORM_EPSILON};
pub use tensor::Tensor;
