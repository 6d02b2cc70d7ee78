// C (+)= op(A) · op(B) for any shape (matmul.wgsl is the fast path for shapes whose rows start
// on a multiple of 4 numbers). Same plan without vec4 loads: each invocation computes a 4×4
// block of C in registers, reading A and B straight from storage, with no workgroup memory and
// no barriers (see matmul.wgsl for why). In MNIST-sized networks this serves the small layers,
// such as 10 output classes.
// info: [m, k, n, transpose_a, transpose_b, accumulate]; batched as matmul.wgsl is.

@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

// Where this invocation's batch item starts in a, b and c.
var<private> a_base: u32;
var<private> b_base: u32;
var<private> c_base: u32;

// op(A)[i][p]
fn at_a(i: u32, p: u32, m: u32, k: u32, transposed: bool) -> f32 {
    if (transposed) {
        return a[a_base + p * m + i];
    }
    return a[a_base + i * k + p];
}

// op(B)[p][j]
fn at_b(p: u32, j: u32, k: u32, n: u32, transposed: bool) -> f32 {
    if (transposed) {
        return b[b_base + j * k + p];
    }
    return b[b_base + p * n + j];
}

fn matmul_block(id: vec3<u32>, transpose_a: bool, transpose_b: bool) {
    let m = word(0u);
    let k = word(1u);
    let n = word(2u);
    let row = id.y * 4u;
    let col = id.x * 4u;
    if (row >= m || col >= n) {
        return;
    }
    a_base = id.z * m * k;
    b_base = id.z * k * n;
    c_base = id.z * m * n;
    // Rows and columns past the edge are clamped to the last real one: computed, never stored.
    let i = min(vec4<u32>(row) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(m - 1u));
    let j = min(vec4<u32>(col) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(n - 1u));
    var row0 = vec4<f32>();
    var row1 = vec4<f32>();
    var row2 = vec4<f32>();
    var row3 = vec4<f32>();
    for (var p = 0u; p < k; p++) {
        let bp = vec4<f32>(
            at_b(p, j.x, k, n, transpose_b),
            at_b(p, j.y, k, n, transpose_b),
            at_b(p, j.z, k, n, transpose_b),
            at_b(p, j.w, k, n, transpose_b),
        );
        row0 += at_a(i.x, p, m, k, transpose_a) * bp;
        row1 += at_a(i.y, p, m, k, transpose_a) * bp;
        row2 += at_a(i.z, p, m, k, transpose_a) * bp;
        row3 += at_a(i.w, p, m, k, transpose_a) * bp;
    }
    let rows = mat4x4<f32>(row0, row1, row2, row3);
    let accumulate = word(5u) != 0u;
    for (var r = 0u; r < 4u && row + r < m; r++) {
        for (var s = 0u; s < 4u && col + s < n; s++) {
            let index = c_base + (row + r) * n + col + s;
            if (accumulate) {
                c[index] += rows[r][s];
            } else {
                c[index] = rows[r][s];
            }
        }
    }
}

// Workgroups of 8×8 invocations: a 32×32 block of C each.
@compute @workgroup_size(8, 8)
fn matmul_unaligned(@builtin(global_invocation_id) id: vec3<u32>) {
    matmul_block(id, false, false);
}

@compute @workgroup_size(8, 8)
fn matmul_unaligned_transpose_a(@builtin(global_invocation_id) id: vec3<u32>) {
    matmul_block(id, true, false);
}

@compute @workgroup_size(8, 8)
fn matmul_unaligned_transpose_b(@builtin(global_invocation_id) id: vec3<u32>) {
    matmul_block(id, false, true);
}

@compute @workgroup_size(8, 8)
fn matmul_unaligned_transpose_both(@builtin(global_invocation_id) id: vec3<u32>) {
    matmul_block(id, true, true);
}
