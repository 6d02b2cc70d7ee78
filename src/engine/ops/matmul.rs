use crate::engine::backend::{Backend, Matmul};
use crate::engine::tensor::Tensor;

impl<B: Backend> Tensor<B> {
    /// Matrix product `[m, k] · [k, n] → [m, n]`.
    pub fn matmul(&self, other: &Tensor<B>) -> Tensor<B> {
        let (&[m, k], &[k2, n]) = (self.shape(), other.shape()) else {
            panic!("matmul needs two matrices, got {:?} · {:?}", self.shape(), other.shape())
        };
        assert_eq!(k, k2, "matmul: inner sizes differ in {:?} · {:?}", self.shape(), other.shape());
        self.product(other, 1, Matmul::new(m, k, n), vec![m, n])
    }

    /// One product per batch item: `[z, m, k] · [z, k, n] → [z, m, n]`; with `transpose_other`,
    /// `other` is `[z, n, k]` and read transposed (attention's scores, Q · Kᵀ, one per head).
    pub fn batched_matmul(&self, other: &Tensor<B>, transpose_other: bool) -> Tensor<B> {
        let (&[z, m, k], &[z2, p, q]) = (self.shape(), other.shape()) else {
            panic!("batched_matmul needs two stacks of matrices, got {:?} · {:?}", self.shape(), other.shape())
        };
        let (k2, n) = if transpose_other { (q, p) } else { (p, q) };
        assert!(z == z2 && k == k2, "batched_matmul: sizes differ in {:?} · {:?}", self.shape(), other.shape());
        let shape = Matmul { transpose_b: transpose_other, ..Matmul::new(m, k, n) };
        self.product(other, z, shape, vec![z, m, n])
    }

    /// `batch` products `op(self) · op(other)` of `shape` (no transpose of self, no
    /// accumulation), and their backward.
    fn product(&self, other: &Tensor<B>, batch: usize, shape: Matmul, out_shape: Vec<usize>) -> Tensor<B> {
        let Matmul { m, k, n, transpose_b, .. } = shape;
        let backend = self.backend();
        let out = backend.zeros(batch * m * n);
        backend.batched_matmul(self.value(), other.value(), &out, shape, batch);
        let (a, b) = (self.value().clone(), other.value().clone());
        let backward = move |grad: &B::Buffer, parents: &[Tensor<B>]| {
            let backend = parents[0].backend();
            // C = A·B:  dA = G · Bᵀ ([m, n] · [n, k]),  dB = Aᵀ · G ([k, m] · [m, n]).
            // C = A·Bᵀ: dA = G · B  ([m, n] · [n, k]),  dB = Gᵀ · A ([n, m] · [m, k]).
            // Transposed operands are read in place, never copied.
            if parents[0].requires_grad() {
                let da = Matmul { transpose_b: !transpose_b, ..Matmul::new(m, n, k) }.accumulate();
                backend.batched_matmul(grad, &b, &parents[0].grad_buffer(), da, batch);
            }
            if parents[1].requires_grad() {
                let target = parents[1].grad_buffer();
                if transpose_b {
                    backend.batched_matmul(grad, &a, &target, Matmul::new(n, m, k).transpose_a().accumulate(), batch);
                } else {
                    backend.batched_matmul(&a, grad, &target, Matmul::new(k, m, n).transpose_a().accumulate(), batch);
                }
            }
        };
        let name = if batch == 1 && out_shape.len() == 2 { "matmul" } else { "batched_matmul" };
        Tensor::from_op(name, out, out_shape, &[self, other], Box::new(backward))
    }
}
