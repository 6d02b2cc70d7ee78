//! Why does a long run slow down? The Digits network trained for many epochs natively, with the
//! time per step and the count of subnormal numbers (below f32's normal range, where x86 takes a
//! slow path) in the weights and Adam's state printed every 4,000 steps. A measurement, not a
//! claim: `cargo test --release --test step_time_drift -- --ignored --nocapture`. One thread, so
//! that `DRIFT_FTZ=1` (x86's flush-to-zero and denormals-are-zero, which wasm cannot set) covers
//! every operation: if the drift goes with it, subnormals cause it. `DRIFT_GRAPH=1` also counts
//! subnormal numbers in every tensor of one step's graph.
//!
//! Found with these (December 2026): a step grew from 1.8 to 2.8 ms over 100,000 steps without
//! flush-to-zero and stayed at 1.7–1.9 ms with it, while no stored tensor (weights, Adam's
//! state, any value or gradient in the graph) held a subnormal number. Timing the two halves
//! (`which_half_of_a_step_slows_down`) put all of it in Adam's update: a vectorised loop
//! computed (1 − β₂)·g·g for tiny gradients and only then threw it away. Since the fix in
//! `src/engine/cpu/update.rs`, the update stays at 0.31 ms a step over 48,000 steps.

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
            if std::env::var("DRIFT_GRAPH").is_ok_and(|v| v == "1") {
                eprintln!("  subnormal numbers in one step's graph (first 64 training digits): {}", subnormals_in_a_step(&trainer, &train));
            }
            start = Instant::now();
        }
    }
}

/// Where a step makes subnormal numbers: every tensor of one forward and backward pass on the
/// first 64 training digits, its values and its gradient, counted by the op that made it
/// (`DRIFT_GRAPH=1`). The weights are not changed (no update is applied).
fn subnormals_in_a_step(trainer: &Trainer<CpuBackend>, train: &stepwise::data::mnist::MnistSet) -> String {
    use stepwise::engine::layers::Module;
    use stepwise::engine::Tensor;
    let cpu = CpuBackend::new();
    let pixels: Vec<f32> = (0..64).flat_map(|i| train.image_f32(i)).collect();
    let mut targets = vec![0.0f32; 64 * 10];
    (0..64).for_each(|i| targets[i * 10 + train.label(i) as usize] = 1.0);
    let x = Tensor::from_values(&cpu, &pixels, &[64, 784]);
    let loss = trainer.model.forward(&x).softmax_cross_entropy(&Tensor::from_values(&cpu, &targets, &[64, 10]));
    loss.backward();
    let count = |v: Option<Vec<f32>>| v.map_or(0, |v| v.iter().filter(|x| x.is_subnormal()).count());
    let found: Vec<String> = loss
        .topological_order()
        .iter()
        .map(|t| (t.op(), t.shape().to_vec(), count(now_or_never(t.to_vec())), count(now_or_never(t.grad_to_vec()).flatten())))
        .filter(|(_, _, v, g)| v + g > 0)
        .map(|(op, shape, v, g)| format!("{op} {shape:?}: {v} in values, {g} in gradients"))
        .collect();
    for p in trainer.model.parameters() {
        p.zero_grad();
    }
    if found.is_empty() { "none".into() } else { found.join("; ") }
}

/// Which half of a step slows down: the same training written out (forward and backward, then
/// Adam's update), with x86's flush-to-zero on around one half only, `DRIFT_FTZ_PART=backward`
/// or `update`, and the time of each half printed every 4,000 steps (`DRIFT_STEPS` as above).
/// `cargo test --release --test step_time_drift which_half -- --ignored --nocapture`.
#[test]
#[ignore]
fn which_half_of_a_step_slows_down() {
    use stepwise::engine::layers::{Module, Sequential};
    use stepwise::engine::optim::Optimiser;
    use stepwise::engine::rng::Pcg32;
    use stepwise::engine::training::EpochCursor;
    use stepwise::engine::Tensor;
    let train = common::mnist_train();
    stepwise::engine::cpu::limit_threads(1);
    let part = std::env::var("DRIFT_FTZ_PART").unwrap_or_default();
    #[cfg(target_arch = "x86_64")]
    let flush = |on: bool| {
        #[allow(deprecated)]
        // SAFETY: only the floating-point control bits of this thread change (FTZ 0x8000, DAZ 0x0040).
        unsafe {
            use std::arch::x86_64::{_mm_getcsr, _mm_setcsr};
            _mm_setcsr(if on { _mm_getcsr() | 0x8040 } else { _mm_getcsr() & !0x8040 })
        };
    };
    #[cfg(not(target_arch = "x86_64"))]
    let flush = |_: bool| {};
    let settings = Settings::default();
    let cpu = CpuBackend::new();
    let mut rng = Pcg32::from_seed(settings.seed);
    let model = Sequential::mlp(&cpu, &settings.layer_sizes(), settings.activation, &mut rng);
    let parameters = model.parameters();
    let mut optimiser = Optimiser::new(settings.optimiser, settings.learning_rate);
    let mut cursor = EpochCursor::new(0..train.count, &mut rng);
    let steps: u32 = std::env::var("DRIFT_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(48_000);
    let (mut backward, mut update) = (0.0, 0.0);
    for step in 1..=steps {
        let batch = cursor.next_batch(settings.batch_size, &mut rng);
        let pixels: Vec<f32> = batch.iter().flat_map(|&i| train.image_f32(i)).collect();
        let mut targets = vec![0.0f32; batch.len() * 10];
        batch.iter().enumerate().for_each(|(r, &i)| targets[r * 10 + train.label(i) as usize] = 1.0);
        let x = Tensor::from_values(&cpu, &pixels, &[batch.len(), 784]);
        let t = Tensor::from_values(&cpu, &targets, &[batch.len(), 10]);
        let start = Instant::now();
        flush(part == "backward");
        optimiser.zero_grad(&parameters);
        model.forward(&x).softmax_cross_entropy(&t).backward();
        flush(false);
        let middle = Instant::now();
        flush(part == "update");
        optimiser.step(&parameters);
        flush(false);
        backward += (middle - start).as_secs_f64();
        update += middle.elapsed().as_secs_f64();
        if step % 4_000 == 0 {
            eprintln!("step {step}: forward and backward {:.2} ms, update {:.2} ms a step (flush-to-zero around: {part:?})", backward * 1000.0 / 4_000.0, update * 1000.0 / 4_000.0);
            (backward, update) = (0.0, 0.0);
        }
    }
}
