//! One output number of a convolution, worked out in the open: the window of the input it
//! sees, times the kernel's numbers, summed, plus the bias, through ReLU. In f64 from the
//! model's own f32 numbers, so the page shows exactly the arithmetic it describes.

use crate::engine::layers::Image;

/// Everything the step-through shows for filter `filter` at output `(row, col)`.
#[derive(Clone, Debug, PartialEq)]
pub struct OneConvolution {
    pub filter: usize,
    pub row: usize,
    pub col: usize,
    pub size: usize,
    /// The input numbers under the window, `(ky, kx, channel)` in order, 0 in the padding.
    pub window: Vec<f32>,
    /// The kernel's numbers for this filter, in the same order.
    pub kernel: Vec<f32>,
    /// `window[i] · kernel[i]`.
    pub products: Vec<f64>,
    /// Σ products.
    pub sum: f64,
    pub bias: f64,
    /// sum + bias: the number before the activation.
    pub before: f64,
    /// ReLU(before): the feature map's number.
    pub output: f64,
}

/// The step-through of one output of a convolution over one `image` (stored NHWC, one image),
/// with `kernel` `[size, size, channels, filters]` and `bias` `[filters]`.
#[allow(clippy::too_many_arguments)]
pub fn one_convolution(input: &[f32], image: Image, kernel: &[f32], bias: &[f32], size: usize, stride: usize, padding: usize, filter: usize, (row, col): (usize, usize)) -> OneConvolution {
    let filters = bias.len();
    let mut window = Vec::with_capacity(size * size * image.channels);
    let mut weights = Vec::with_capacity(window.capacity());
    for ky in 0..size {
        for kx in 0..size {
            for c in 0..image.channels {
                let (y, x) = ((row * stride + ky) as isize - padding as isize, (col * stride + kx) as isize - padding as isize);
                let inside = (0..image.height as isize).contains(&y) && (0..image.width as isize).contains(&x);
                window.push(if inside { input[(y as usize * image.width + x as usize) * image.channels + c] } else { 0.0 });
                weights.push(kernel[((ky * size + kx) * image.channels + c) * filters + filter]);
            }
        }
    }
    let products: Vec<f64> = window.iter().zip(&weights).map(|(&a, &b)| a as f64 * b as f64).collect();
    let sum = products.iter().sum();
    let bias = bias[filter] as f64;
    OneConvolution { filter, row, col, size, window, kernel: weights, products, sum, bias, before: sum + bias, output: (sum + bias).max(0.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_worked_by_hand() {
        // A 3 × 3 image 1..9, a 2 × 2 kernel [[1, 0], [−1, 2]] (filter 0 of one), bias 0.5.
        // At (1, 0) the window is [[4, 5], [7, 8]]: 4·1 + 5·0 + 7·(−1) + 8·2 = 13; + 0.5 = 13.5.
        let image = Image { height: 3, width: 3, channels: 1 };
        let input: Vec<f32> = (1..=9).map(|v| v as f32).collect();
        let step = one_convolution(&input, image, &[1.0, 0.0, -1.0, 2.0], &[0.5], 2, 1, 0, 0, (1, 0));
        assert_eq!(step.window, [4.0, 5.0, 7.0, 8.0]);
        assert_eq!(step.products, [4.0, 0.0, -7.0, 16.0]);
        assert_eq!((step.sum, step.before, step.output), (13.0, 13.5, 13.5));
        // A negative sum is cut to 0 by ReLU; the padding reads as 0.
        let step = one_convolution(&input, image, &[-1.0, 0.0, 0.0, 0.0], &[0.0], 2, 1, 1, 0, (1, 1));
        assert_eq!(step.window, [1.0, 2.0, 4.0, 5.0]);
        assert_eq!((step.before, step.output), (-1.0, 0.0));
        let corner = one_convolution(&input, image, &[1.0, 1.0, 1.0, 1.0], &[0.0], 2, 1, 1, 0, (0, 0));
        assert_eq!(corner.window, [0.0, 0.0, 0.0, 1.0]);
    }

    #[test]
    fn it_picks_its_filters_numbers_from_the_kernel() {
        // Two filters: the kernel stores (ky, kx, channel, filter) with the filter fastest.
        let image = Image { height: 2, width: 2, channels: 1 };
        let kernel = [1.0, 10.0, 2.0, 20.0, 3.0, 30.0, 4.0, 40.0];
        let step = one_convolution(&[1.0, 1.0, 1.0, 1.0], image, &kernel, &[0.0, -5.0], 2, 1, 0, 1, (0, 0));
        assert_eq!(step.kernel, [10.0, 20.0, 30.0, 40.0]);
        assert_eq!((step.sum, step.output), (100.0, 95.0));
    }
}
