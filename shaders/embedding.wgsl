// Embedding bags. Bag b holds ids[offsets[b] .. offsets[b+1]]. info: [bags, dim]

@group(0) @binding(1) var<storage, read> rows_in: array<f32>;
@group(0) @binding(2) var<storage, read> ids: array<u32>;
@group(0) @binding(3) var<storage, read> offsets: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

// out[b][j] = mean of table[id][j] over the bag; one thread per output number.
@compute @workgroup_size(64)
fn embedding_bag(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let bags = word(0u);
    let dim = word(1u);
    let i = flat_index(id, groups);
    if (i >= bags * dim) {
        return;
    }
    let b = i / dim;
    let j = i % dim;
    let start = offsets[b];
    let end = offsets[b + 1u];
    var sum = 0.0;
    for (var t = start; t < end; t++) {
        sum += rows_in[ids[t] * dim + j];
    }
    out[i] = sum / f32(max(end - start, 1u));
}

// grad_table[id][j] += grad_out[b][j] / |bag b|. WGSL has no float atomics, so instead of one
// thread per token (which would collide on repeated ids) each thread owns one column j and
// walks every bag: no two threads ever write the same number.
@compute @workgroup_size(64)
fn embedding_bag_backward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let bags = word(0u);
    let dim = word(1u);
    let j = flat_index(id, groups);
    if (j >= dim) {
        return;
    }
    for (var b = 0u; b < bags; b++) {
        let start = offsets[b];
        let end = offsets[b + 1u];
        let share = rows_in[b * dim + j] / f32(max(end - start, 1u));
        for (var t = start; t < end; t++) {
            out[ids[t] * dim + j] += share;
        }
    }
}
