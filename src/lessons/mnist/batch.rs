//! "Step through one batch": one training step taken apart into what a learner can look at:
//! the batch, each layer's activations (as a histogram), the loss, each layer's gradient size,
//! and how far the update moved each layer's weights.

use crate::engine::layers::Module;
use super::trainer::Trainer;
use crate::data::mnist::MnistSet;
use crate::engine::layers::{Layer, LayerSpec};
use crate::engine::Tensor;
use crate::engine::Backend;

/// Counts of values in equal-width bins over `[low, high]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    pub low: f64,
    pub high: f64,
    pub counts: Vec<u32>,
}

impl Histogram {
    pub fn of(values: &[f32], bins: usize) -> Histogram {
        let low = values.iter().fold(f64::INFINITY, |m, &v| m.min(v as f64));
        let high = values.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v as f64));
        let (low, high) = if low.is_finite() { (low, high) } else { (0.0, 0.0) };
        let width = (high - low) / bins as f64;
        let mut counts = vec![0; bins];
        for &v in values {
            let bin = if width > 0.0 { ((v as f64 - low) / width) as usize } else { 0 };
            counts[bin.min(bins - 1)] += 1;
        }
        Histogram { low, high, counts }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct LayerReport {
    /// "784 → 500, ReLU"
    pub name: String,
    pub activations: Histogram,
    /// Share of outputs exactly 0 (for ReLU: units that did not fire).
    pub zero_fraction: f64,
    /// ‖∂L/∂W‖ and ‖∂L/∂b‖ (Euclidean norms).
    pub weight_gradient: f64,
    pub bias_gradient: f64,
    /// ‖W‖ before the update and ‖ΔW‖, the size of the update.
    pub weight_norm: f64,
    pub update: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BatchReport {
    /// The step number this batch was (1 for the first).
    pub step: u32,
    pub indices: Vec<usize>,
    /// The batch's images, 784 bytes each, for showing.
    pub images: Vec<u8>,
    pub labels: Vec<u8>,
    /// The network's reading of each image before the update.
    pub predicted: Vec<u8>,
    pub loss: f64,
    pub layers: Vec<LayerReport>,
}

/// How the step-through names an activation.
pub fn activation_name(activation: crate::engine::layers::Activation) -> &'static str {
    use crate::engine::layers::Activation::*;
    match activation {
        Identity => "no activation (logits)",
        Relu => "ReLU",
        LeakyRelu { .. } => "leaky ReLU",
        Sigmoid => "sigmoid",
        Tanh => "tanh",
    }
}

/// "784 → 500, ReLU", "5×5 convolution, 8 filters, ReLU", "2×2 max-pool".
pub fn layer_name(spec: &LayerSpec) -> String {
    match *spec {
        LayerSpec::Dense { inputs, outputs, activation } => format!("{inputs} → {outputs}, {}", activation_name(activation)),
        LayerSpec::Conv { size, filters, activation, .. } => format!("{size}×{size} convolution, {filters} filters, {}", activation_name(activation)),
        LayerSpec::MaxPool { size, .. } => format!("{size}×{size} max-pool"),
    }
}

pub fn norm(values: &[f32]) -> f64 {
    values.iter().map(|&v| (v as f64) * (v as f64)).sum::<f64>().sqrt()
}

fn difference_norm(after: &[f32], before: &[f32]) -> f64 {
    after.iter().zip(before).map(|(&a, &b)| (a as f64 - b as f64).powi(2)).sum::<f64>().sqrt()
}

impl<B: Backend + Clone> Trainer<B> {
    /// Takes one ordinary training step (the same batch order, the same update as `step`),
    /// reading back everything the step-through shows.
    pub async fn step_with_report(&mut self, train: &MnistSet) -> BatchReport {
        let (indices, x, targets) = self.next_batch(train);
        let labels: Vec<u8> = indices.iter().map(|&i| train.label(i)).collect();
        self.zero_grad();
        let mut outputs = Vec::new();
        let mut h = x;
        for layer in &self.model.layers {
            h = layer.forward(&h);
            outputs.push(h.clone());
        }
        let loss = h.softmax_cross_entropy(&targets);
        loss.backward();
        // Each layer's weights (a dense layer's matrix, a convolution's kernels) and bias; a
        // pooling layer has neither, and its norms are 0.
        let weights_and_bias = |layer: &Layer<B>| {
            let parameters = layer.parameters();
            (parameters.first().cloned(), parameters.get(1).cloned())
        };
        let read = |tensor: Option<Tensor<B>>| async move {
            match tensor {
                Some(tensor) => tensor.to_vec().await,
                None => Vec::new(),
            }
        };
        let read_grad = |tensor: Option<Tensor<B>>| async move {
            match tensor {
                Some(tensor) => tensor.grad_to_vec().await.unwrap_or_default(),
                None => Vec::new(),
            }
        };
        let mut before = Vec::new();
        for layer in &self.model.layers {
            before.push(read(weights_and_bias(layer).0).await);
        }
        self.apply_update();

        let mut layers = Vec::new();
        for ((layer, output), before) in self.model.layers.iter().zip(&outputs).zip(&before) {
            let values = output.to_vec().await;
            let (weights, bias) = weights_and_bias(layer);
            let after = read(weights.clone()).await;
            layers.push(LayerReport {
                name: layer_name(&layer.spec()),
                zero_fraction: values.iter().filter(|&&v| v == 0.0).count() as f64 / values.len() as f64,
                activations: Histogram::of(&values, 24),
                weight_gradient: norm(&read_grad(weights).await),
                bias_gradient: norm(&read_grad(bias).await),
                weight_norm: norm(before),
                update: difference_norm(&after, before),
            });
        }
        let logits = outputs.last().expect("at least one layer").to_vec().await;
        let classes = logits.len() / indices.len();
        let predicted = logits.chunks_exact(classes).map(super::trainer::argmax).collect();
        let images = indices.iter().flat_map(|&i| train.image(i).iter().copied()).collect();
        BatchReport { step: self.steps(), indices, images, labels, predicted, loss: loss.to_vec().await[0] as f64, layers }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::mnist::IMAGE_PIXELS;
    use crate::engine::optim::Method;
    use crate::engine::poll::now_or_never;
    use crate::engine::CpuBackend;
    use crate::lessons::mnist::Settings;

    fn tiny_set() -> MnistSet {
        MnistSet { images: (0..8 * IMAGE_PIXELS).map(|i| (i * 31 % 256) as u8).collect(), labels: vec![0, 1, 2, 3, 4, 5, 6, 7], count: 8 }
    }

    #[test]
    fn histograms_count_every_value_once() {
        let h = Histogram::of(&[0.0, 0.0, 0.5, 1.0], 4);
        assert_eq!((h.low, h.high), (0.0, 1.0));
        assert_eq!(h.counts, vec![2, 0, 1, 1], "the maximum falls in the last bin");
        assert_eq!(Histogram::of(&[3.0, 3.0], 5).counts.iter().sum::<u32>(), 2);
    }

    #[test]
    fn an_sgd_update_is_the_learning_rate_times_the_gradient() {
        // For plain SGD, ΔW = −α ∂L/∂W, so ‖ΔW‖ = α ‖∂L/∂W‖: two measurements that must agree.
        let cpu = CpuBackend::new();
        let set = tiny_set();
        let settings = Settings { hidden: vec![12], optimiser: Method::Sgd, learning_rate: 0.1, batch_size: 4, ..Settings::default() };
        let mut trainer = Trainer::new(&cpu, settings, set.count);
        let report = now_or_never(trainer.step_with_report(&set)).unwrap();
        assert_eq!((report.step, report.indices.len()), (1, 4));
        for layer in &report.layers {
            assert!((layer.update - 0.1 * layer.weight_gradient).abs() <= 1e-6 * layer.update.max(1e-12), "{layer:?}");
        }
        assert_eq!(report.layers[0].activations.counts.iter().sum::<u32>(), 4 * 12);
        assert!((report.loss - 10f64.ln()).abs() < 0.5, "first loss {}", report.loss);
        assert_eq!(report.labels, report.indices.iter().map(|&i| set.label(i)).collect::<Vec<_>>());
    }

    #[test]
    fn a_reported_step_is_the_same_step_as_an_ordinary_one() {
        let cpu = CpuBackend::new();
        let set = tiny_set();
        let settings = Settings { hidden: vec![6], batch_size: 4, ..Settings::default() };
        let mut plain = Trainer::new(&cpu, settings.clone(), set.count);
        let mut reported = Trainer::new(&cpu, settings, set.count);
        for _ in 0..3 {
            let loss = now_or_never(plain.step(&set).to_vec()).unwrap()[0] as f64;
            let report = now_or_never(reported.step_with_report(&set)).unwrap();
            assert_eq!(loss, report.loss);
        }
        let weights = |t: &Trainer<CpuBackend>| now_or_never(t.model.parameters()[0].to_vec()).unwrap();
        assert_eq!(weights(&plain), weights(&reported));
    }
}
