//! The training worker's entry point: Trunk builds this binary as a Web Worker
//! (`data-type="worker"` in index.html). See `src/worker/`.

#[cfg(target_arch = "wasm32")]
fn main() {
    stepwise::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The training worker runs in the browser: see README.md.");
}
