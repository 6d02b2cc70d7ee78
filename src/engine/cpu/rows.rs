//! Reductions: whole-buffer sums, column sums, and the row-wise softmax family.
//! Sums accumulate in f64 so a long buffer loses no precision to rounding.

use crate::engine::backend::{Reduce, Softmax};

pub(super) fn reduce(op: Reduce, x: &[f32]) -> f32 {
    let sum: f64 = x.iter().map(|&v| v as f64).sum();
    match op {
        Reduce::Sum => sum as f32,
        Reduce::Mean => (sum / x.len().max(1) as f64) as f32,
    }
}

pub(super) fn sum_rows(x: &[f32], out: &mut [f32], rows: usize, cols: usize, accumulate: bool) {
    let out = &mut out[..cols];
    if !accumulate {
        out.fill(0.0);
    }
    // Row by row keeps both slices contiguous, which vectorises; f32 is enough for a batch.
    for row in x[..rows * cols].chunks_exact(cols) {
        out.iter_mut().zip(row).for_each(|(o, &v)| *o += v);
    }
}

/// `ln Σ e^{xⱼ}` of one row, shifted by the maximum so that no exponential overflows.
pub(super) fn log_sum_exp(row: &[f32]) -> f32 {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if max == f32::NEG_INFINITY {
        return max;
    }
    let sum: f32 = row.iter().map(|&v| (v - max).exp()).sum();
    max + sum.ln()
}

pub(super) fn softmax(op: Softmax, x: &[f32], out: &mut [f32], rows: usize, cols: usize) {
    for (r, (x_row, out_row)) in x[..rows * cols].chunks_exact(cols).zip(out.chunks_exact_mut(cols)).enumerate() {
        // The entries this row's softmax is over: all of them, or the causal mask's first i + 1.
        let seen = if op == Softmax::Causal { r % cols + 1 } else { cols };
        let lse = log_sum_exp(&x_row[..seen]);
        for (j, (o, &v)) in out_row.iter_mut().zip(x_row).enumerate() {
            *o = match op {
                Softmax::Softmax => super::flush_tiny((v - lse).exp()),
                Softmax::LogSoftmax => v - lse,
                Softmax::Causal if j < seen => super::flush_tiny((v - lse).exp()),
                Softmax::Causal => 0.0,
            };
        }
    }
}

pub(super) fn softmax_backward(op: Softmax, y: &[f32], grad_y: &[f32], grad_x: &mut [f32], rows: usize, cols: usize) {
    for (r, grad_x_row) in grad_x[..rows * cols].chunks_exact_mut(cols).enumerate() {
        let (y, g) = (&y[r * cols..][..cols], &grad_y[r * cols..][..cols]);
        match op {
            // ∂yⱼ/∂xᵢ = yⱼ(δᵢⱼ − yᵢ), so grad_xᵢ = yᵢ (gᵢ − Σⱼ gⱼ yⱼ).
            Softmax::Softmax | Softmax::Causal => {
                let dot: f32 = g.iter().zip(y).map(|(g, y)| g * y).sum();
                for i in 0..cols {
                    grad_x_row[i] += y[i] * (g[i] - dot);
                }
            }
            // yⱼ = xⱼ − lse, so grad_xᵢ = gᵢ − softmaxᵢ Σⱼ gⱼ with softmax = e^y.
            Softmax::LogSoftmax => {
                let total: f32 = g.iter().sum();
                for i in 0..cols {
                    grad_x_row[i] += g[i] - y[i].exp() * total;
                }
            }
        }
    }
}

/// LayerNorm's normalisation, row by row (see `Backend::normalize_rows`): two passes, the
/// mean first, then the variance around it, which loses less to rounding than E[x²] − μ².
pub(super) fn normalize_rows(x: &[f32], out: &mut [f32], rstd: &mut [f32], rows: usize, cols: usize, epsilon: f32) {
    for ((x_row, out_row), r) in x[..rows * cols].chunks_exact(cols).zip(out.chunks_exact_mut(cols)).zip(rstd.iter_mut()) {
        let mean = x_row.iter().sum::<f32>() / cols as f32;
        let variance = x_row.iter().map(|&v| (v - mean) * (v - mean)).sum::<f32>() / cols as f32;
        *r = 1.0 / (variance + epsilon).sqrt();
        for (o, &v) in out_row.iter_mut().zip(x_row) {
            *o = (v - mean) * *r;
        }
    }
}

pub(super) fn normalize_rows_backward(y: &[f32], rstd: &[f32], grad_y: &[f32], grad_x: &mut [f32], rows: usize, cols: usize) {
    for (i, grad_x_row) in grad_x[..rows * cols].chunks_exact_mut(cols).enumerate() {
        let (y, g) = (&y[i * cols..][..cols], &grad_y[i * cols..][..cols]);
        let mean_g = g.iter().sum::<f32>() / cols as f32;
        let mean_gy = g.iter().zip(y).map(|(g, y)| g * y).sum::<f32>() / cols as f32;
        for j in 0..cols {
            grad_x_row[j] += rstd[i] * (g[j] - mean_g - y[j] * mean_gy);
        }
    }
}
