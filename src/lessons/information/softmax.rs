//! The link to training: softmax turns logits into a distribution q, and cross-entropy against
//! the true class is the classification loss.

pub use crate::lessons::shared::probability::softmax;

/// −ln softmax(z)_true in nats, as log-sum-exp minus the true logit (stable).
pub fn softmax_loss(z: &[f64], true_class: usize) -> f64 {
    let m = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let lse = m + z.iter().map(|x| (x - m).exp()).sum::<f64>().ln();
    lse - z[true_class]
}

/// ∂loss/∂z_i = q_i − p_i with p one-hot at the true class.
pub fn softmax_gradient(z: &[f64], true_class: usize) -> Vec<f64> {
    softmax(z).iter().enumerate().map(|(i, q)| q - if i == true_class { 1.0 } else { 0.0 }).collect()
}
