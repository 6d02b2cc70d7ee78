//! Initialisers: where the weights start. Drawn on the host from a seeded [`Pcg32`] so that a
//! seed reproduces the same network on every device.

use crate::engine::rng::Pcg32;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Init {
    Zeros,
    Constant(f32),
    Uniform { low: f32, high: f32 },
    Normal { mean: f32, std: f32 },
    /// Glorot & Bengio (2010): U(±√(6 / (fan_in + fan_out))), keeps variance through tanh/sigmoid layers.
    XavierUniform,
    /// N(0, 2 / (fan_in + fan_out)).
    XavierNormal,
    /// He et al. (2015): U(±√(6 / fan_in)), keeps variance through ReLU layers.
    HeUniform,
    /// N(0, 2 / fan_in).
    HeNormal,
}

impl Init {
    /// `len` starting values for a weight with the given fan-in and fan-out.
    pub fn sample(self, len: usize, fan_in: usize, fan_out: usize, rng: &mut Pcg32) -> Vec<f32> {
        let (fan_in, fan_out) = (fan_in.max(1) as f32, fan_out.max(1) as f32);
        let mut uniform = |bound: f32| (0..len).map(|_| rng.uniform_between(-bound, bound)).collect::<Vec<_>>();
        match self {
            Init::Zeros => vec![0.0; len],
            Init::Constant(value) => vec![value; len],
            Init::Uniform { low, high } => (0..len).map(|_| rng.uniform_between(low, high)).collect(),
            Init::Normal { mean, std } => (0..len).map(|_| mean + std * rng.normal()).collect(),
            Init::XavierUniform => uniform((6.0 / (fan_in + fan_out)).sqrt()),
            Init::HeUniform => uniform((6.0 / fan_in).sqrt()),
            Init::XavierNormal => {
                let std = (2.0 / (fan_in + fan_out)).sqrt();
                (0..len).map(|_| std * rng.normal()).collect()
            }
            Init::HeNormal => {
                let std = (2.0 / fan_in).sqrt();
                (0..len).map(|_| std * rng.normal()).collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variance(values: &[f32]) -> f64 {
        let mean = values.iter().map(|&v| v as f64).sum::<f64>() / values.len() as f64;
        values.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / values.len() as f64
    }

    #[test]
    fn xavier_and_he_give_the_variances_their_papers_derive() {
        let mut rng = Pcg32::from_seed(3);
        let (fan_in, fan_out) = (300, 100);
        let n = 200_000;
        let cases = [
            (Init::XavierUniform, 2.0 / 400.0),
            (Init::XavierNormal, 2.0 / 400.0),
            (Init::HeUniform, 2.0 / 300.0),
            (Init::HeNormal, 2.0 / 300.0),
        ];
        for (init, expected) in cases {
            let got = variance(&init.sample(n, fan_in, fan_out, &mut rng));
            assert!((got / expected - 1.0).abs() < 0.02, "{init:?}: variance {got}, expected {expected}");
        }
    }

    #[test]
    fn uniform_initialisers_stay_inside_their_bounds() {
        let mut rng = Pcg32::from_seed(4);
        let bound = (6.0f32 / 10.0).sqrt();
        assert!(Init::HeUniform.sample(10_000, 10, 5, &mut rng).iter().all(|v| v.abs() <= bound));
        assert_eq!(Init::Zeros.sample(3, 1, 1, &mut rng), vec![0.0; 3]);
    }
}
