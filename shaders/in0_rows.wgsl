// What the row kernels (rows.wgsl, losses.wgsl) share, appended to each: both read a matrix
// from `in0`, which each declares.

// ln Σ e^x of row r of in0, shifted by the row maximum so no exponential overflows.
fn log_sum_exp(r: u32, cols: u32) -> f32 {
    var top = in0[r * cols];
    for (var j = 1u; j < cols; j++) {
        top = max(top, in0[r * cols + j]);
    }
    var sum = 0.0;
    for (var j = 0u; j < cols; j++) {
        sum += exp(in0[r * cols + j] - top);
    }
    return top + log(sum);
}
