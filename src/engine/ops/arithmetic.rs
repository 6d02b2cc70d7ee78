use crate::engine::backend::{Backend, Binary};
use crate::engine::tensor::Tensor;

impl<B: Backend> Tensor<B> {
    /// Elementwise sum. If `other` is a row (`[cols]` or `[1, cols]`) and `self` is
    /// `[rows, cols]`, it is added to every row: the bias of a dense layer.
    pub fn add(&self, other: &Tensor<B>) -> Tensor<B> {
        if self.shape() != other.shape() {
            return self.add_row(other);
        }
        self.elementwise(other, Binary::Add, "add")
    }

    /// Elementwise difference of two tensors of the same shape.
    pub fn sub(&self, other: &Tensor<B>) -> Tensor<B> {
        self.elementwise(other, Binary::Sub, "sub")
    }

    /// Elementwise (Hadamard) product of two tensors of the same shape.
    pub fn mul(&self, other: &Tensor<B>) -> Tensor<B> {
        self.elementwise(other, Binary::Mul, "mul")
    }

    /// Every element times a constant.
    pub fn scale(&self, factor: f32) -> Tensor<B> {
        let len = self.len();
        let out = self.backend().zeros(len);
        self.backend().scale(self.value(), factor, &out, len, false);
        let backward = move |grad: &B::Buffer, parents: &[Tensor<B>]| {
            parents[0].backend().scale(grad, factor, &parents[0].grad_buffer(), len, true);
        };
        Tensor::from_op("scale", out, self.shape().to_vec(), &[self], Box::new(backward))
    }

    fn elementwise(&self, other: &Tensor<B>, op: Binary, name: &'static str) -> Tensor<B> {
        assert_eq!(self.shape(), other.shape(), "{name}: shapes differ");
        let (backend, len) = (self.backend(), self.len());
        let out = backend.zeros(len);
        backend.binary(op, self.value(), other.value(), &out, len, false);
        let (a, b) = (self.value().clone(), other.value().clone());
        let backward = move |grad: &B::Buffer, parents: &[Tensor<B>]| {
            let backend = parents[0].backend();
            // ∂(a+b) = (1, 1), ∂(a−b) = (1, −1), ∂(a·b) = (b, a)
            for (side, parent) in parents.iter().enumerate() {
                if !parent.requires_grad() {
                    continue;
                }
                let target = parent.grad_buffer();
                match (op, side) {
                    (Binary::Mul, 0) => backend.binary(Binary::Mul, grad, &b, &target, len, true),
                    (Binary::Mul, _) => backend.binary(Binary::Mul, grad, &a, &target, len, true),
                    (Binary::Sub, 1) => backend.scale(grad, -1.0, &target, len, true),
                    _ => backend.scale(grad, 1.0, &target, len, true),
                }
            }
        };
        Tensor::from_op(name, out, self.shape().to_vec(), &[self, other], Box::new(backward))
    }

    fn add_row(&self, row: &Tensor<B>) -> Tensor<B> {
        let (rows, cols) = match (self.shape(), row.shape()) {
            (&[rows, cols], &[c]) | (&[rows, cols], &[1, c]) if c == cols => (rows, cols),
            _ => panic!("add: cannot broadcast {:?} onto {:?}", row.shape(), self.shape()),
        };
        let backend = self.backend();
        let out = backend.zeros(rows * cols);
        backend.add_bias(self.value(), row.value(), &out, rows, cols);
        let backward = move |grad: &B::Buffer, parents: &[Tensor<B>]| {
            let backend = parents[0].backend();
            if parents[0].requires_grad() {
                backend.scale(grad, 1.0, &parents[0].grad_buffer(), rows * cols, true);
            }
            // The row was used by every row of the output, so its gradient is the column sum.
            if parents[1].requires_grad() {
                backend.sum_rows(grad, &parents[1].grad_buffer(), rows, cols, true);
            }
        };
        Tensor::from_op("add", out, vec![rows, cols], &[self, row], Box::new(backward))
    }
}
