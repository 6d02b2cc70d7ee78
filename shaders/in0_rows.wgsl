// What the row kernels (rows.wgsl, losses.wgsl) share, appended to each: both read a matrix
// from `in0`, which each declares, and both add up one number per thread of a 256-thread
// workgroup.

var<workgroup> partial: array<f32, 256>;

// The sum of `value` over the workgroup's 256 threads, pairwise; every thread must call it
// (it waits at barriers), and every thread gets the sum.
fn workgroup_sum(lane: u32, value: f32) -> f32 {
    partial[lane] = value;
    workgroupBarrier();
    for (var stride = 128u; stride > 0u; stride /= 2u) {
        if (lane < stride) {
            partial[lane] += partial[lane + stride];
        }
        workgroupBarrier();
    }
    return partial[0];
}

// ln Σ e^x of row r of in0, shifted by the row maximum so no exponential overflows.
fn log_sum_exp(r: u32, cols: u32) -> f32 {
    return log_sum_exp_first(r, cols, cols);
}

// The same over the row's first `seen` entries only (attention's causal mask).
fn log_sum_exp_first(r: u32, cols: u32, seen: u32) -> f32 {
    var top = in0[r * cols];
    for (var j = 1u; j < seen; j++) {
        top = max(top, in0[r * cols + j]);
    }
    var sum = 0.0;
    for (var j = 0u; j < seen; j++) {
        sum += exp(in0[r * cols + j] - top);
    }
    return top + log(sum);
}
