//! Elementwise kernels: activations, their derivatives, arithmetic and the bias add.

use crate::engine::backend::{Binary, Unary};

/// The logistic function, written so that `e^x` never overflows.
pub(super) fn sigmoid(x: f32) -> f32 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// √(2/π), and the cubic term's weight, of the tanh-approximated GELU.
const GELU_SCALE: f32 = 0.797_884_6;
const GELU_CUBIC: f32 = 0.044_715;

/// GELU's `tanh u` (see `Unary::Gelu`).
fn gelu_tanh(x: f32) -> f32 {
    (GELU_SCALE * (x + GELU_CUBIC * x * x * x)).tanh()
}

/// GELU of one number, as the kernels compute it (the page's own forward pass reads it here).
pub fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + gelu_tanh(x))
}

pub(super) fn unary(op: Unary, x: &[f32], out: &mut [f32]) {
    let pairs = out.iter_mut().zip(x);
    match op {
        Unary::Relu => pairs.for_each(|(o, &x)| *o = x.max(0.0)),
        Unary::LeakyRelu { slope } => pairs.for_each(|(o, &x)| *o = if x > 0.0 { x } else { slope * x }),
        Unary::Sigmoid => pairs.for_each(|(o, &x)| *o = sigmoid(x)),
        Unary::Tanh => pairs.for_each(|(o, &x)| *o = x.tanh()),
        Unary::Gelu => pairs.for_each(|(o, &x)| *o = gelu(x)),
        Unary::Exp => pairs.for_each(|(o, &x)| *o = x.exp()),
    }
}

pub(super) fn unary_backward(op: Unary, x: &[f32], y: &[f32], grad_y: &[f32], grad_x: &mut [f32]) {
    let n = grad_x.len();
    match op {
        Unary::Relu => {
            for i in 0..n {
                grad_x[i] += if x[i] > 0.0 { grad_y[i] } else { 0.0 };
            }
        }
        Unary::LeakyRelu { slope } => {
            for i in 0..n {
                grad_x[i] += if x[i] > 0.0 { grad_y[i] } else { slope * grad_y[i] };
            }
        }
        Unary::Sigmoid => {
            for i in 0..n {
                grad_x[i] += y[i] * (1.0 - y[i]) * grad_y[i];
            }
        }
        Unary::Tanh => {
            for i in 0..n {
                grad_x[i] += (1.0 - y[i] * y[i]) * grad_y[i];
            }
        }
        Unary::Gelu => {
            for i in 0..n {
                let (x, t) = (x[i], gelu_tanh(x[i]));
                let du = GELU_SCALE * (1.0 + 3.0 * GELU_CUBIC * x * x);
                grad_x[i] += (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du) * grad_y[i];
            }
        }
        Unary::Exp => {
            for i in 0..n {
                grad_x[i] += y[i] * grad_y[i];
            }
        }
    }
}

pub(super) fn binary(op: Binary, a: &[f32], b: &[f32], out: &mut [f32], accumulate: bool) {
    let f: fn(f32, f32) -> f32 = match op {
        Binary::Add => |a, b| a + b,
        Binary::Sub => |a, b| a - b,
        Binary::Mul => |a, b| a * b,
    };
    for ((o, &a), &b) in out.iter_mut().zip(a).zip(b) {
        *o = if accumulate { *o + f(a, b) } else { f(a, b) };
    }
}

pub(super) fn scale(x: &[f32], factor: f32, out: &mut [f32], accumulate: bool) {
    if accumulate {
        out.iter_mut().zip(x).for_each(|(o, &x)| *o += factor * x);
    } else {
        out.iter_mut().zip(x).for_each(|(o, &x)| *o = factor * x);
    }
}

pub(super) fn add_bias(x: &[f32], bias: &[f32], out: &mut [f32], rows: usize, cols: usize) {
    let bias = &bias[..cols];
    for (out_row, x_row) in out[..rows * cols].chunks_exact_mut(cols).zip(x.chunks_exact(cols)) {
        for ((o, &x), &b) in out_row.iter_mut().zip(x_row).zip(bias) {
            *o = x + b;
        }
    }
}

pub(super) fn mul_columns(x: &[f32], scale: &[f32], out: &mut [f32], rows: usize, cols: usize, accumulate: bool) {
    let scale = &scale[..cols];
    for (out_row, x_row) in out[..rows * cols].chunks_exact_mut(cols).zip(x.chunks_exact(cols)) {
        for ((o, &x), &s) in out_row.iter_mut().zip(x_row).zip(scale) {
            *o = if accumulate { *o + x * s } else { x * s };
        }
    }
}

pub(super) fn swap_middle_axes(x: &[f32], out: &mut [f32], [a, b, c, d]: [usize; 4], accumulate: bool) {
    for (i, chunk) in x[..a * b * c * d].chunks_exact(d).enumerate() {
        let (ia, ib, ic) = (i / (b * c), i / c % b, i % c);
        let target = &mut out[((ia * c + ic) * b + ib) * d..][..d];
        if accumulate {
            target.iter_mut().zip(chunk).for_each(|(o, &v)| *o += v);
        } else {
            target.copy_from_slice(chunk);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PyTorch's `gelu(x, approximate="tanh")` at 1, −1, 2 and −3, worked in f64 from the
    /// formula: 0.8411920, −0.1588080, 1.9545977, −0.0036374 (the exact, erf-based GELU gives
    /// 0.8413447 at 1: the two differ in the fourth decimal).
    #[test]
    fn gelu_gives_the_tanh_approximations_values() {
        let mut out = [0.0; 4];
        unary(Unary::Gelu, &[1.0, -1.0, 2.0, -3.0], &mut out);
        for (got, want) in out.iter().zip([0.841_192_0, -0.158_808_0, 1.954_597_7, -0.003_637_4]) {
            assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        }
    }
}
