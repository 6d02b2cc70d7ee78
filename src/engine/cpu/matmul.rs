//! Matrix multiplication on the CPU: a plain triple loop that is obviously right, and a fast
//! path that packs panels of both operands and runs a SIMD microkernel over them.
//!
//! The fast path natively is the `matrixmultiply` crate: it picks AVX/FMA kernels at run time
//! and takes arbitrary row and column strides, so `op(A)` and `op(B)` are just strides and the
//! weight gradient `Xᵀ·G` (where TensorFlow.js is weakest) needs no transposed copy.
//!
//! In the browser (wasm32 + simd128) the fast path is our own `packed.rs`, because it wins.
//! Measured on this project's 2-core AMD EPYC (Zen 5) in headless Chromium 156, one thread,
//! GFLOP/s (wall clock at load ≈ 2.5, best of 3 × 300 ms), all in one wasm module after
//! wasm-opt -O3; TF.js wasm (XNNPACK) reached 34–39 at 256–1024 in the same hour:
//!
//! | shape (m×k×n)      | matrixmultiply 8×8 | ours 4×8 (chosen) | ours 2×16 | ours 8×8 | ours 3×12 / 6×8 / 4×12 |
//! | ------------------ | -----------------: | ----------------: | --------: | -------: | ---------------------: |
//! | 256×256×256        | 31.8               | 52.8              | 53.1      | 39.9     | 31 / 30 / 30           |
//! | 512×512×512        | 31.7               | 53.8              | 55.8      | 39.8     | 31 / 30 / 30           |
//! | 1024×1024×1024     | 31.0               | 53.7              | 56.0      | 38.3     | 31 / 30 / 30           |
//! | 64×784×500 (X·W)   | 29.4               | 51.1              | 50.6      | 37.3     | 30 / 27 / 29           |
//! | 784×64×500 (Xᵀ·G)  | 30.6               | 48.1              | 47.9      | 38.7     | 33 / 30 / 30           |
//!
//! Node 20's older V8 ranked the shapes differently (3×12 first at 47–50, 4×8 at 42–44,
//! matrixmultiply 34–36): tune in the browser the site runs in. Shapes that lost need more
//! than V8's 16 xmm registers once LLVM hoists the broadcasts of A. Broadcasting A by
//! shuffling a loaded vector (XNNPACK's "splat" variant) was, in Node, no faster than a broadcasting
//! load. The microkernel inlined into the loop nest ran at about half speed (registers
//! spilled), hence `inline(never)` and the call through a pointer in `packed.rs`.

use super::{packed, threads};
use crate::engine::backend::Matmul;

/// Below this many multiply-adds the packing overhead outweighs the SIMD kernel.
const SMALL: usize = 4 * 1024;

/// `C (+)= op(A)·op(B)`, split by blocks of C's rows across threads (`threads.rs`): each
/// block is the same kernel on fewer rows, so every number is the one a single thread gives.
pub(super) fn matmul(a: &[f32], b: &[f32], c: &mut [f32], shape: Matmul) {
    let Matmul { m, k, n, .. } = shape;
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n, "matmul buffers are smaller than {shape:?}");
    if m * k * n <= SMALL {
        matmul_reference(a, b, c, shape);
    } else {
        threads::for_row_blocks(c, m, n, packed::MR, k * n, |first, block| fast_block(a, b, block, shape, first, block.len() / n));
    }
}

/// Row and column strides of `op(A)` (an `m × k` view) when A is stored row-major.
fn strides(rows: usize, cols: usize, transposed: bool) -> (isize, isize) {
    if transposed {
        (1, rows as isize) // stored as cols × rows
    } else {
        (cols as isize, 1)
    }
}

/// The fast path on all of C: our packed kernel in the browser, `matrixmultiply` natively.
pub fn matmul_fast(a: &[f32], b: &[f32], c: &mut [f32], shape: Matmul) {
    let Matmul { m, k, n, .. } = shape;
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n, "matmul buffers are smaller than {shape:?}");
    fast_block(a, b, c, shape, 0, m);
}

/// Our packed simd128 sgemm (`packed.rs`) on all of C; natively it runs on plain 4-lane
/// arrays, for tests.
pub fn matmul_packed(a: &[f32], b: &[f32], c: &mut [f32], shape: Matmul) {
    let Matmul { m, k, n, .. } = shape;
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n, "matmul buffers are smaller than {shape:?}");
    packed_block(a, b, c, shape, 0, m);
}

/// Where row `first` of `op(A)` starts in A's storage, and `op(A)`'s strides.
fn rows_of_a(shape: Matmul, first: usize) -> (usize, isize, isize) {
    let (row_stride, col_stride) = strides(shape.m, shape.k, shape.transpose_a);
    (first * row_stride as usize, row_stride, col_stride)
}

/// Rows `first..first + rows` of C (`c` holds just those rows): the packed SIMD path (see the
/// module docs), ours in the browser.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn fast_block(a: &[f32], b: &[f32], c: &mut [f32], shape: Matmul, first: usize, rows: usize) {
    packed_block(a, b, c, shape, first, rows);
}

/// Rows `first..first + rows` of C (`c` holds just those rows): `matrixmultiply` natively.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn fast_block(a: &[f32], b: &[f32], c: &mut [f32], shape: Matmul, first: usize, rows: usize) {
    let Matmul { m, k, n, transpose_b, accumulate, .. } = shape;
    assert!(first + rows <= m && c.len() >= rows * n, "rows {first}..{} are outside {shape:?}", first + rows);
    if rows == 0 || n == 0 {
        return;
    }
    let (offset, row_stride_a, col_stride_a) = rows_of_a(shape, first);
    let (row_stride_b, col_stride_b) = strides(k, n, transpose_b);
    let beta = if accumulate { 1.0 } else { 0.0 };
    // SAFETY: the callers assert that A holds `m × k` and B `k × n` numbers, and rows
    // `first..first + rows` of `op(A)` lie inside A (checked above), so every element
    // addressed through these strides lies inside its slice; `c` is borrowed mutably, so it
    // aliases neither input.
    unsafe {
        matrixmultiply::sgemm(
            rows,
            k,
            n,
            1.0,
            a.as_ptr().add(offset),
            row_stride_a,
            col_stride_a,
            b.as_ptr(),
            row_stride_b,
            col_stride_b,
            beta,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

/// Rows `first..first + rows` of C through `packed.rs`.
fn packed_block(a: &[f32], b: &[f32], c: &mut [f32], shape: Matmul, first: usize, rows: usize) {
    let Matmul { m, k, n, transpose_b, accumulate, .. } = shape;
    assert!(first + rows <= m, "rows {first}..{} are outside {shape:?}", first + rows);
    let (offset, row_stride, col_stride) = rows_of_a(shape, first);
    let a = packed::View { data: &a[offset.min(a.len())..], row_stride: row_stride as usize, col_stride: col_stride as usize };
    let (row_stride_b, col_stride_b) = strides(k, n, transpose_b);
    let b = packed::View { data: b, row_stride: row_stride_b as usize, col_stride: col_stride_b as usize };
    packed::sgemm(rows, k, n, a, b, c, accumulate);
}

/// The definition, one dot product per output: the reference the fast path is tested against.
pub fn matmul_reference(a: &[f32], b: &[f32], c: &mut [f32], shape: Matmul) {
    let Matmul { m, k, n, transpose_a, transpose_b, accumulate } = shape;
    let at = |i: usize, p: usize| if transpose_a { a[p * m + i] } else { a[i * k + p] };
    let bt = |p: usize, j: usize| if transpose_b { b[j * k + p] } else { b[p * n + j] };
    for i in 0..m {
        for j in 0..n {
            let dot: f32 = (0..k).map(|p| at(i, p) * bt(p, j)).sum();
            let out = &mut c[i * n + j];
            *out = if accumulate { *out + dot } else { dot };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::Pcg32;

    #[test]
    fn fast_path_agrees_with_the_reference_for_every_transpose_and_accumulate() {
        let mut rng = Pcg32::new(7, 1);
        for (m, k, n) in [(1, 1, 1), (17, 33, 9), (64, 100, 70)] {
            for flags in 0..8 {
                let shape = Matmul {
                    m,
                    k,
                    n,
                    transpose_a: flags & 1 != 0,
                    transpose_b: flags & 2 != 0,
                    accumulate: flags & 4 != 0,
                };
                let a: Vec<f32> = (0..m * k).map(|_| rng.normal()).collect();
                let b: Vec<f32> = (0..k * n).map(|_| rng.normal()).collect();
                let start: Vec<f32> = (0..m * n).map(|_| rng.normal()).collect();
                let (mut fast, mut slow) = (start.clone(), start);
                matmul_fast(&a, &b, &mut fast, shape);
                matmul_reference(&a, &b, &mut slow, shape);
                for (x, y) in fast.iter().zip(&slow) {
                    assert!((x - y).abs() < 1e-4 * (1.0 + y.abs()), "{shape:?}: {x} vs {y}");
                }
            }
        }
    }

    /// What the threads do (`threads.rs`): C computed as blocks of rows through the browser's
    /// packed kernel is the whole C bit for bit, for plain and transposed operands.
    #[test]
    fn packed_blocks_of_rows_give_the_whole_product_bit_for_bit() {
        let mut rng = Pcg32::new(5, 9);
        let (m, k, n) = (70, 600, 37);
        let a: Vec<f32> = (0..m * k).map(|_| rng.normal()).collect();
        let b: Vec<f32> = (0..k * n).map(|_| rng.normal()).collect();
        for flags in 0..4 {
            let shape = Matmul { m, k, n, transpose_a: flags & 1 != 0, transpose_b: flags & 2 != 0, accumulate: false };
            let mut whole = vec![0.0; m * n];
            matmul_packed(&a, &b, &mut whole, shape);
            let mut blocks = vec![0.0; m * n];
            for (first, rows) in [(0, 8), (8, 36), (44, 26)] {
                packed_block(&a, &b, &mut blocks[first * n..(first + rows) * n], shape, first, rows);
            }
            assert_eq!(blocks, whole, "{shape:?}");
        }
    }

    /// The browser's packed path, run natively on 4-lane arrays: every transpose and
    /// accumulate, edges that are not multiples of the 4 × 8 tile, k across several k blocks
    /// (512) and m across several row blocks (64), against an f64 reference.
    #[test]
    fn packed_path_agrees_with_the_reference_for_every_transpose_edge_and_block() {
        let mut rng = Pcg32::new(11, 3);
        for (m, k, n) in [(1, 1, 1), (2, 5, 13), (3, 12, 12), (7, 1100, 25), (50, 40, 11), (100, 3, 37), (0, 4, 5), (4, 0, 5)] {
            for flags in 0..8 {
                let shape = Matmul {
                    m,
                    k,
                    n,
                    transpose_a: flags & 1 != 0,
                    transpose_b: flags & 2 != 0,
                    accumulate: flags & 4 != 0,
                };
                let a: Vec<f32> = (0..m * k).map(|_| rng.normal()).collect();
                let b: Vec<f32> = (0..k * n).map(|_| rng.normal()).collect();
                let start: Vec<f32> = (0..m * n).map(|_| rng.normal()).collect();
                let mut packed = start.clone();
                matmul_packed(&a, &b, &mut packed, shape);
                let at = |i: usize, p: usize| if shape.transpose_a { a[p * m + i] } else { a[i * k + p] } as f64;
                let bt = |p: usize, j: usize| if shape.transpose_b { b[j * k + p] } else { b[p * n + j] } as f64;
                for i in 0..m {
                    for j in 0..n {
                        let dot: f64 = (0..k).map(|p| at(i, p) * bt(p, j)).sum();
                        let want = if shape.accumulate { start[i * n + j] as f64 + dot } else { dot };
                        let got = packed[i * n + j] as f64;
                        assert!((got - want).abs() < 1e-4 * (1.0 + want.abs()) * (k as f64).sqrt().max(1.0), "{shape:?} at ({i}, {j}): {got} vs {want}");
                    }
                }
            }
        }
    }
}
