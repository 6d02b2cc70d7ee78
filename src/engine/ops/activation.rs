use crate::engine::backend::{Backend, Unary};
use crate::engine::tensor::Tensor;

impl<B: Backend> Tensor<B> {
    pub fn relu(&self) -> Tensor<B> {
        self.unary(Unary::Relu, "relu")
    }
    pub fn leaky_relu(&self, slope: f32) -> Tensor<B> {
        self.unary(Unary::LeakyRelu { slope }, "leaky_relu")
    }
    pub fn sigmoid(&self) -> Tensor<B> {
        self.unary(Unary::Sigmoid, "sigmoid")
    }
    pub fn tanh(&self) -> Tensor<B> {
        self.unary(Unary::Tanh, "tanh")
    }
    /// GELU, as GPT-2 computes it (the tanh approximation; see `Unary::Gelu`).
    pub fn gelu(&self) -> Tensor<B> {
        self.unary(Unary::Gelu, "gelu")
    }

    /// `eᵡ` elementwise.
    pub fn exp(&self) -> Tensor<B> {
        self.unary(Unary::Exp, "exp")
    }

    /// Applies an elementwise function chosen at run time (as a layer's activation is).
    pub fn unary(&self, op: Unary, name: &'static str) -> Tensor<B> {
        let (backend, len) = (self.backend(), self.len());
        let out = backend.zeros(len);
        backend.unary(op, self.value(), &out, len);
        let (x, y) = (self.value().clone(), out.clone());
        let backward = move |grad: &B::Buffer, parents: &[Tensor<B>]| {
            parents[0].backend().unary_backward(op, &x, &y, grad, &parents[0].grad_buffer(), len);
        };
        Tensor::from_op(name, out, self.shape().to_vec(), &[self], Box::new(backward))
    }
}
