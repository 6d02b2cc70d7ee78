//! Saving and sharing models: `SavedModel` (architecture + weights, serde), `.safetensors`
//! files in PyTorch's layout, and a PyTorch script that rebuilds the same network.

mod pytorch;
mod safetensors;

pub use pytorch::pytorch_script;
pub use safetensors::{read_safetensors, write_safetensors};

use crate::engine::layers::Module;
use crate::engine::backend::Backend;
use crate::engine::layers::{Activation, Layer, LayerSpec, Sequential};
use serde::{Deserialize, Serialize};

/// A named array on the host.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NamedTensor {
    pub name: String,
    pub shape: Vec<usize>,
    pub values: Vec<f32>,
}

/// Everything needed to rebuild a trained model: what `serde_json` writes to a file or the
/// browser's storage. Weights are in the engine's layout (`[inputs, outputs]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedModel {
    pub layers: Vec<LayerSpec>,
    pub weights: Vec<NamedTensor>,
}

/// PyTorch names parameters by the index of their module in `nn.Sequential`; an activation is
/// a module of its own, so a Dense layer with an activation takes two indices.
/// Returns each layer's module index.
pub(crate) fn pytorch_module_indices(specs: &[LayerSpec]) -> Vec<usize> {
    let mut next = 0;
    specs
        .iter()
        .map(|spec| {
            let index = next;
            let LayerSpec::Dense { activation, .. } = spec;
            next += if *activation == Activation::Identity { 1 } else { 2 };
            index
        })
        .collect()
}

/// `[rows, cols]` row-major → `[cols, rows]` row-major.
pub fn transpose(values: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    (0..cols * rows).map(|i| values[(i % rows) * cols + i / rows]).collect()
}

impl<B: Backend> Sequential<B> {
    /// Copies architecture and weights to the host.
    pub async fn save(&self) -> SavedModel {
        let mut weights = Vec::new();
        for (layer, index) in self.layers.iter().zip(pytorch_module_indices(&self.specs())) {
            let Layer::Dense(dense) = layer;
            for (suffix, tensor) in [("weight", &dense.weights), ("bias", &dense.bias)] {
                weights.push(NamedTensor { name: format!("{index}.{suffix}"), shape: tensor.shape().to_vec(), values: tensor.to_vec().await });
            }
        }
        SavedModel { layers: self.specs(), weights }
    }

    /// Rebuilds a saved model on `backend`.
    pub fn load(backend: &B, saved: &SavedModel) -> Result<Self, String> {
        let model = Sequential::new(backend, &saved.layers, &mut crate::engine::rng::Pcg32::from_seed(0));
        let parameters = model.parameters();
        if parameters.len() != saved.weights.len() {
            return Err(format!("the architecture has {} parameters but {} were saved", parameters.len(), saved.weights.len()));
        }
        for (parameter, saved) in parameters.iter().zip(&saved.weights) {
            if parameter.shape() != saved.shape.as_slice() {
                return Err(format!("{}: saved shape {:?}, model expects {:?}", saved.name, saved.shape, parameter.shape()));
            }
            parameter.set_values(&saved.values);
        }
        Ok(model)
    }

    /// The weights as a `.safetensors` file that `nn.Sequential.load_state_dict` accepts:
    /// PyTorch's names, and its `[outputs, inputs]` layout for `nn.Linear` weights.
    pub async fn to_safetensors(&self) -> Vec<u8> {
        let saved = self.save().await;
        let tensors: Vec<NamedTensor> = saved.weights.into_iter().map(to_pytorch_layout).collect();
        let architecture = serde_json::to_string(&saved.layers).expect("layer specs serialise");
        write_safetensors(&tensors, &[("stepwise_architecture", architecture.as_str())])
    }

    /// Rebuilds a model from a file written by [`Sequential::to_safetensors`].
    pub fn from_safetensors(backend: &B, bytes: &[u8]) -> Result<Self, String> {
        let (tensors, metadata) = read_safetensors(bytes)?;
        let architecture = metadata
            .iter()
            .find(|(key, _)| key == "stepwise_architecture")
            .ok_or("the file does not say which architecture its weights belong to")?;
        let layers: Vec<LayerSpec> = serde_json::from_str(&architecture.1).map_err(|e| e.to_string())?;
        let mut weights = Vec::new();
        for index in pytorch_module_indices(&layers) {
            for suffix in ["weight", "bias"] {
                let name = format!("{index}.{suffix}");
                let tensor = tensors.iter().find(|t| t.name == name).ok_or(format!("the file has no tensor {name}"))?;
                weights.push(from_pytorch_layout(tensor.clone()));
            }
        }
        Self::load(backend, &SavedModel { layers, weights })
    }
}

fn to_pytorch_layout(tensor: NamedTensor) -> NamedTensor {
    match tensor.shape[..] {
        [inputs, outputs] => NamedTensor { values: transpose(&tensor.values, inputs, outputs), shape: vec![outputs, inputs], ..tensor },
        _ => tensor,
    }
}

fn from_pytorch_layout(tensor: NamedTensor) -> NamedTensor {
    match tensor.shape[..] {
        [outputs, inputs] => NamedTensor { values: transpose(&tensor.values, outputs, inputs), shape: vec![inputs, outputs], ..tensor },
        _ => tensor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transposing_swaps_rows_and_columns() {
        // [[1, 2, 3], [4, 5, 6]] → [[1, 4], [2, 5], [3, 6]]
        assert_eq!(transpose(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 2, 3), [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    }

    #[test]
    fn activations_take_their_own_pytorch_module_index() {
        let specs = crate::engine::layers::mlp_specs(&[4, 8, 8, 2], Activation::Relu);
        // Linear, ReLU, Linear, ReLU, Linear
        assert_eq!(pytorch_module_indices(&specs), [0, 2, 4]);
    }
}
