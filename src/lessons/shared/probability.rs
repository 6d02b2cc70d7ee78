//! Probability helpers several lessons show numbers from, in f64 and written once: the
//! logistic function, softmax and the most likely class.

/// σ(x) = 1 / (1 + e^(−x)), written so neither branch overflows.
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// softmax(z)_i = e^{z_i} / Σ_j e^{z_j}, computed with the maximum subtracted so large logits
/// do not overflow.
pub fn softmax(z: &[f64]) -> Vec<f64> {
    let top = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|&v| (v - top).exp()).collect();
    let total: f64 = e.iter().sum();
    e.iter().map(|&v| v / total).collect()
}

/// The index of the largest value, the first of equals (as a classifier's answer).
pub fn argmax(values: &[f32]) -> u8 {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_worked_by_hand() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert!((sigmoid(2.0) - 0.880_797_077_977_882_3).abs() < 1e-15);
        assert!((sigmoid(-2.0) - 0.119_202_922_022_117_7).abs() < 1e-15);
        assert_eq!(sigmoid(-800.0), 0.0);
        assert_eq!(sigmoid(800.0), 1.0);
        let q = softmax(&[1.0, 2.0, 3.0]);
        // e^1, e^2, e^3 over their sum 30.192874…
        for (got, want) in q.iter().zip([0.090_030_573_170_380_46, 0.244_728_471_054_797_64, 0.665_240_955_774_821_9]) {
            assert!((got - want).abs() < 1e-15, "{got} vs {want}");
        }
        assert_eq!(softmax(&[1000.0, 1000.0]), vec![0.5, 0.5]);
        assert_eq!(argmax(&[0.1, 0.7, 0.7, 0.2]), 1);
    }
}
