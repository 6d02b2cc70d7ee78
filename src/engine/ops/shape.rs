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
}
