//! Convolution and max-pooling layers for `Sequential`. Each takes its input flat
//! (`[batch, height · width · channels]`, as the data arrive) or as images, and reshapes it to
//! the images its spec names; reshaping moves no number, so this costs nothing.

use super::{Activation, Image, LayerSpec};
use crate::engine::backend::Backend;
use crate::engine::rng::Pcg32;
use crate::engine::tensor::Tensor;

/// `filters` kernels of `size × size` slid over the input images, then the activation: each
/// kernel gives one output channel (a feature map).
pub struct Conv<B: Backend> {
    /// `[size, size, channels in, filters]`.
    pub kernel: Tensor<B>,
    /// `[filters]`.
    pub bias: Tensor<B>,
    pub input: Image,
    pub stride: usize,
    pub padding: usize,
    pub activation: Activation,
}

/// The input as `[batch, height, width, channels]` images.
pub(super) fn as_images<B: Backend>(x: &Tensor<B>, image: Image) -> Tensor<B> {
    x.reshape(&[x.len() / image.len(), image.height, image.width, image.channels])
}

impl<B: Backend> Conv<B> {
    /// Kernels from the activation's suggested initialiser, fan-in `size² · channels in` (as
    /// PyTorch counts it), bias zero.
    #[allow(clippy::too_many_arguments)]
    pub fn new(backend: &B, input: Image, size: usize, filters: usize, stride: usize, padding: usize, activation: Activation, rng: &mut Pcg32) -> Self {
        let (fan_in, fan_out) = (size * size * input.channels, size * size * filters);
        let kernel = activation.suggested_init().sample(fan_in * filters, fan_in, fan_out, rng);
        Conv {
            kernel: Tensor::parameter(backend, &kernel, &[size, size, input.channels, filters]),
            bias: Tensor::parameter(backend, &vec![0.0; filters], &[filters]),
            input,
            stride,
            padding,
            activation,
        }
    }

    pub fn size(&self) -> usize {
        self.kernel.shape()[0]
    }
    pub fn filters(&self) -> usize {
        self.kernel.shape()[3]
    }

    pub fn spec(&self) -> LayerSpec {
        LayerSpec::Conv { input: self.input, size: self.size(), filters: self.filters(), stride: self.stride, padding: self.padding, activation: self.activation }
    }

    /// The layer with these kernel and bias tensors (the layer's own, or detached copies).
    pub(super) fn apply(&self, x: &Tensor<B>, kernel: &Tensor<B>, bias: &Tensor<B>) -> Tensor<B> {
        self.activation.apply(&as_images(x, self.input).conv2d(kernel, bias, self.stride, self.padding))
    }
}
