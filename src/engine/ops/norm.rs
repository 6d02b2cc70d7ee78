use crate::engine::backend::{Backend, Binary};
use crate::engine::tensor::Tensor;

/// PyTorch's default ε for LayerNorm, added to each row's variance.
pub const LAYER_NORM_EPSILON: f32 = 1e-5;

impl<B: Backend> Tensor<B> {
    /// LayerNorm of each row of a `[rows, cols]` matrix, as PyTorch's `nn.LayerNorm(cols)`
    /// computes it: each row brought to mean 0 and variance 1, then times `gain` and plus `bias`
    /// (both `[cols]`).
    pub fn layer_norm(&self, gain: &Tensor<B>, bias: &Tensor<B>) -> Tensor<B> {
        self.normalize_rows(LAYER_NORM_EPSILON).mul_columns(gain).add(bias)
    }

    /// Each row to mean 0 and variance 1; see `Backend::normalize_rows`.
    pub fn normalize_rows(&self, epsilon: f32) -> Tensor<B> {
        let &[rows, cols] = self.shape() else { panic!("normalize_rows works on the rows of a matrix, got {:?}", self.shape()) };
        let backend = self.backend();
        let (out, rstd) = (backend.zeros(rows * cols), backend.zeros(rows));
        backend.normalize_rows(self.value(), &out, &rstd, rows, cols, epsilon);
        let y = out.clone();
        let backward = move |grad: &B::Buffer, parents: &[Tensor<B>]| {
            parents[0].backend().normalize_rows_backward(&y, &rstd, grad, &parents[0].grad_buffer(), rows, cols);
        };
        Tensor::from_op("normalize_rows", out, vec![rows, cols], &[self], Box::new(backward))
    }

    /// Column j of a `[rows, cols]` matrix times `scale[j]`, for every row.
    pub fn mul_columns(&self, scale: &Tensor<B>) -> Tensor<B> {
        let (rows, cols) = match (self.shape(), scale.shape()) {
            (&[rows, cols], &[c]) if c == cols => (rows, cols),
            _ => panic!("mul_columns: cannot scale {:?} by {:?}", self.shape(), scale.shape()),
        };
        let backend = self.backend();
        let out = backend.zeros(rows * cols);
        backend.mul_columns(self.value(), scale.value(), &out, rows, cols, false);
        let (x, s) = (self.value().clone(), scale.value().clone());
        let backward = move |grad: &B::Buffer, parents: &[Tensor<B>]| {
            let backend = parents[0].backend();
            if parents[0].requires_grad() {
                backend.mul_columns(grad, &s, &parents[0].grad_buffer(), rows, cols, true);
            }
            // Each scale multiplied a whole column: its gradient is the column sum of grad ∘ x.
            if parents[1].requires_grad() {
                let product = backend.zeros(rows * cols);
                backend.binary(Binary::Mul, grad, &x, &product, rows * cols, false);
                backend.sum_rows(&product, &parents[1].grad_buffer(), rows, cols, true);
            }
        };
        Tensor::from_op("mul_columns", out, vec![rows, cols], &[self, scale], Box::new(backward))
    }
}
