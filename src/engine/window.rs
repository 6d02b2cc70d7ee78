//! Where a convolution's or a pooling's window goes over a batch of images: the sizes that every
//! windowed kernel shares, worked out once.
//!
//! Images are stored NHWC: `[batch, height, width, channels]`, a pixel's channels side by side.
//! Why not PyTorch's NCHW: cut into patches, an NHWC image gives rows `(y, x, channel)` whose
//! product with a `[kernel h · kernel w · channels in, channels out]` kernel *is* the NHWC
//! output, with no transpose on either side; a dense layer after it flattens it for free; and a
//! pixel's channels sit together, which is what pooling and the feature-map pictures read.
//! (Export to PyTorch permutes the kernels once.)

use serde::{Deserialize, Serialize};

/// A square window sliding over NHWC images.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub batch: usize,
    pub height: usize,
    pub width: usize,
    pub channels: usize,
    /// The window's side, in pixels.
    pub size: usize,
    /// How far the window moves between outputs.
    pub stride: usize,
    /// Rings of zeros around each image (for pooling, of nothing: a max ignores them).
    pub padding: usize,
}

/// "a" or "an" before a number as it is read aloud: an 8, an 11, an 18, an 80; a 5, a 12.
fn a_or_an(n: usize) -> &'static str {
    let text = n.to_string();
    if text.starts_with('8') || (text.len() % 3 == 2 && (text.starts_with("11") || text.starts_with("18"))) {
        "an"
    } else {
        "a"
    }
}

impl Window {
    /// Why this window cannot slide over these images, in the learner's words, or `None` if
    /// it can. Training refuses such a layer before it starts.
    pub fn problem(&self) -> Option<String> {
        let (padded_height, padded_width) = (self.height + 2 * self.padding, self.width + 2 * self.padding);
        if self.size == 0 {
            Some("a window of size 0 sees nothing".into())
        } else if self.stride == 0 {
            Some("a stride of 0 never moves the window".into())
        } else if self.size > padded_height || self.size > padded_width {
            Some(format!(
                "{} {size}×{size} window does not fit in {} {height}×{width} image{padded}",
                a_or_an(self.size),
                a_or_an(self.height),
                size = self.size,
                height = self.height,
                width = self.width,
                padded = if self.padding > 0 { format!(" padded by {}", self.padding) } else { String::new() }
            ))
        } else if self.channels == 0 || self.batch == 0 {
            Some("there is nothing to look at: 0 channels or 0 images".into())
        } else {
            None
        }
    }

    /// Output rows: `⌊(height + 2·padding − size) / stride⌋ + 1`.
    pub fn out_height(&self) -> usize {
        (self.height + 2 * self.padding - self.size) / self.stride + 1
    }
    pub fn out_width(&self) -> usize {
        (self.width + 2 * self.padding - self.size) / self.stride + 1
    }
    /// Output positions over the whole batch: one patch (one output pixel) each.
    pub fn positions(&self) -> usize {
        self.batch * self.out_height() * self.out_width()
    }
    /// Numbers in one patch: `size · size · channels`, ordered (row, column, channel).
    pub fn patch_len(&self) -> usize {
        self.size * self.size * self.channels
    }
    /// Numbers in the input batch.
    pub fn input_len(&self) -> usize {
        self.batch * self.height * self.width * self.channels
    }

    /// The output positions (rows `oy`, in the window's output) whose window covers input row
    /// `y`, and the window row `ky` at which it sits in each: the inverse map that gradient
    /// kernels walk, so that each input number gathers its own gradient and no two threads
    /// ever write one number.
    pub fn covering(&self, y: usize, out_len: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let padded = y + self.padding;
        (0..self.size.min(padded + 1)).filter_map(move |ky| {
            let offset = padded - ky;
            (offset.is_multiple_of(self.stride) && offset / self.stride < out_len).then_some((offset / self.stride, ky))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(height: usize, size: usize, stride: usize, padding: usize) -> Window {
        Window { batch: 1, height, width: height, channels: 1, size, stride, padding }
    }

    #[test]
    fn output_sizes_follow_the_formula() {
        // LeNet on MNIST: 28 → conv 5 → 24 → pool 2 → 12 → conv 5 → 8 → pool 2 → 4.
        assert_eq!(window(28, 5, 1, 0).out_height(), 24);
        assert_eq!(window(24, 2, 2, 0).out_height(), 12);
        assert_eq!(window(12, 5, 1, 0).out_height(), 8);
        // "Same" padding keeps the size; stride 2 halves it (rounding down), as in PyTorch.
        assert_eq!(window(28, 3, 1, 1).out_height(), 28);
        assert_eq!(window(28, 4, 2, 1).out_height(), 14);
        assert_eq!(window(7, 3, 2, 0).out_height(), 3);
        let w = Window { batch: 2, height: 6, width: 5, channels: 3, size: 3, stride: 1, padding: 0 };
        assert_eq!((w.positions(), w.patch_len(), w.input_len()), (2 * 4 * 3, 27, 180));
    }

    #[test]
    fn impossible_windows_are_named() {
        assert_eq!(window(4, 5, 1, 0).problem().unwrap(), "a 5×5 window does not fit in a 4×4 image");
        assert_eq!(window(3, 5, 1, 0).problem().unwrap(), "a 5×5 window does not fit in a 3×3 image");
        assert!(window(3, 5, 1, 1).problem().is_none(), "padding makes room");
        assert_eq!(window(28, 3, 0, 0).problem().unwrap(), "a stride of 0 never moves the window");
        assert_eq!(window(28, 0, 1, 0).problem().unwrap(), "a window of size 0 sees nothing");
        assert!(window(28, 5, 1, 0).problem().is_none());
        assert_eq!(window(8, 9, 1, 0).problem().unwrap(), "a 9×9 window does not fit in an 8×8 image");
        assert_eq!(window(11, 18, 1, 0).problem().unwrap(), "an 18×18 window does not fit in an 11×11 image");
        assert_eq!(window(2, 3, 1, 0).problem().unwrap(), "a 3×3 window does not fit in a 2×2 image");
    }

    #[test]
    fn covering_is_the_inverse_of_the_window() {
        for (height, size, stride, padding) in [(7, 3, 2, 1), (8, 2, 2, 0), (6, 3, 1, 2), (9, 4, 3, 0)] {
            let w = window(height, size, stride, padding);
            let out = w.out_height();
            for y in 0..height {
                let mut want: Vec<(usize, usize)> = (0..out)
                    .flat_map(|oy| (0..size).map(move |ky| (oy, ky)))
                    .filter(|&(oy, ky)| (oy * stride + ky) as isize - padding as isize == y as isize)
                    .collect();
                want.sort();
                let mut got: Vec<_> = w.covering(y, out).collect();
                got.sort();
                assert_eq!(got, want, "row {y} of {w:?}");
            }
        }
    }
}
