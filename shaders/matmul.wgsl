// C (+)= op(A) · op(B), the fast path: every dimension that is read or written four at a time
// is a multiple of 4 (k and n always, m too when A is transposed; see `matmul` in
// src/engine/webgpu/mod.rs). Other shapes go to matmul_unaligned.wgsl.
// info: [m, k, n, transpose_a, transpose_b, accumulate]
// Batched (attention's heads): workgroup z is the batch item; item z of A, B and C starts
// z·(m·k), z·(k·n) and z·(m·n) numbers in (every item is stored whole, one after another).
//
// Each invocation computes an 8×16 block of C in registers (eight 4×4 matrices), stepping along
// k four at a time: per step it loads a 4×4 block of A for each of its 2 block rows and a 4×4
// block of B for each of its 4 block columns, as vec4 loads, and multiplies them as `mat4x4`.
// Each number loaded is used 4 × 4 or 4 × 2 times.
//
// No workgroup memory and no barriers, on purpose: we measured on SwiftShader (the browser's
// CPU-emulated WebGPU adapter, our reference), where a barrier makes every group of invocations
// stop and switch, and the CPU's caches already give the reuse a shared tile would. A kernel
// tiled through workgroup memory (the one this replaced, 16×16 with one output per invocation;
// TensorFlow.js's, 32×32 with a 4×4 register block) ran 6–10× slower there. Larger blocks per
// invocation were faster still on SwiftShader, but 128 accumulators is about what a real GPU's
// registers hold. Blocks are named one by one: an array of accumulators was 2–3× slower, since
// the compilers keep it in memory rather than in registers.
// The transpose flags are compile-time arguments of the four entry points, not per-element
// branches.

@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> c: array<vec4<f32>>;

// Where this invocation's batch item starts in a, b and c, in vec4s.
var<private> a_base: u32;
var<private> b_base: u32;
var<private> c_base: u32;

// op(A)[i..i+4][p..p+4]. Rows past m are clamped to real rows: they are computed, never stored.
fn block_a(i: u32, p: u32, m: u32, k: u32, transposed: bool) -> mat4x4<f32> {
    if (transposed) {
        // A is k×m: one vec4 holds four rows of op(A) for one p (a column of the block).
        let start = (p * m + min(i, m - 4u)) / 4u;
        let stride = m / 4u;
        return mat4x4<f32>(a[a_base + start], a[a_base + start + stride], a[a_base + start + 2u * stride], a[a_base + start + 3u * stride]);
    }
    // A is m×k: one vec4 holds one row of the block.
    let last = m - 1u;
    let rows = mat4x4<f32>(
        a[a_base + (min(i, last) * k + p) / 4u],
        a[a_base + (min(i + 1u, last) * k + p) / 4u],
        a[a_base + (min(i + 2u, last) * k + p) / 4u],
        a[a_base + (min(i + 3u, last) * k + p) / 4u],
    );
    return transpose(rows);
}

// op(B)[p..p+4][j..j+4]. Column blocks past n are clamped to the last one (never stored).
fn block_b(p: u32, j: u32, k: u32, n: u32, transposed: bool) -> mat4x4<f32> {
    let first = min(j, n - 4u);
    if (transposed) {
        // B is n×k: one vec4 holds one column of the block.
        return mat4x4<f32>(
            b[b_base + (first * k + p) / 4u],
            b[b_base + ((first + 1u) * k + p) / 4u],
            b[b_base + ((first + 2u) * k + p) / 4u],
            b[b_base + ((first + 3u) * k + p) / 4u],
        );
    }
    // B is k×n: one vec4 holds one row of the block.
    let start = b_base + (p * n + first) / 4u;
    let stride = n / 4u;
    return transpose(mat4x4<f32>(b[start], b[start + stride], b[start + 2u * stride], b[start + 3u * stride]));
}

// Writes (or adds) the 4×4 block `block` (columns of C) at C[i][j], skipping what lies outside.
fn store(i: u32, j: u32, block: mat4x4<f32>, m: u32, n: u32) {
    if (j >= n) {
        return;
    }
    let rows = transpose(block);
    let accumulate = word(5u) != 0u;
    for (var r = 0u; r < 4u; r++) {
        if (i + r < m) {
            let index = c_base + ((i + r) * n + j) / 4u;
            if (accumulate) {
                c[index] += rows[r];
            } else {
                c[index] = rows[r];
            }
        }
    }
}

fn matmul_block(id: vec3<u32>, transpose_a: bool, transpose_b: bool) {
    let m = word(0u);
    let k = word(1u);
    let n = word(2u);
    let row = id.y * 8u;
    let col = id.x * 16u;
    if (row >= m || col >= n) {
        return;
    }
    a_base = id.z * (m * k / 4u);
    b_base = id.z * (k * n / 4u);
    c_base = id.z * (m * n / 4u);
    var c00 = mat4x4<f32>();
    var c01 = mat4x4<f32>();
    var c02 = mat4x4<f32>();
    var c03 = mat4x4<f32>();
    var c10 = mat4x4<f32>();
    var c11 = mat4x4<f32>();
    var c12 = mat4x4<f32>();
    var c13 = mat4x4<f32>();
    for (var p = 0u; p < k; p += 4u) {
        let a0 = block_a(row, p, m, k, transpose_a);
        let a1 = block_a(row + 4u, p, m, k, transpose_a);
        let b0 = block_b(p, col, k, n, transpose_b);
        c00 += a0 * b0;
        c10 += a1 * b0;
        let b1 = block_b(p, col + 4u, k, n, transpose_b);
        c01 += a0 * b1;
        c11 += a1 * b1;
        let b2 = block_b(p, col + 8u, k, n, transpose_b);
        c02 += a0 * b2;
        c12 += a1 * b2;
        let b3 = block_b(p, col + 12u, k, n, transpose_b);
        c03 += a0 * b3;
        c13 += a1 * b3;
    }
    store(row, col, c00, m, n);
    store(row, col + 4u, c01, m, n);
    store(row, col + 8u, c02, m, n);
    store(row, col + 12u, c03, m, n);
    store(row + 4u, col, c10, m, n);
    store(row + 4u, col + 4u, c11, m, n);
    store(row + 4u, col + 8u, c12, m, n);
    store(row + 4u, col + 12u, c13, m, n);
}

// Workgroups of 4×8 invocations: a 64×64 block of C each.
@compute @workgroup_size(4, 8)
fn matmul(@builtin(global_invocation_id) id: vec3<u32>) {
    matmul_block(id, false, false);
}

@compute @workgroup_size(4, 8)
fn matmul_transpose_a(@builtin(global_invocation_id) id: vec3<u32>) {
    matmul_block(id, true, false);
}

@compute @workgroup_size(4, 8)
fn matmul_transpose_b(@builtin(global_invocation_id) id: vec3<u32>) {
    matmul_block(id, false, true);
}

@compute @workgroup_size(4, 8)
fn matmul_transpose_both(@builtin(global_invocation_id) id: vec3<u32>) {
    matmul_block(id, true, true);
}
