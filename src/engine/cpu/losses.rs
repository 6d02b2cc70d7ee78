//! Loss kernels: one number from a prediction and a target, and its gradient.

use super::elementwise::sigmoid;
use super::rows::log_sum_exp;
use crate::engine::backend::Loss;

pub(super) fn loss(op: Loss, x: &[f32], t: &[f32], rows: usize, cols: usize) -> f32 {
    let n = (rows * cols).max(1) as f64;
    let total: f64 = match op {
        Loss::SoftmaxCrossEntropy => {
            // −Σⱼ tⱼ log softmaxⱼ = Σⱼ tⱼ (lse − xⱼ)
            let per_row = x.chunks_exact(cols).zip(t.chunks_exact(cols)).map(|(x, t)| {
                let lse = log_sum_exp(x) as f64;
                x.iter().zip(t).map(|(&x, &t)| t as f64 * (lse - x as f64)).sum::<f64>()
            });
            return (per_row.sum::<f64>() / rows.max(1) as f64) as f32;
        }
        Loss::BinaryCrossEntropyWithLogits => x
            .iter()
            .zip(t)
            .map(|(&x, &t)| (x.max(0.0) - x * t + (-x.abs()).exp().ln_1p()) as f64)
            .sum(),
        Loss::MeanSquaredError => x.iter().zip(t).map(|(&x, &t)| ((x - t) as f64).powi(2)).sum(),
        Loss::Hinge => x.iter().zip(t).map(|(&x, &t)| (1.0 - t * x).max(0.0) as f64).sum(),
    };
    (total / n) as f32
}

pub(super) fn loss_backward(op: Loss, x: &[f32], t: &[f32], grad_loss: f32, grad_x: &mut [f32], rows: usize, cols: usize) {
    let per_element = grad_loss / (rows * cols).max(1) as f32;
    match op {
        Loss::SoftmaxCrossEntropy => {
            // (softmax · Σt − t) / rows, which is the familiar (softmax − onehot) / rows.
            let per_row = grad_loss / rows.max(1) as f32;
            for ((x, t), g) in x.chunks_exact(cols).zip(t.chunks_exact(cols)).zip(grad_x.chunks_exact_mut(cols)) {
                let lse = log_sum_exp(x);
                let mass: f32 = t.iter().sum();
                for j in 0..cols {
                    g[j] += per_row * (super::flush_tiny((x[j] - lse).exp()) * mass - t[j]);
                }
            }
        }
        Loss::BinaryCrossEntropyWithLogits => {
            for i in 0..x.len() {
                grad_x[i] += per_element * (super::flush_tiny(sigmoid(x[i])) - t[i]);
            }
        }
        Loss::MeanSquaredError => {
            for i in 0..x.len() {
                grad_x[i] += per_element * 2.0 * (x[i] - t[i]);
            }
        }
        Loss::Hinge => {
            for i in 0..x.len() {
                if 1.0 - t[i] * x[i] > 0.0 {
                    grad_x[i] -= per_element * t[i];
                }
            }
        }
    }
}
