use crate::engine::backend::Backend;
use crate::engine::tensor::Tensor;

/// A batch of token bags, stored the way the kernel wants them: all ids in one list, and
/// `offsets[b]..offsets[b+1]` marking where bag b's ids are.
pub struct Bags<B: Backend> {
    pub ids: B::Indices,
    pub offsets: B::Indices,
    pub bags: usize,
}

impl<B: Backend> Bags<B> {
    /// Uploads one list of token ids per example.
    pub fn new(backend: &B, bags: &[Vec<u32>]) -> Self {
        let ids: Vec<u32> = bags.iter().flatten().copied().collect();
        let mut offsets = vec![0u32];
        for bag in bags {
            offsets.push(offsets.last().unwrap() + bag.len() as u32);
        }
        Bags { ids: backend.upload_indices(&ids), offsets: backend.upload_indices(&offsets), bags: bags.len() }
    }
}

impl<B: Backend> Tensor<B> {
    /// Reads this `[vocabulary, dim]` table as embeddings: example b becomes the mean of the
    /// rows its tokens select, giving `[bags, dim]`.
    pub fn embedding_bag(&self, bags: &Bags<B>) -> Tensor<B> {
        let &[_, dim] = self.shape() else { panic!("embedding_bag needs a [vocabulary, dim] table, got {:?}", self.shape()) };
        let (backend, count) = (self.backend(), bags.bags);
        let out = backend.zeros(count * dim);
        backend.embedding_bag(self.value(), &bags.ids, &bags.offsets, &out, count, dim);
        let (ids, offsets) = (bags.ids.clone(), bags.offsets.clone());
        let backward = move |grad: &B::Buffer, parents: &[Tensor<B>]| {
            let table_grad = parents[0].grad_buffer();
            parents[0].backend().embedding_bag_backward(grad, &ids, &offsets, &table_grad, count, dim);
        };
        Tensor::from_op("embedding_bag", out, vec![count, dim], &[self], Box::new(backward))
    }
}
