//! What several integration tests share. (A folder module, so cargo does not run it as a test.)

use std::io::Write;

use stepwise::engine::webgpu::WebGpuBackend;

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
