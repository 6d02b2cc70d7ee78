// Losses. in0 = prediction (logits), in1 = target, in2 = grad_loss (one number).
// info: [rows, cols, op]; op: one of the LOSS_… codes (src/engine/webgpu/op_codes.rs).

@group(0) @binding(1) var<storage, read> in0: array<f32>;
@group(0) @binding(2) var<storage, read> in1: array<f32>;
@group(0) @binding(3) var<storage, read> in2: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

// The loss of one row, before averaging.
fn row_loss(r: u32, cols: u32, op: u32) -> f32 {
    var total = 0.0;
    var lse = 0.0;
    if (op == LOSS_SOFTMAX_CROSS_ENTROPY) {
        lse = log_sum_exp(r, cols);
    }
    for (var j = 0u; j < cols; j++) {
        let x = in0[r * cols + j];
        let t = in1[r * cols + j];
        switch op {
            case LOSS_SOFTMAX_CROSS_ENTROPY: { total += t * (lse - x); }
            case LOSS_BINARY_CROSS_ENTROPY: { total += max(x, 0.0) - x * t + log(1.0 + exp(-abs(x))); }
            case LOSS_MEAN_SQUARED_ERROR: { total += (x - t) * (x - t); }
            default: { total += max(0.0, 1.0 - t * x); }
        }
    }
    return total;
}

// One workgroup: rows are shared out among 256 threads, then the partial sums are added.
@compute @workgroup_size(256)
fn loss(@builtin(local_invocation_index) lane: u32) {
    let rows = word(0u);
    let cols = word(1u);
    let op = word(2u);
    var sum = 0.0;
    for (var r = lane; r < rows; r += 256u) {
        sum += row_loss(r, cols, op);
    }
    let total = workgroup_sum(lane, sum);
    if (lane == 0u) {
        // Cross-entropy averages over rows; the others over every element.
        let count = select(f32(rows * cols), f32(rows), op == LOSS_SOFTMAX_CROSS_ENTROPY);
        out[0] = total / max(count, 1.0);
    }
}

// grad += grad_loss · ∂loss/∂x, one thread per row.
@compute @workgroup_size(64)
fn loss_backward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let rows = word(0u);
    let cols = word(1u);
    let op = word(2u);
    let r = flat_index(id, groups);
    if (r >= rows) {
        return;
    }
    let start = r * cols;
    let per_element = in2[0] / f32(rows * cols);
    if (op == LOSS_SOFTMAX_CROSS_ENTROPY) {
        // (softmax · Σt − t) / rows
        let lse = log_sum_exp(r, cols);
        var mass = 0.0;
        for (var j = 0u; j < cols; j++) {
            mass += in1[start + j];
        }
        let per_row = in2[0] / f32(rows);
        for (var j = 0u; j < cols; j++) {
            out[start + j] += per_row * (exp(in0[start + j] - lse) * mass - in1[start + j]);
        }
        return;
    }
    for (var j = 0u; j < cols; j++) {
        let x = in0[start + j];
        let t = in1[start + j];
        switch op {
            case LOSS_BINARY_CROSS_ENTROPY: { out[start + j] += per_element * (sigmoid(x) - t); }
            case LOSS_MEAN_SQUARED_ERROR: { out[start + j] += per_element * 2.0 * (x - t); }
            default: {
                if (1.0 - t * x > 0.0) {
                    out[start + j] -= per_element * t;
                }
            }
        }
    }
}
