//! Speed measurements, ignored by default (they assert nothing and the machine may be busy):
//! `cargo test --release --test engine_bench -- --ignored --nocapture`
//! (`STEPWISE_THREADS=1` for the CPU ones on one thread).
//! The WebGPU ones run natively on whatever Vulkan adapter wgpu finds (lavapipe here: a CPU
//! rasteriser like the browser's SwiftShader, so a rough proxy for it, not the same numbers).

use stepwise::engine::layers::Module;
use std::time::Instant;
use stepwise::engine::backend::{Backend, Matmul};
use stepwise::engine::rng::Pcg32;
use stepwise::engine::CpuBackend;

fn gflops(shape: Matmul, seconds: f64) -> f64 {
    2.0 * (shape.m * shape.k * shape.n) as f64 / seconds / 1e9
}

/// `STEPWISE_THREADS=1` (or 2, …) limits the CPU backend's threads; unset: all cores.
fn threads_from_environment() {
    if let Some(n) = std::env::var("STEPWISE_THREADS").ok().and_then(|n| n.parse().ok()) {
        stepwise::engine::cpu::limit_threads(n);
    }
    eprintln!("on {} threads", stepwise::engine::cpu::threads());
}

/// Best of several runs, in seconds.
fn time(mut f: impl FnMut()) -> f64 {
    f();
    (0..7)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn matmul_cases() -> [(&'static str, Matmul); 5] {
    [
        ("512×512 · 512×512", Matmul::new(512, 512, 512)),
        ("MNIST forward X·W (64×784 · 784×500)", Matmul::new(64, 784, 500)),
        ("MNIST weight gradient Xᵀ·G (784×64 · 64×500)", Matmul::new(784, 64, 500).transpose_a().accumulate()),
        ("MNIST input gradient G·Wᵀ (64×500 · 500×784)", Matmul::new(64, 500, 784).transpose_b()),
        ("MNIST output layer H·W (64×500 · 500×10)", Matmul::new(64, 500, 10)),
    ]
}

/// Prints GFLOP/s for every case and transpose; `run` computes the product one or more times,
/// waits for it, and says how many times.
fn matmul_gflops<B: Backend>(backend: &B, mut run: impl FnMut(&B::Buffer, &B::Buffer, &B::Buffer, Matmul) -> usize) {
    let mut rng = Pcg32::from_seed(1);
    for (name, base) in matmul_cases() {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let shape = Matmul { transpose_a: ta, transpose_b: tb, ..base };
            let a = backend.upload(&(0..shape.m * shape.k).map(|_| rng.normal()).collect::<Vec<_>>());
            let b = backend.upload(&(0..shape.k * shape.n).map(|_| rng.normal()).collect::<Vec<_>>());
            let c = backend.zeros(shape.m * shape.n);
            let mut products = 1;
            let seconds = time(|| products = run(&a, &b, &c, shape)) / products as f64;
            eprintln!("{name:48} transpose_a {ta:5} transpose_b {tb:5}: {:6.2} GFLOP/s", gflops(shape, seconds));
        }
    }
}

#[test]
#[ignore]
fn matmul_gflops_for_every_transpose() {
    threads_from_environment();
    let cpu = CpuBackend::new();
    matmul_gflops(&cpu, |a, b, c, shape| {
        cpu.matmul(a, b, c, shape);
        1
    });
}

#[test]
#[ignore]
fn webgpu_matmul_gflops_for_every_transpose() {
    use stepwise::engine::webgpu::WebGpuBackend;
    let gpu = pollster::block_on(WebGpuBackend::new()).expect("a WebGPU adapter (install mesa-vulkan-drivers for lavapipe)");
    // Four products per read-back, as bench/engine-vs-tfjs.mjs does, so the wait is shared.
    matmul_gflops(&gpu, |a, b, c, shape| {
        for _ in 0..4 {
            gpu.matmul(a, b, c, shape);
        }
        pollster::block_on(gpu.read(c, 1));
        4
    });
}

#[test]
#[ignore]
fn mnist_shaped_adam_step_time() {
    threads_from_environment();
    use stepwise::engine::layers::{Activation, Sequential};
    use stepwise::engine::optim::{Method, Optimiser};
    use stepwise::engine::poll::now_or_never;
    use stepwise::engine::{one_hot, Tensor};
    let cpu = CpuBackend::new();
    let mut rng = Pcg32::from_seed(3);
    let model = Sequential::mlp(&cpu, &[784, 500, 10], Activation::Relu, &mut rng);
    let parameters = model.parameters();
    let mut adam = Optimiser::new(Method::adam(), 0.001);
    let x: Vec<f32> = (0..64 * 784).map(|_| rng.uniform()).collect();
    let labels: Vec<usize> = (0..64).map(|_| rng.below(10) as usize).collect();
    let targets = one_hot(&labels, 10);
    let mut phases = [0.0f64; 5];
    let mut step = || {
        let mut clock = Instant::now();
        let mut lap = |i: usize| {
            phases[i] += clock.elapsed().as_secs_f64();
            clock = Instant::now();
        };
        let x = Tensor::from_values(&cpu, &x, &[64, 784]);
        let t = Tensor::from_values(&cpu, &targets, &[64, 10]);
        lap(0);
        adam.zero_grad(&parameters);
        let loss = model.forward(&x).softmax_cross_entropy(&t);
        lap(1);
        loss.backward();
        lap(2);
        adam.step(&parameters);
        lap(3);
        now_or_never(loss.to_vec()).unwrap();
        drop(loss);
        lap(4);
    };
    let seconds = time(&mut step);
    eprintln!("784-500-10 Adam step, batch 64: {:.2} ms", seconds * 1000.0);
    drop(step);
    eprintln!("  inside the step (summed over 8 runs, ms): upload, forward, backward, update, read+drop = {:.2?}", phases.map(|p| p * 1e3));
    let x = Tensor::from_values(&cpu, &x, &[64, 784]);
    let t = Tensor::from_values(&cpu, &targets, &[64, 10]);
    let forward = time(|| drop(model.forward(&x).softmax_cross_entropy(&t)));
    let backward = time(|| model.forward(&x).softmax_cross_entropy(&t).backward()) - forward;
    let update = time(|| adam.step(&parameters));
    let zero = time(|| adam.zero_grad(&parameters));
    eprintln!(
        "  forward {:.2} ms, backward {:.2} ms, Adam update {:.2} ms, zero_grad {:.2} ms",
        forward * 1e3,
        backward * 1e3,
        update * 1e3,
        zero * 1e3
    );
}

/// The GPT lesson's default network (4 layers, 4 heads, width 128, context 64, batch 12: 768
/// tokens a step) trained natively on the CPU: tokens per second, against TinyGPT's published
/// 4,305 tokens/s (0.84 M numbers, threaded wasm SIMD on Apple silicon; the target is
/// twice that, in the browser). Native, so an upper bound for the page.
#[test]
#[ignore]
fn gpt_training_tokens_per_second() {
    use stepwise::lessons::gpt::model::Shape;
    use stepwise::lessons::gpt::trainer::{GptTrainer, Training};
    threads_from_environment();
    let text: Vec<u8> = (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 25) as u8 % 83).collect();
    let mut trainer = GptTrainer::new(&CpuBackend::new(), Shape::default(), Training::default());
    let seconds = time(|| {
        for _ in 0..5 {
            stepwise::engine::poll::now_or_never(trainer.step(&text).to_vec()).unwrap();
        }
    }) / 5.0;
    let tokens = 12.0 * 64.0 / seconds;
    eprintln!("GPT 4×128, context 64, batch 12: {:.1} ms a step, {tokens:.0} tokens/s = {:.2}× TinyGPT's 4,305", seconds * 1e3, tokens / 4305.0);
}
