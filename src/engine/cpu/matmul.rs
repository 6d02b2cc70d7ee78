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

use std::ops::Range;

use super::{packed, threads};
use crate::engine::backend::Matmul;

/// Below this many multiply-adds the packing overhead outweighs the SIMD kernel.
const SMALL: usize = 4 * 1024;

/// `C (+)= op(A)·op(B)`, split across threads (`threads.rs`) by blocks of C's rows, or of its
/// columns when C is wider than tall. Each block is the same kernel on fewer rows or columns
/// (blocks of columns start on the kernel's 8-column panels), so every number is the one a
/// single thread gives.
///
/// Why columns for wide products: a block of rows needs all of op(B) packed, so on the MLP's
/// `X·W` (64 × 784 · 784 × 500) every thread packed the whole 784 × 500 weight matrix to
/// multiply 32 rows by it. A block of columns packs only its own columns of B (and all of the
/// small A); it is computed into a block of its own and copied into C (64 × 500 numbers, next
/// to 25 million multiply-adds).
///
/// Measured natively on this project's 2-core machine (`STEPWISE_THREADS=1|2 cargo test --release
/// --test engine_bench -- --ignored`): the MLP's forward pass went from 0.67 ms on one thread to
/// 0.72 with blocks of rows and 0.43 with blocks of columns. Natively `matrixmultiply` allocates
/// its packing space on every call, and glibc serves that size with mmap/munmap, whose page
/// faults and TLB flushes stall the other thread: with `MALLOC_MMAP_THRESHOLD_=268435456` a
/// 512 × 512 product ran at 119 GFLOP/s on two threads against 54 without (74 on one). The
/// browser's kernel packs into per-thread scratch and never allocates.
pub(super) fn matmul(a: &[f32], b: &[f32], c: &mut [f32], shape: Matmul) {
    let Matmul { m, k, n, accumulate, .. } = shape;
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n, "matmul buffers are smaller than {shape:?}");
    let column_parts = if n > m { threads::parts(n, packed::NR, m * k) } else { 1 };
    if m * k * n <= SMALL {
        matmul_reference(a, b, c, shape);
    } else if column_parts > 1 {
        let width = n.div_ceil(column_parts).div_ceil(packed::NR) * packed::NR;
        let mut blocks: Vec<(usize, Vec<f32>)> = (0..n)
            .step_by(width)
            .map(|first| {
                let cols = width.min(n - first);
                let block = if accumulate { (0..m).flat_map(|i| c[i * n + first..i * n + first + cols].iter().copied()).collect() } else { vec![0.0; m * cols] };
                (first, block)
            })
            .collect();
        threads::for_each(blocks.iter_mut().collect(), |(first, block)| {
            let cols = block.len() / m;
            fast_block(a, b, block, shape, 0..m, *first..*first + cols);
        });
        for (first, block) in &blocks {
            let cols = block.len() / m;
            for (i, row) in block.chunks_exact(cols).enumerate() {
                c[i * n + first..i * n + first + cols].copy_from_slice(row);
            }
        }
    } else {
        threads::for_row_blocks(c, m, n, packed::MR, k * n, |first, block| fast_block(a, b, block, shape, first..first + block.len() / n, 0..n));
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
    fast_block(a, b, c, shape, 0..m, 0..n);
}

/// Our packed simd128 sgemm (`packed.rs`) on all of C; natively it runs on plain 4-lane
/// arrays, for tests.
pub fn matmul_packed(a: &[f32], b: &[f32], c: &mut [f32], shape: Matmul) {
    let Matmul { m, k, n, .. } = shape;
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n, "matmul buffers are smaller than {shape:?}");
    packed_block(a, b, c, shape, 0..m, 0..n);
}

/// Where element (`row`, `col`) of `op(X)` (an `rows × cols` view of X stored row-major, or
/// transposed) starts in X's storage, and `op(X)`'s strides.
fn block_of(rows: usize, cols: usize, transposed: bool, row: usize, col: usize) -> (usize, isize, isize) {
    let (row_stride, col_stride) = strides(rows, cols, transposed);
    (row * row_stride as usize + col * col_stride as usize, row_stride, col_stride)
}

/// The block `rows × cols` of C (`c` holds just it, row-major): the packed SIMD path (see the
/// module docs), ours in the browser.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn fast_block(a: &[f32], b: &[f32], c: &mut [f32], shape: Matmul, rows: Range<usize>, cols: Range<usize>) {
    packed_block(a, b, c, shape, rows, cols);
}

/// The block `rows × cols` of C (`c` holds just it, row-major): `matrixmultiply` natively.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn fast_block(a: &[f32], b: &[f32], c: &mut [f32], shape: Matmul, rows: Range<usize>, cols: Range<usize>) {
    let Matmul { m, k, n, transpose_a, transpose_b, accumulate } = shape;
    assert!(rows.end <= m && cols.end <= n && c.len() >= rows.len() * cols.len(), "block {rows:?} × {cols:?} is outside {shape:?}");
    if rows.is_empty() || cols.is_empty() {
        return;
    }
    let (offset_a, row_stride_a, col_stride_a) = block_of(m, k, transpose_a, rows.start, 0);
    let (offset_b, row_stride_b, col_stride_b) = block_of(k, n, transpose_b, 0, cols.start);
    let beta = if accumulate { 1.0 } else { 0.0 };
    // SAFETY: the callers assert that A holds `m × k` and B `k × n` numbers, and the block lies
    // inside `m × n` (checked above), so every element addressed through these offsets and
    // strides lies inside its slice; `c` is borrowed mutably, so it aliases neither input.
    unsafe {
        matrixmultiply::sgemm(
            rows.len(),
            k,
            cols.len(),
            1.0,
            a.as_ptr().add(offset_a),
            row_stride_a,
            col_stride_a,
            b.as_ptr().add(offset_b),
            row_stride_b,
            col_stride_b,
            beta,
            c.as_mut_ptr(),
            cols.len() as isize,
            1,
        );
    }
}

/// The block `rows × cols` of C through `packed.rs`.
fn packed_block(a: &[f32], b: &[f32], c: &mut [f32], shape: Matmul, rows: Range<usize>, cols: Range<usize>) {
    let Matmul { m, k, n, transpose_a, transpose_b, accumulate } = shape;
    assert!(rows.end <= m && cols.end <= n, "block {rows:?} × {cols:?} is outside {shape:?}");
    fn view(x: &[f32], (offset, row_stride, col_stride): (usize, isize, isize)) -> packed::View<'_> {
        packed::View { data: &x[offset.min(x.len())..], row_stride: row_stride as usize, col_stride: col_stride as usize }
    }
    let a = view(a, block_of(m, k, transpose_a, rows.start, 0));
    let b = view(b, block_of(k, n, transpose_b, 0, cols.start));
    packed::sgemm(rows.len(), k, cols.len(), a, b, c, accumulate);
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

    /// A product of the given size with random operands and a random C to accumulate into;
    /// bits 0, 1 and 2 of `flags` transpose A, transpose B and accumulate.
    fn random_case(rng: &mut Pcg32, (m, k, n): (usize, usize, usize), flags: u32) -> (Matmul, Vec<f32>, Vec<f32>, Vec<f32>) {
        let shape = Matmul { m, k, n, transpose_a: flags & 1 != 0, transpose_b: flags & 2 != 0, accumulate: flags & 4 != 0 };
        let mut random = |len: usize| (0..len).map(|_| rng.normal()).collect::<Vec<f32>>();
        (shape, random(m * k), random(k * n), random(m * n))
    }

    #[test]
    fn fast_path_agrees_with_the_reference_for_every_transpose_and_accumulate() {
        let mut rng = Pcg32::new(7, 1);
        for (m, k, n) in [(1, 1, 1), (17, 33, 9), (64, 100, 70)] {
            for flags in 0..8 {
                let (shape, a, b, start) = random_case(&mut rng, (m, k, n), flags);
                let (mut fast, mut slow) = (start.clone(), start);
                matmul_fast(&a, &b, &mut fast, shape);
                matmul_reference(&a, &b, &mut slow, shape);
                for (x, y) in fast.iter().zip(&slow) {
                    assert!((x - y).abs() < 1e-4 * (1.0 + y.abs()), "{shape:?}: {x} vs {y}");
                }
            }
        }
    }

    /// What the threads do (`threads.rs`): C computed as blocks of rows, or of columns, through
    /// the browser's packed kernel is the whole C bit for bit, for plain and transposed operands.
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
                packed_block(&a, &b, &mut blocks[first * n..(first + rows) * n], shape, first..first + rows, 0..n);
            }
            assert_eq!(blocks, whole, "{shape:?}");
            // And as blocks of columns, each starting on an 8-column panel.
            let mut columns = vec![0.0; m * n];
            for cols in [0..16, 16..32, 32..n] {
                let mut block = vec![0.0; m * cols.len()];
                packed_block(&a, &b, &mut block, shape, 0..m, cols.clone());
                for (i, row) in block.chunks_exact(cols.len()).enumerate() {
                    columns[i * n + cols.start..i * n + cols.end].copy_from_slice(row);
                }
            }
            assert_eq!(columns, whole, "{shape:?} by columns");
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
                let (shape, a, b, start) = random_case(&mut rng, (m, k, n), flags);
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
