//! One image through the VAE, every number on the way, for the step-through panel: μ and σ from
//! the encoder, ε, z = μ + σ·ε, the decoder's logits, and the two terms of the loss recomputed
//! in f64 from those numbers (the panel shows them; the test checks them against the engine's).

use crate::engine::rng::Pcg32;

/// What the panel shows of one image's pass.
#[derive(Clone, Debug, PartialEq)]
pub struct Explained {
    pub mean: Vec<f64>,
    pub sigma: Vec<f64>,
    pub epsilon: Vec<f64>,
    pub z: Vec<f64>,
    /// The decoder's pixels, σ(logit), in [0, 1].
    pub pixels: Vec<f32>,
    /// −Σ [x log x̂ + (1 − x) log(1 − x̂)] over the 784 pixels, from the logits (stably).
    pub reconstruction: f64,
    /// KL of each coordinate, ½(μ² + σ² − log σ² − 1); the term is their sum.
    pub kl_parts: Vec<f64>,
}

impl Explained {
    /// From the image `x` (pixels in [0, 1]), the encoder's μ and log σ², ε, and the logits the
    /// decoder drew for z (computed by the caller from [`Explained::z_of`]).
    pub fn new(x: &[f32], mean: &[f32], log_variance: &[f32], epsilon: &[f64], logits: &[f32]) -> Explained {
        let mean: Vec<f64> = mean.iter().map(|&m| m as f64).collect();
        let log_variance: Vec<f64> = log_variance.iter().map(|&v| v as f64).collect();
        let sigma: Vec<f64> = log_variance.iter().map(|v| (0.5 * v).exp()).collect();
        let z = Self::z_of(&mean, &sigma, epsilon);
        let reconstruction = x.iter().zip(logits).map(|(&t, &l)| {
            let (t, l) = (t as f64, l as f64);
            l.max(0.0) - l * t + (-l.abs()).exp().ln_1p()
        }).sum();
        let kl_parts = mean.iter().zip(&log_variance).map(|(m, v)| 0.5 * (m * m + v.exp() - v - 1.0)).collect();
        let pixels = logits.iter().map(|&l| 1.0 / (1.0 + (-l).exp())).collect();
        Explained { mean, sigma, epsilon: epsilon.to_vec(), z, pixels, reconstruction, kl_parts }
    }

    /// z = μ + σ·ε, coordinate by coordinate.
    pub fn z_of(mean: &[f64], sigma: &[f64], epsilon: &[f64]) -> Vec<f64> {
        mean.iter().zip(sigma).zip(epsilon).map(|((m, s), e)| m + s * e).collect()
    }

    pub fn kl(&self) -> f64 {
        self.kl_parts.iter().sum()
    }

    /// The loss this image adds: reconstruction + β·KL.
    pub fn loss(&self, beta: f64) -> f64 {
        self.reconstruction + beta * self.kl()
    }
}

/// The ε the panel uses for test image `image`, draw `draw` (a button draws another): its own
/// stream, so it never disturbs training's.
pub fn epsilon(seed: u64, image: usize, draw: u64, latent: usize) -> Vec<f64> {
    let mut rng = Pcg32::new(seed ^ ((image as u64) << 20), 0x57e9 + draw);
    (0..latent).map(|_| rng.normal() as f64).collect()
}

/// The Information lesson's "two Gaussians" section with P = N(μ, σ²) and Q = N(0, 1), in nats:
/// the KL it shows is this coordinate's part of the KL term. (Values beyond that section's
/// ranges are clamped there, with a note.)
pub fn information_link(mean: f64, sigma: f64) -> String {
    use crate::lessons::information::gaussians::{Gaussian, GaussiansState};
    use crate::lessons::information::Units;
    use crate::lessons::shared::url_state::LinkState;
    let round = |v: f64| (v * 1e4).round() / 1e4;
    let state = GaussiansState { p: Gaussian::new(round(mean), round(sigma)), q: Gaussian::new(0.0, 1.0), units: Units::Nats, ..GaussiansState::default() };
    format!("information?{}", state.to_query())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::mnist::IMAGE_PIXELS;
    use crate::engine::poll::now_or_never;
    use crate::engine::{CpuBackend, Tensor};
    use crate::lessons::vae::model::{kl_per_image, Vae};
    use crate::lessons::vae::Settings;

    /// The panel's f64 numbers for one image agree with the engine's pass on the same image and ε.
    #[test]
    fn the_panels_terms_are_the_engines_for_the_same_image_and_epsilon() {
        let cpu = CpuBackend::new();
        let settings = Settings { hidden: 16, latent: 3, ..Settings::default() };
        let vae = Vae::new(&cpu, settings, 10);
        let x: Vec<f32> = (0..IMAGE_PIXELS).map(|i| ((i * 37) % 256) as f32 / 255.0).collect();
        let eps = epsilon(1, 4, 0, 3);
        let noise: Vec<f32> = eps.iter().map(|&e| e as f32).collect();
        let pass = vae.pass(&Tensor::from_values(&cpu, &x, &[1, IMAGE_PIXELS]), &noise);
        let read = |t: &Tensor<CpuBackend>| now_or_never(t.to_vec()).unwrap();
        let (mean, log_variance) = (read(&pass.mean), read(&pass.log_variance));
        let z: Vec<f32> = Explained::z_of(&mean.iter().map(|&m| m as f64).collect::<Vec<_>>(), &log_variance.iter().map(|&v| (0.5 * v as f64).exp()).collect::<Vec<_>>(), &eps).iter().map(|&z| z as f32).collect();
        let logits = now_or_never(vae.logits(&z)).unwrap();
        let explained = Explained::new(&x, &mean, &log_variance, &eps, &logits);
        let engine_reconstruction = read(&pass.reconstruction)[0] as f64;
        assert!((explained.reconstruction - engine_reconstruction).abs() < 1e-4 * engine_reconstruction, "{} against {engine_reconstruction}", explained.reconstruction);
        let engine_kl = kl_per_image(read(&pass.kl_sum)[0] as f64, 3);
        assert!((explained.kl() - engine_kl).abs() < 1e-5 * (1.0 + engine_kl), "{} against {engine_kl}", explained.kl());
        for (i, (a, b)) in explained.z.iter().zip(read(&pass.z)).enumerate() {
            assert!((a - b as f64).abs() < 1e-5, "z[{i}]: {a} against {b}");
        }
        assert_eq!(explained.loss(2.0), explained.reconstruction + 2.0 * explained.kl());
    }

    /// A coordinate with μ = 0 and σ = 1 costs nothing; the KL is worked by hand otherwise.
    #[test]
    fn each_coordinates_kl_is_worked_by_hand() {
        let e = Explained::new(&[0.0], &[0.0, 1.0, -2.0], &[0.0, 0.0, (0.25f32).ln()], &[0.0; 3], &[0.0]);
        // ½(0 + 1 − 0 − 1) = 0; ½(1 + 1 − 0 − 1) = 0.5; ½(4 + 0.25 − ln 0.25 − 1) = 2.31814718…
        assert_eq!(e.kl_parts[0], 0.0);
        assert!((e.kl_parts[1] - 0.5).abs() < 1e-12);
        assert!((e.kl_parts[2] - 2.318_147_180_559_945).abs() < 1e-7, "{}", e.kl_parts[2]);
        assert!((e.sigma[2] - 0.5).abs() < 1e-7);
        // One pixel of value 0 read at logit 0 (probability ½): −log ½ = ln 2.
        assert!((e.reconstruction - std::f64::consts::LN_2).abs() < 1e-12);
        assert_eq!(epsilon(1, 4, 0, 3), epsilon(1, 4, 0, 3));
        // The Information lesson reads the same two Gaussians back, and its closed form agrees.
        let link = information_link(-2.0, 0.5);
        let (state, notes) = <crate::lessons::information::gaussians::GaussiansState as crate::lessons::shared::url_state::LinkState>::from_query(link.trim_start_matches("information?"));
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!((state.p.mean, state.p.sd, state.q.mean, state.q.sd), (-2.0, 0.5, 0.0, 1.0));
        let there = crate::lessons::information::gaussians::kl(state.p, state.q, state.units);
        assert!((there - e.kl_parts[2]).abs() < 1e-7, "the Information lesson says {there}, this panel {}", e.kl_parts[2]);
        assert_ne!(epsilon(1, 4, 0, 3), epsilon(1, 4, 1, 3));
    }
}
