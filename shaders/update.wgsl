// Fused optimiser steps, one thread per parameter.
// info: [len, rule, learning_rate, a, b, epsilon, correction1, correction2, keep]
// rule: sgd 0, momentum 1 (a = μ), Nesterov 2 (a = μ), RMSProp 3 (a = ρ),
// Adam 4 (a = β₁, b = β₂, corrections 1 − β₁ᵗ and 1 − β₂ᵗ computed on the host, keep = 1 − lr·λ,
// AdamW's decay, 1 for plain Adam).

@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> theta: array<f32>;
@group(0) @binding(3) var<storage, read_write> state0: array<f32>;
@group(0) @binding(4) var<storage, read_write> state1: array<f32>;

@compute @workgroup_size(64)
fn update(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(id, groups);
    if (i >= word(0u)) {
        return;
    }
    let lr = number(2u);
    let a = number(3u);
    let b = number(4u);
    let epsilon = number(5u);
    let g = grad[i];
    switch word(1u) {
        case UPDATE_SGD: {
            theta[i] -= lr * g;
        }
        case UPDATE_MOMENTUM: {
            state0[i] = a * state0[i] + g;
            theta[i] -= lr * state0[i];
        }
        case UPDATE_NESTEROV: {
            state0[i] = a * state0[i] + g;
            theta[i] -= lr * (g + a * state0[i]);
        }
        case UPDATE_RMS_PROP: {
            state0[i] = a * state0[i] + (1.0 - a) * g * g;
            theta[i] -= lr * g / (sqrt(state0[i]) + epsilon);
        }
        default: {
            state0[i] = a * state0[i] + (1.0 - a) * g;
            state1[i] = b * state1[i] + (1.0 - b) * g * g;
            let m_hat = state0[i] / number(6u);
            let v_hat = state1[i] / number(7u);
            theta[i] = theta[i] * number(8u) - lr * m_hat / (sqrt(v_hat) + epsilon);
        }
    }
}
