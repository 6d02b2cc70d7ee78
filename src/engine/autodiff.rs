//! Reverse-mode automatic differentiation over the graph that tensors record.
//!
//! `backward()` orders the graph so that every tensor comes after all the tensors computed from
//! it, then hands each tensor's gradient to its op's backward closure, which adds (`+=`) its
//! share to the parents' gradients. The ordering is a depth-first search with an explicit
//! stack, not recursion: wasm stacks are small and graphs (an unrolled RNN, say) can be deep.

use crate::engine::backend::Backend;
use crate::engine::tensor::{Node, Tensor};
use std::collections::HashSet;
use std::rc::Rc;

impl<B: Backend> Tensor<B> {
    /// Computes the gradient of this single-number tensor with respect to every tensor it was
    /// computed from, adding it to what their gradients already hold.
    pub fn backward(&self) {
        assert_eq!(self.len(), 1, "backward() starts from a single number, not shape {:?}", self.shape());
        if !self.requires_grad() {
            return;
        }
        // d(self)/d(self) = 1, added so that calling backward twice accumulates like any gradient.
        let one = self.backend().upload(&[1.0]);
        self.backend().scale(&one, 1.0, &self.grad_buffer(), 1, true);

        for tensor in self.topological_order().iter().rev() {
            let Some(backward) = &tensor.node.backward else { continue };
            let Some(grad) = tensor.grad() else { continue };
            backward(&grad, &tensor.node.parents);
        }
    }

    /// Every tensor this one depends on that wants a gradient, each after all its parents.
    pub fn topological_order(&self) -> Vec<Tensor<B>> {
        let mut order = Vec::new();
        let mut visited: HashSet<*const Node<B>> = HashSet::new();
        // (tensor, parents already pushed): a tensor is emitted when we return to it.
        let mut stack = vec![(self.clone(), false)];
        while let Some((tensor, expanded)) = stack.pop() {
            if expanded {
                order.push(tensor);
                continue;
            }
            if !visited.insert(Rc::as_ptr(&tensor.node)) {
                continue;
            }
            let parents: Vec<Tensor<B>> = tensor.parents().iter().filter(|p| p.requires_grad()).cloned().collect();
            stack.push((tensor, true));
            for parent in parents {
                if !visited.contains(&Rc::as_ptr(&parent.node)) {
                    stack.push((parent, false));
                }
            }
        }
        order
    }
}
