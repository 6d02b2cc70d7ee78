//! Generated and real digits (the GAN's and the VAE's) as pixels for a canvas: a grid of 28 × 28 tiles, white strokes on
//! black as MNIST stores them, values in [−1, 1] mapped to grey levels 0–255.

use crate::data::mnist::IMAGE_PIXELS;

const SIDE: usize = 28;
/// Pixels between tiles.
pub const GAP: usize = 2;

/// The grid's size in pixels for `count` tiles, `columns` to a row.
pub fn grid_size(count: usize, columns: usize) -> (usize, usize) {
    let rows = count.div_ceil(columns.max(1));
    (columns * (SIDE + GAP) - GAP, (rows * (SIDE + GAP)).saturating_sub(GAP))
}

/// The grey level of a value in [−1, 1] (clamped, so a stray value cannot wrap round).
pub fn grey(value: f32) -> u8 {
    (((value.clamp(-1.0, 1.0) + 1.0) * 0.5) * 255.0).round() as u8
}

/// RGBA bytes of a grid of the images (rows of 784 values); the gaps are mid-grey.
pub fn grid_rgba(images: &[f32], columns: usize) -> (Vec<u8>, usize, usize) {
    let count = images.len() / IMAGE_PIXELS;
    let (width, height) = grid_size(count, columns);
    let mut rgba = vec![128u8; width * height * 4];
    for (k, image) in images.chunks_exact(IMAGE_PIXELS).enumerate() {
        let (x0, y0) = ((k % columns) * (SIDE + GAP), (k / columns) * (SIDE + GAP));
        for (p, &v) in image.iter().enumerate() {
            let g = grey(v);
            let at = ((y0 + p / SIDE) * width + x0 + p % SIDE) * 4;
            rgba[at..at + 4].copy_from_slice(&[g, g, g, 255]);
        }
    }
    (rgba, width, height)
}

/// A `side × side` RGBA picture blown up `scale` times, each pixel a `scale × scale` block
/// (nearest neighbour: a 5 × 5 kernel stays 25 crisp squares, not a blur).
pub fn scaled_rgba(rgba: &[u8], side: usize, scale: usize) -> Vec<u8> {
    let big = side * scale;
    let mut out = Vec::with_capacity(big * big * 4);
    for y in 0..big {
        for x in 0..big {
            let at = ((y / scale) * side + x / scale) * 4;
            out.extend_from_slice(&rgba[at..at + 4]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_makes_each_pixel_a_block() {
        // 2 × 2 picture, pixel values 0..4 in the red channel, scaled 3 times: 6 × 6.
        let rgba: Vec<u8> = (0..4).flat_map(|v| [v, 0, 0, 255]).collect();
        let big = scaled_rgba(&rgba, 2, 3);
        assert_eq!(big.len(), 6 * 6 * 4);
        let red = |x: usize, y: usize| big[(y * 6 + x) * 4];
        assert_eq!((red(0, 0), red(2, 2), red(3, 0), red(5, 2), red(0, 3), red(5, 5)), (0, 0, 1, 1, 2, 3));
    }

    #[test]
    fn values_map_to_grey_levels_and_tiles_land_in_their_cells() {
        assert_eq!((grey(-1.0), grey(0.0), grey(1.0), grey(7.0), grey(f32::NAN)), (0, 128, 255, 255, 0));
        // Three tiles, two to a row: 58 × 58 pixels.
        assert_eq!(grid_size(3, 2), (58, 58));
        let mut images = vec![-1.0; 3 * IMAGE_PIXELS];
        images[2 * IMAGE_PIXELS] = 1.0; // third tile, top-left pixel: row 2, column 1 → (0, 30)
        let (rgba, width, height) = grid_rgba(&images, 2);
        assert_eq!((width, height), (58, 58));
        let at = |x: usize, y: usize| rgba[(y * width + x) * 4];
        assert_eq!((at(0, 30), at(1, 30), at(28, 0), at(0, 0)), (255, 0, 128, 0));
        assert_eq!(at(57, 57), 128, "the empty fourth cell stays grey");
    }
}
