//! A small seeded random number generator: PCG32 (O'Neill, 2014, "PCG-XSH-RR 64/32").
//!
//! Written out rather than taken from `rand` so that a seed gives the same numbers natively and
//! in the browser with no platform entropy source involved: everything is integer arithmetic,
//! and the normal sampler uses `libm` (pure Rust) for `ln` and `cos`, never the platform's.

use serde::{Deserialize, Serialize};

const MULTIPLIER: u64 = 6364136223846793005;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pcg32 {
    state: u64,
    increment: u64,
}

impl Pcg32 {
    /// `seed` picks the starting point; `stream` picks one of 2⁶³ independent sequences.
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut rng = Pcg32 { state: 0, increment: (stream << 1) | 1 };
        rng.next_u32();
        rng.state = rng.state.wrapping_add(seed);
        rng.next_u32();
        rng
    }

    /// A generator for a seed alone (stream 0): what the UI's seed field maps to.
    pub fn from_seed(seed: u64) -> Self {
        Self::new(seed, 0)
    }

    pub fn next_u32(&mut self) -> u32 {
        let old = self.state;
        self.state = old.wrapping_mul(MULTIPLIER).wrapping_add(self.increment);
        let xorshifted = (((old >> 18) ^ old) >> 27) as u32;
        let rotation = (old >> 59) as u32;
        xorshifted.rotate_right(rotation)
    }

    /// Uniform in [0, 1), with 24 random bits: every value is an exact f32.
    pub fn uniform(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 * (1.0 / (1u32 << 24) as f32)
    }

    /// Uniform in [low, high).
    pub fn uniform_between(&mut self, low: f32, high: f32) -> f32 {
        low + (high - low) * self.uniform()
    }

    /// Standard normal, by the Box–Muller transform.
    pub fn normal(&mut self) -> f32 {
        // 1 − u lies in (0, 1], so the logarithm is finite.
        let u1 = 1.0 - (self.next_u32() as f64 / 4294967296.0);
        let u2 = self.next_u32() as f64 / 4294967296.0;
        (libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)) as f32
    }

    /// A whole number in [0, n), without the bias of a plain `% n`.
    pub fn below(&mut self, n: u32) -> u32 {
        assert!(n > 0);
        let threshold = n.wrapping_neg() % n;
        loop {
            let r = self.next_u32();
            if r >= threshold {
                return r % n;
            }
        }
    }

    /// Shuffles in place (Fisher–Yates), e.g. the order of training examples each epoch.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u32 + 1) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_pcg32_demo_output() {
        // pcg32-demo from the PCG reference C library, seeded with pcg32_srandom(42, 54).
        let mut rng = Pcg32::new(42, 54);
        let first: Vec<u32> = (0..6).map(|_| rng.next_u32()).collect();
        assert_eq!(first, [0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e]);
    }

    #[test]
    fn uniform_samples_have_the_mean_and_variance_of_u_0_1() {
        let mut rng = Pcg32::from_seed(1);
        let samples: Vec<f64> = (0..100_000).map(|_| rng.uniform() as f64).collect();
        let mean = samples.iter().sum::<f64>() / samples.len() as f64;
        let variance = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / samples.len() as f64;
        assert!(samples.iter().all(|&x| (0.0..1.0).contains(&x)));
        assert!((mean - 0.5).abs() < 0.005, "mean {mean}");
        assert!((variance - 1.0 / 12.0).abs() < 0.002, "variance {variance}");
    }

    #[test]
    fn normal_samples_have_mean_zero_and_variance_one() {
        let mut rng = Pcg32::from_seed(2);
        let samples: Vec<f64> = (0..100_000).map(|_| rng.normal() as f64).collect();
        let mean = samples.iter().sum::<f64>() / samples.len() as f64;
        let variance = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / samples.len() as f64;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((variance - 1.0).abs() < 0.02, "variance {variance}");
    }

    #[test]
    fn the_same_seed_gives_the_same_numbers_and_shuffles() {
        let (mut a, mut b) = (Pcg32::from_seed(99), Pcg32::from_seed(99));
        let (mut xs, mut ys): (Vec<u32>, Vec<u32>) = ((0..50).collect(), (0..50).collect());
        a.shuffle(&mut xs);
        b.shuffle(&mut ys);
        assert_eq!(xs, ys);
        assert_ne!(xs, (0..50).collect::<Vec<_>>());
        assert_eq!(a.normal().to_bits(), b.normal().to_bits());
    }
}
