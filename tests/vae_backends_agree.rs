//! The VAE lesson's model (the default sizes, seed 1) trained for a few steps on real MNIST on
//! the CPU and on WebGPU (natively on Vulkan: lavapipe on our machines and CI): both terms of
//! the loss agree step by step, and so do the decoded images and the test ELBO at the end. Also
//! prints each backend's steps per second (speed is reported, not asserted).
//!
//! Skipped, with a message, when no Vulkan adapter exists. Run with the figures printed:
//! `XDG_RUNTIME_DIR=/tmp cargo test --test vae_backends_agree -- --nocapture`

mod common;

use std::time::Instant;

use stepwise::data::mnist::MnistSet;
use stepwise::engine::{Backend, CpuBackend};
use stepwise::lessons::vae::model::{kl_per_image, Terms, Vae};
use stepwise::lessons::vae::Settings;

const STEPS: usize = 20;
/// Largest allowed relative difference between the backends' terms in any one step. Why 1e-3:
/// both runs start from the same weights and see the same batches and ε; only the last bits of
/// `exp`, `log` and summation order differ (the conformance suite allows 1e-3 relative per
/// kernel), and Adam lets those bits grow a little each step. A wrong gradient or a skipped
/// update moves the reconstruction term (about 200–550 nats) by far more within a few steps.
const TOLERANCE: f64 = 1e-3;
/// The same for the decoded pixels (in [0, 1]) after the run.
const PIXEL_TOLERANCE: f32 = 1e-2;

fn run<B: Backend>(backend: &B, train: &MnistSet, test: &MnistSet) -> (Vec<Terms>, Vec<f32>, Terms, f64) {
    let mut vae = Vae::new(backend, Settings::default(), train.count);
    let start = Instant::now();
    let terms = (0..STEPS)
        .map(|_| {
            let (pass, _) = vae.train_step(train);
            let read = |t: &stepwise::engine::Tensor<B>| pollster::block_on(t.to_vec())[0] as f64;
            Terms { reconstruction: read(&pass.reconstruction), kl: kl_per_image(read(&pass.kl_sum), 2) }
        })
        .collect();
    let speed = STEPS as f64 / start.elapsed().as_secs_f64();
    let images = pollster::block_on(vae.draw(&[0.0, 0.0, 1.0, -1.0, -2.0, 0.5]));
    let first: Vec<usize> = (0..500).collect();
    let evaluated = pollster::block_on(vae.evaluate(test, &first));
    (terms, images, evaluated, speed)
}

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / (1.0 + b.abs())
}

#[test]
fn a_short_seeded_vae_run_gives_the_same_terms_on_the_cpu_and_on_webgpu() {
    let Some(gpu) = common::gpu_or_skip("a_short_seeded_vae_run_gives_the_same_terms_on_the_cpu_and_on_webgpu") else { return };
    let (train, test) = (common::mnist_train(), common::mnist_test());
    let (cpu, cpu_images, cpu_test, cpu_speed) = run(&CpuBackend::new(), &train, &test);
    let (gpu_terms, gpu_images, gpu_test, gpu_speed) = run(&gpu, &train, &test);
    let worst = cpu.iter().zip(&gpu_terms).map(|(c, g)| relative(c.reconstruction, g.reconstruction).max(relative(c.kl, g.kl))).fold(0.0, f64::max);
    let worst_pixel = cpu_images.iter().zip(&gpu_images).map(|(c, g)| (c - g).abs()).fold(0.0, f32::max);
    eprintln!(
        "{STEPS} VAE steps: CPU {cpu_speed:.1} steps/s, WebGPU {gpu_speed:.1} steps/s; largest relative term difference {worst:.2e}, \
         largest pixel difference {worst_pixel:.2e}; test ELBO (500 images) CPU {:.3}, WebGPU {:.3}",
        cpu_test.total(),
        gpu_test.total()
    );
    // The run learns: the reconstruction term falls from its start.
    assert!(cpu[STEPS - 1].reconstruction < cpu[0].reconstruction - 50.0, "{cpu:?}");
    assert!(worst <= TOLERANCE, "terms differ by {worst}: CPU {cpu:?}, GPU {gpu_terms:?}");
    assert!(worst_pixel <= PIXEL_TOLERANCE, "decoded images differ by {worst_pixel}");
    assert!(relative(cpu_test.total(), gpu_test.total()) <= TOLERANCE);
}
