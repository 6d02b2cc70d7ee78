use crate::engine::backend::{Backend, Softmax};
use crate::engine::tensor::Tensor;

impl<B: Backend> Tensor<B> {
    /// Each row turned into probabilities: `e^{xⱼ} / Σₖ e^{xₖ}`.
    pub fn softmax(&self) -> Tensor<B> {
        self.softmax_family(Softmax::Softmax, "softmax")
    }
    /// The logarithm of `softmax`, computed without forming the probabilities first.
    pub fn log_softmax(&self) -> Tensor<B> {
        self.softmax_family(Softmax::LogSoftmax, "log_softmax")
    }

    fn softmax_family(&self, op: Softmax, name: &'static str) -> Tensor<B> {
        let &[rows, cols] = self.shape() else { panic!("{name} works on the rows of a matrix, got {:?}", self.shape()) };
        let backend = self.backend();
        let out = backend.zeros(rows * cols);
        backend.softmax(op, self.value(), &out, rows, cols);
        let y = out.clone();
        let backward = move |grad: &B::Buffer, parents: &[Tensor<B>]| {
            parents[0].backend().softmax_backward(op, &y, grad, &parents[0].grad_buffer(), rows, cols);
        };
        Tensor::from_op(name, out, vec![rows, cols], &[self], Box::new(backward))
    }
}
