// C (+)= op(A) · op(B), tiled: each workgroup computes a 16×16 block of C, stepping along k
// one 16-wide tile at a time through workgroup memory so each input is read from storage once
// per tile instead of once per multiply.
// info: [m, k, n, transpose_a, transpose_b, accumulate]

@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

const TILE: u32 = 16u;

var<workgroup> tile_a: array<array<f32, 16>, 16>;
var<workgroup> tile_b: array<array<f32, 16>, 16>;

// op(A)[i][p], zero outside the matrix so partial tiles need no special case.
fn load_a(i: u32, p: u32) -> f32 {
    let m = word(0u);
    let k = word(1u);
    if (i >= m || p >= k) {
        return 0.0;
    }
    if (word(3u) != 0u) {
        return a[p * m + i];
    }
    return a[i * k + p];
}

// op(B)[p][j]
fn load_b(p: u32, j: u32) -> f32 {
    let k = word(1u);
    let n = word(2u);
    if (p >= k || j >= n) {
        return 0.0;
    }
    if (word(4u) != 0u) {
        return b[j * k + p];
    }
    return b[p * n + j];
}

@compute @workgroup_size(16, 16)
fn matmul(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_id) local: vec3<u32>) {
    let m = word(0u);
    let k = word(1u);
    let n = word(2u);
    let row = group.y * TILE + local.y;
    let col = group.x * TILE + local.x;
    var sum = 0.0;
    let tiles = (k + TILE - 1u) / TILE;
    for (var t = 0u; t < tiles; t++) {
        tile_a[local.y][local.x] = load_a(row, t * TILE + local.x);
        tile_b[local.y][local.x] = load_b(t * TILE + local.y, col);
        workgroupBarrier();
        for (var p = 0u; p < TILE; p++) {
            sum += tile_a[local.y][p] * tile_b[p][local.x];
        }
        workgroupBarrier();
    }
    if (row < m && col < n) {
        let index = row * n + col;
        if (word(5u) != 0u) {
            c[index] += sum;
        } else {
            c[index] = sum;
        }
    }
}
