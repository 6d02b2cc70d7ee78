//! Saving and sharing models: `SavedModel` (architecture + weights, serde), `.safetensors`
//! files in PyTorch's layout, and a PyTorch script that rebuilds the same network.

mod pytorch;
mod safetensors;

pub use pytorch::pytorch_script;
pub use safetensors::{read_safetensors, write_safetensors};

use crate::engine::layers::Module;
use crate::engine::backend::Backend;
use crate::engine::layers::{LayerSpec, Sequential};
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

/// The `nn.Sequential` modules that rebuild `specs`, as Python source, and each layer's module
/// index: PyTorch names parameters by that index, and an activation, a reshape or a flatten is
/// a module of its own, so indices run ahead of layers.
///
/// Images: the first convolution's input arrives flat, as the data do, and is unflattened to
/// PyTorch's `(channels, height, width)`; for one channel (MNIST) that is the very same order
/// as ours. Before a dense layer, images are flattened in our (row, column, channel) order
/// (`ChannelsLastFlatten`, defined by the script), so the dense weights need no reordering.
pub(crate) fn pytorch_modules(specs: &[LayerSpec]) -> (Vec<String>, Vec<usize>) {
    let mut modules = Vec::new();
    let mut indices = Vec::new();
    let mut images = false;
    for spec in specs {
        match *spec {
            LayerSpec::Dense { inputs, outputs, activation } => {
                if images {
                    modules.push("ChannelsLastFlatten()".into());
                }
                indices.push(modules.len());
                modules.push(format!("nn.Linear({inputs}, {outputs})"));
                modules.extend(pytorch::activation_module(activation));
            }
            LayerSpec::Conv { input, size, filters, stride, padding, activation } => {
                if !images {
                    modules.push(format!("nn.Unflatten(1, ({}, {}, {}))", input.channels, input.height, input.width));
                }
                indices.push(modules.len());
                modules.push(format!("nn.Conv2d({}, {filters}, {size}, stride={stride}, padding={padding})", input.channels));
                modules.extend(pytorch::activation_module(activation));
            }
            LayerSpec::MaxPool { input, size } => {
                if !images {
                    modules.push(format!("nn.Unflatten(1, ({}, {}, {}))", input.channels, input.height, input.width));
                }
                indices.push(modules.len());
                modules.push(format!("nn.MaxPool2d({size})"));
            }
        }
        images = spec.output_image().is_some();
    }
    (modules, indices)
}

/// Each layer's module index in the PyTorch model (see [`pytorch_modules`]).
pub(crate) fn pytorch_module_indices(specs: &[LayerSpec]) -> Vec<usize> {
    pytorch_modules(specs).1
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
            for (suffix, tensor) in ["weight", "bias"].into_iter().zip(&layer.parameters()) {
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
        for (spec, index) in layers.iter().zip(pytorch_module_indices(&layers)) {
            let suffixes: &[&str] = if spec.parameter_count() > 0 { &["weight", "bias"] } else { &[] };
            for suffix in suffixes {
                let name = format!("{index}.{suffix}");
                let tensor = tensors.iter().find(|t| t.name == name).ok_or(format!("the file has no tensor {name}"))?;
                weights.push(from_pytorch_layout(tensor.clone()));
            }
        }
        Self::load(backend, &SavedModel { layers, weights })
    }
}

/// Numbers of a row-major array of shape `shape` with its axes reordered: axis i of the
/// result is axis `order[i]` of the input.
pub fn permute(values: &[f32], shape: &[usize], order: &[usize]) -> (Vec<f32>, Vec<usize>) {
    let new_shape: Vec<usize> = order.iter().map(|&axis| shape[axis]).collect();
    let strides: Vec<usize> = (0..shape.len()).map(|axis| shape[axis + 1..].iter().product()).collect();
    let mut out = Vec::with_capacity(values.len());
    let mut index = vec![0; shape.len()];
    for _ in 0..values.len() {
        out.push(values[order.iter().zip(&index).map(|(&axis, &i)| i * strides[axis]).sum::<usize>()]);
        // The next index of the result, last axis fastest.
        for axis in (0..index.len()).rev() {
            index[axis] += 1;
            if index[axis] < new_shape[axis] {
                break;
            }
            index[axis] = 0;
        }
    }
    (out, new_shape)
}

/// A dense layer's `[inputs, outputs]` becomes `nn.Linear`'s `[outputs, inputs]`; a
/// convolution's `[size, size, in, out]` becomes `nn.Conv2d`'s `[out, in, size, size]`.
fn to_pytorch_layout(tensor: NamedTensor) -> NamedTensor {
    match tensor.shape[..] {
        [inputs, outputs] => NamedTensor { values: transpose(&tensor.values, inputs, outputs), shape: vec![outputs, inputs], ..tensor },
        [_, _, _, _] => {
            let (values, shape) = permute(&tensor.values, &tensor.shape, &[3, 2, 0, 1]);
            NamedTensor { values, shape, ..tensor }
        }
        _ => tensor,
    }
}

fn from_pytorch_layout(tensor: NamedTensor) -> NamedTensor {
    match tensor.shape[..] {
        [outputs, inputs] => NamedTensor { values: transpose(&tensor.values, outputs, inputs), shape: vec![inputs, outputs], ..tensor },
        [_, _, _, _] => {
            let (values, shape) = permute(&tensor.values, &tensor.shape, &[2, 3, 1, 0]);
            NamedTensor { values, shape, ..tensor }
        }
        _ => tensor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::layers::Activation;

    #[test]
    fn transposing_swaps_rows_and_columns() {
        // [[1, 2, 3], [4, 5, 6]] → [[1, 4], [2, 5], [3, 6]]
        assert_eq!(transpose(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 2, 3), [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    }

    #[test]
    fn permuting_reorders_axes_and_undoes_itself() {
        // A [2, 3] matrix permuted [1, 0] is its transpose.
        let values: Vec<f32> = (0..6).map(|v| v as f32).collect();
        assert_eq!(permute(&values, &[2, 3], &[1, 0]), (transpose(&values, 2, 3), vec![3, 2]));
        // Our kernel [size, size, in, out] → PyTorch's [out, in, size, size]: element
        // (ky, kx, i, o) lands at (o, i, ky, kx), and the inverse permutation brings it back.
        let shape = [2, 3, 4, 5];
        let values: Vec<f32> = (0..120).map(|v| v as f32).collect();
        let (torch, torch_shape) = permute(&values, &shape, &[3, 2, 0, 1]);
        assert_eq!(torch_shape, [5, 4, 2, 3]);
        let (ky, kx, i, o) = (1, 2, 3, 4);
        assert_eq!(torch[((o * 4 + i) * 2 + ky) * 3 + kx], values[((ky * 3 + kx) * 4 + i) * 5 + o]);
        assert_eq!(permute(&torch, &torch_shape, &[2, 3, 1, 0]), (values, shape.to_vec()));
    }

    #[test]
    fn a_cnn_becomes_pytorch_modules_with_its_reshapes() {
        use crate::engine::layers::Image;
        let image = Image { height: 28, width: 28, channels: 1 };
        let conv = LayerSpec::Conv { input: image, size: 5, filters: 8, stride: 1, padding: 0, activation: Activation::Relu };
        let pool = LayerSpec::MaxPool { input: conv.output_image().unwrap(), size: 2 };
        let dense = LayerSpec::Dense { inputs: pool.outputs(), outputs: 10, activation: Activation::Identity };
        let (modules, indices) = pytorch_modules(&[conv, pool, dense]);
        assert_eq!(
            modules,
            ["nn.Unflatten(1, (1, 28, 28))", "nn.Conv2d(1, 8, 5, stride=1, padding=0)", "nn.ReLU()", "nn.MaxPool2d(2)", "ChannelsLastFlatten()", "nn.Linear(1152, 10)"]
        );
        assert_eq!(indices, [1, 3, 5]);
    }

    #[test]
    fn activations_take_their_own_pytorch_module_index() {
        let specs = crate::engine::layers::mlp_specs(&[4, 8, 8, 2], Activation::Relu);
        // Linear, ReLU, Linear, ReLU, Linear
        assert_eq!(pytorch_module_indices(&specs), [0, 2, 4]);
    }
}
