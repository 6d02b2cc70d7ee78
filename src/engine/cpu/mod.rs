//! The CPU backend: plain Rust loops over `Vec<f32>`, plus a packed SIMD matmul.
//!
//! Buffers are handles (`Rc`) to pooled vectors: when the last handle of a buffer is dropped
//! (say, when last step's graph goes away), its vector returns to the pool and the next step
//! reuses it instead of asking the allocator again.

mod elementwise;
mod embedding;
mod losses;
mod matmul;
mod packed;
mod pool;
mod rows;
mod threads;
mod update;
mod windows;

/// Numbers below 1e-30 in size become 0 where they are made: Adam's moments, softmax's and
/// sigmoid's outputs. Left alone, they sink into f32's subnormal range (below 1.2e-38), where x86
/// arithmetic takes a slow path (wasm has no flush-to-zero, and native code has it off): the
/// moments of a weight whose gradient has stopped decay geometrically (the second moment, × 0.999
/// a step, spends some 16,000 steps there), and a confident network's probabilities for the wrong
/// classes, e^(−90) and less, make every gradient behind them subnormal too. Measured on the
/// Digits network (784-500-10, Adam, natively, while a browser benchmark shared the 2 cores):
/// without it a step grew from 3.4 ms to 5.9 ms over 48,000 steps; flushing Adam's moments alone,
/// from 2.8 to 4.1 ms; flushing these four, from 2.9 to 3.7 ms. (In the page's worker, before it,
/// the Digits rate fell from 15,000 to 8,000 images/s in 9 minutes: bench/soak.mjs.) The growth
/// left after that came from products of tiny gradients made before any flush (see Adam's loop
/// in `update.rs`). What it changes is far below a weight's last bit (an update under
/// lr · 1e-30 / ε, a gradient under 1e-30), and GPUs flush subnormals anyway.
#[inline(always)]
pub(super) fn flush_tiny(x: f32) -> f32 {
    if x.abs() < 1e-30 { 0.0 } else { x }
}

pub use elementwise::gelu;
pub use matmul::{matmul_fast, matmul_packed, matmul_reference};
pub use threads::{count as threads, set_limit as limit_threads};

use crate::engine::backend::*;
use pool::Pool;
use std::cell::{Ref, RefCell, RefMut};
use std::future::{ready, Future};
use std::rc::Rc;

/// The CPU device. Cheap to clone; clones share one buffer pool.
#[derive(Clone, Default)]
pub struct CpuBackend {
    pool: Rc<Pool>,
}

impl CpuBackend {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads a buffer synchronously: on the CPU nothing needs to wait.
    pub fn read_now(&self, buffer: &CpuBuffer) -> Vec<f32> {
        buffer.values().clone()
    }

    /// How many vectors are waiting in the pool for reuse (for tests and the UI's memory view).
    pub fn pooled_buffers(&self) -> usize {
        self.pool.len()
    }
}

/// A handle to a vector of `f32` on the CPU.
#[derive(Clone)]
pub struct CpuBuffer(Rc<Storage>);

struct Storage {
    values: RefCell<Vec<f32>>,
    pool: Rc<Pool>,
}

impl Drop for Storage {
    fn drop(&mut self) {
        self.pool.give_back(std::mem::take(self.values.get_mut()));
    }
}

impl CpuBuffer {
    /// Borrows the numbers. Panics if a kernel is writing them, which would mean an output
    /// aliases an input.
    pub fn values(&self) -> Ref<'_, Vec<f32>> {
        self.0.values.borrow()
    }
    fn values_mut(&self) -> RefMut<'_, Vec<f32>> {
        self.0.values.try_borrow_mut().expect("a kernel's output buffer must not also be one of its inputs")
    }
}

impl Backend for CpuBackend {
    type Buffer = CpuBuffer;
    type Indices = Rc<Vec<u32>>;

    fn name(&self) -> &'static str {
        "cpu"
    }

    fn zeros(&self, len: usize) -> CpuBuffer {
        let mut values = self.pool.take(len);
        values.fill(0.0);
        CpuBuffer(Rc::new(Storage { values: RefCell::new(values), pool: self.pool.clone() }))
    }

    fn upload(&self, values: &[f32]) -> CpuBuffer {
        let buffer = self.zeros(values.len());
        buffer.values_mut().copy_from_slice(values);
        buffer
    }

    fn upload_indices(&self, values: &[u32]) -> Rc<Vec<u32>> {
        Rc::new(values.to_vec())
    }

    fn write(&self, buffer: &CpuBuffer, values: &[f32]) {
        buffer.values_mut()[..values.len()].copy_from_slice(values);
    }

    fn read(&self, buffer: &CpuBuffer, len: usize) -> impl Future<Output = Vec<f32>> + 'static {
        ready(buffer.values()[..len].to_vec())
    }

    fn fill(&self, buffer: &CpuBuffer, len: usize, value: f32) {
        buffer.values_mut()[..len].fill(value);
    }

    fn matmul(&self, a: &CpuBuffer, b: &CpuBuffer, c: &CpuBuffer, shape: Matmul) {
        matmul::matmul(&a.values(), &b.values(), &mut c.values_mut(), shape);
    }

    fn batched_matmul(&self, a: &CpuBuffer, b: &CpuBuffer, c: &CpuBuffer, shape: Matmul, batch: usize) {
        let Matmul { m, k, n, .. } = shape;
        let (a, b, mut c) = (a.values(), b.values(), c.values_mut());
        for z in 0..batch {
            matmul::matmul(&a[z * m * k..][..m * k], &b[z * k * n..][..k * n], &mut c[z * m * n..][..m * n], shape);
        }
    }

    fn add_bias(&self, x: &CpuBuffer, bias: &CpuBuffer, out: &CpuBuffer, rows: usize, cols: usize) {
        elementwise::add_bias(&x.values(), &bias.values(), &mut out.values_mut(), rows, cols);
    }

    fn sum_rows(&self, x: &CpuBuffer, out: &CpuBuffer, rows: usize, cols: usize, accumulate: bool) {
        rows::sum_rows(&x.values(), &mut out.values_mut(), rows, cols, accumulate);
    }

    fn mul_columns(&self, x: &CpuBuffer, scale: &CpuBuffer, out: &CpuBuffer, rows: usize, cols: usize, accumulate: bool) {
        elementwise::mul_columns(&x.values(), &scale.values(), &mut out.values_mut(), rows, cols, accumulate);
    }

    fn swap_middle_axes(&self, x: &CpuBuffer, out: &CpuBuffer, dims: [usize; 4], accumulate: bool) {
        elementwise::swap_middle_axes(&x.values(), &mut out.values_mut(), dims, accumulate);
    }

    fn normalize_rows(&self, x: &CpuBuffer, out: &CpuBuffer, rstd: &CpuBuffer, rows: usize, cols: usize, epsilon: f32) {
        rows::normalize_rows(&x.values(), &mut out.values_mut(), &mut rstd.values_mut(), rows, cols, epsilon);
    }

    fn normalize_rows_backward(&self, y: &CpuBuffer, rstd: &CpuBuffer, grad_y: &CpuBuffer, grad_x: &CpuBuffer, rows: usize, cols: usize) {
        rows::normalize_rows_backward(&y.values(), &rstd.values(), &grad_y.values(), &mut grad_x.values_mut(), rows, cols);
    }

    fn patches(&self, x: &CpuBuffer, out: &CpuBuffer, window: Window) {
        windows::patches(&x.values(), &mut out.values_mut(), window);
    }

    fn patches_backward(&self, grad_patches: &CpuBuffer, grad_x: &CpuBuffer, window: Window) {
        windows::patches_backward(&grad_patches.values(), &mut grad_x.values_mut(), window);
    }

    fn pool(&self, op: Pooling, x: &CpuBuffer, out: &CpuBuffer, window: Window) {
        windows::pool(op, &x.values(), &mut out.values_mut(), window);
    }

    fn pool_backward(&self, op: Pooling, x: &CpuBuffer, y: &CpuBuffer, grad_y: &CpuBuffer, grad_x: &CpuBuffer, window: Window) {
        windows::pool_backward(op, &x.values(), &y.values(), &grad_y.values(), &mut grad_x.values_mut(), window);
    }

    fn unary(&self, op: Unary, x: &CpuBuffer, out: &CpuBuffer, len: usize) {
        elementwise::unary(op, &x.values()[..len], &mut out.values_mut()[..len]);
    }

    fn unary_backward(&self, op: Unary, x: &CpuBuffer, y: &CpuBuffer, grad_y: &CpuBuffer, grad_x: &CpuBuffer, len: usize) {
        elementwise::unary_backward(
            op,
            &x.values()[..len],
            &y.values()[..len],
            &grad_y.values()[..len],
            &mut grad_x.values_mut()[..len],
        );
    }

    fn binary(&self, op: Binary, a: &CpuBuffer, b: &CpuBuffer, out: &CpuBuffer, len: usize, accumulate: bool) {
        elementwise::binary(op, &a.values()[..len], &b.values()[..len], &mut out.values_mut()[..len], accumulate);
    }

    fn scale(&self, x: &CpuBuffer, factor: f32, out: &CpuBuffer, len: usize, accumulate: bool) {
        elementwise::scale(&x.values()[..len], factor, &mut out.values_mut()[..len], accumulate);
    }

    fn reduce(&self, op: Reduce, x: &CpuBuffer, out: &CpuBuffer, len: usize) {
        out.values_mut()[0] = rows::reduce(op, &x.values()[..len]);
    }

    fn add_sum_of_squares(&self, x: &CpuBuffer, out: &CpuBuffer, len: usize) {
        // In f64, as `reduce` sums: a long gradient loses nothing to rounding.
        let sum: f64 = x.values()[..len].iter().map(|&v| v as f64 * v as f64).sum();
        out.values_mut()[0] += sum as f32;
    }

    fn clip(&self, grad: &CpuBuffer, squared_norm: &CpuBuffer, max_norm: f32, len: usize) {
        let factor = (max_norm / squared_norm.values()[0].sqrt()).min(1.0);
        grad.values_mut()[..len].iter_mut().for_each(|g| *g *= factor);
    }

    fn reduce_backward(&self, op: Reduce, grad_out: &CpuBuffer, grad_x: &CpuBuffer, len: usize) {
        let g = grad_out.values()[0];
        let g = match op {
            Reduce::Sum => g,
            Reduce::Mean => g / len as f32,
        };
        grad_x.values_mut()[..len].iter_mut().for_each(|v| *v += g);
    }

    fn softmax(&self, op: Softmax, x: &CpuBuffer, out: &CpuBuffer, rows: usize, cols: usize) {
        rows::softmax(op, &x.values(), &mut out.values_mut(), rows, cols);
    }

    fn softmax_backward(&self, op: Softmax, y: &CpuBuffer, grad_y: &CpuBuffer, grad_x: &CpuBuffer, rows: usize, cols: usize) {
        rows::softmax_backward(op, &y.values(), &grad_y.values(), &mut grad_x.values_mut(), rows, cols);
    }

    fn loss(&self, op: Loss, prediction: &CpuBuffer, target: &CpuBuffer, out: &CpuBuffer, rows: usize, cols: usize) {
        let n = rows * cols;
        out.values_mut()[0] = losses::loss(op, &prediction.values()[..n], &target.values()[..n], rows, cols);
    }

    fn loss_backward(
        &self,
        op: Loss,
        prediction: &CpuBuffer,
        target: &CpuBuffer,
        grad_loss: &CpuBuffer,
        grad_prediction: &CpuBuffer,
        rows: usize,
        cols: usize,
    ) {
        let n = rows * cols;
        losses::loss_backward(
            op,
            &prediction.values()[..n],
            &target.values()[..n],
            grad_loss.values()[0],
            &mut grad_prediction.values_mut()[..n],
            rows,
            cols,
        );
    }

    fn embedding_bag(&self, table: &CpuBuffer, ids: &Rc<Vec<u32>>, offsets: &Rc<Vec<u32>>, out: &CpuBuffer, bags: usize, dim: usize) {
        embedding::embedding_bag(&table.values(), ids, offsets, &mut out.values_mut(), bags, dim);
    }

    fn embedding_bag_backward(
        &self,
        grad_out: &CpuBuffer,
        ids: &Rc<Vec<u32>>,
        offsets: &Rc<Vec<u32>>,
        grad_table: &CpuBuffer,
        bags: usize,
        dim: usize,
    ) {
        embedding::embedding_bag_backward(&grad_out.values(), ids, offsets, &mut grad_table.values_mut(), bags, dim);
    }

    fn update(&self, rule: Update, param: &CpuBuffer, grad: &CpuBuffer, state: &[CpuBuffer], len: usize) {
        let mut state: Vec<RefMut<'_, Vec<f32>>> = state.iter().map(|s| s.values_mut()).collect();
        let (mut param, grad) = (param.values_mut(), grad.values());
        // Split into blocks of elements across threads; each element's update is the same
        // arithmetic on any block, so the result does not depend on the thread count.
        let block = len.div_ceil(threads::parts(len, 1024, update::WORK_PER_ELEMENT)).max(1);
        let mut state: Vec<std::slice::ChunksMut<'_, f32>> = state.iter_mut().map(|s| s[..len].chunks_mut(block)).collect();
        let blocks: Vec<_> = param[..len]
            .chunks_mut(block)
            .zip(grad[..len].chunks(block))
            .map(|(p, g)| (p, g, state.iter_mut().map(|s| s.next().expect("state is as long as the parameter")).collect::<Vec<_>>()))
            .collect();
        threads::for_each(blocks, |(param, grad, mut state)| update::update(rule, param, grad, &mut state));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_probabilities_and_moments_are_exactly_zero_never_subnormal() {
        // Softmax of a logit 100 below the others: e^(−100) ≈ 3.7e−44 would be subnormal.
        let mut out = [1.0f32; 2];
        rows::softmax(crate::engine::backend::Softmax::Softmax, &[0.0, -100.0], &mut out, 1, 2);
        assert_eq!(out, [1.0, 0.0]);
        // Adam's moments after the gradient stops: they reach exactly 0 and never pass through
        // the subnormal range on the way.
        let (mut p, mut m, mut v) = ([0.5f32], [1e-6f32], [1e-12f32]);
        let rule = |step| crate::engine::backend::Update::Adam { learning_rate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weight_decay: 0.0, step };
        for step in 1..=60_000 {
            update::update(rule(step), &mut p, &[0.0], &mut [&mut m, &mut v]);
            assert!(!m[0].is_subnormal() && !v[0].is_subnormal(), "step {step}: m {:e}, v {:e}", m[0], v[0]);
        }
        assert_eq!((m[0], v[0]), (0.0, 0.0));
        // A normal-sized moment is left as it is.
        assert_eq!(flush_tiny(1e-20), 1e-20);
    }

    #[test]
    fn dropped_buffers_return_to_the_pool_and_come_back_zeroed() {
        let cpu = CpuBackend::new();
        let first = cpu.upload(&[1.0, 2.0, 3.0]);
        let address = first.values().as_ptr();
        drop(first);
        assert_eq!(cpu.pooled_buffers(), 1);
        let second = cpu.zeros(3);
        assert_eq!(second.values().as_ptr(), address, "the pooled vector is reused");
        assert_eq!(*second.values(), vec![0.0; 3]);
        assert_eq!(cpu.pooled_buffers(), 0);
    }

    #[test]
    #[should_panic(expected = "must not also be one of its inputs")]
    fn an_output_that_aliases_an_input_is_refused() {
        let cpu = CpuBackend::new();
        let x = cpu.upload(&[1.0, -1.0]);
        cpu.unary(Unary::Relu, &x, &x, 2);
    }
}
