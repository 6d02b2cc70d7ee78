//! `/mnist`: a digit classifier trained live on the 60,000 MNIST training images. The
//! settings (the lesson's state, also its future URL state) and the training loop are plain
//! Rust, tested natively on the real data; the page (`page.rs`) drives the loop in the browser.

pub mod batch;
pub mod drawing;
pub mod settings;
pub mod inside;
pub mod link;
pub mod trainer;

crate::lessons::page_files! {
    mod lesson;
    pub mod page;
    mod bars_view;
    mod batch_view;
    mod progress_view;
    mod run;
    mod worker_run;
    mod drawing_view;
    mod inside_view;
    mod save_view;
    mod settings_view;
}

use serde::{Deserialize, Serialize};

use crate::engine::layers::{Activation, LayerSpec};
use crate::engine::optim::Method;

/// What the learner chooses. Defaults are the issue's: 784-500-10, ReLU, Adam 0.001, batch 64.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Widths of the hidden layers (0 to 3 of them).
    pub hidden: Vec<usize>,
    /// After every hidden layer (the output layer gives logits to the softmax).
    pub activation: Activation,
    pub optimiser: Method,
    pub learning_rate: f32,
    pub batch_size: usize,
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            hidden: vec![500],
            activation: Activation::Relu,
            optimiser: Method::adam(),
            learning_rate: 0.001,
            batch_size: 64,
            seed: 1,
        }
    }
}

impl Settings {
    /// Layer widths from input to output: `[784, 500, 10]` by default.
    pub fn layer_sizes(&self) -> Vec<usize> {
        let mut sizes = vec![crate::data::mnist::IMAGE_PIXELS];
        sizes.extend(&self.hidden);
        sizes.push(crate::data::mnist::CLASSES);
        sizes
    }

    /// The settings that describe a loaded model's shape (hidden widths and activation), keeping
    /// the rest of `self`. Refuses models that are not 784 in, 10 out dense stacks.
    pub fn for_model(&self, layers: &[LayerSpec]) -> Result<Settings, String> {
        let sizes: Vec<usize> = layers.iter().map(|LayerSpec::Dense { inputs, .. }| *inputs).collect();
        let (Some(&first), Some(LayerSpec::Dense { outputs, .. })) = (sizes.first(), layers.last()) else {
            return Err("the model has no layers".into());
        };
        if first != crate::data::mnist::IMAGE_PIXELS || *outputs != crate::data::mnist::CLASSES {
            return Err(format!("this model takes {first} inputs and gives {outputs} outputs; a digit classifier takes 784 and gives 10"));
        }
        let LayerSpec::Dense { activation, .. } = layers[0];
        let activation = if layers.len() > 1 { activation } else { self.activation };
        Ok(Settings { hidden: sizes[1..].to_vec(), activation, ..self.clone() })
    }

    /// Weights and biases: Σ (inputs × outputs + outputs) over the layers.
    pub fn parameter_count(&self) -> usize {
        self.layer_sizes().windows(2).map(|w| w[0] * w[1] + w[1]).sum()
    }

    /// Multiply-adds of one training step, counted as 2 FLOPs each: the forward product, and
    /// the two backward products (gradient of the weights and of the layer's input; the first
    /// layer needs no input gradient). Elementwise work is small beside these and left out.
    pub fn flops_per_step(&self) -> u64 {
        let batch = self.batch_size as u64;
        self.layer_sizes()
            .windows(2)
            .enumerate()
            .map(|(i, w)| {
                let products = if i == 0 { 2 } else { 3 };
                products * 2 * batch * w[0] as u64 * w[1] as u64
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_network_has_397_510_parameters() {
        // 784·500 + 500 + 500·10 + 10, worked out by hand.
        assert_eq!(Settings::default().parameter_count(), 392_000 + 500 + 5_000 + 10);
    }

    #[test]
    fn flops_per_step_count_forward_and_backward_products() {
        let s = Settings::default();
        // Layer 1: forward and weight gradient; layer 2: forward, weight and input gradients.
        let expected = 2 * 2 * 64 * 784 * 500 + 3 * 2 * 64 * 500 * 10;
        assert_eq!(s.flops_per_step(), expected);
    }

    #[test]
    fn a_loaded_models_shape_becomes_the_settings() {
        let specs = crate::engine::layers::mlp_specs(&[784, 128, 64, 10], Activation::Tanh);
        let s = Settings::default().for_model(&specs).unwrap();
        assert_eq!((s.hidden.clone(), s.activation), (vec![128, 64], Activation::Tanh));
        assert_eq!(s.layer_sizes(), vec![784, 128, 64, 10]);
        let wrong = crate::engine::layers::mlp_specs(&[100, 10], Activation::Relu);
        assert!(Settings::default().for_model(&wrong).unwrap_err().contains("100 inputs"));
    }

    #[test]
    fn settings_survive_json_and_fill_in_missing_fields() {
        let s = Settings { hidden: vec![128, 64], ..Settings::default() };
        let back: Settings = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
        let partial: Settings = serde_json::from_str(r#"{"batch_size": 128}"#).unwrap();
        assert_eq!(partial, Settings { batch_size: 128, ..Settings::default() });
    }
}
