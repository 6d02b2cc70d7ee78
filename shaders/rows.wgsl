// Reductions and row-wise kernels.
// reduce: info [len, op (REDUCE_SUM, REDUCE_MEAN, or REDUCE_ADD_SUM_OF_SQUARES: out[0] += Σ x²)]
// sum_rows: info [rows, cols, accumulate]
// softmax, softmax_backward: info [rows, cols, op (SOFTMAX, LOG_SOFTMAX or CAUSAL_SOFTMAX)]
// normalize_rows (LayerNorm before its gain and bias; see Backend::normalize_rows):
//   info [rows, cols, epsilon (f32 bits)]; in0 = x; out = (x − μ)·r, rstd = r per row
// normalize_rows_backward: info [rows, cols]; in0 = y (the forward output), in1 = rstd,
//   in2 = grad_y; out += grad_x

@group(0) @binding(1) var<storage, read> in0: array<f32>;
@group(0) @binding(2) var<storage, read> in1: array<f32>;
@group(0) @binding(3) var<storage, read> in2: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> rstd: array<f32>;

// One workgroup: each thread sums a strided share, then the shares are added pairwise.
@compute @workgroup_size(256)
fn reduce(@builtin(local_invocation_index) lane: u32) {
    let len = word(0u);
    var sum = 0.0;
    let squares = word(1u) == REDUCE_ADD_SUM_OF_SQUARES;
    for (var i = lane; i < len; i += 256u) {
        let v = in0[i];
        sum += select(v, v * v, squares);
    }
    let sum_of_all = workgroup_sum(lane, sum);
    if (lane == 0u) {
        var total = sum_of_all;
        if (word(1u) == REDUCE_MEAN) {
            total /= f32(len);
        }
        if (squares) {
            total += out[0];
        }
        out[0] = total;
    }
}

// One thread per column.
@compute @workgroup_size(64)
fn sum_rows(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let rows = word(0u);
    let cols = word(1u);
    let j = flat_index(id, groups);
    if (j >= cols) {
        return;
    }
    var sum = 0.0;
    for (var i = 0u; i < rows; i++) {
        sum += in0[i * cols + j];
    }
    if (word(2u) != 0u) {
        out[j] += sum;
    } else {
        out[j] = sum;
    }
}

// One thread per row.
@compute @workgroup_size(64)
fn softmax(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let rows = word(0u);
    let cols = word(1u);
    let r = flat_index(id, groups);
    if (r >= rows) {
        return;
    }
    // The causal mask: row r is position r mod cols of its matrix, and sees that many + 1.
    let seen = select(cols, r % cols + 1u, word(2u) == CAUSAL_SOFTMAX);
    let lse = log_sum_exp_first(r, cols, seen);
    for (var j = 0u; j < cols; j++) {
        let shifted = in0[r * cols + j] - lse;
        out[r * cols + j] = select(select(exp(shifted), shifted, word(2u) == LOG_SOFTMAX), 0.0, j >= seen);
    }
}

// grad_x += Jᵀ grad_y, one thread per row; in0 = y (the forward output), in1 = grad_y.
@compute @workgroup_size(64)
fn softmax_backward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let rows = word(0u);
    let cols = word(1u);
    let r = flat_index(id, groups);
    if (r >= rows) {
        return;
    }
    let start = r * cols;
    if (word(2u) != LOG_SOFTMAX) {
        // grad_xᵢ = yᵢ (gᵢ − Σⱼ gⱼ yⱼ) (masked entries have y = 0 and get nothing)
        var dot = 0.0;
        for (var j = 0u; j < cols; j++) {
            dot += in1[start + j] * in0[start + j];
        }
        for (var j = 0u; j < cols; j++) {
            out[start + j] += in0[start + j] * (in1[start + j] - dot);
        }
    } else {
        // grad_xᵢ = gᵢ − e^{yᵢ} Σⱼ gⱼ
        var total = 0.0;
        for (var j = 0u; j < cols; j++) {
            total += in1[start + j];
        }
        for (var j = 0u; j < cols; j++) {
            out[start + j] += in1[start + j] - exp(in0[start + j]) * total;
        }
    }
}

@compute @workgroup_size(64)
fn normalize_rows(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let r = flat_index(id, groups);
    if (r < word(0u)) {
        normalize_row(r, word(1u));
    }
}

@compute @workgroup_size(64)
fn normalize_rows_backward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let r = flat_index(id, groups);
    if (r < word(0u)) {
        normalize_row_backward(r, word(1u));
    }
}

// Row r: the mean, then the variance around it (two passes, as on the CPU), then the row.
fn normalize_row(r: u32, cols: u32) {
    let start = r * cols;
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

// grad_x += r·(g − mean(g) − y·mean(g∘y)) for row r.
fn normalize_row_backward(r: u32, cols: u32) {
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
