use crate::engine::backend::Backend;
use crate::engine::tensor::Tensor;

impl<B: Backend> Tensor<B> {
    /// The same numbers in a new shape with as many elements. Tensors are stored row-major and
    /// contiguously, so no number moves: the result shares this tensor's buffer.
    pub fn reshape(&self, shape: &[usize]) -> Tensor<B> {
        let len: usize = shape.iter().product();
        assert_eq!(len, self.len(), "reshape: {:?} and {shape:?} hold different numbers of elements", self.shape());
        let backward = move |grad: &B::Buffer, parents: &[Tensor<B>]| {
            parents[0].backend().scale(grad, 1.0, &parents[0].grad_buffer(), len, true);
        };
        Tensor::from_op("reshape", self.value().clone(), shape.to_vec(), &[self], Box::new(backward))
    }

    /// `[a, b, c, d]` → `[a, c, b, d]`: the two middle axes swapped, numbers moved (see
    /// `Backend::swap_middle_axes`). Attention splits heads with it and merges them back.
    pub fn swap_middle_axes(&self) -> Tensor<B> {
        let &[a, b, c, d] = self.shape() else { panic!("swap_middle_axes needs four axes, got {:?}", self.shape()) };
        let backend = self.backend();
        let out = backend.zeros(self.len());
        backend.swap_middle_axes(self.value(), &out, [a, b, c, d], false);
        let backward = move |grad: &B::Buffer, parents: &[Tensor<B>]| {
            parents[0].backend().swap_middle_axes(grad, &parents[0].grad_buffer(), [a, c, b, d], true);
        };
        Tensor::from_op("swap_middle_axes", out, vec![a, c, b, d], &[self], Box::new(backward))
    }
}
