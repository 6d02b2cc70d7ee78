//! The training worker: a dedicated Web Worker that trains off the page's thread, so typing,
//! drawing and painting never wait for a training step. Trunk builds it as its own small binary
//! (`src/bin/trainer.rs`, `data-type="worker"` in `index.html`): the engine and the lesson's
//! model without Leptos, the router or WebGPU, loaded only when training starts.
//!
//! Why hand-written over `gloo-worker`: the page must send and receive one transferable
//! `ArrayBuffer` per snapshot (gloo-worker copies every message through bincode), and the
//! protocol is four messages ([`protocol`]). wasm-bindgen's own worker pattern is what this is.
//!
//! Today the Digits, GAN, Text, tiny GPT and VAE lessons train here on the CPU: on every core in the threaded build
//! (`feature = "threads"`, scripts/build-threads.sh; the page starts it when it is cross-origin
//! isolated), else on one thread. The page keeps each
//! lesson's state (a mirror of the run, restored from each snapshot); see
//! `lessons/{mnist,gan,text}/worker_run.rs`.

#[cfg(any(feature = "full", not(target_arch = "wasm32")))]
pub mod protocol;

#[cfg(all(target_arch = "wasm32", feature = "full"))]
mod digits;
#[cfg(all(target_arch = "wasm32", feature = "full"))]
mod gan;
#[cfg(all(target_arch = "wasm32", feature = "full"))]
mod gpt;
#[cfg(all(target_arch = "wasm32", feature = "full"))]
mod host;
#[cfg(all(target_arch = "wasm32", feature = "full"))]
mod probe;
#[cfg(all(target_arch = "wasm32", feature = "full"))]
mod text;
#[cfg(all(target_arch = "wasm32", feature = "full"))]
mod vae;
#[cfg(all(target_arch = "wasm32", feature = "full"))]
pub use host::start;

/// The light embed build has no lesson that trains in a worker; Trunk still builds the binary,
/// and `scripts/build-site.sh` keeps the full build's worker files, never this one.
#[cfg(all(target_arch = "wasm32", not(feature = "full")))]
pub fn start() {}
