use crate::engine::backend::{Backend, Reduce};
use crate::engine::tensor::Tensor;

impl<B: Backend> Tensor<B> {
    /// The sum of all elements, as a single number.
    pub fn sum(&self) -> Tensor<B> {
        self.reduce(Reduce::Sum, "sum")
    }
    /// The mean of all elements, as a single number.
    pub fn mean(&self) -> Tensor<B> {
        self.reduce(Reduce::Mean, "mean")
    }

    fn reduce(&self, op: Reduce, name: &'static str) -> Tensor<B> {
        let (backend, len) = (self.backend(), self.len());
        let out = backend.zeros(1);
        backend.reduce(op, self.value(), &out, len);
        let backward = move |grad: &B::Buffer, parents: &[Tensor<B>]| {
            parents[0].backend().reduce_backward(op, grad, &parents[0].grad_buffer(), len);
        };
        Tensor::from_op(name, out, vec![], &[self], Box::new(backward))
    }
}
