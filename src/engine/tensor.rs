//! Tensors: a shape, a device buffer, and (when a gradient is wanted) the op that made it.
//!
//! Like micrograd's `Value`, each tensor produced by an op remembers its parents and a backward
//! closure; `autodiff.rs` walks them. Unlike micrograd, a node holds a whole array, and the
//! arithmetic runs on a [`Backend`], which knows nothing of gradients.

use crate::engine::backend::Backend;
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

/// Adds this node's share to its parents' gradients, given the gradient of this node.
/// Receives the parents in the order they were recorded.
pub(crate) type BackwardFn<B> = Box<dyn Fn(&<B as Backend>::Buffer, &[Tensor<B>])>;

/// A handle to an array on a backend. Cloning is cheap and shares the node.
pub struct Tensor<B: Backend> {
    pub(crate) node: Rc<Node<B>>,
}

pub(crate) struct Node<B: Backend> {
    pub backend: B,
    pub shape: Vec<usize>,
    pub value: B::Buffer,
    pub requires_grad: bool,
    pub grad: RefCell<Option<B::Buffer>>,
    pub parents: Vec<Tensor<B>>,
    pub backward: Option<BackwardFn<B>>,
    /// The op's name, for showing the graph to a learner ("matmul", "relu", ...).
    pub op: &'static str,
}

/// Dropping a graph frees it node by node from an explicit stack: the default drop would recurse
/// once per op along the chain, and a long chain (an unrolled RNN) would overflow a wasm stack.
impl<B: Backend> Drop for Node<B> {
    fn drop(&mut self) {
        let mut stack = std::mem::take(&mut self.parents);
        while let Some(tensor) = stack.pop() {
            if let Ok(mut node) = Rc::try_unwrap(tensor.node) {
                stack.append(&mut node.parents);
            }
        }
    }
}

impl<B: Backend> Clone for Tensor<B> {
    fn clone(&self) -> Self {
        Tensor { node: self.node.clone() }
    }
}

impl<B: Backend> fmt::Debug for Tensor<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tensor({} {:?}, requires_grad: {})", self.node.op, self.node.shape, self.node.requires_grad)
    }
}

fn check_len(values: &[f32], shape: &[usize]) {
    let len: usize = shape.iter().product();
    assert_eq!(values.len(), len, "{} values do not fill a tensor of shape {shape:?}", values.len());
}

impl<B: Backend> Tensor<B> {
    /// Data: a tensor that receives no gradient (inputs, targets).
    pub fn from_values(backend: &B, values: &[f32], shape: &[usize]) -> Self {
        check_len(values, shape);
        Self::leaf(backend, backend.upload(values), shape, false, "data")
    }

    /// A learnable parameter: a leaf whose gradient `backward()` fills in.
    pub fn parameter(backend: &B, values: &[f32], shape: &[usize]) -> Self {
        check_len(values, shape);
        Self::leaf(backend, backend.upload(values), shape, true, "parameter")
    }

    pub fn zeros(backend: &B, shape: &[usize]) -> Self {
        Self::leaf(backend, backend.zeros(shape.iter().product()), shape, false, "data")
    }

    /// A single number (shape `[]`).
    pub fn scalar(backend: &B, value: f32) -> Self {
        Self::from_values(backend, &[value], &[])
    }

    fn leaf(backend: &B, value: B::Buffer, shape: &[usize], requires_grad: bool, op: &'static str) -> Self {
        let node = Node {
            backend: backend.clone(),
            shape: shape.to_vec(),
            value,
            requires_grad,
            grad: RefCell::new(None),
            parents: Vec::new(),
            backward: None,
            op,
        };
        Tensor { node: Rc::new(node) }
    }

    /// The result of an op. The graph is only kept when some parent wants a gradient, so
    /// evaluation without parameters (or after `detach`) keeps no history.
    pub(crate) fn from_op(
        op: &'static str,
        value: B::Buffer,
        shape: Vec<usize>,
        parents: &[&Tensor<B>],
        backward: BackwardFn<B>,
    ) -> Self {
        let requires_grad = parents.iter().any(|p| p.requires_grad());
        let node = Node {
            backend: parents[0].node.backend.clone(),
            shape,
            value,
            requires_grad,
            grad: RefCell::new(None),
            parents: if requires_grad { parents.iter().map(|&p| p.clone()).collect() } else { Vec::new() },
            backward: if requires_grad { Some(backward) } else { None },
            op,
        };
        Tensor { node: Rc::new(node) }
    }

    pub fn backend(&self) -> &B {
        &self.node.backend
    }
    pub fn shape(&self) -> &[usize] {
        &self.node.shape
    }
    /// How many numbers the tensor holds.
    pub fn len(&self) -> usize {
        self.node.shape.iter().product()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The device buffer holding the values (shared, not copied).
    pub fn value(&self) -> &B::Buffer {
        &self.node.value
    }
    pub fn requires_grad(&self) -> bool {
        self.node.requires_grad
    }
    /// The name of the op that produced this tensor.
    pub fn op(&self) -> &'static str {
        self.node.op
    }
    /// The tensors this one was computed from (empty for leaves and for ops needing no gradient).
    pub fn parents(&self) -> &[Tensor<B>] {
        &self.node.parents
    }
    /// True when both handles point at the same node.
    pub fn same_as(&self, other: &Tensor<B>) -> bool {
        Rc::ptr_eq(&self.node, &other.node)
    }

    /// The same values, cut off from the graph: no gradient flows back through the result.
    pub fn detach(&self) -> Self {
        Self::leaf(self.backend(), self.node.value.clone(), self.shape(), false, "detach")
    }

    /// Copies the values to the host.
    pub async fn to_vec(&self) -> Vec<f32> {
        self.backend().read(&self.node.value, self.len()).await
    }

    /// Overwrites the values (for example, a parameter loaded from a file).
    pub fn set_values(&self, values: &[f32]) {
        assert_eq!(values.len(), self.len(), "set_values needs exactly {} values", self.len());
        self.backend().write(&self.node.value, values);
    }

    /// The accumulated gradient's buffer, if `backward()` has reached this tensor.
    pub fn grad(&self) -> Option<B::Buffer> {
        self.node.grad.borrow().clone()
    }

    /// Copies the gradient to the host, or `None` if there is none yet.
    pub async fn grad_to_vec(&self) -> Option<Vec<f32>> {
        let grad = self.grad()?;
        Some(self.backend().read(&grad, self.len()).await)
    }

    /// Sets the gradient back to zero, keeping its buffer for the next step.
    pub fn zero_grad(&self) {
        if let Some(grad) = self.node.grad.borrow().as_ref() {
            self.backend().fill(grad, self.len(), 0.0);
        }
    }

    /// The gradient buffer to accumulate into, created as zeros on first use.
    pub(crate) fn grad_buffer(&self) -> B::Buffer {
        let mut grad = self.node.grad.borrow_mut();
        grad.get_or_insert_with(|| self.backend().zeros(self.len())).clone()
    }
}
