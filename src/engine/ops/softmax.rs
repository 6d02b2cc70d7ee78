use crate::engine::backend::{Backend, Softmax};
use crate::engine::tensor::Tensor;

impl<B: Backend> Tensor<B> {
    /// Each row turned into probabilities: `e^{xⱼ} / Σₖ e^{xₖ}`.
    pub fn softmax(&self) -> Tensor<B> {
        self.softmax_family(Softmax::Softmax, "softmax")
    }
    /// Attention's masked softmax over a stack of square score matrices, given as
    /// `[matrices · n, n]`: row i of each sees only entries 0..=i (see `Softmax::Causal`).
    pub fn causal_softmax(&self) -> Tensor<B> {
        assert!(matches!(self.shape(), &[rows, cols] if rows % cols == 0), "causal_softmax needs square matrices stacked, got {:?}", self.shape());
        self.softmax_family(Softmax::Causal, "causal_softmax")
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
