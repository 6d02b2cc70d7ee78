//! Layers: `Dense` (weights, bias and an activation), `Conv` and max-pooling (`conv.rs`), and
//! `Sequential`, a stack of them.
//!
//! A model's architecture is plain data (`LayerSpec`), separate from its weights, so the UI can
//! store, edit and share it, and `SavedModel` (architecture + weights) serialises with serde.

use crate::engine::backend::{Backend, Unary};
use crate::engine::init::Init;
use crate::engine::rng::Pcg32;
use crate::engine::tensor::Tensor;
use serde::{Deserialize, Serialize};

mod conv;
pub use conv::Conv;

/// The function applied after a layer's affine map.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Activation {
    /// None: the layer stays linear (an output layer whose loss takes logits).
    Identity,
    Relu,
    LeakyRelu { slope: f32 },
    Sigmoid,
    Tanh,
}

impl Activation {
    pub fn apply<B: Backend>(self, x: &Tensor<B>) -> Tensor<B> {
        match self {
            Activation::Identity => x.clone(),
            Activation::Relu => x.relu(),
            Activation::LeakyRelu { slope } => x.leaky_relu(slope),
            Activation::Sigmoid => x.sigmoid(),
            Activation::Tanh => x.tanh(),
        }
    }

    /// The initialiser that keeps activations' variance steady through this function:
    /// He for the rectifiers, Xavier for the rest.
    pub fn suggested_init(self) -> Init {
        match self {
            Activation::Relu | Activation::LeakyRelu { .. } => Init::HeUniform,
            _ => Init::XavierUniform,
        }
    }

    /// The backend kernel, if any (for code that calls kernels directly).
    pub fn unary(self) -> Option<Unary> {
        match self {
            Activation::Identity => None,
            Activation::Relu => Some(Unary::Relu),
            Activation::LeakyRelu { slope } => Some(Unary::LeakyRelu { slope }),
            Activation::Sigmoid => Some(Unary::Sigmoid),
            Activation::Tanh => Some(Unary::Tanh),
        }
    }
}

/// A piece of a network: a forward pass that records the graph for `backward()`, and the
/// tensors training adjusts. A layer, a stack of layers and a lesson's whole model (the text
/// model) are modules, so a trainer and an optimiser treat them alike.
pub trait Module<B: Backend> {
    /// What the forward pass takes: a `[batch, features]` tensor, or (the text model) bags of
    /// word ids.
    type Input;
    fn forward(&self, input: &Self::Input) -> Tensor<B>;
    fn parameters(&self) -> Vec<Tensor<B>>;
    /// How many numbers the module learns.
    fn parameter_count(&self) -> usize {
        self.parameters().iter().map(Tensor::len).sum()
    }
}

/// The size of the images a layer takes or gives: `height × width` pixels of `channels`
/// numbers each, stored NHWC (see `engine::window`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub height: usize,
    pub width: usize,
    pub channels: usize,
}

impl Image {
    /// Numbers in one image.
    pub fn len(&self) -> usize {
        self.height * self.width * self.channels
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The architecture of one layer.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum LayerSpec {
    Dense { inputs: usize, outputs: usize, activation: Activation },
    /// `filters` kernels of `size × size` over `input` images, `stride` apart, with `padding`
    /// rings of zeros; one output channel per kernel.
    Conv { input: Image, size: usize, filters: usize, stride: usize, padding: usize, activation: Activation },
    /// The largest number of each `size × size` tile, channel by channel (stride = size).
    MaxPool { input: Image, size: usize },
}

impl LayerSpec {
    /// Where the layer's window goes over a batch of `batch` inputs (None for a dense layer).
    pub fn window(&self, batch: usize) -> Option<crate::engine::backend::Window> {
        let window = |input: Image, size, stride, padding| crate::engine::backend::Window {
            batch,
            height: input.height,
            width: input.width,
            channels: input.channels,
            size,
            stride,
            padding,
        };
        match *self {
            LayerSpec::Dense { .. } => None,
            LayerSpec::Conv { input, size, stride, padding, .. } => Some(window(input, size, stride, padding)),
            LayerSpec::MaxPool { input, size } => Some(window(input, size, size, 0)),
        }
    }

    /// The images the layer gives, if it gives images (a dense layer gives a flat row).
    pub fn output_image(&self) -> Option<Image> {
        let window = self.window(1)?;
        let channels = match *self {
            LayerSpec::Conv { filters, .. } => filters,
            _ => window.channels,
        };
        Some(Image { height: window.out_height(), width: window.out_width(), channels })
    }

    /// Numbers the layer takes per example.
    pub fn inputs(&self) -> usize {
        match *self {
            LayerSpec::Dense { inputs, .. } => inputs,
            LayerSpec::Conv { input, .. } | LayerSpec::MaxPool { input, .. } => input.len(),
        }
    }

    /// Numbers the layer gives per example.
    pub fn outputs(&self) -> usize {
        match *self {
            LayerSpec::Dense { outputs, .. } => outputs,
            _ => self.output_image().map_or(0, |image| image.len()),
        }
    }

    /// Numbers the layer learns: weights and biases.
    pub fn parameter_count(&self) -> usize {
        match *self {
            LayerSpec::Dense { inputs, outputs, .. } => inputs * outputs + outputs,
            LayerSpec::Conv { input, size, filters, .. } => size * size * input.channels * filters + filters,
            LayerSpec::MaxPool { .. } => 0,
        }
    }

    /// Why the layer cannot work on its input, naming the sizes, or None if it can.
    pub fn problem(&self) -> Option<String> {
        self.window(1).and_then(|window| window.problem())
    }
}

/// A fully connected layer: `activation(x · W + b)` with W of shape `[inputs, outputs]`.
pub struct Dense<B: Backend> {
    pub weights: Tensor<B>,
    pub bias: Tensor<B>,
    pub activation: Activation,
}

impl<B: Backend> Dense<B> {
    /// Weights from the activation's suggested initialiser, bias zero.
    pub fn new(backend: &B, inputs: usize, outputs: usize, activation: Activation, rng: &mut Pcg32) -> Self {
        Self::with_init(backend, inputs, outputs, activation, activation.suggested_init(), rng)
    }

    pub fn with_init(backend: &B, inputs: usize, outputs: usize, activation: Activation, init: Init, rng: &mut Pcg32) -> Self {
        let weights = init.sample(inputs * outputs, inputs, outputs, rng);
        Dense {
            weights: Tensor::parameter(backend, &weights, &[inputs, outputs]),
            bias: Tensor::parameter(backend, &vec![0.0; outputs], &[outputs]),
            activation,
        }
    }

    pub fn inputs(&self) -> usize {
        self.weights.shape()[0]
    }
    pub fn outputs(&self) -> usize {
        self.weights.shape()[1]
    }

    pub fn spec(&self) -> LayerSpec {
        LayerSpec::Dense { inputs: self.inputs(), outputs: self.outputs(), activation: self.activation }
    }

    /// The layer with these weights and bias (its own, or detached copies); images are
    /// flattened first, in their stored (row, column, channel) order.
    fn apply(&self, x: &Tensor<B>, weights: &Tensor<B>, bias: &Tensor<B>) -> Tensor<B> {
        let x = if x.shape().len() == 2 { x.clone() } else { x.reshape(&[x.len() / self.inputs(), self.inputs()]) };
        self.activation.apply(&x.matmul(weights).add(bias))
    }
}

impl<B: Backend> Module<B> for Dense<B> {
    type Input = Tensor<B>;

    /// `[batch, inputs] → [batch, outputs]`, recording the graph for `backward()`.
    fn forward(&self, x: &Tensor<B>) -> Tensor<B> {
        self.apply(x, &self.weights, &self.bias)
    }

    fn parameters(&self) -> Vec<Tensor<B>> {
        vec![self.weights.clone(), self.bias.clone()]
    }
}

/// One layer of a `Sequential` model.
pub enum Layer<B: Backend> {
    Dense(Dense<B>),
    Conv(Conv<B>),
    /// Max-pooling in `size × size` tiles over `input` images; it learns nothing.
    MaxPool { input: Image, size: usize },
}

impl<B: Backend> Module<B> for Layer<B> {
    type Input = Tensor<B>;

    fn forward(&self, x: &Tensor<B>) -> Tensor<B> {
        self.apply(x, &self.parameters())
    }

    fn parameters(&self) -> Vec<Tensor<B>> {
        match self {
            Layer::Dense(dense) => dense.parameters(),
            Layer::Conv(conv) => vec![conv.kernel.clone(), conv.bias.clone()],
            Layer::MaxPool { .. } => Vec::new(),
        }
    }
}

impl<B: Backend> Layer<B> {
    pub fn spec(&self) -> LayerSpec {
        match self {
            Layer::Dense(dense) => dense.spec(),
            Layer::Conv(conv) => conv.spec(),
            Layer::MaxPool { input, size } => LayerSpec::MaxPool { input: *input, size: *size },
        }
    }

    /// This layer as a dense one: for networks built only of dense layers (the GAN's), whose
    /// code reads their weights directly. Panics on any other layer, which such a network
    /// never holds.
    pub fn dense(&self) -> &Dense<B> {
        match self {
            Layer::Dense(dense) => dense,
            other => panic!("expected a dense layer, found {:?}", other.spec()),
        }
    }

    /// The layer with `parameters` in place of its own (the same tensors for training,
    /// detached copies for evaluation). A dense layer flattens images it is given.
    fn apply(&self, x: &Tensor<B>, parameters: &[Tensor<B>]) -> Tensor<B> {
        match self {
            Layer::Dense(dense) => dense.apply(x, &parameters[0], &parameters[1]),
            Layer::Conv(conv) => conv.apply(x, &parameters[0], &parameters[1]),
            Layer::MaxPool { input, size } => conv::as_images(x, *input).max_pool(*size, *size),
        }
    }
}

/// Layers applied one after another.
pub struct Sequential<B: Backend> {
    pub layers: Vec<Layer<B>>,
}

impl<B: Backend> Sequential<B> {
    /// Builds and initialises the layers that `specs` describe.
    pub fn new(backend: &B, specs: &[LayerSpec], rng: &mut Pcg32) -> Self {
        let layers = specs
            .iter()
            .map(|spec| match *spec {
                LayerSpec::Dense { inputs, outputs, activation } => Layer::Dense(Dense::new(backend, inputs, outputs, activation, rng)),
                LayerSpec::Conv { input, size, filters, stride, padding, activation } => {
                    Layer::Conv(Conv::new(backend, input, size, filters, stride, padding, activation, rng))
                }
                LayerSpec::MaxPool { input, size } => Layer::MaxPool { input, size },
            })
            .collect();
        Sequential { layers }
    }

    /// A multilayer perceptron: `sizes = [784, 500, 10]` gives 784 → 500 → 10, with `hidden`
    /// after every layer but the last, which stays linear (its loss takes logits).
    pub fn mlp(backend: &B, sizes: &[usize], hidden: Activation, rng: &mut Pcg32) -> Self {
        Self::new(backend, &mlp_specs(sizes, hidden), rng)
    }

    /// Runs the layers without recording a graph: for evaluation, where no gradient is wanted.
    pub fn predict(&self, x: &Tensor<B>) -> Tensor<B> {
        self.layers.iter().fold(x.clone(), |x, layer| {
            let detached: Vec<Tensor<B>> = layer.parameters().iter().map(Tensor::detach).collect();
            layer.apply(&x, &detached)
        })
    }

    pub fn specs(&self) -> Vec<LayerSpec> {
        self.layers.iter().map(Layer::spec).collect()
    }
}

impl<B: Backend> Module<B> for Sequential<B> {
    type Input = Tensor<B>;

    /// Runs the layers, recording the graph for `backward()`.
    fn forward(&self, x: &Tensor<B>) -> Tensor<B> {
        self.layers.iter().fold(x.clone(), |x, layer| layer.forward(&x))
    }

    fn parameters(&self) -> Vec<Tensor<B>> {
        self.layers.iter().flat_map(Layer::parameters).collect()
    }
}

/// The specs of [`Sequential::mlp`].
pub fn mlp_specs(sizes: &[usize], hidden: Activation) -> Vec<LayerSpec> {
    let last = sizes.len().saturating_sub(2);
    sizes
        .windows(2)
        .enumerate()
        .map(|(i, pair)| LayerSpec::Dense {
            inputs: pair[0],
            outputs: pair[1],
            activation: if i == last { Activation::Identity } else { hidden },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::poll::now_or_never;
    use crate::engine::CpuBackend;

    #[test]
    fn an_mlp_has_linear_output_and_the_right_parameter_count() {
        let cpu = CpuBackend::new();
        let model = Sequential::mlp(&cpu, &[784, 500, 10], Activation::Relu, &mut Pcg32::from_seed(0));
        assert_eq!(model.parameter_count(), 784 * 500 + 500 + 500 * 10 + 10);
        assert_eq!(
            model.specs(),
            [
                LayerSpec::Dense { inputs: 784, outputs: 500, activation: Activation::Relu },
                LayerSpec::Dense { inputs: 500, outputs: 10, activation: Activation::Identity },
            ]
        );
    }

    #[test]
    fn predict_gives_the_same_numbers_as_forward_without_recording_a_graph() {
        let cpu = CpuBackend::new();
        let model = Sequential::mlp(&cpu, &[3, 4, 2], Activation::Tanh, &mut Pcg32::from_seed(1));
        let x = Tensor::from_values(&cpu, &[0.5, -1.0, 2.0, 1.0, 0.0, -0.5], &[2, 3]);
        let (trained, evaluated) = (model.forward(&x), model.predict(&x));
        assert!(trained.requires_grad() && !evaluated.requires_grad());
        assert!(evaluated.parents().is_empty());
        assert_eq!(now_or_never(trained.to_vec()), now_or_never(evaluated.to_vec()));
    }
}
