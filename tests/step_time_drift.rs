//! Why does a long run slow down? The Digits network trained for many epochs natively, with the
//! time per step and the count of subnormal numbers (below f32's normal range, where x86 takes a
//! slow path) in the weights and Adam's state printed every 4,000 steps. A measurement, not a
//! claim: `cargo test --release --test step_time_drift -- --ignored --nocapture`. One thread, so
//! that `DRIFT_FTZ=1` (x86's flush-to-zero and denormals-are-zero, which wasm cannot set) covers
//! every operation: if the drift goes with it, subnormals cause it.

use std::time::Instant;

mod common;

use stepwise::engine::poll::now_or_never;
use stepwise::engine::CpuBackend;
use stepwise::lessons::mnist::trainer::Trainer;
use stepwise::lessons::mnist::Settings;

#[test]
#[ignore]
fn time_per_step_and_subnormals_over_a_long_run() {
    let train = common::mnist_train();
    stepwise::engine::cpu::limit_threads(1);
    #[cfg(target_arch = "x86_64")]
    if std::env::var("DRIFT_FTZ").is_ok_and(|v| v == "1") {
        #[allow(deprecated)]
        // SAFETY: only the floating-point control bits of this thread change (FTZ 0x8000, DAZ 0x0040).
        unsafe {
            use std::arch::x86_64::{_mm_getcsr, _mm_setcsr};
            _mm_setcsr(_mm_getcsr() | 0x8040)
        };
        eprintln!("flush-to-zero and denormals-are-zero on");
    }
    let cpu = CpuBackend::new();
    let mut trainer = Trainer::new(&cpu, Settings::default(), train.count);
    let steps: u32 = std::env::var("DRIFT_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(48_000);
    let mut start = Instant::now();
    while trainer.steps() < steps {
        trainer.step(&train);
        if trainer.steps().is_multiple_of(4_000) {
            let ms = start.elapsed().as_secs_f64() * 1000.0 / 4_000.0;
            let snapshot = now_or_never(trainer.snapshot()).unwrap();
            let subnormal = |v: &[f32]| v.iter().filter(|x| x.is_subnormal()).count();
            let weights: usize = snapshot.parameters.iter().map(|p| subnormal(p)).sum();
            let state: usize = snapshot.optimisers.iter().flat_map(|o| o.state.iter().flatten()).map(|s| subnormal(s)).sum();
            let zeros: usize = snapshot.parameters.iter().map(|p| p.iter().filter(|&&x| x == 0.0).count()).sum();
            eprintln!("step {}: {ms:.2} ms a step; subnormal: {weights} weights, {state} in Adam's state; {zeros} weights exactly 0", trainer.steps());
            start = Instant::now();
        }
    }
}
