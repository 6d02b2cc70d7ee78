//! Embedding bags: each example is the mean of the table rows its tokens select.
//! Bags are given as one flat list of ids plus offsets, `bag b = ids[offsets[b]..offsets[b+1]]`.

fn bag<'a>(ids: &'a [u32], offsets: &[u32], b: usize) -> &'a [u32] {
    &ids[offsets[b] as usize..offsets[b + 1] as usize]
}

pub(super) fn embedding_bag(table: &[f32], ids: &[u32], offsets: &[u32], out: &mut [f32], bags: usize, dim: usize) {
    for (b, out_row) in out[..bags * dim].chunks_exact_mut(dim).enumerate() {
        out_row.fill(0.0);
        let tokens = bag(ids, offsets, b);
        let weight = 1.0 / tokens.len().max(1) as f32;
        for &id in tokens {
            let row = &table[id as usize * dim..][..dim];
            out_row.iter_mut().zip(row).for_each(|(o, &v)| *o += weight * v);
        }
    }
}

pub(super) fn embedding_bag_backward(grad_out: &[f32], ids: &[u32], offsets: &[u32], grad_table: &mut [f32], bags: usize, dim: usize) {
    for (b, grad_row) in grad_out[..bags * dim].chunks_exact(dim).enumerate() {
        let tokens = bag(ids, offsets, b);
        let weight = 1.0 / tokens.len().max(1) as f32;
        for &id in tokens {
            let target = &mut grad_table[id as usize * dim..][..dim];
            target.iter_mut().zip(grad_row).for_each(|(t, &g)| *t += weight * g);
        }
    }
}
