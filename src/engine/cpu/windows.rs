//! Convolution's and pooling's window kernels on the CPU (see `Window`). Each is split across
//! threads by its output rows, and every gradient is gathered by the number it lands on (never
//! scattered), so a result never depends on the thread count.

use super::threads::for_row_blocks;
use crate::engine::backend::{Pooling, Window};

/// The input row (or column) that window offset `k` at output position `o` reads, if it is
/// inside the image rather than in the padding.
fn source(o: usize, k: usize, w: &Window, len: usize) -> Option<usize> {
    (o * w.stride + k).checked_sub(w.padding).filter(|&i| i < len)
}

/// Splits an output row index `(n, oy, ox)` of the window's output grid.
fn position(row: usize, w: &Window) -> (usize, usize, usize) {
    let (oh, ow) = (w.out_height(), w.out_width());
    (row / (oh * ow), row / ow % oh, row % ow)
}

pub(super) fn patches(x: &[f32], out: &mut [f32], w: Window) {
    let (c, len) = (w.channels, w.patch_len());
    for_row_blocks(out, w.positions(), len, 1, len, |first, block| {
        for (r, patch) in block.chunks_mut(len).enumerate() {
            let (n, oy, ox) = position(first + r, &w);
            for (ky, row) in patch.chunks_mut(w.size * c).enumerate() {
                let Some(y) = source(oy, ky, &w, w.height) else {
                    row.fill(0.0);
                    continue;
                };
                for (kx, pixel) in row.chunks_mut(c).enumerate() {
                    match source(ox, kx, &w, w.width) {
                        Some(x_) => pixel.copy_from_slice(&x[((n * w.height + y) * w.width + x_) * c..][..c]),
                        None => pixel.fill(0.0),
                    }
                }
            }
        }
    });
}

/// Runs `gather(n, (oy, ky), (ox, kx), pixel)` for every window that covers each input pixel
/// `pixel` (its `channels` gradients), split across threads by input rows.
fn for_each_covering(grad_x: &mut [f32], w: Window, work_per_pixel: usize, gather: impl Fn(usize, (usize, usize), (usize, usize), &mut [f32]) + Sync + Send) {
    let (oh, ow, c) = (w.out_height(), w.out_width(), w.channels);
    let pixels = w.batch * w.height * w.width;
    for_row_blocks(grad_x, pixels, c, 1, work_per_pixel, |first, block| {
        for (p, pixel) in block.chunks_mut(c).enumerate() {
            let p = first + p;
            let (n, y, x) = (p / (w.height * w.width), p / w.width % w.height, p % w.width);
            for vertical in w.covering(y, oh) {
                for horizontal in w.covering(x, ow) {
                    gather(n, vertical, horizontal, pixel);
                }
            }
        }
    });
}

pub(super) fn patches_backward(grad_patches: &[f32], grad_x: &mut [f32], w: Window) {
    let (oh, ow, c, len) = (w.out_height(), w.out_width(), w.channels, w.patch_len());
    for_each_covering(grad_x, w, len, |n, (oy, ky), (ox, kx), pixel| {
        let from = &grad_patches[((n * oh + oy) * ow + ox) * len + (ky * w.size + kx) * c..][..c];
        pixel.iter_mut().zip(from).for_each(|(g, f)| *g += f);
    });
}

pub(super) fn pool(op: Pooling, x: &[f32], out: &mut [f32], w: Window) {
    let c = w.channels;
    let area = (w.size * w.size) as f32;
    for_row_blocks(out, w.positions(), c, 1, c * w.size * w.size, |first, block| {
        for (r, pixel) in block.chunks_mut(c).enumerate() {
            let (n, oy, ox) = position(first + r, &w);
            pixel.fill(if op == Pooling::Max { f32::NEG_INFINITY } else { 0.0 });
            // Window pixel by window pixel, all channels at once: contiguous reads that the
            // compiler vectorises (a channel at a time strides through memory).
            for y in (0..w.size).filter_map(|ky| source(oy, ky, &w, w.height)) {
                for x_ in (0..w.size).filter_map(|kx| source(ox, kx, &w, w.width)) {
                    let seen = &x[((n * w.height + y) * w.width + x_) * c..][..c];
                    match op {
                        Pooling::Max => pixel.iter_mut().zip(seen).for_each(|(o, &v)| *o = if v > *o { v } else { *o }),
                        Pooling::Average => pixel.iter_mut().zip(seen).for_each(|(o, &v)| *o += v),
                    }
                }
            }
            if op == Pooling::Average {
                pixel.iter_mut().for_each(|o| *o /= area);
            }
        }
    });
}

/// Whether window pixel `(ky, kx)` is the window's first largest in `channel`: it holds the
/// window's maximum `largest` (the forward output), and no pixel before it in scan order does.
/// Most pixels fail the first comparison, so the scan is rare.
#[allow(clippy::too_many_arguments)]
fn is_first_max(x: &[f32], w: &Window, n: usize, (oy, ky): (usize, usize), (ox, kx): (usize, usize), channel: usize, value: f32, largest: f32) -> bool {
    if value != largest {
        return false;
    }
    let at = |ky, kx| match (source(oy, ky, w, w.height), source(ox, kx, w, w.width)) {
        (Some(y), Some(x_)) => x[((n * w.height + y) * w.width + x_) * w.channels + channel] == largest,
        _ => false,
    };
    !(0..ky * w.size + kx).any(|earlier| at(earlier / w.size, earlier % w.size))
}

pub(super) fn pool_backward(op: Pooling, x: &[f32], y: &[f32], grad_y: &[f32], grad_x: &mut [f32], w: Window) {
    let (oh, ow, c) = (w.out_height(), w.out_width(), w.channels);
    let area = (w.size * w.size) as f32;
    let pixel_len = w.height * w.width * c;
    for_each_covering(grad_x, w, c * w.size * w.size, |n, vertical, horizontal, pixel| {
        let out = ((n * oh + vertical.0) * ow + horizontal.0) * c;
        let (from, largest) = (&grad_y[out..][..c], &y[out..][..c]);
        match op {
            Pooling::Average => pixel.iter_mut().zip(from).for_each(|(g, f)| *g += f / area),
            Pooling::Max => {
                // This pixel's own numbers: where the window sits on it.
                let at = n * pixel_len + ((vertical.0 * w.stride + vertical.1 - w.padding) * w.width + horizontal.0 * w.stride + horizontal.1 - w.padding) * c;
                for (channel, g) in pixel.iter_mut().enumerate() {
                    if is_first_max(x, &w, n, vertical, horizontal, channel, x[at + channel], largest[channel]) {
                        *g += from[channel];
                    }
                }
            }
        }
    });
}
