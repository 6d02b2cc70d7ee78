//! The GAN lesson's model (the default networks and settings, seed 1) trained for a few
//! iterations on real MNIST on the CPU and on WebGPU (natively on Vulkan: lavapipe on our
//! machines and CI): D's and G's losses agree iteration by iteration, and so do G's images at
//! the end. Also prints each backend's iterations per second (speed is reported, not asserted).
//!
//! Skipped, with a message, when no Vulkan adapter exists. Run with the figures printed:
//! `XDG_RUNTIME_DIR=/tmp cargo test --test gan_backends_agree -- --nocapture`

mod common;

use std::time::Instant;

use stepwise::data::mnist::MnistSet;
use stepwise::engine::rng::Pcg32;
use stepwise::engine::{Backend, CpuBackend};
use stepwise::lessons::gan::model::{noise, Gan};
use stepwise::lessons::gan::Settings;

const ITERATIONS: usize = 30;
/// Largest allowed difference between the backends' losses in any one iteration. Why 2e-3:
/// both runs start from the same weights and see the same batches, noise and dropout masks;
/// only the last bits of `exp`, `log` and summation order differ (the conformance suite allows
/// 1e-3 relative per kernel), and Adam (dividing by √v) lets those bits grow a little each step.
/// A real bug (a wrong gradient, a skipped update, a mask applied differently) moves a loss by
/// 0.05 or more within a few iterations. Measured on lavapipe: 1.2e-7 (pixels 6.6e-7); the
/// margin is for other GPUs, whose `exp` and summation order differ more.
const LOSS_TOLERANCE: f64 = 2e-3;
/// The same for G's pixels (in [−1, 1]) after the run.
const PIXEL_TOLERANCE: f32 = 2e-2;

/// Each iteration's (D loss, G loss), G's images for a fixed batch of noise, and iterations/s.
fn run<B: Backend>(backend: &B, set: &MnistSet, settings: &Settings) -> (Vec<(f64, f64)>, Vec<f32>, f64) {
    let mut gan = Gan::new(backend, settings.clone(), set.count);
    let start = Instant::now();
    let losses = (0..ITERATIONS).map(|_| gan.iterate(set)).map(|r| (r.discriminator_loss, r.generator_loss)).collect();
    let speed = ITERATIONS as f64 / start.elapsed().as_secs_f64();
    // A conditional G is asked for digits 0–9, 0–5.
    let digits: Vec<u8> = if settings.conditional { (0..16).map(|i| i % 10).collect() } else { Vec::new() };
    let images = gan.generate(&noise(&mut Pcg32::new(9, 2), 16, gan.settings.latent), &digits);
    (losses, images, speed)
}

#[test]
fn a_short_seeded_gan_run_gives_the_same_losses_on_the_cpu_and_on_webgpu() {
    let Some(gpu) = common::gpu_or_skip("a_short_seeded_gan_run_gives_the_same_losses_on_the_cpu_and_on_webgpu") else { return };
    both_backends_agree(&gpu, &Settings::default());
}

/// The conditional GAN ("Pick the digit"): labels into G's input, D's first layer and D's
/// projection, on both backends.
#[test]
fn a_short_seeded_conditional_gan_run_gives_the_same_losses_on_the_cpu_and_on_webgpu() {
    let Some(gpu) = common::gpu_or_skip("a_short_seeded_conditional_gan_run_gives_the_same_losses_on_the_cpu_and_on_webgpu") else { return };
    both_backends_agree(&gpu, &Settings::default().pick_the_digit());
}

fn both_backends_agree<B: Backend>(gpu: &B, settings: &Settings) {
    let set = common::mnist_train();
    let (cpu_losses, cpu_images, cpu_speed) = run(&CpuBackend::new(), &set, settings);
    let (gpu_losses, gpu_images, gpu_speed) = run(gpu, &set, settings);
    let worst = cpu_losses.iter().zip(&gpu_losses).map(|(c, g)| (c.0 - g.0).abs().max((c.1 - g.1).abs())).fold(0.0, f64::max);
    let worst_pixel = cpu_images.iter().zip(&gpu_images).map(|(c, g)| (c - g).abs()).fold(0.0, f32::max);
    eprintln!(
        "{ITERATIONS} GAN iterations (conditional: {}): CPU {cpu_speed:.1} iterations/s, WebGPU {gpu_speed:.1} iterations/s; \
         largest loss difference {worst:.2e}, largest pixel difference {worst_pixel:.2e}",
        settings.conditional
    );
    // The run is a real game, not a frozen one: D's loss moves away from its start.
    assert!((cpu_losses[0].0 - cpu_losses[ITERATIONS - 1].0).abs() > 0.05, "{cpu_losses:?}");
    assert!(worst <= LOSS_TOLERANCE, "losses differ by {worst}: CPU {cpu_losses:?}, GPU {gpu_losses:?}");
    assert!(worst_pixel <= PIXEL_TOLERANCE, "G's images differ by {worst_pixel}");
}
