//! What one digit looks like inside the network: every layer's output for it (a convolution's
//! or a pooling's feature maps, one small picture per channel; the last layer's ten logits),
//! and which input pixels a unit of any layer can see, its receptive field.

use std::ops::Range;

use crate::data::mnist::IMAGE_PIXELS;
use crate::engine::layers::{Image, LayerSpec, Module, Sequential};
use crate::engine::poll::now_or_never;
use crate::engine::{CpuBackend, Tensor};

/// One layer's output for one image.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerOutput {
    pub spec: LayerSpec,
    /// The feature maps' size, for a layer that gives images; None for a dense layer.
    pub image: Option<Image>,
    /// The numbers, NHWC for images (a pixel's channels side by side).
    pub values: Vec<f32>,
}

impl LayerOutput {
    /// Channel `channel`'s feature map, row by row.
    pub fn map(&self, channel: usize) -> Vec<f32> {
        let Some(image) = self.image else { return Vec::new() };
        self.values.iter().skip(channel).step_by(image.channels).copied().collect()
    }
}

/// Every layer's output for one digit (784 intensities in [0, 1]), from the model as it is now.
pub fn layer_outputs(model: &Sequential<CpuBackend>, pixels: &[f32]) -> Vec<LayerOutput> {
    let mut x = Tensor::from_values(&CpuBackend::new(), &pixels[..IMAGE_PIXELS], &[1, IMAGE_PIXELS]);
    let mut outputs = Vec::with_capacity(model.layers.len());
    for layer in &model.layers {
        // A copy of the layer's parameters without their gradients, as `predict` does: the
        // page's mirror must not grow a graph.
        x = layer.forward(&x.detach()).detach();
        let spec = layer.spec();
        outputs.push(LayerOutput { spec, image: spec.output_image(), values: now_or_never(x.to_vec()).unwrap_or_default() });
    }
    outputs
}

/// The input rows (or columns) that output rows `range` of layer `layers.last()` see, walking
/// the windows back to the image: a window of `size` at `stride` with `padding` maps outputs
/// `a..b` to inputs `a·stride − padding .. (b − 1)·stride − padding + size`, clipped to the image.
fn back_through(layers: &[LayerSpec], mut range: Range<isize>, height: bool) -> Range<usize> {
    for spec in layers.iter().rev() {
        let Some(window) = spec.window(1) else { continue };
        let (stride, padding, size) = (window.stride as isize, window.padding as isize, window.size as isize);
        range = range.start * stride - padding..(range.end - 1) * stride - padding + size;
        let len = if height { window.height } else { window.width } as isize;
        range = range.start.max(0)..range.end.min(len);
    }
    range.start as usize..range.end as usize
}

/// The input pixels (rows, columns) that unit `(row, col)` of layer `layer` (counted from 0)
/// can see. Only layers that give images have units placed on the image.
pub fn receptive_field(specs: &[LayerSpec], layer: usize, row: usize, col: usize) -> (Range<usize>, Range<usize>) {
    let layers = &specs[..=layer];
    (back_through(layers, row as isize..row as isize + 1, true), back_through(layers, col as isize..col as isize + 1, false))
}

/// How a layer's feature maps are laid out on one canvas: each `side × side` map blown up
/// `scale` times to about `TILE` pixels, `per_row` to a row, `GAP` pixels apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tiles {
    pub side: usize,
    pub scale: usize,
    pub channels: usize,
    pub per_row: usize,
}

/// About how wide each feature map is drawn, in canvas pixels.
pub const TILE: usize = 48;
pub const GAP: usize = 4;

impl Tiles {
    pub fn new(image: Image, per_row: usize) -> Tiles {
        let side = image.height.max(image.width);
        Tiles { side, scale: (TILE / side.max(1)).max(1), channels: image.channels, per_row: per_row.min(image.channels).max(1) }
    }
    /// One map's drawn side, and the distance from one map to the next.
    pub fn drawn(&self) -> usize {
        self.side * self.scale
    }
    pub fn pitch(&self) -> usize {
        self.drawn() + GAP
    }
    /// The canvas's size.
    pub fn size(&self) -> (usize, usize) {
        let rows = self.channels.div_ceil(self.per_row);
        (self.per_row * self.pitch() - GAP, rows * self.pitch() - GAP)
    }
    /// Where map `channel` starts.
    pub fn origin(&self, channel: usize) -> (usize, usize) {
        ((channel % self.per_row) * self.pitch(), (channel / self.per_row) * self.pitch())
    }
    /// The unit under canvas pixel `(x, y)`: (channel, row, column), or None in a gap.
    pub fn unit_at(&self, x: f64, y: f64) -> Option<(usize, usize, usize)> {
        if x < 0.0 || y < 0.0 {
            return None;
        }
        let (x, y) = (x as usize, y as usize);
        let (column, row) = (x / self.pitch(), y / self.pitch());
        let (inside_x, inside_y) = (x % self.pitch(), y % self.pitch());
        let channel = row * self.per_row + column;
        (column < self.per_row && channel < self.channels && inside_x < self.drawn() && inside_y < self.drawn())
            .then(|| (channel, inside_y / self.scale, inside_x / self.scale))
    }
}

/// A feature map's picture: 0 (and below) white, the layer's `largest` value black, as ink
/// on paper, so a map reads like the digit that lit it.
pub fn map_rgba(values: &[f32], largest: f32) -> Vec<u8> {
    let scale = if largest > 0.0 { 1.0 / largest } else { 0.0 };
    values
        .iter()
        .flat_map(|&v| {
            let shade = (255.0 * (1.0 - (v * scale).clamp(0.0, 1.0))).round() as u8;
            [shade, shade, shade, 255]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::Pcg32;
    use crate::lessons::cnn::one_convolution::one_convolution;
    use crate::lessons::mnist::Settings;

    #[test]
    fn tiles_find_the_unit_under_the_pointer() {
        // conv1's eight 24 × 24 maps, drawn 2× (48 px) four to a row, 4 px apart.
        let tiles = Tiles::new(Image { height: 24, width: 24, channels: 8 }, 4);
        assert_eq!((tiles.scale, tiles.pitch(), tiles.size()), (2, 52, (204, 100)));
        assert_eq!(tiles.origin(5), (52, 52));
        assert_eq!(tiles.unit_at(0.0, 0.0), Some((0, 0, 0)));
        assert_eq!(tiles.unit_at(52.0 + 47.0, 52.0 + 10.0), Some((5, 5, 23)));
        assert_eq!(tiles.unit_at(49.0, 3.0), None, "the gap between maps");
        assert_eq!(tiles.unit_at(300.0, 3.0), None, "past the last column");
        // pool2's 4 × 4 maps are blown up 12×.
        assert_eq!(Tiles::new(Image { height: 4, width: 4, channels: 16 }, 8).scale, 12);
    }

    #[test]
    fn maps_are_ink_on_paper() {
        assert_eq!(map_rgba(&[0.0, 2.0, 4.0, -1.0], 4.0), [255, 255, 255, 255, 128, 128, 128, 255, 0, 0, 0, 255, 255, 255, 255, 255]);
        assert_eq!(map_rgba(&[0.0, 0.0], 0.0)[..4], [255, 255, 255, 255], "a map of zeros is blank, not NaN");
    }

    #[test]
    fn lenets_receptive_fields_worked_by_hand() {
        let specs = Settings::lenet().specs();
        // conv1 (5 × 5): unit (0, 0) sees rows 0..5; unit (23, 23) sees 23..28.
        assert_eq!(receptive_field(&specs, 0, 0, 0), (0..5, 0..5));
        assert_eq!(receptive_field(&specs, 0, 23, 23), (23..28, 23..28));
        // pool1: unit (0, 0) covers conv1 rows 0..2, so input rows 0..6.
        assert_eq!(receptive_field(&specs, 1, 0, 0), (0..6, 0..6));
        // conv2: unit (0, 0) covers pool1 rows 0..5 → conv1 rows 0..10 → input rows 0..14.
        assert_eq!(receptive_field(&specs, 2, 0, 0), (0..14, 0..14));
        // pool2: unit (3, 3) covers conv2 rows 6..8 → pool1 6..12 → conv1 12..24 → input 12..28.
        assert_eq!(receptive_field(&specs, 3, 3, 3), (12..28, 12..28));
    }

    #[test]
    fn the_last_output_is_the_prediction_and_the_step_through_is_a_feature_map_number() {
        let cpu = CpuBackend::new();
        let settings = Settings::lenet();
        let model = Sequential::new(&cpu, &settings.specs(), &mut Pcg32::from_seed(3));
        // Non-zero biases, so the step-through's bias term is tested too.
        for p in model.parameters().iter().filter(|p| p.shape().len() == 1) {
            p.set_values(&(0..p.len()).map(|i| 0.01 * i as f32 - 0.02).collect::<Vec<_>>());
        }
        let pixels: Vec<f32> = (0..IMAGE_PIXELS).map(|i| ((i * 37) % 256) as f32 / 255.0).collect();
        let outputs = layer_outputs(&model, &pixels);
        assert_eq!(outputs.len(), 5);
        assert_eq!(outputs[0].image, Some(Image { height: 24, width: 24, channels: 8 }));
        assert_eq!(outputs[3].values.len(), 256);
        let logits = now_or_never(model.predict(&Tensor::from_values(&cpu, &pixels, &[1, IMAGE_PIXELS])).to_vec()).unwrap();
        assert_eq!(outputs[4].values, logits);

        // Filter 5 at (7, 11): the f64 step-through gives the engine's feature-map number.
        let kernel = now_or_never(model.layers[0].parameters()[0].to_vec()).unwrap();
        let bias = now_or_never(model.layers[0].parameters()[1].to_vec()).unwrap();
        let image = Image { height: 28, width: 28, channels: 1 };
        let step = one_convolution(&pixels, image, &kernel, &bias, 5, 1, 0, 5, (7, 11));
        let engine = outputs[0].map(5)[7 * 24 + 11];
        assert!((step.output - engine as f64).abs() < 1e-5, "step-through {} vs engine {engine}", step.output);
        assert!(step.bias != 0.0);
    }
}
