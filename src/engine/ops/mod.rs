//! The differentiable ops. Each op's forward and backward live side by side: the forward calls
//! a backend kernel and records a closure that calls the matching backward kernel(s).
//! Every backward *adds* into the parents' gradients and skips parents that want none.

mod activation;
mod arithmetic;
mod conv;
mod embedding;
mod loss;
mod matmul;
mod norm;
mod reduce;
mod shape;
mod softmax;

pub use embedding::Bags;
pub use loss::one_hot;
pub use norm::LAYER_NORM_EPSILON;
