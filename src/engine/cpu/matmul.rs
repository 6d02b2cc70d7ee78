//! Matrix multiplication on the CPU: a plain triple loop that is obviously right, and a fast
//! path that packs panels of both operands and runs a SIMD microkernel over them.
//!
//! Why the fast path is the `matrixmultiply` crate rather than hand-written: since 0.3.11 it
//! ships an 8×8 `core::arch::wasm32` f32x4 microkernel under exactly
//! `cfg(all(target_arch = "wasm32", target_feature = "simd128"))`, picks AVX/FMA kernels at
//! run time natively, and takes arbitrary row and column strides. Strides matter most here:
//! `op(A)` and `op(B)` are described by strides, and its packing step copies panels into the
//! microkernel's layout whichever way they are stored, so the weight gradient `Xᵀ·G` (where
//! TensorFlow.js is weakest) runs as fast as `X·W` with no transposed copy.

use crate::engine::backend::Matmul;

/// Below this many multiply-adds the packing overhead outweighs the SIMD kernel.
const SMALL: usize = 4 * 1024;

pub(super) fn matmul(a: &[f32], b: &[f32], c: &mut [f32], shape: Matmul) {
    let Matmul { m, k, n, .. } = shape;
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n, "matmul buffers are smaller than {shape:?}");
    if m * k * n <= SMALL {
        matmul_reference(a, b, c, shape);
    } else {
        matmul_fast(a, b, c, shape);
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

/// The packed SIMD path (see the module docs).
pub fn matmul_fast(a: &[f32], b: &[f32], c: &mut [f32], shape: Matmul) {
    let Matmul { m, k, n, transpose_a, transpose_b, accumulate } = shape;
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n, "matmul buffers are smaller than {shape:?}");
    if m == 0 || n == 0 {
        return;
    }
    let (row_stride_a, col_stride_a) = strides(m, k, transpose_a);
    let (row_stride_b, col_stride_b) = strides(k, n, transpose_b);
    let beta = if accumulate { 1.0 } else { 0.0 };
    // SAFETY: the asserts above guarantee every element addressed through these strides lies
    // inside its slice, and `c` is borrowed mutably, so it aliases neither input.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
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
}
