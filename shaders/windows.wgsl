// Convolution's and pooling's window kernels over NHWC images (src/engine/window.rs), one
// thread per output number. Gradients are gathered by the input number they land on, never
// scattered, so no two threads write one number and no atomics are needed; each sums its
// terms in the same order as the CPU backend (window rows, then columns, ascending).
// info: [batch, height, width, channels, size, stride, padding, out height, out width,
//        pooling op, threads]

@group(0) @binding(1) var<storage, read> in0: array<f32>;
@group(0) @binding(2) var<storage, read> in1: array<f32>;
@group(0) @binding(3) var<storage, read> in2: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

fn height() -> u32 { return word(1u); }
fn width() -> u32 { return word(2u); }
fn channels() -> u32 { return word(3u); }
fn size() -> u32 { return word(4u); }
fn stride() -> u32 { return word(5u); }
fn padding() -> u32 { return word(6u); }
fn out_height() -> u32 { return word(7u); }
fn out_width() -> u32 { return word(8u); }

// The input row (or column) that window offset k at output position o reads, or -1 in the
// padding.
fn source(o: u32, k: u32, len: u32) -> i32 {
    let i = i32(o * stride() + k) - i32(padding());
    if (i < 0 || i >= i32(len)) {
        return -1;
    }
    return i;
}

// The output position (along one axis) whose window has offset k on input index i, or -1.
fn covered_by(i: u32, k: u32, out_len: u32) -> i32 {
    let padded = i + padding();
    if (k > padded || (padded - k) % stride() != 0u || (padded - k) / stride() >= out_len) {
        return -1;
    }
    return i32((padded - k) / stride());
}

fn input_at(n: u32, y: u32, x: u32, c: u32) -> f32 {
    return in0[((n * height() + y) * width() + x) * channels() + c];
}

// Whether window pixel (ky, kx) is the first in scan order, in channel c, that holds the
// window's maximum `largest` (the forward output).
fn is_first_max(n: u32, oy: u32, ox: u32, ky: u32, kx: u32, c: u32, largest: f32) -> bool {
    for (var earlier = 0u; earlier < ky * size() + kx; earlier++) {
        let y = source(oy, earlier / size(), height());
        let x = source(ox, earlier % size(), width());
        if (y >= 0 && x >= 0 && input_at(n, u32(y), u32(x), c) == largest) {
            return false;
        }
    }
    return true;
}

// out[patch row][(ky, kx, c)] = x at that pixel of the window, 0 in the padding.
@compute @workgroup_size(64)
fn patches(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(id, groups);
    if (i >= word(10u)) {
        return;
    }
    let patch_len = size() * size() * channels();
    let row = i / patch_len;
    let col = i % patch_len;
    let n = row / (out_height() * out_width());
    let y = source(row / out_width() % out_height(), col / (size() * channels()), height());
    let x = source(row % out_width(), col / channels() % size(), width());
    if (y < 0 || x < 0) {
        out[i] = 0.0;
    } else {
        out[i] = input_at(n, u32(y), u32(x), col % channels());
    }
}

// out[n, oy, ox, c] = the max (or mean, padding counted as 0) of the window.
@compute @workgroup_size(64)
fn pool(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(id, groups);
    if (i >= word(10u)) {
        return;
    }
    let c = i % channels();
    let row = i / channels();
    let n = row / (out_height() * out_width());
    let oy = row / out_width() % out_height();
    let ox = row % out_width();
    let max = word(9u) == POOL_MAX;
    var seen = -1;
    var result = 0.0;
    for (var ky = 0u; ky < size(); ky++) {
        let y = source(oy, ky, height());
        for (var kx = 0u; kx < size(); kx++) {
            let x = source(ox, kx, width());
            if (y >= 0 && x >= 0) {
                let v = input_at(n, u32(y), u32(x), c);
                if (!max) {
                    result += v;
                } else if (seen < 0 || v > result) {
                    result = v;
                }
                seen = 1;
            }
        }
    }
    if (max) {
        out[i] = result;
    } else {
        out[i] = result / f32(size() * size());
    }
}

// What a gradient kernel gathers for input number i from the window at output (oy, ox), where
// the window's offset on it is (ky, kx): a patch's gradient (in0) for the patches, or for a
// pooling the window's gradient (in1): all of it to the window's first pixel that equals its
// maximum (in2, the forward output) for a max, an equal share to every pixel for a mean.
const GATHER_PATCHES: u32 = 0u;
const GATHER_POOL: u32 = 1u;

fn term(what: u32, i: u32, n: u32, oy: u32, ox: u32, ky: u32, kx: u32, c: u32) -> f32 {
    let row = (n * out_height() + oy) * out_width() + ox;
    if (what == GATHER_PATCHES) {
        return in0[row * size() * size() * channels() + (ky * size() + kx) * channels() + c];
    }
    let o = row * channels() + c;
    if (word(9u) == POOL_AVERAGE) {
        return in1[o] / f32(size() * size());
    }
    if (in0[i] == in2[o] && is_first_max(n, oy, ox, ky, kx, c, in2[o])) {
        return in1[o];
    }
    return 0.0;
}

// out[i] + the terms of every window that covers input number i.
fn gathered(i: u32, what: u32) -> f32 {
    let c = i % channels();
    let pixel = i / channels();
    let n = pixel / (height() * width());
    var sum = out[i];
    for (var ky = 0u; ky < size(); ky++) {
        let oy = covered_by(pixel / width() % height(), ky, out_height());
        if (oy < 0) {
            continue;
        }
        for (var kx = 0u; kx < size(); kx++) {
            let ox = covered_by(pixel % width(), kx, out_width());
            if (ox >= 0) {
                sum += term(what, i, n, u32(oy), u32(ox), ky, kx, c);
            }
        }
    }
    return sum;
}

// out (the input's gradient) += every patch's gradient for this pixel (in0).
@compute @workgroup_size(64)
fn patches_backward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(id, groups);
    if (i < word(10u)) {
        out[i] = gathered(i, GATHER_PATCHES);
    }
}

// out (the input's gradient) += each covering window's share of its gradient.
@compute @workgroup_size(64)
fn pool_backward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(id, groups);
    if (i < word(10u)) {
        out[i] = gathered(i, GATHER_POOL);
    }
}
