// LayerNorm's normalisation of each row of a matrix (before its gain and bias), one thread per
// row; see Backend::normalize_rows in src/engine/backend.rs.
// normalize_rows: info [rows, cols, epsilon (f32 bits)]; in0 = x; out = (x − μ)·r, rstd = r per row
// normalize_rows_backward: info [rows, cols]; in0 = y (the forward output), in1 = rstd,
//   in2 = grad_y; out += grad_x

@group(0) @binding(1) var<storage, read> in0: array<f32>;
@group(0) @binding(2) var<storage, read> in1: array<f32>;
@group(0) @binding(3) var<storage, read> in2: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> rstd: array<f32>;

@compute @workgroup_size(64)
fn normalize_rows(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let rows = word(0u);
    let cols = word(1u);
    let r = flat_index(id, groups);
    if (r >= rows) {
        return;
    }
    let start = r * cols;
    // Two passes, as on the CPU: the mean, then the variance around it.
    var sum = 0.0;
    for (var j = 0u; j < cols; j++) {
        sum += in0[start + j];
    }
    let mean = sum / f32(cols);
    var squares = 0.0;
    for (var j = 0u; j < cols; j++) {
        let d = in0[start + j] - mean;
        squares += d * d;
    }
    let scale = 1.0 / sqrt(squares / f32(cols) + number(2u));
    rstd[r] = scale;
    for (var j = 0u; j < cols; j++) {
        out[start + j] = (in0[start + j] - mean) * scale;
    }
}

// grad_x += r·(g − mean(g) − y·mean(g∘y))
@compute @workgroup_size(64)
fn normalize_rows_backward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let rows = word(0u);
    let cols = word(1u);
    let r = flat_index(id, groups);
    if (r >= rows) {
        return;
    }
    let start = r * cols;
    var sum_g = 0.0;
    var sum_gy = 0.0;
    for (var j = 0u; j < cols; j++) {
        sum_g += in2[start + j];
        sum_gy += in2[start + j] * in0[start + j];
    }
    let mean_g = sum_g / f32(cols);
    let mean_gy = sum_gy / f32(cols);
    for (var j = 0u; j < cols; j++) {
        out[start + j] += in1[r] * (in2[start + j] - mean_g - in0[start + j] * mean_gy);
    }
}
