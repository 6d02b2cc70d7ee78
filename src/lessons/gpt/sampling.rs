//! Writing with the model: each next character is drawn from the model's scores for the last
//! position, sharpened or flattened by the temperature and cut to the `top_k` likeliest.
//! A seed fixes the draws, so the same prompt re-sampled while training shows only what
//! training changed.

use crate::engine::rng::Pcg32;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sampling {
    /// Scores are divided by it before the softmax; 0 always takes the likeliest character.
    pub temperature: f32,
    /// Only the k likeliest characters can be drawn; 0 means all of them.
    pub top_k: usize,
    pub seed: u64,
}

impl Default for Sampling {
    fn default() -> Self {
        Sampling { temperature: 0.8, top_k: 0, seed: 1 }
    }
}

/// The probability of each character under `sampling`, from one position's scores: the
/// softmax of scores / temperature over the top k (ties at the k-th score are all kept), zero
/// elsewhere; temperature 0 puts everything on the first of the highest.
pub fn probabilities(scores: &[f32], sampling: &Sampling) -> Vec<f64> {
    let mut p = vec![0.0; scores.len()];
    let best = (0..scores.len()).fold(0, |b, i| if scores[i] > scores[b] { i } else { b });
    if sampling.temperature <= 0.0 {
        p[best] = 1.0;
        return p;
    }
    let cutoff = match sampling.top_k {
        0 => f32::NEG_INFINITY,
        k => {
            let mut sorted = scores.to_vec();
            sorted.sort_by(|a, b| b.total_cmp(a));
            sorted[k.min(sorted.len()) - 1]
        }
    };
    let top = scores[best] as f64;
    for (p, &s) in p.iter_mut().zip(scores) {
        if s >= cutoff {
            *p = ((s as f64 - top) / sampling.temperature as f64).exp();
        }
    }
    let total: f64 = p.iter().sum();
    p.iter_mut().for_each(|p| *p /= total);
    p
}

/// One draw from `probabilities`.
pub fn draw(probabilities: &[f64], rng: &mut Pcg32) -> usize {
    let u = rng.uniform() as f64;
    let mut sum = 0.0;
    for (i, &p) in probabilities.iter().enumerate() {
        sum += p;
        if u < sum {
            return i;
        }
    }
    // Rounding left the sum a hair under 1: the last character that can be drawn.
    probabilities.iter().rposition(|&p| p > 0.0).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Within 1e-7: the scores are f32, so ln 2 and ln 3 are already rounded to about 1e-8.
    fn close(got: &[f64], want: &[f64]) {
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-7, "{got:?} vs {want:?}");
        }
    }

    /// Scores (0, ln 2, ln 3): e^s = 1, 2, 3. At temperature 1, 1/6, 2/6, 3/6; at 2, ∝ 1, √2, √3;
    /// the top 2 alone, 2/5 and 3/5; at temperature 0, all on the last.
    #[test]
    fn the_probabilities_are_worked_by_hand() {
        let scores = [0.0, 2f32.ln(), 3f32.ln()];
        let at = |temperature, top_k| probabilities(&scores, &Sampling { temperature, top_k, seed: 1 });
        close(&at(1.0, 0), &[1.0 / 6.0, 2.0 / 6.0, 3.0 / 6.0]);
        let root = |x: f64| x.sqrt();
        let total = 1.0 + root(2.0) + root(3.0);
        close(&at(2.0, 0), &[1.0 / total, root(2.0) / total, root(3.0) / total]);
        close(&at(1.0, 2), &[0.0, 2.0 / 5.0, 3.0 / 5.0]);
        close(&at(0.0, 0), &[0.0, 0.0, 1.0]);
        close(&at(1.0, 1), &[0.0, 0.0, 1.0]);
    }

    #[test]
    fn draws_follow_the_probabilities() {
        let p = [0.1, 0.0, 0.6, 0.3];
        let mut rng = Pcg32::from_seed(4);
        let mut counts = [0usize; 4];
        for _ in 0..20_000 {
            counts[draw(&p, &mut rng)] += 1;
        }
        for (c, want) in counts.iter().zip(p) {
            assert!((*c as f64 / 20_000.0 - want).abs() < 0.01, "{counts:?}");
        }
    }
}
