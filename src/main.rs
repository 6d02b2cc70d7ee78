//! The browser entry point: Trunk builds this binary to wasm32 and mounts the app.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    stepwise::app::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Stepwise runs in the browser: see README.md (scripts/serve.sh builds and serves it).");
}
