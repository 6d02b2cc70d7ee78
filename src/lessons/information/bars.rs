//! Editing a distribution: its sum, dragging one bar (the others make room), resizing,
//! normalising, and reading a typed probability.

use super::{MAX_K, MIN_K, SUM_TOLERANCE};

pub fn sum(p: &[f64]) -> f64 {
    p.iter().sum()
}

pub fn sums_to_one(p: &[f64]) -> bool {
    (sum(p) - 1.0).abs() <= SUM_TOLERANCE
}

/// `p` divided by its sum; equal shares if the sum is 0.
pub fn normalise(p: &[f64]) -> Vec<f64> {
    let s = sum(p);
    if s > 0.0 {
        p.iter().map(|x| x / s).collect()
    } else {
        vec![1.0 / p.len() as f64; p.len()]
    }
}

/// The learner drags bar `i` to `v` (clamped to [0, 1]); the other bars are scaled in
/// proportion so they sum to 1 − v, or share 1 − v equally if they were all 0.
pub fn drag(p: &[f64], i: usize, v: f64) -> Vec<f64> {
    let v = if v.is_nan() { 0.0 } else { v.clamp(0.0, 1.0) };
    let rest: f64 = p.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, x)| x).sum();
    let others = (p.len() - 1) as f64;
    p.iter()
        .enumerate()
        .map(|(j, &x)| {
            if j == i {
                v
            } else if rest > 0.0 {
                x * (1.0 - v) / rest
            } else {
                (1.0 - v) / others
            }
        })
        .collect()
}

/// Resize to `k` outcomes: a new outcome gets probability 0 (the sum stays 1); removing the
/// last one gives its mass back proportionally (or equally) to the rest.
pub fn resize(p: &[f64], k: usize) -> Vec<f64> {
    let k = k.clamp(MIN_K, MAX_K);
    let mut out = p.to_vec();
    while out.len() < k {
        out.push(0.0);
    }
    if out.len() > k {
        out.truncate(k);
        let s = sum(&out);
        let lost = 1.0 - s;
        if lost > 0.0 && s > 0.0 {
            out = out.iter().map(|x| x + lost * x / s).collect();
        } else if s == 0.0 {
            out = vec![1.0 / k as f64; k];
        }
    }
    out
}

/// A typed probability: a number in [0, 1].
pub fn parse_probability(text: &str) -> Result<f64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("Type a probability between 0 and 1.".into());
    }
    let x: f64 = t.replace('−', "-").parse().map_err(|_| format!("“{t}” is not a number."))?;
    if !x.is_finite() {
        return Err("Must be a finite number.".into());
    }
    if !(0.0..=1.0).contains(&x) {
        return Err("A probability lies between 0 and 1.".into());
    }
    Ok(x)
}
