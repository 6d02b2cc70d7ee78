//! The CNN lesson's network (`Settings::lenet()`, seed 1) trained 60 steps on real MNIST on the
//! CPU and on WebGPU (natively on Vulkan: lavapipe here and in CI) from the same seed: every
//! step's loss agrees, and so do the trained kernels. Then the GPU run moves to the CPU, as the
//! page does when the GPU is lost, and goes on where it was.
//!
//! Skipped, with a message, when no Vulkan adapter exists.
//! `XDG_RUNTIME_DIR=/tmp cargo test --test cnn_backends_agree -- --nocapture`

mod common;

use stepwise::engine::layers::Module;
use stepwise::engine::CpuBackend;
use stepwise::lessons::mnist::trainer::Trainer;
use stepwise::lessons::mnist::Settings;

const STEPS: usize = 60;
/// Largest relative difference between the backends' losses at any one step. Why 1e-3: the
/// conformance suite allows each GPU kernel 1e-3 relative (its `exp` and summation order
/// differ in the last bits); over 60 Adam steps these grow in the weights, but stay far below
/// what a wrong gradient does (the loss falls from 2.3 to about 0.5 over these steps).
const TOLERANCE: f64 = 1e-3;

#[test]
fn lenet_trains_alike_on_the_cpu_and_on_webgpu() {
    let Some(gpu) = common::gpu_or_skip("lenet_trains_alike_on_the_cpu_and_on_webgpu") else { return };
    let train = common::mnist_train();
    let cpu = CpuBackend::new();
    let mut on_cpu = Trainer::new(&cpu, Settings::lenet(), train.count);
    let mut on_gpu = Trainer::new(&gpu, Settings::lenet(), train.count);
    let mut worst = 0.0f64;
    let (mut first, mut last) = (0.0, 0.0);
    for step in 0..STEPS {
        let c = pollster::block_on(on_cpu.step(&train).to_vec())[0] as f64;
        let g = pollster::block_on(on_gpu.step(&train).to_vec())[0] as f64;
        worst = worst.max((c - g).abs() / c.abs().max(1e-3));
        if step == 0 {
            first = c;
        }
        last = c;
        assert!((c - g).abs() <= TOLERANCE * c.abs().max(1.0), "step {step}: CPU loss {c}, WebGPU {g}");
    }
    eprintln!("LeNet, {STEPS} steps: loss {first:.4} → {last:.4}; largest relative difference CPU/WebGPU {worst:.2e}");
    assert!(last < 0.7 * first, "the network learns: {first} → {last}");

    // The trained kernels agree too, number by number.
    for (c, g) in on_cpu.model.parameters().iter().zip(on_gpu.model.parameters()) {
        let (c, g) = (pollster::block_on(c.to_vec()), pollster::block_on(g.to_vec()));
        let scale = c.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let largest = c.iter().zip(&g).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        assert!(largest <= 1e-3 * scale.max(1e-3), "a parameter differs by {largest} (largest value {scale})");
    }

    // Losing the GPU: its run goes on on the CPU from the same step, computing what the GPU
    // itself would have.
    let snapshot = pollster::block_on(on_gpu.snapshot());
    let mut moved = Trainer::from_snapshot(&cpu, Settings::lenet(), &snapshot);
    for step in 0..10 {
        let g = pollster::block_on(on_gpu.step(&train).to_vec())[0] as f64;
        let c = pollster::block_on(moved.step(&train).to_vec())[0] as f64;
        assert!((g - c).abs() <= TOLERANCE * g.abs().max(1.0), "step {}: GPU {g}, moved to the CPU {c}", STEPS + step);
    }
}
