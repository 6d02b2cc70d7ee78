use crate::engine::backend::{Backend, Matmul};
use crate::engine::tensor::Tensor;

impl<B: Backend> Tensor<B> {
    /// Matrix product `[m, k] · [k, n] → [m, n]`.
    pub fn matmul(&self, other: &Tensor<B>) -> Tensor<B> {
        let (&[m, k], &[k2, n]) = (self.shape(), other.shape()) else {
            panic!("matmul needs two matrices, got {:?} · {:?}", self.shape(), other.shape())
        };
        assert_eq!(k, k2, "matmul: inner sizes differ in {:?} · {:?}", self.shape(), other.shape());
        let backend = self.backend();
        let out = backend.zeros(m * n);
        backend.matmul(self.value(), other.value(), &out, Matmul::new(m, k, n));
        let (a, b) = (self.value().clone(), other.value().clone());
        let backward = move |grad: &B::Buffer, parents: &[Tensor<B>]| {
            let backend = parents[0].backend();
            // dA = G · Bᵀ   ([m, n] · [n, k])
            if parents[0].requires_grad() {
                backend.matmul(grad, &b, &parents[0].grad_buffer(), Matmul::new(m, n, k).transpose_b().accumulate());
            }
            // dB = Aᵀ · G   ([k, m] · [m, n]): the weight gradient, read transposed in place.
            if parents[1].requires_grad() {
                backend.matmul(&a, grad, &parents[1].grad_buffer(), Matmul::new(k, m, n).transpose_a().accumulate());
            }
        };
        Tensor::from_op("matmul", out, vec![m, n], &[self, other], Box::new(backward))
    }
}
