//! The VAE's numbers against references computed another way: the closed-form KL against
//! numerical integration, the whole negative ELBO against an f64 recomputation, and the
//! reparameterised gradients against finite differences of that f64 loss with ε fixed.

use super::*;
use crate::engine::training::Driver;
use crate::lessons::shared::reference::{forward, host_layer, HostLayer};

fn tiny_set() -> MnistSet {
    MnistSet::synthetic_ten()
}

fn tiny_settings() -> Settings {
    Settings { latent: 2, hidden: 6, batch_size: 4, seed: 5, beta: 1.5, ..Settings::default() }
}

fn read(t: &Tensor<CpuBackend>) -> Vec<f64> {
    now_or_never(t.to_vec()).unwrap().into_iter().map(f64::from).collect()
}

/// KL(N(μ, σ²) ‖ N(0, 1)) = ∫ q(z) log(q(z)/p(z)) dz by Simpson's rule over μ ± 12σ.
fn kl_by_integration(mu: f64, sigma: f64) -> f64 {
    let density = |z: f64, m: f64, s: f64| (-(z - m).powi(2) / (2.0 * s * s)).exp() / (s * (2.0 * std::f64::consts::PI).sqrt());
    let (a, b, n) = (mu - 12.0 * sigma, mu + 12.0 * sigma, 20_000);
    let h = (b - a) / n as f64;
    let f = |z: f64| {
        let q = density(z, mu, sigma);
        if q == 0.0 { 0.0 } else { q * (q / density(z, 0.0, 1.0)).ln() }
    };
    (0..=n).map(|i| f(a + i as f64 * h) * if i == 0 || i == n { 1.0 } else if i % 2 == 1 { 4.0 } else { 2.0 }).sum::<f64>() * h / 3.0
}

/// The five layers in f64.
struct HostVae {
    encoder: HostLayer,
    mean: HostLayer,
    log_variance: HostLayer,
    decoder: HostLayer,
    drawing: HostLayer,
}

impl HostVae {
    fn of(vae: &Vae<CpuBackend>) -> Self {
        HostVae {
            encoder: host_layer(&vae.encoder),
            mean: host_layer(&vae.mean),
            log_variance: host_layer(&vae.log_variance),
            decoder: host_layer(&vae.decoder),
            drawing: host_layer(&vae.drawing),
        }
    }

    fn layers_mut(&mut self) -> [&mut HostLayer; 5] {
        [&mut self.encoder, &mut self.mean, &mut self.log_variance, &mut self.decoder, &mut self.drawing]
    }

    /// (reconstruction, KL) per image, averaged over the rows, straight from the formulas.
    fn terms(&self, x: &[f64], noise: &[f64], rows: usize) -> (f64, f64) {
        let h = forward(std::slice::from_ref(&self.encoder), x, rows);
        let mu = forward(std::slice::from_ref(&self.mean), &h, rows);
        let log_var = forward(std::slice::from_ref(&self.log_variance), &h, rows);
        let z: Vec<f64> = (0..mu.len()).map(|i| mu[i] + (0.5 * log_var[i]).exp() * noise[i]).collect();
        let logits = forward(&[clone(&self.decoder), clone(&self.drawing)], &z, rows);
        let bce: f64 = logits.iter().zip(x).map(|(&l, &t)| l.max(0.0) - l * t + (-l.abs()).exp().ln_1p()).sum();
        let kl: f64 = mu.iter().zip(&log_var).map(|(&m, &v)| 0.5 * (m * m + v.exp() - v - 1.0)).sum();
        (bce / rows as f64, kl / rows as f64)
    }
}

fn clone(l: &HostLayer) -> HostLayer {
    HostLayer { weights: l.weights.clone(), bias: l.bias.clone(), inputs: l.inputs, outputs: l.outputs, activation: l.activation }
}

fn inputs(rows: usize, latent: usize) -> (Vec<f32>, Vec<f32>) {
    let mut rng = Pcg32::from_seed(17);
    let x = (0..rows * IMAGE_PIXELS).map(|_| rng.uniform()).collect();
    let noise = (0..rows * latent).map(|_| rng.normal()).collect();
    (x, noise)
}

#[test]
fn the_closed_form_kl_matches_numerical_integration() {
    for (mu, sigma) in [(0.0, 1.0), (1.3, 0.4), (-2.0, 2.5), (0.2, 0.05)] {
        let closed = 0.5 * (mu * mu + sigma * sigma - (sigma * sigma as f64).ln() - 1.0);
        let integrated = kl_by_integration(mu, sigma);
        assert!((closed - integrated).abs() < 1e-8, "μ {mu}, σ {sigma}: closed form {closed}, integral {integrated}");
    }
}

#[test]
fn the_engines_kl_term_is_the_integral_for_the_mu_and_sigma_the_encoder_gives() {
    let cpu = CpuBackend::new();
    let vae = Vae::new(&cpu, tiny_settings(), 10);
    let (x, noise) = inputs(3, 2);
    let pass = vae.pass(&Tensor::from_values(&cpu, &x, &[3, IMAGE_PIXELS]), &noise);
    let (mu, log_var) = (read(&pass.mean), read(&pass.log_variance));
    let integrated: f64 = mu.iter().zip(&log_var).map(|(&m, &v)| kl_by_integration(m, (0.5 * v).exp())).sum::<f64>() / 3.0;
    let engine = kl_per_image(read(&pass.kl_sum)[0], 2);
    assert!((engine - integrated).abs() < 1e-5 * (1.0 + integrated), "engine {engine}, integral {integrated}");
}

#[test]
fn a_pass_matches_the_f64_formulas_term_by_term() {
    let cpu = CpuBackend::new();
    let vae = Vae::new(&cpu, tiny_settings(), 10);
    let (x, noise) = inputs(3, 2);
    let pass = vae.pass(&Tensor::from_values(&cpu, &x, &[3, IMAGE_PIXELS]), &noise);
    let to64 = |v: &[f32]| v.iter().map(|&v| v as f64).collect::<Vec<_>>();
    let (reconstruction, kl) = HostVae::of(&vae).terms(&to64(&x), &to64(&noise), 3);
    let got = read(&pass.reconstruction)[0];
    assert!((got - reconstruction).abs() < 1e-5 * reconstruction, "reconstruction: engine {got}, f64 {reconstruction}");
    let got_kl = kl_per_image(read(&pass.kl_sum)[0], 2);
    assert!((got_kl - kl).abs() < 1e-5 * (1.0 + kl), "KL: engine {got_kl}, f64 {kl}");
    let loss = read(&pass.loss)[0];
    let want = reconstruction + 1.5 * (kl + 1.0); // β·(KL + latent/2): the constant stays out of the graph
    assert!((loss - want).abs() < 1e-5 * want, "loss: engine {loss}, f64 {want}");
    // z is μ + σ·ε, row by row.
    let (mu, log_var, z) = (read(&pass.mean), read(&pass.log_variance), read(&pass.z));
    for i in 0..z.len() {
        let want = mu[i] + (0.5 * log_var[i]).exp() * noise[i] as f64;
        assert!((z[i] - want).abs() < 1e-6 * (1.0 + want.abs()), "z[{i}]: {} against {want}", z[i]);
    }
}

/// Every layer's gradient (a spread of its entries) against central differences of the f64
/// loss with ε held fixed: the reparameterisation lets the gradient flow through μ and σ.
#[test]
fn the_reparameterised_gradients_match_finite_differences_with_epsilon_fixed() {
    let cpu = CpuBackend::new();
    let settings = tiny_settings();
    let vae = Vae::new(&cpu, settings.clone(), 10);
    let (x, noise) = inputs(2, 2);
    let pass = vae.pass(&Tensor::from_values(&cpu, &x, &[2, IMAGE_PIXELS]), &noise);
    pass.loss.backward();
    let to64 = |v: &[f32]| v.iter().map(|&v| v as f64).collect::<Vec<_>>();
    let (x64, noise64) = (to64(&x), to64(&noise));
    let beta = settings.beta as f64;
    let loss = |host: &HostVae| {
        let (r, k) = host.terms(&x64, &noise64, 2);
        r + beta * k
    };
    let mut host = HostVae::of(&vae);
    let dense = [&vae.encoder, &vae.mean, &vae.log_variance, &vae.decoder, &vae.drawing];
    let h = 1e-6;
    for (layer, d) in dense.iter().enumerate() {
        for (which, tensor) in [(false, &d.weights), (true, &d.bias)] {
            let grad = now_or_never(cpu.read(&tensor.grad().expect("every parameter gets a gradient"), tensor.len())).unwrap();
            let len = tensor.len();
            for i in [0, len / 3, len / 2, len - 1] {
                let mut nudge = |delta: f64| {
                    let l = &mut host.layers_mut()[layer];
                    *if which { &mut l.bias[i] } else { &mut l.weights[i] } += delta;
                    loss(&host)
                };
                let up = nudge(h);
                let down = nudge(-2.0 * h);
                nudge(h);
                let want = (up - down) / (2.0 * h);
                let got = grad[i] as f64;
                assert!((got - want).abs() < 2e-4 + 2e-3 * want.abs(), "layer {layer} {} [{i}]: engine {got}, finite differences {want}", if which { "bias" } else { "weights" });
            }
        }
    }
}

#[test]
fn the_layers_have_the_issues_shapes() {
    let vae = Vae::new(&CpuBackend::new(), Settings::default(), 10);
    let shape = |d: &Dense<CpuBackend>| (d.inputs(), d.outputs());
    assert_eq!(shape(&vae.encoder), (784, 512));
    assert_eq!(shape(&vae.mean), (512, 2));
    assert_eq!(shape(&vae.log_variance), (512, 2));
    assert_eq!(shape(&vae.decoder), (2, 512));
    assert_eq!(shape(&vae.drawing), (512, 784));
    // The page's count of numbers to learn is the model's own: 807,700 by hand, 784·512 + 512
    // + 2·(512·2 + 2) + 2·512 + 512 + 512·784 + 784.
    let learned: usize = vae.parameters.iter().map(|p| p.len()).sum();
    assert_eq!((Settings::default().parameter_count(), learned), (807_700, 807_700));
    let images = now_or_never(vae.draw(&[0.0, 0.0, 1.0, -1.0])).unwrap();
    assert_eq!(images.len(), 2 * 784);
    assert!(images.iter().all(|p| (0.0..=1.0).contains(p)));
}

/// Steps report the terms the model computes, the loss goes down on a set it can learn, and a
/// snapshot resumes the run bit for bit (the weights, Adam, the epoch and the ε stream).
#[test]
fn training_lowers_the_loss_and_a_snapshot_resumes_bit_for_bit() {
    let cpu = CpuBackend::new();
    let set = tiny_set();
    let mut vae = Vae::new(&cpu, tiny_settings(), set.count);
    let mut driver = Driver::new(f64::INFINITY);
    let first = vae.step(&set);
    assert_eq!(first.images, 4);
    assert!((first.loss - (first.terms.reconstruction + 1.5 * first.terms.kl)).abs() < 1e-9);
    driver.run_steps(&mut vae, &set, 40);
    let snapshot = now_or_never(vae.snapshot()).unwrap();
    let later: Vec<VaeStep> = (0..5).map(|_| vae.step(&set)).collect();
    assert!(later[4].terms.reconstruction < first.terms.reconstruction, "{later:?} against {first:?}");
    let mut resumed = Vae::new(&cpu, tiny_settings(), set.count);
    resumed.restore(&Snapshot::from_bytes(&snapshot.to_bytes()).unwrap());
    let again: Vec<VaeStep> = (0..5).map(|_| resumed.step(&set)).collect();
    assert_eq!(again, later);
}

#[test]
fn a_huge_learning_rate_is_caught_as_blown_up() {
    let step = VaeStep { terms: Terms { reconstruction: 1e9, kl: 3.0 }, loss: 1e9, images: 4 };
    assert!(step.blown_up());
    let fine = VaeStep { terms: Terms { reconstruction: 540.0, kl: 3.0 }, loss: 543.0, images: 4 };
    assert!(!fine.blown_up());
    assert!(VaeStep { loss: f64::NAN, ..fine }.blown_up());
}

#[test]
fn evaluation_draws_the_same_noise_at_every_check() {
    let cpu = CpuBackend::new();
    let set = tiny_set();
    let mut vae = Vae::new(&cpu, tiny_settings(), set.count);
    let all: Vec<usize> = (0..10).collect();
    let once = now_or_never(vae.evaluate(&set, &all)).unwrap();
    let twice = now_or_never(vae.evaluate(&set, &all)).unwrap();
    assert_eq!(once, twice);
    assert!(once.reconstruction > 0.0 && once.kl >= 0.0);
}

#[test]
fn settings_outside_their_bounds_are_refused_in_words() {
    assert!(Settings::default().check().is_ok());
    for bad in [Settings { latent: 0, ..Settings::default() }, Settings { latent: 33, ..Settings::default() }, Settings { beta: -1.0, ..Settings::default() }, Settings { learning_rate: f32::NAN, ..Settings::default() }] {
        assert!(bad.check().is_err(), "{bad:?}");
    }
}
