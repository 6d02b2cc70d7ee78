//! The network run forward and backward, in f64: every value a step shows.

use super::*;

/// Everything computed for one layer.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerPass {
    pub input: Vec<f64>,
    pub z: Vec<f64>,
    pub a: Vec<f64>,
    pub grad_a: Vec<f64>,
    pub grad_z: Vec<f64>,
    pub grad_w: Vec<Vec<f64>>,
    pub grad_b: Vec<f64>,
    pub new_w: Vec<Vec<f64>>,
    pub new_b: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pass {
    pub layers: Vec<LayerPass>,
    pub loss: f64,
}

impl Network {
    /// The forward pass: (z, a) per layer.
    pub fn forward(&self) -> Vec<(Vec<f64>, Vec<f64>)> {
        let mut input = self.inputs.clone();
        let mut out = Vec::new();
        for layer in &self.layers {
            let z: Vec<f64> = layer.weights.iter().zip(&layer.biases).map(|(w, b)| w.iter().zip(&input).map(|(w, x)| w * x).sum::<f64>() + b).collect();
            let a: Vec<f64> = z.iter().map(|&z| layer.activation.value(z)).collect();
            out.push((z, a.clone()));
            input = a;
        }
        out
    }

    pub fn loss_of(&self, output: &[f64]) -> f64 {
        let k = output.len() as f64;
        match self.loss {
            CheckerLoss::Mse => output.iter().zip(&self.target).map(|(a, y)| (a - y) * (a - y)).sum::<f64>() / k,
            CheckerLoss::BinaryCrossEntropy => {
                output.iter().zip(&self.target).map(|(&a, &y)| crate::lessons::functions::losses::Loss::BinaryCrossEntropy.value(y, a)).sum::<f64>() / k
            }
        }
    }

    fn loss_gradient(&self, output: &[f64]) -> Vec<f64> {
        let k = output.len() as f64;
        output
            .iter()
            .zip(&self.target)
            .map(|(&a, &y)| match self.loss {
                CheckerLoss::Mse => 2.0 * (a - y) / k,
                CheckerLoss::BinaryCrossEntropy => crate::lessons::functions::losses::Loss::BinaryCrossEntropy.gradient(y, a) / k,
            })
            .collect()
    }

    /// Forward, loss, backward by the chain rule, and one gradient-descent update.
    pub fn run(&self) -> Pass {
        let forward = self.forward();
        let output = &forward.last().unwrap().1;
        let loss = self.loss_of(output);
        let mut grad_a = self.loss_gradient(output);
        let mut layers: Vec<LayerPass> = Vec::new();
        for (l, layer) in self.layers.iter().enumerate().rev() {
            let input = if l == 0 { self.inputs.clone() } else { forward[l - 1].1.clone() };
            let (z, a) = forward[l].clone();
            let grad_z: Vec<f64> = grad_a.iter().zip(&z).map(|(g, &z)| g * layer.activation.derivative(z)).collect();
            let grad_w: Vec<Vec<f64>> = grad_z.iter().map(|d| input.iter().map(|x| d * x).collect()).collect();
            let grad_b = grad_z.clone();
            let rate = self.learning_rate;
            let new_w = layer.weights.iter().zip(&grad_w).map(|(w, g)| w.iter().zip(g).map(|(w, g)| w - rate * g).collect()).collect();
            let new_b = layer.biases.iter().zip(&grad_b).map(|(b, g)| b - rate * g).collect();
            let previous_grad: Vec<f64> = (0..input.len()).map(|i| layer.weights.iter().zip(&grad_z).map(|(w, d)| w[i] * d).sum()).collect();
            layers.push(LayerPass { input, z, a, grad_a: grad_a.clone(), grad_z, grad_w, grad_b, new_w, new_b });
            grad_a = previous_grad;
        }
        layers.reverse();
        Pass { layers, loss }
    }
}
