//! The networks recomputed in f64 on the host, straight from the formulas, as the reference the
//! tests compare the engine's numbers with.

use crate::engine::layers::{Activation, Dense, Sequential};
use crate::engine::poll::now_or_never;
use crate::engine::CpuBackend;

pub struct HostLayer {
    pub weights: Vec<f64>,
    pub bias: Vec<f64>,
    pub inputs: usize,
    pub outputs: usize,
    pub activation: Activation,
}

pub fn host_layers(model: &Sequential<CpuBackend>) -> Vec<HostLayer> {
    model.layers.iter().map(|layer| host_layer(layer.dense())).collect()
}

pub fn host_layer(d: &Dense<CpuBackend>) -> HostLayer {
    let to_f64 = |v: Vec<f32>| v.into_iter().map(f64::from).collect::<Vec<_>>();
    HostLayer {
        weights: to_f64(now_or_never(d.weights.to_vec()).unwrap()),
        bias: to_f64(now_or_never(d.bias.to_vec()).unwrap()),
        inputs: d.inputs(),
        outputs: d.outputs(),
        activation: d.activation,
    }
}

fn activate(activation: Activation, x: f64) -> f64 {
    match activation {
        Activation::Identity => x,
        Activation::Relu => x.max(0.0),
        Activation::LeakyRelu { slope } => if x > 0.0 { x } else { slope as f64 * x },
        Activation::Sigmoid => 1.0 / (1.0 + (-x).exp()),
        Activation::Tanh => x.tanh(),
    }
}

/// Rows of `x` through the layers: `act(x·W + b)` layer by layer, W stored `[inputs, outputs]`.
pub fn forward(layers: &[HostLayer], x: &[f64], rows: usize) -> Vec<f64> {
    let mut x = x.to_vec();
    for layer in layers {
        let mut out = vec![0.0; rows * layer.outputs];
        for r in 0..rows {
            for j in 0..layer.outputs {
                let mut sum = layer.bias[j];
                for i in 0..layer.inputs {
                    sum += x[r * layer.inputs + i] * layer.weights[i * layer.outputs + j];
                }
                out[r * layer.outputs + j] = activate(layer.activation, sum);
            }
        }
        x = out;
    }
    x
}

/// `−mean(t·log σ(l) + (1 − t)·log(1 − σ(l)))`, written with σ directly (fine for the modest
/// logits of these tests).
pub fn binary_cross_entropy(logits: &[f64], target: f64) -> f64 {
    let sigma = |l: f64| 1.0 / (1.0 + (-l).exp());
    -logits.iter().map(|&l| target * sigma(l).ln() + (1.0 - target) * (1.0 - sigma(l)).ln()).sum::<f64>() / logits.len() as f64
}
