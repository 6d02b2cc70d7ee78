// Elementwise kernels, one thread per element.
// info: [len, op, parameter (f32 bits), accumulate, cols]
// op: one of the UNARY_… or BINARY_… codes (src/engine/webgpu/op_codes.rs, put ahead of this file).

@group(0) @binding(1) var<storage, read> in0: array<f32>;
@group(0) @binding(2) var<storage, read> in1: array<f32>;
@group(0) @binding(3) var<storage, read> in2: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

// GELU's tanh u (see Unary::Gelu in src/engine/backend.rs). u is clamped to ±15, where tanh is
// already ±1 in f32, because some GPUs compute tanh through e^2u, which overflows to NaN past
// u ≈ 44 (x ≈ 10).
fn gelu_tanh(x: f32) -> f32 {
    return tanh(clamp(0.7978846 * (x + 0.044715 * x * x * x), -15.0, 15.0));
}

fn store(i: u32, value: f32) {
    if (word(3u) != 0u) {
        out[i] += value;
    } else {
        out[i] = value;
    }
}

// out = f(in0)
@compute @workgroup_size(64)
fn unary(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(id, groups);
    if (i >= word(0u)) {
        return;
    }
    let x = in0[i];
    switch word(1u) {
        case UNARY_RELU: { out[i] = max(x, 0.0); }
        case UNARY_LEAKY_RELU: { out[i] = select(number(2u) * x, x, x > 0.0); }
        case UNARY_SIGMOID: { out[i] = sigmoid(x); }
        case UNARY_GELU: { out[i] = 0.5 * x * (1.0 + gelu_tanh(x)); }
        case UNARY_EXP: { out[i] = exp(x); }
        default: { out[i] = tanh(x); }
    }
}

// out += f'(x) · grad_y, with in0 = x, in1 = y = f(x), in2 = grad_y
@compute @workgroup_size(64)
fn unary_backward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(id, groups);
    if (i >= word(0u)) {
        return;
    }
    let x = in0[i];
    let y = in1[i];
    let g = in2[i];
    switch word(1u) {
        case UNARY_RELU: { out[i] += select(0.0, g, x > 0.0); }
        case UNARY_LEAKY_RELU: { out[i] += select(number(2u) * g, g, x > 0.0); }
        case UNARY_SIGMOID: { out[i] += y * (1.0 - y) * g; }
        case UNARY_EXP: { out[i] += y * g; }
        case UNARY_GELU: {
            let t = gelu_tanh(x);
            let du = 0.7978846 * (1.0 + 3.0 * 0.044715 * x * x);
            out[i] += (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du) * g;
        }
        default: { out[i] += (1.0 - y * y) * g; }
    }
}

// out (+)= in0 ∘ in1
@compute @workgroup_size(64)
fn binary(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(id, groups);
    if (i >= word(0u)) {
        return;
    }
    let a = in0[i];
    let b = in1[i];
    switch word(1u) {
        case BINARY_ADD: { store(i, a + b); }
        case BINARY_SUB: { store(i, a - b); }
        default: { store(i, a * b); }
    }
}

// out (+)= factor · in0
@compute @workgroup_size(64)
fn scale(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(id, groups);
    if (i >= word(0u)) {
        return;
    }
    store(i, number(2u) * in0[i]);
}

// out[i][j] = in0[i][j] + in1[j]
@compute @workgroup_size(64)
fn add_bias(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(id, groups);
    if (i >= word(0u)) {
        return;
    }
    out[i] = in0[i] + in1[i % word(4u)];
}

// out[i][j] (+)= in0[i][j] · in1[j]
@compute @workgroup_size(64)
fn mul_columns(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(id, groups);
    if (i >= word(0u)) {
        return;
    }
    store(i, in0[i] * in1[i % word(4u)]);
}

// out (+)= in0 of shape [a, b, c, d] with its middle axes swapped, [a, c, b, d]; one thread per
// element of out. info: [len, b, c, accumulate, d]
@compute @workgroup_size(64)
fn swap_middle_axes(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(id, groups);
    if (i >= word(0u)) {
        return;
    }
    let b = word(1u);
    let c = word(2u);
    let d = word(4u);
    // out[ia][ic][ib][id] = in0[ia][ib][ic][id]
    let within = i % d;
    let ib = (i / d) % b;
    let ic = (i / (d * b)) % c;
    let ia = i / (d * b * c);
    store(i, in0[((ia * b + ib) * c + ic) * d + within]);
}

// Gradient clipping, in place: out[i] *= min(1, max_norm / √in0[0]); info: [len, 0, max_norm]
@compute @workgroup_size(64)
fn clip(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(id, groups);
    if (i >= word(0u)) {
        return;
    }
    out[i] *= min(1.0, number(2u) / sqrt(in0[0]));
}

// out[i] = value
@compute @workgroup_size(64)
fn fill(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(id, groups);
    if (i >= word(0u)) {
        return;
    }
    out[i] = number(2u);
}

// out[i] += in0[0] · parameter  (the backward of sum, parameter 1, and of mean, parameter 1/len)
@compute @workgroup_size(64)
fn broadcast_add(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(id, groups);
    if (i >= word(0u)) {
        return;
    }
    out[i] += in0[0] * number(2u);
}
