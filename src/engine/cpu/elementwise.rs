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

pub(super) fn unary(op: Unary, x: &[f32], out: &mut [f32]) {
    let pairs = out.iter_mut().zip(x);
    match op {
        Unary::Relu => pairs.for_each(|(o, &x)| *o = x.max(0.0)),
        Unary::LeakyRelu { slope } => pairs.for_each(|(o, &x)| *o = if x > 0.0 { x } else { slope * x }),
        Unary::Sigmoid => pairs.for_each(|(o, &x)| *o = sigmoid(x)),
        Unary::Tanh => pairs.for_each(|(o, &x)| *o = x.tanh()),
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
