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
    /// computed from. Parameters (leaves) add it to what their gradients already hold, so call
    /// `zero_grad` between steps; intermediate results start from zero on every call.
    pub fn backward(&self) {
        assert_eq!(self.len(), 1, "backward() starts from a single number, not shape {:?}", self.shape());
        if !self.requires_grad() {
            return;
        }
        let order = self.topological_order();
        // Only leaves (parameters) keep accumulating across calls, as in PyTorch: gradients of
        // intermediate results are recomputed from zero, or a second call would count twice.
        for tensor in &order {
            if tensor.node.backward.is_some() {
                tensor.zero_grad();
            }
        }
        // d(self)/d(self) = 1
        let one = self.backend().upload(&[1.0]);
        self.backend().scale(&one, 1.0, &self.grad_buffer(), 1, true);

        for tensor in order.iter().rev() {
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

#[cfg(test)]
mod tests {
    use crate::engine::poll::now_or_never;
    use crate::engine::{CpuBackend, Tensor};

    #[test]
    fn a_chain_of_100_000_ops_runs_backward_and_drops_without_recursion() {
        // Recursion one frame per op would overflow the 2 MiB stack of a test thread.
        let cpu = CpuBackend::new();
        let x = Tensor::parameter(&cpu, &[1.0], &[1]);
        let mut y = x.clone();
        for _ in 0..100_000 {
            y = y.scale(1.0);
        }
        y.sum().backward();
        assert_eq!(now_or_never(x.grad_to_vec()).unwrap(), Some(vec![1.0]));
        drop(y);
    }

    #[test]
    fn backward_twice_accumulates_and_zero_grad_clears() {
        let cpu = CpuBackend::new();
        let x = Tensor::parameter(&cpu, &[3.0], &[1]);
        let y = x.mul(&x).sum(); // dy/dx = 2x = 6
        y.backward();
        y.backward();
        assert_eq!(now_or_never(x.grad_to_vec()).unwrap(), Some(vec![12.0]));
        x.zero_grad();
        assert_eq!(now_or_never(x.grad_to_vec()).unwrap(), Some(vec![0.0]));
    }
}
