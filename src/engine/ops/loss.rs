use crate::engine::backend::{Backend, Loss};
use crate::engine::tensor::Tensor;

/// Losses compare a prediction with targets of the same shape. Targets are data: no gradient
/// flows into them.
impl<B: Backend> Tensor<B> {
    /// Mean over rows of `−Σⱼ tⱼ log softmax(x)ⱼ`, from raw scores (logits) and one-hot rows.
    pub fn softmax_cross_entropy(&self, targets: &Tensor<B>) -> Tensor<B> {
        self.loss(Loss::SoftmaxCrossEntropy, targets, "softmax_cross_entropy")
    }
    /// Mean of the binary cross-entropy of `sigmoid(x)` against targets in [0, 1], computed
    /// stably from the logits as `max(x,0) − x·t + log(1 + e^{−|x|})`.
    pub fn binary_cross_entropy_with_logits(&self, targets: &Tensor<B>) -> Tensor<B> {
        self.loss(Loss::BinaryCrossEntropyWithLogits, targets, "binary_cross_entropy")
    }
    /// Mean of `(x − t)²`.
    pub fn mse(&self, targets: &Tensor<B>) -> Tensor<B> {
        self.loss(Loss::MeanSquaredError, targets, "mse")
    }
    /// Mean of `max(0, 1 − t·x)` for labels t of −1 or +1.
    pub fn hinge(&self, targets: &Tensor<B>) -> Tensor<B> {
        self.loss(Loss::Hinge, targets, "hinge")
    }

    /// Applies a loss chosen at run time.
    pub fn loss(&self, op: Loss, targets: &Tensor<B>, name: &'static str) -> Tensor<B> {
        assert_eq!(self.shape(), targets.shape(), "{name}: prediction and targets differ in shape");
        let (rows, cols) = match self.shape() {
            &[rows, cols] => (rows, cols),
            _ => (1, self.len()),
        };
        let backend = self.backend();
        let out = backend.zeros(1);
        backend.loss(op, self.value(), targets.value(), &out, rows, cols);
        let (prediction, target) = (self.value().clone(), targets.value().clone());
        let backward = move |grad: &B::Buffer, parents: &[Tensor<B>]| {
            let backend = parents[0].backend();
            backend.loss_backward(op, &prediction, &target, grad, &parents[0].grad_buffer(), rows, cols);
        };
        Tensor::from_op(name, out, vec![], &[self], Box::new(backward))
    }
}

/// One-hot rows for class labels: row i has a 1 in column `labels[i]`.
pub fn one_hot(labels: &[usize], classes: usize) -> Vec<f32> {
    let mut rows = vec![0.0; labels.len() * classes];
    for (i, &label) in labels.iter().enumerate() {
        rows[i * classes + label] = 1.0;
    }
    rows
}
