//! A free list of vectors, keyed by exact length: a training loop asks for the same shapes
//! every step, so exact matches are the common case and no size classes are needed.

use std::cell::RefCell;
use std::collections::HashMap;

/// Vectors above this many numbers in total are freed rather than kept (256 MiB of f32).
const MAX_POOLED_NUMBERS: usize = 64 << 20;

#[derive(Default)]
pub(super) struct Pool {
    free: RefCell<HashMap<usize, Vec<Vec<f32>>>>,
    pooled_numbers: RefCell<usize>,
}

impl Pool {
    /// A vector of exactly `len` numbers with unspecified contents.
    pub fn take(&self, len: usize) -> Vec<f32> {
        if let Some(values) = self.free.borrow_mut().get_mut(&len).and_then(Vec::pop) {
            *self.pooled_numbers.borrow_mut() -= len;
            return values;
        }
        vec![0.0; len]
    }

    pub fn give_back(&self, values: Vec<f32>) {
        let len = values.len();
        let mut pooled = self.pooled_numbers.borrow_mut();
        if len == 0 || *pooled + len > MAX_POOLED_NUMBERS {
            return;
        }
        *pooled += len;
        self.free.borrow_mut().entry(len).or_default().push(values);
    }

    pub fn len(&self) -> usize {
        self.free.borrow().values().map(Vec::len).sum()
    }
}
