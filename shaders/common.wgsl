// Shared by every kernel: the shapes and settings of one dispatch arrive in a small uniform
// `info` block (16 u32 words); f32 settings are stored as their bit patterns.
// A uniform (rather than storage) block keeps loop bounds uniform, which barriers require.

struct Info {
    words: array<vec4<u32>, 4>,
}

@group(0) @binding(0) var<uniform> info: Info;

fn word(i: u32) -> u32 {
    return info.words[i / 4u][i % 4u];
}

fn number(i: u32) -> f32 {
    return bitcast<f32>(word(i));
}

// Threads are launched in workgroups of 64, on a 2-D grid when one row of workgroups
// would exceed the 65,535 limit; this flattens a global invocation id back to one index.
fn flat_index(id: vec3<u32>, groups: vec3<u32>) -> u32 {
    return id.x + id.y * groups.x * 64u;
}

fn sigmoid(x: f32) -> f32 {
    if (x >= 0.0) {
        return 1.0 / (1.0 + exp(-x));
    }
    let e = exp(x);
    return e / (1.0 + e);
}
