//! A packed, blocked sgemm for wasm `simd128`: `C (+)= op(A) · op(B)`.
//!
//! Why hand-written although `matrixmultiply` has a wasm simd128 kernel: its kernel keeps an
//! 8×8 block of C in 16 vector registers, and V8 on x86-64 has only 16 xmm registers in
//! total, so it spills. Here the register block is 4 × 8 (8 accumulators, 2 vectors of B and
//! the broadcasts of A: at most 14 registers), and the microkernel is its own small function,
//! which V8 allocates registers for far better than for the whole loop nest. Measured numbers,
//! and the shapes that lost, are in `matmul.rs`, where the choice between the two is made.
//!
//! Layout (GotoBLAS/BLIS): for each block of `KC` steps along k, B is packed once into panels
//! of 8 columns (`[p][8]`, zero-padded), then for each block of `MC` rows A is packed into
//! panels of `MR` rows (`[p][MR]`, zero-padded); the microkernel walks one B panel (held in
//! L1) against every A panel of the block (held in L2). Packing reads through row and column
//! strides, so transposed operands cost nothing extra.
//!
//! Plain simd128 only (no relaxed-simd FMA): Safari lacks relaxed-simd, and one unsupported
//! instruction makes the whole module fail to compile. Natively the same code runs on a
//! 4-lane array type, so `cargo test` checks packing, edges, transposes and accumulation.

/// Rows of C per microkernel call.
pub const MR: usize = 4;
/// Vectors of 4 columns per microkernel call.
const NV: usize = 2;
/// Columns of C per microkernel call.
pub const NR: usize = 4 * NV;
/// Steps along k per block: one packed B panel is `KC × NR × 4` bytes (16 KB, in L1).
const KC: usize = 512;
/// Rows of A per block: one packed A block is `MC × KC × 4` bytes (128 KB, in L2).
const MC: usize = MR * 16;

/// A matrix operand: element `(row, col)` is at `data[row * row_stride + col * col_stride]`.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub data: &'a [f32],
    pub row_stride: usize,
    pub col_stride: usize,
}

impl View<'_> {
    #[inline(always)]
    fn at(&self, row: usize, col: usize) -> f32 {
        self.data[row * self.row_stride + col * self.col_stride]
    }
}

/// `c (m × n, row-major) = a (m × k) · b (k × n)`, or `+=` when `accumulate`.
pub fn sgemm(m: usize, k: usize, n: usize, a: View, b: View, c: &mut [f32], accumulate: bool) {
    assert!(c.len() >= m * n, "C is smaller than {m} × {n}");
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            c[..m * n].fill(0.0);
        }
        return;
    }
    // Called through a pointer the optimisers cannot see through: wasm-opt inlines a function
    // with one call site whatever Rust asked, and inlined into the loop nest the microkernel
    // runs at half speed in V8 (26 instead of 47 GFLOP/s at 512, node --no-liftoff).
    let tile: TileFn = std::hint::black_box(tile);
    let panels_b = n.div_ceil(NR);
    let len_b = (panels_b * NR * KC.min(k)).next_multiple_of(ALIGN_FLOATS);
    let len_a = MC.min(m.div_ceil(MR) * MR) * KC.min(k);
    SCRATCH.with_borrow_mut(|scratch| {
        let start = aligned_start(scratch, len_b + len_a);
        let (packed_b, packed_a) = scratch[start..start + len_b + len_a].split_at_mut(len_b);
        blocks(m, k, n, a, b, c, accumulate, tile, packed_b, packed_a);
    });
}

/// Floats in a 64-byte cache line: both packed panels start on one.
const ALIGN_FLOATS: usize = 16;

thread_local! {
    /// Each thread's packing space, kept between calls (packing overwrites every number the
    /// kernel reads, so it is never cleared). Why not a fresh `vec!` per call: that zeroes up
    /// to 1.5 MB per product, and an allocation is only 8-byte aligned, so 16-byte loads could
    /// straddle cache lines. Measured in the browser on our 2-core machine, the difference was
    /// within the noise (±15% between runs); kept as the layout BLIS-style kernels expect.
    static SCRATCH: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Grows `scratch` to hold `len` floats from a cache-line boundary; returns that index.
fn aligned_start(scratch: &mut Vec<f32>, len: usize) -> usize {
    if scratch.len() < len + ALIGN_FLOATS {
        scratch.resize(len + ALIGN_FLOATS, 0.0);
    }
    let misalignment = (scratch.as_ptr() as usize / 4) % ALIGN_FLOATS;
    (ALIGN_FLOATS - misalignment) % ALIGN_FLOATS
}

/// The blocked loops of [`sgemm`] over packing space `packed_b` and `packed_a`.
#[allow(clippy::too_many_arguments)]
fn blocks(m: usize, k: usize, n: usize, a: View, b: View, c: &mut [f32], accumulate: bool, tile: TileFn, packed_b: &mut [f32], packed_a: &mut [f32]) {
    let panels_b = n.div_ceil(NR);
    for p0 in (0..k).step_by(KC) {
        let kc = KC.min(k - p0);
        pack_b(b, p0, kc, n, packed_b);
        // The first k block overwrites C unless the caller accumulates; later blocks add.
        let add = accumulate || p0 > 0;
        for i0 in (0..m).step_by(MC) {
            let mc = MC.min(m - i0);
            pack_a(a, i0, mc, p0, kc, packed_a);
            for jp in 0..panels_b {
                let j = jp * NR;
                let bp = &packed_b[jp * NR * kc..(jp + 1) * NR * kc];
                for ip in 0..mc.div_ceil(MR) {
                    let i = i0 + ip * MR;
                    let ap = &packed_a[ip * MR * kc..(ip + 1) * MR * kc];
                    let rows = MR.min(m - i);
                    let cols = NR.min(n - j);
                    tile(kc, ap, bp, &mut c[i * n + j..], n, rows, cols, add);
                }
            }
        }
    }
}

/// Copies `B[p0 .. p0+kc, 0 .. n]` into panels of `NR` columns, `[panel][p][NR]`, padding
/// the last panel's missing columns with zeros.
fn pack_b(b: View, p0: usize, kc: usize, n: usize, out: &mut [f32]) {
    for (jp, panel) in out.chunks_exact_mut(NR * kc).take(n.div_ceil(NR)).enumerate() {
        let j = jp * NR;
        let cols = NR.min(n - j);
        for (p, row) in panel.chunks_exact_mut(NR).enumerate() {
            if cols == NR && b.col_stride == 1 {
                let start = (p0 + p) * b.row_stride + j;
                row.copy_from_slice(&b.data[start..start + NR]);
            } else {
                for (col, value) in row.iter_mut().enumerate() {
                    *value = if col < cols { b.at(p0 + p, j + col) } else { 0.0 };
                }
            }
        }
    }
}

/// Copies `A[i0 .. i0+mc, p0 .. p0+kc]` into panels of `MR` rows, `[panel][p][MR]`, padding
/// the last panel's missing rows with zeros.
fn pack_a(a: View, i0: usize, mc: usize, p0: usize, kc: usize, out: &mut [f32]) {
    for (ip, panel) in out.chunks_exact_mut(MR * kc).take(mc.div_ceil(MR)).enumerate() {
        let i = i0 + ip * MR;
        let rows = MR.min(mc - ip * MR);
        for r in 0..MR {
            if r < rows {
                let base = (i + r) * a.row_stride + p0 * a.col_stride;
                if a.col_stride == 1 {
                    let row = &a.data[base..base + kc];
                    for (p, &value) in row.iter().enumerate() {
                        panel[p * MR + r] = value;
                    }
                } else {
                    for p in 0..kc {
                        panel[p * MR + r] = a.data[base + p * a.col_stride];
                    }
                }
            } else {
                for p in 0..kc {
                    panel[p * MR + r] = 0.0;
                }
            }
        }
    }
}

type TileFn = fn(usize, &[f32], &[f32], &mut [f32], usize, usize, usize, bool);

/// One `MR × NR` tile of C: `A panel · B panel` over `kc` steps in registers, then written
/// (or added) to the valid `rows × cols` corner of `c` (row stride `ldc`). Not inlined: V8
/// allocates registers better in a small function than in the whole loop nest.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn tile(kc: usize, ap: &[f32], bp: &[f32], c: &mut [f32], ldc: usize, rows: usize, cols: usize, add: bool) {
    store(kernel(kc, ap, bp), c, ldc, rows, cols, add);
}

/// `A panel · B panel` over `kc` steps, in registers.
#[inline(always)]
fn kernel(kc: usize, ap: &[f32], bp: &[f32]) -> [[F32x4; NV]; MR] {
    assert!(ap.len() >= kc * MR && bp.len() >= kc * NR);
    let mut acc = [[F32x4::zero(); NV]; MR];
    let (a, b) = (ap.as_ptr(), bp.as_ptr());
    for p in 0..kc {
        // SAFETY: p < kc and the assert above bound both panels.
        unsafe {
            let bv: [F32x4; NV] = std::array::from_fn(|v| F32x4::load(b.add(p * NR + 4 * v)));
            for (r, row) in acc.iter_mut().enumerate() {
                let x = F32x4::splat_load(a.add(p * MR + r));
                for v in 0..NV {
                    row[v] = row[v].add(x.mul(bv[v]));
                }
            }
        }
    }
    acc
}

/// Writes (or adds) the valid `rows × cols` corner of a tile into C (row stride `ldc`).
#[inline(always)]
fn store(tile: [[F32x4; NV]; MR], c: &mut [f32], ldc: usize, rows: usize, cols: usize, add: bool) {
    if cols == NR {
        for (r, row) in tile.iter().enumerate().take(rows) {
            let out = &mut c[r * ldc..r * ldc + NR];
            for (v, &value) in row.iter().enumerate() {
                // SAFETY: `out` holds exactly NR = 4 * NV floats.
                unsafe {
                    let at = out.as_mut_ptr().add(4 * v);
                    if add {
                        F32x4::load(at).add(value).store(at);
                    } else {
                        value.store(at);
                    }
                }
            }
        }
    } else {
        for (r, row) in tile.iter().enumerate().take(rows) {
            let mut values = [0.0f32; NR];
            for (v, &value) in row.iter().enumerate() {
                // SAFETY: `values` holds exactly NR = 4 * NV floats.
                unsafe { value.store(values.as_mut_ptr().add(4 * v)) };
            }
            for (col, value) in values.iter().enumerate().take(cols) {
                let out = &mut c[r * ldc + col];
                *out = if add { *out + value } else { *value };
            }
        }
    }
}

/// Four f32 lanes: wasm simd128 in the browser, a plain array natively (tests only).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[derive(Clone, Copy)]
struct F32x4(core::arch::wasm32::v128);

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
impl F32x4 {
    #[inline(always)]
    fn zero() -> Self {
        Self(core::arch::wasm32::f32x4_splat(0.0))
    }
    #[inline(always)]
    unsafe fn load(ptr: *const f32) -> Self {
        Self(core::arch::wasm32::v128_load(ptr.cast()))
    }
    #[inline(always)]
    unsafe fn splat_load(ptr: *const f32) -> Self {
        Self(core::arch::wasm32::v128_load32_splat(ptr.cast()))
    }
    #[inline(always)]
    unsafe fn store(self, ptr: *mut f32) {
        core::arch::wasm32::v128_store(ptr.cast(), self.0)
    }
    #[inline(always)]
    fn add(self, other: Self) -> Self {
        Self(core::arch::wasm32::f32x4_add(self.0, other.0))
    }

    #[inline(always)]
    fn mul(self, other: Self) -> Self {
        Self(core::arch::wasm32::f32x4_mul(self.0, other.0))
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[derive(Clone, Copy)]
struct F32x4([f32; 4]);

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
impl F32x4 {
    fn zero() -> Self {
        Self([0.0; 4])
    }
    unsafe fn load(ptr: *const f32) -> Self {
        Self(std::ptr::read_unaligned(ptr.cast()))
    }
    unsafe fn splat_load(ptr: *const f32) -> Self {
        Self([*ptr; 4])
    }
    unsafe fn store(self, ptr: *mut f32) {
        std::ptr::write_unaligned(ptr.cast(), self.0)
    }
    fn add(self, other: Self) -> Self {
        Self(std::array::from_fn(|i| self.0[i] + other.0[i]))
    }
    fn mul(self, other: Self) -> Self {
        Self(std::array::from_fn(|i| self.0[i] * other.0[i]))
    }
}
