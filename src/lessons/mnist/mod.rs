//! `/mnist`: a digit classifier trained live on the 60,000 MNIST training images. The
//! settings (the lesson's state, also its future URL state) and the training loop are plain
//! Rust, tested natively on the real data; the page (`page.rs`) drives the loop in the browser.

pub mod batch;
pub mod convolutions;
pub mod drawing;
pub mod settings;
pub mod inside;
pub mod link;
pub mod trainer;

crate::lessons::page_files! {
    pub(crate) mod lesson;
    pub mod page;
    mod bars_view;
    mod batch_view;
    mod progress_view;
    mod run;
    mod worker_run;
    pub(crate) mod drawing_view;
    pub(crate) mod inside_view;
    pub(crate) mod save_view;
    mod settings_view;
}

use serde::{Deserialize, Serialize};

use crate::data::mnist::{CLASSES, IMAGE_COLS, IMAGE_PIXELS, IMAGE_ROWS};
use crate::engine::layers::{Activation, Image, LayerSpec};
use crate::engine::optim::Method;

/// One block of a convolutional network: `filters` kernels of `size × size`, the activation,
/// then max-pooling in `pool × pool` tiles (1: no pooling). Stride 1, no padding, as LeNet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvBlock {
    pub size: usize,
    pub filters: usize,
    pub pool: usize,
}

/// The CNN lesson's network: LeNet's shape at the issue's widths, 28 → conv 5 → 24 → pool 2 →
/// 12 → conv 5 → 8 → pool 2 → 4, then 4·4·16 = 256 numbers into the 10 outputs.
pub const LENET: [ConvBlock; 2] = [ConvBlock { size: 5, filters: 8, pool: 2 }, ConvBlock { size: 5, filters: 16, pool: 2 }];

/// WebGPU guarantees storage buffers of 128 MiB and no more (`maxStorageBufferBindingSize`):
/// the largest one buffer of a step may hold, on any backend, so a network that trains on the
/// CPU also trains on the GPU.
pub const MAX_BUFFER_BYTES: usize = 128 << 20;
/// All the numbers one step keeps for its backward pass, at most: beyond this a phone's tab
/// runs out of memory.
pub const MAX_STEP_BYTES: usize = 1 << 30;

/// What the learner chooses. Defaults are the issue's: 784-500-10, ReLU, Adam 0.001, batch 64.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Convolution blocks before the dense layers (none: a plain multilayer perceptron).
    pub convolutions: Vec<ConvBlock>,
    /// Widths of the hidden dense layers (0 to 3 of them).
    pub hidden: Vec<usize>,
    /// After every convolution and hidden layer (the output layer gives logits to the softmax).
    pub activation: Activation,
    pub optimiser: Method,
    pub learning_rate: f32,
    pub batch_size: usize,
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            convolutions: Vec::new(),
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
    /// The CNN lesson's starting point: LeNet's blocks straight into the 10 outputs.
    pub fn lenet() -> Self {
        Settings { convolutions: LENET.to_vec(), hidden: Vec::new(), ..Settings::default() }
    }

    /// The network's layers, from the 28 × 28 digit to the 10 logits. Only meaningful when
    /// [`Settings::problem`] finds none.
    pub fn specs(&self) -> Vec<LayerSpec> {
        let mut specs = Vec::new();
        let mut image = Image { height: IMAGE_ROWS, width: IMAGE_COLS, channels: 1 };
        for block in &self.convolutions {
            let conv = LayerSpec::Conv { input: image, size: block.size, filters: block.filters, stride: 1, padding: 0, activation: self.activation };
            specs.push(conv);
            image = conv.output_image().unwrap_or(image);
            if block.pool > 1 {
                let pool = LayerSpec::MaxPool { input: image, size: block.pool };
                specs.push(pool);
                image = pool.output_image().unwrap_or(image);
            }
        }
        let mut inputs = if self.convolutions.is_empty() { IMAGE_PIXELS } else { image.len() };
        for (i, &outputs) in self.hidden.iter().chain([&CLASSES]).enumerate() {
            let activation = if i == self.hidden.len() { Activation::Identity } else { self.activation };
            specs.push(LayerSpec::Dense { inputs, outputs, activation });
            inputs = outputs;
        }
        specs
    }

    /// Why this network cannot be built, naming the layer and its sizes: a window larger than
    /// its image, a pooling that leaves nothing, or steps too big for the memory budget (with
    /// the estimate). None if it can.
    pub fn problem(&self) -> Option<String> {
        let mut image = Image { height: IMAGE_ROWS, width: IMAGE_COLS, channels: 1 };
        for (i, block) in self.convolutions.iter().enumerate() {
            let conv = LayerSpec::Conv { input: image, size: block.size, filters: block.filters, stride: 1, padding: 0, activation: self.activation };
            let name = format!("convolution {} ({}×{} kernels)", i + 1, block.size, block.size);
            if let Some(problem) = conv.problem() {
                return Some(format!("{name}: {problem}"));
            }
            image = conv.output_image()?;
            if block.pool > 1 {
                let pool = LayerSpec::MaxPool { input: image, size: block.pool };
                if let Some(problem) = pool.problem() {
                    return Some(format!("the pooling after convolution {}: {problem}", i + 1));
                }
                image = pool.output_image()?;
            }
        }
        let (largest, total) = self.step_bytes();
        if largest > MAX_BUFFER_BYTES || total > MAX_STEP_BYTES {
            return Some(format!(
                "a training step would need {} MB (its largest array {} MB); the limit is {} MB, and {} MB for one array. Use fewer filters, smaller images or a smaller batch",
                total >> 20,
                largest >> 20,
                MAX_STEP_BYTES >> 20,
                MAX_BUFFER_BYTES >> 20
            ));
        }
        None
    }

    /// Bytes of the largest array one training step makes, and of all the arrays it keeps for
    /// the backward pass (each layer's output and, for a convolution, its patches), with their
    /// gradients: `(largest, total)`. An estimate: small arrays (biases, the loss) are left out.
    pub fn step_bytes(&self) -> (usize, usize) {
        let batch = self.batch_size;
        let mut arrays = vec![batch * IMAGE_PIXELS];
        for spec in self.specs() {
            if let (LayerSpec::Conv { .. }, Some(window)) = (spec, spec.window(batch)) {
                arrays.push(window.positions() * window.patch_len());
            }
            arrays.push(batch * spec.outputs());
        }
        let largest = arrays.iter().max().copied().unwrap_or(0) * 4;
        (largest, arrays.iter().sum::<usize>() * 4 * 2)
    }

    /// The sizes the numbers pass through, input to output: "784 → 500 → 10" for a dense
    /// network, "28×28 → 24×24×8 → 12×12×8 → 8×8×16 → 4×4×16 → 10" for LeNet.
    pub fn shape_text(&self) -> String {
        let size = |spec: &LayerSpec| match spec.output_image() {
            Some(i) => format!("{}×{}×{}", i.height, i.width, i.channels),
            None => spec.outputs().to_string(),
        };
        let input = if self.convolutions.is_empty() { IMAGE_PIXELS.to_string() } else { format!("{IMAGE_ROWS}×{IMAGE_COLS}") };
        std::iter::once(input).chain(self.specs().iter().map(size)).collect::<Vec<_>>().join(" → ")
    }

    /// Layer widths from input to output for a network of dense layers only: `[784, 500, 10]`
    /// by default.
    pub fn layer_sizes(&self) -> Vec<usize> {
        let mut sizes = vec![IMAGE_PIXELS];
        sizes.extend(&self.hidden);
        sizes.push(CLASSES);
        sizes
    }

    /// The settings that describe a loaded model's shape (its convolution blocks, hidden widths
    /// and activation), keeping the rest of `self`. Refuses models that do not take a 28 × 28
    /// digit and give 10 outputs, and layer orders these settings cannot describe.
    pub fn for_model(&self, layers: &[LayerSpec]) -> Result<Settings, String> {
        let (Some(first), Some(last)) = (layers.first(), layers.last()) else {
            return Err("the model has no layers".into());
        };
        if first.inputs() != IMAGE_PIXELS || last.outputs() != CLASSES {
            return Err(format!(
                "this model takes {} inputs and gives {} outputs; a digit classifier takes 784 and gives 10",
                first.inputs(),
                last.outputs()
            ));
        }
        let mut convolutions: Vec<ConvBlock> = Vec::new();
        let mut hidden = Vec::new();
        let mut activation = None;
        for (i, spec) in layers.iter().enumerate() {
            match *spec {
                LayerSpec::Conv { size, filters, stride: 1, padding: 0, activation: a, .. } if hidden.is_empty() => {
                    convolutions.push(ConvBlock { size, filters, pool: 1 });
                    activation = Some(a);
                }
                LayerSpec::MaxPool { size, .. } if convolutions.last().is_some_and(|c| c.pool == 1) && hidden.is_empty() => {
                    convolutions.last_mut().expect("checked").pool = size;
                }
                LayerSpec::Dense { outputs, activation: a, .. } if i + 1 < layers.len() => {
                    hidden.push(outputs);
                    activation = Some(a);
                }
                LayerSpec::Dense { .. } if i + 1 == layers.len() => {}
                other => return Err(format!("Stepwise cannot train a model with layer {} ({other:?}) where it is", i + 1)),
            }
        }
        let settings = Settings { convolutions, hidden, activation: activation.unwrap_or(self.activation), ..self.clone() };
        if settings.specs() != layers {
            return Err("this model's layers differ from any network these settings describe".into());
        }
        Ok(settings)
    }

    /// Weights and biases, over all the layers.
    pub fn parameter_count(&self) -> usize {
        self.specs().iter().map(LayerSpec::parameter_count).sum()
    }

    /// Multiply-adds of one training step, counted as 2 FLOPs each: each learning layer's
    /// forward product, and the two backward products (gradient of the weights and of the
    /// layer's input; the first layer needs no input gradient). A convolution is the product
    /// of its patches and its kernels. Elementwise work and pooling are small beside these and
    /// left out.
    pub fn flops_per_step(&self) -> u64 {
        let batch = self.batch_size;
        self.specs()
            .iter()
            .filter(|spec| spec.parameter_count() > 0)
            .enumerate()
            .map(|(i, spec)| {
                let products = if i == 0 { 2 } else { 3 };
                let multiply_adds = match (spec, spec.window(batch)) {
                    (LayerSpec::Conv { filters, .. }, Some(window)) => window.positions() * window.patch_len() * filters,
                    _ => batch * spec.inputs() * spec.outputs(),
                };
                products * 2 * multiply_adds as u64
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
    fn lenet_has_the_sizes_worked_out_by_hand() {
        let s = Settings::lenet();
        let specs = s.specs();
        // conv 5×5×8 over 28×28 → 24×24×8; pool → 12×12×8; conv 5×5×16 → 8×8×16; pool →
        // 4×4×16 = 256; dense 256 → 10.
        let sizes: Vec<usize> = specs.iter().map(LayerSpec::outputs).collect();
        assert_eq!(sizes, [24 * 24 * 8, 12 * 12 * 8, 8 * 8 * 16, 4 * 4 * 16, 10]);
        // 5·5·1·8 + 8 = 208; 5·5·8·16 + 16 = 3,216; 256·10 + 10 = 2,570.
        assert_eq!(s.parameter_count(), 208 + 3_216 + 2_570);
        // Forward and weight gradient for the first convolution, three products for the rest:
        // 64·576 positions · 25 · 8; 64·64 · 200 · 16; 64 · 256 · 10.
        let expected = 2 * 2 * (64 * 576 * 25 * 8) + 3 * 2 * (64 * 64 * 200 * 16) + 3 * 2 * (64 * 256 * 10);
        assert_eq!(s.flops_per_step(), expected as u64);
        assert!(s.problem().is_none());
        assert_eq!(s.shape_text(), "28×28 → 24×24×8 → 12×12×8 → 8×8×16 → 4×4×16 → 10");
        assert_eq!(Settings::default().shape_text(), "784 → 500 → 10");
    }

    #[test]
    fn impossible_networks_are_refused_naming_the_layer_and_sizes() {
        let too_big = Settings { convolutions: vec![ConvBlock { size: 5, filters: 8, pool: 2 }, ConvBlock { size: 13, filters: 8, pool: 1 }], ..Settings::lenet() };
        assert_eq!(too_big.problem().unwrap(), "convolution 2 (13×13 kernels): a 13×13 window does not fit in a 12×12 image");
        let pooled_away = Settings { convolutions: vec![ConvBlock { size: 5, filters: 8, pool: 25 }], ..Settings::lenet() };
        assert_eq!(pooled_away.problem().unwrap(), "the pooling after convolution 1: a 25×25 window does not fit in a 24×24 image");
        let huge = Settings { convolutions: vec![ConvBlock { size: 3, filters: 512, pool: 1 }, ConvBlock { size: 3, filters: 512, pool: 1 }], batch_size: 512, ..Settings::lenet() };
        let message = huge.problem().unwrap();
        assert!(message.starts_with("a training step would need ") && message.contains("the limit is 1024 MB"), "{message}");
        assert!(Settings::default().problem().is_none());
    }

    #[test]
    fn a_loaded_cnns_shape_becomes_the_settings() {
        let s = Settings::lenet();
        assert_eq!(Settings::default().for_model(&s.specs()).unwrap(), s);
        let with_hidden = Settings { convolutions: vec![ConvBlock { size: 3, filters: 4, pool: 1 }], hidden: vec![32], activation: Activation::Tanh, ..Settings::default() };
        assert_eq!(Settings::default().for_model(&with_hidden.specs()).unwrap(), with_hidden);
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
