//! Two Gaussians P = N(μ_P, σ_P²) and Q = N(μ_Q, σ_Q²): KL divergence both ways in closed form
//! (with its terms, for the formula shown with live numbers), differential entropy,
//! cross-entropy, a seeded Monte-Carlo estimate of KL(P‖Q) and how it settles as n grows, and
//! the section's link state (`gaussians/link.rs`). Plain Rust, f64; the page only draws what this returns.
//!
//! Inputs are clamped to documented ranges (`checked_*`, with a note), over which every result
//! is finite: σ_Q = 10⁻⁶ under σ_P = 10 gives KL ≈ 10¹⁴, huge but a number, which `shown` writes.

use super::Units;
use crate::engine::rng::Pcg32;

mod link;
#[cfg(test)]
mod tests;

pub use link::{GaussiansState, KEYS};

/// Means a learner may pick.
pub const MEAN_RANGE: (f64, f64) = (-10.0, 10.0);
/// Standard deviations a learner may pick. The smallest is the extreme σ_Q = 10⁻⁶.
pub const SD_RANGE: (f64, f64) = (1e-6, 10.0);
/// Two samples at least, so that their spread, and so the standard error, exists.
pub const MIN_SAMPLES: usize = 2;
/// A million draws keep one run well under a second (tens of ms natively); more shows nothing new.
pub const MAX_SAMPLES: usize = 1_000_000;
pub const DEFAULT_SAMPLES: usize = 1000;
pub const DEFAULT_SEED: u64 = 1;
/// Seeds are whole numbers a learner can type, as in the other lessons.
pub const MAX_SEED: u64 = u32::MAX as u64;
/// ½ ln(2π), in nats.
const HALF_LN_TWO_PI: f64 = 0.9189385332046727;
/// The σ where h = ½ ln(2πeσ²) crosses 0, 1/√(2πe): any narrower Gaussian has negative
/// differential entropy (unlike a discrete distribution's, which is never below 0).
pub const SD_OF_ZERO_ENTROPY: f64 = 0.24197072451914337;

/// A normal distribution N(mean, sd²).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gaussian {
    pub mean: f64,
    /// σ, the standard deviation (> 0).
    pub sd: f64,
}

impl Gaussian {
    pub const fn new(mean: f64, sd: f64) -> Self {
        Gaussian { mean, sd }
    }
    /// ln p(x), written out so that far tails stay finite where p(x) itself underflows to 0.
    pub fn log_pdf(self, x: f64) -> f64 {
        let z = (x - self.mean) / self.sd;
        -0.5 * z * z - self.sd.ln() - HALF_LN_TWO_PI
    }
    /// p(x), the density drawn on the page.
    pub fn pdf(self, x: f64) -> f64 {
        self.log_pdf(x).exp()
    }
    /// Differential entropy h = ½ ln(2πeσ²); negative when σ < `SD_OF_ZERO_ENTROPY`.
    pub fn entropy(self, units: Units) -> f64 {
        in_units(self.sd.ln() + HALF_LN_TWO_PI + 0.5, units)
    }
}

/// A quantity in nats, in `units` (bits = nats / ln 2).
pub fn in_units(nats: f64, units: Units) -> f64 {
    if units == Units::Bits { nats / std::f64::consts::LN_2 } else { nats }
}

/// KL(P‖Q) = ln(σ_Q/σ_P) + (σ_P² + (μ_P − μ_Q)²)/(2σ_Q²) − ½, term by term, in the chosen units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KlTerms {
    /// ln(σ_Q/σ_P).
    pub log_ratio: f64,
    /// (σ_P² + (μ_P − μ_Q)²)/(2σ_Q²): the spread of P and the gap between the means, seen by Q.
    pub spread: f64,
    /// −½.
    pub minus_half: f64,
    /// Their sum (≥ 0; rounding a true 0 below zero is put back to 0).
    pub total: f64,
}

pub fn kl_terms(p: Gaussian, q: Gaussian, units: Units) -> KlTerms {
    let log_ratio = (q.sd / p.sd).ln();
    let spread = spread(p, q);
    KlTerms {
        log_ratio: in_units(log_ratio, units),
        spread: in_units(spread, units),
        minus_half: in_units(-0.5, units),
        total: in_units((log_ratio + spread - 0.5).max(0.0), units),
    }
}

/// (σ_P² + (μ_P − μ_Q)²)/(2σ_Q²), the term KL and cross-entropy share.
fn spread(p: Gaussian, q: Gaussian) -> f64 {
    let gap = p.mean - q.mean;
    (p.sd * p.sd + gap * gap) / (2.0 * q.sd * q.sd)
}

/// KL(P‖Q) in the chosen units. Swap the arguments for KL(Q‖P).
pub fn kl(p: Gaussian, q: Gaussian, units: Units) -> f64 {
    kl_terms(p, q, units).total
}

/// H(P, Q) = ½ ln(2πσ_Q²) + (σ_P² + (μ_P − μ_Q)²)/(2σ_Q²), which is h(P) + KL(P‖Q).
pub fn cross_entropy(p: Gaussian, q: Gaussian, units: Units) -> f64 {
    in_units(HALF_LN_TWO_PI + q.sd.ln() + spread(p, q), units)
}

/// An x-range that shows both densities: from the lower of μ − 4σ to the higher of μ + 4σ.
pub fn plot_range(p: Gaussian, q: Gaussian) -> (f64, f64) {
    ((p.mean - 4.0 * p.sd).min(q.mean - 4.0 * q.sd), (p.mean + 4.0 * p.sd).max(q.mean + 4.0 * q.sd))
}

/// `count` (≥ 2) evenly spaced points (x, p(x)) across `range`, plus the mean itself when it
/// lies inside, so that a narrow spike is drawn with its peak and not missed between points.
pub fn density_points(g: Gaussian, range: (f64, f64), count: usize) -> Vec<(f64, f64)> {
    let count = count.max(2);
    let step = (range.1 - range.0) / (count - 1) as f64;
    let mut xs: Vec<f64> = (0..count).map(|i| range.0 + step * i as f64).collect();
    if range.0 < g.mean && g.mean < range.1 && !xs.contains(&g.mean) {
        xs.push(g.mean);
        xs.sort_by(f64::total_cmp);
    }
    xs.into_iter().map(|x| (x, g.pdf(x))).collect()
}

/// A Monte-Carlo estimate of KL(P‖Q) from the first `samples` draws, in the chosen units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub samples: usize,
    /// The mean of ln p(x) − ln q(x) over the draws x ~ P.
    pub kl: f64,
    /// Sample standard deviation / √n: how far the estimate typically is from the true KL.
    pub standard_error: f64,
}

/// One seeded run: the estimate from all its samples, and along the way.
#[derive(Clone, Debug, PartialEq)]
pub struct MonteCarlo {
    pub estimate: Estimate,
    /// The running estimate after each of `checkpoints(samples)` draws of the same stream; the
    /// last is `estimate`. A run of n samples starts like every longer run with the same seed.
    pub convergence: Vec<Estimate>,
}

/// 2, 5, 10, 20, 50, 100, … below `samples`, then `samples`: even steps on a log axis.
pub fn checkpoints(samples: usize) -> Vec<usize> {
    let samples = samples.clamp(MIN_SAMPLES, MAX_SAMPLES);
    let steps = (0..7).flat_map(|power| [1, 2, 5].map(|m| m * 10usize.pow(power)));
    steps.filter(|&mark| mark >= MIN_SAMPLES && mark < samples).chain([samples]).collect()
}

/// Estimates KL(P‖Q) from `samples` (clamped to MIN_SAMPLES ..= MAX_SAMPLES) draws of P.
pub fn monte_carlo_kl(p: Gaussian, q: Gaussian, samples: usize, seed: u64, units: Units) -> MonteCarlo {
    let marks = checkpoints(samples);
    let mut rng = Pcg32::from_seed(seed);
    let (log_ratio, gap) = ((q.sd / p.sd).ln(), p.mean - q.mean);
    // Welford's running mean and sum of squared deviations: stable even when σ_Q = 10⁻⁶ makes
    // every value ~10¹⁴ and a plain Σx² − n·mean² would cancel to noise.
    let (mut mean, mut squares) = (0.0, 0.0);
    let mut convergence = Vec::with_capacity(marks.len());
    for n in 1..=samples.clamp(MIN_SAMPLES, MAX_SAMPLES) {
        // x = μ_P + σ_P z; ln p(x) − ln q(x) in terms of z, with no ln or exp per draw.
        let z = rng.normal() as f64;
        let q_z = (gap + p.sd * z) / q.sd;
        let value = log_ratio - 0.5 * z * z + 0.5 * q_z * q_z;
        let deviation = value - mean;
        mean += deviation / n as f64;
        squares += deviation * (value - mean);
        if marks.get(convergence.len()) == Some(&n) {
            let standard_error = (squares / (n - 1) as f64 / n as f64).sqrt();
            convergence.push(Estimate { samples: n, kl: in_units(mean, units), standard_error: in_units(standard_error, units) });
        }
    }
    MonteCarlo { estimate: *convergence.last().expect("the last checkpoint is the sample count"), convergence }
}

/// A number for a learner: 4 significant figures, powers of ten when very large or small, and
/// "too large to show" instead of ∞ (or NaN, which no function here returns).
pub fn shown(x: f64) -> String {
    if !x.is_finite() {
        return "too large to show".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x < 0.0 {
        return format!("−{}", shown(-x)); // a true minus sign, as every number on the site
    }
    if (1e-3..1e6).contains(&x.abs()) {
        let decimals = (3 - x.abs().log10().floor() as i32).max(0) as usize;
        let text = format!("{x:.decimals$}");
        return if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').into() } else { text };
    }
    let text = format!("{x:.3e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
    let superscript: String = exponent.chars().map(|c| if c == '-' { '⁻' } else { "⁰¹²³⁴⁵⁶⁷⁸⁹".chars().nth(c as usize - '0' as usize).unwrap_or(c) }).collect();
    format!("{mantissa} × 10{superscript}")
}

/// A typed or linked mean, kept in `MEAN_RANGE`; ±∞ goes to the nearer end, NaN to `default`.
pub fn checked_mean(name: &str, x: f64, default: f64) -> (f64, Option<String>) {
    checked(name, x, default, MEAN_RANGE)
}

/// A typed or linked σ, kept in `SD_RANGE`: 0 or less becomes the smallest σ allowed.
pub fn checked_sd(name: &str, x: f64, default: f64) -> (f64, Option<String>) {
    if x <= 0.0 {
        return (SD_RANGE.0, Some(format!("{name} = {} is not positive (a standard deviation must be); using {}.", typed(x), shown(SD_RANGE.0))));
    }
    checked(name, x, default, SD_RANGE)
}

/// A typed or linked sample count, rounded and kept in MIN_SAMPLES ..= MAX_SAMPLES.
pub fn checked_samples(x: f64) -> (usize, Option<String>) {
    let (n, note) = checked_whole("n", x, DEFAULT_SAMPLES as f64, SAMPLES);
    (n as usize, note)
}

/// A typed or linked seed, rounded and kept in 0 ..= MAX_SEED.
pub fn checked_seed(x: f64) -> (u64, Option<String>) {
    let (seed, note) = checked_whole("seed", x, DEFAULT_SEED as f64, SEEDS);
    (seed as u64, note)
}

/// The whole-number ranges, as the f64 every typed or linked number arrives as.
const SAMPLES: (f64, f64) = (MIN_SAMPLES as f64, MAX_SAMPLES as f64);
const SEEDS: (f64, f64) = (0.0, MAX_SEED as f64);

fn checked(name: &str, x: f64, default: f64, (lo, hi): (f64, f64)) -> (f64, Option<String>) {
    if x.is_nan() {
        return (default, Some(format!("{name} is not a number; using {}.", shown(default))));
    }
    let clamped = x.clamp(lo, hi);
    (clamped, (clamped != x).then(|| format!("{name} = {} is outside {} … {}; using {}.", typed(x), typed(lo), typed(hi), typed(clamped))))
}

fn checked_whole(name: &str, x: f64, default: f64, (lo, hi): (f64, f64)) -> (f64, Option<String>) {
    if x.is_nan() {
        return (default, Some(format!("{name} is not a number; using {default}.")));
    }
    let whole = x.round().clamp(lo, hi);
    (whole, (whole != x).then(|| format!("{name} = {} is not a whole number from {lo} to {hi}; using {whole}.", typed(x))))
}

/// A value as typed, for a note: with the keyboard's minus sign, as links' notes write it, and
/// ∞ named (`shown` would call it "too large to show").
fn typed(x: f64) -> String {
    if x.is_finite() { shown(x).replace('−', "-") } else { x.to_string() }
}
