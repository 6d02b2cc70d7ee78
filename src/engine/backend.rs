//! What a device must offer the engine: storage for `f32` numbers and the kernels the ops need.
//!
//! A backend knows nothing about gradients; autodiff (`tensor.rs`, `ops/`) sits on top and calls
//! these kernels for both directions. Every kernel receives its shapes explicitly, so a WGSL
//! version only has to copy them into its `info` buffer. One kernel family per method: the enum
//! argument (`Unary`, `Loss`, ...) picks the formula, just as a WGSL `switch` would.
//!
//! Rules every backend follows (the conformance suite checks them):
//! - An output buffer never aliases an input of the same call (WebGPU forbids binding one buffer
//!   as both read and read-write).
//! - `accumulate: true` means `out += result`; `false` means `out = result`. Backward kernels
//!   always accumulate, because a tensor used twice receives the sum of both gradients.
//! - Reads are async, because WebGPU can only map a buffer asynchronously; the CPU backend
//!   returns futures that are already complete.

pub use crate::engine::window::Window;
use serde::{Deserialize, Serialize};
use std::future::Future;

/// `C (+)= op(A) · op(B)`, where `op(A)` is `m × k`, `op(B)` is `k × n` and `C` is `m × n`.
/// With `transpose_a`, A is stored as `k × m` (row-major) and read transposed; likewise B.
/// That is how the weight gradient `Xᵀ · G` is computed without copying a transposed X.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Matmul {
    pub m: usize,
    pub k: usize,
    pub n: usize,
    pub transpose_a: bool,
    pub transpose_b: bool,
    pub accumulate: bool,
}

impl Matmul {
    /// A plain `C = A · B` of the given sizes.
    pub fn new(m: usize, k: usize, n: usize) -> Self {
        Matmul { m, k, n, transpose_a: false, transpose_b: false, accumulate: false }
    }
    pub fn transpose_a(self) -> Self {
        Matmul { transpose_a: true, ..self }
    }
    pub fn transpose_b(self) -> Self {
        Matmul { transpose_b: true, ..self }
    }
    pub fn accumulate(self) -> Self {
        Matmul { accumulate: true, ..self }
    }
}

/// Elementwise functions of one input; their derivatives are in `Unary::derivative`'s docs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Unary {
    Relu,
    /// `x` for positive inputs, `slope · x` otherwise.
    LeakyRelu { slope: f32 },
    Sigmoid,
    Tanh,
    /// GPT-2's GELU, the tanh approximation (PyTorch's `gelu(x, approximate="tanh")`):
    /// `½x(1 + tanh u)` with `u = √(2/π)(x + 0.044715x³)`. Its derivative is
    /// `½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²)`.
    Gelu,
    /// `eᵡ`, whose derivative is itself (a VAE's σ = exp(½ log σ²)).
    Exp,
}

/// Elementwise functions of two inputs of the same length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Binary {
    Add,
    Sub,
    Mul,
}

/// Reductions of a whole buffer to one number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reduce {
    Sum,
    Mean,
}

/// Row-wise normalisations of a `rows × cols` matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Softmax {
    Softmax,
    LogSoftmax,
    /// Attention's masked softmax: the matrix is a stack of `cols × cols` score matrices, and
    /// row r (position i = r mod cols of its matrix) is a softmax over its first i + 1 entries,
    /// with 0 after them, so that a position attends only to itself and the ones before it.
    /// Its backward is the softmax's: the masked outputs are 0, so they pass back nothing.
    Causal,
}

/// Losses from a `rows × cols` prediction and a target of the same shape, to one number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Loss {
    /// `−Σⱼ tⱼ · log softmax(x)ⱼ` averaged over rows; the targets are one-hot (or soft) rows.
    SoftmaxCrossEntropy,
    /// `max(x,0) − x·t + log(1+e^{−|x|})` averaged over elements; targets in [0, 1].
    BinaryCrossEntropyWithLogits,
    /// `(x − t)²` averaged over elements.
    MeanSquaredError,
    /// `max(0, 1 − t·x)` averaged over elements; targets are −1 or +1.
    Hinge,
}

/// How a pooling window sums up the pixels it covers, channel by channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pooling {
    /// The largest; padding is ignored. Its gradient goes to the first largest pixel of the
    /// window, scanning rows then columns (PyTorch picks the same one).
    Max,
    /// The mean over the whole window, padding counted as zeros (PyTorch's default,
    /// `count_include_pad=True`).
    Average,
}

/// One optimiser step for one parameter, fused into a single kernel.
/// `state` holds the per-parameter buffers the rule needs, in the order named by
/// `Update::state_names` (each has the parameter's length and starts at zero).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Update {
    /// `θ −= lr · g`
    Sgd { learning_rate: f32 },
    /// `v = μ·v + g;  θ −= lr · v`
    Momentum { learning_rate: f32, momentum: f32 },
    /// `v = μ·v + g;  θ −= lr · (g + μ·v)`
    Nesterov { learning_rate: f32, momentum: f32 },
    /// `s = ρ·s + (1−ρ)·g²;  θ −= lr · g / (√s + ε)`
    RmsProp { learning_rate: f32, decay: f32, epsilon: f32 },
    /// `m = β₁m + (1−β₁)g;  v = β₂v + (1−β₂)g²;  θ −= lr · m̂ / (√v̂ + ε)` with
    /// `m̂ = m / (1−β₁ᵗ)`, `v̂ = v / (1−β₂ᵗ)`; `step` is t, counted from 1. With a
    /// `weight_decay` λ above 0 it is AdamW (Loshchilov & Hutter), as PyTorch computes it: θ is
    /// first shrunk to `θ·(1 − lr·λ)`, apart from the gradient, then takes the Adam step.
    Adam { learning_rate: f32, beta1: f32, beta2: f32, epsilon: f32, weight_decay: f32, step: u32 },
}

impl Update {
    /// Names of the state buffers, in the order the kernel expects them.
    pub fn state_names(&self) -> &'static [&'static str] {
        match self {
            Update::Sgd { .. } => &[],
            Update::Momentum { .. } | Update::Nesterov { .. } => &["velocity"],
            Update::RmsProp { .. } => &["mean square"],
            Update::Adam { .. } => &["first moment", "second moment"],
        }
    }
}

/// Adam's bias corrections at step `step` (counted from 1): `1 − β₁ᵗ` and `1 − β₂ᵗ`, in f64
/// so that both backends divide by the very same numbers.
pub fn adam_bias_corrections(beta1: f32, beta2: f32, step: u32) -> (f64, f64) {
    (1.0 - (beta1 as f64).powi(step as i32), 1.0 - (beta2 as f64).powi(step as i32))
}

/// Storage and kernels of one device. Cloning a backend is cheap and shares the device.
pub trait Backend: Clone + 'static {
    /// A device buffer of `f32`. Cloning shares the same storage (it is a handle).
    type Buffer: Clone;
    /// A device buffer of `u32` (token ids and offsets).
    type Indices: Clone;

    fn name(&self) -> &'static str;

    /// A new buffer of `len` zeros.
    fn zeros(&self, len: usize) -> Self::Buffer;
    fn upload(&self, values: &[f32]) -> Self::Buffer;
    fn upload_indices(&self, values: &[u32]) -> Self::Indices;
    /// Overwrites the first `values.len()` numbers of `buffer`.
    fn write(&self, buffer: &Self::Buffer, values: &[f32]);
    /// Copies the first `len` numbers of the buffer back to the host.
    fn read(&self, buffer: &Self::Buffer, len: usize) -> impl Future<Output = Vec<f32>> + 'static;
    /// Reads several buffers (each with its length) at once: a device that must wait for reads
    /// (WebGPU) copies them all into one staging buffer and waits once, not once per buffer.
    fn read_many(&self, buffers: &[(&Self::Buffer, usize)]) -> impl Future<Output = Vec<Vec<f32>>> + 'static {
        let reads: Vec<_> = buffers.iter().map(|&(buffer, len)| self.read(buffer, len)).collect();
        async move {
            let mut values = Vec::with_capacity(reads.len());
            for read in reads {
                values.push(read.await);
            }
            values
        }
    }
    fn fill(&self, buffer: &Self::Buffer, len: usize, value: f32);

    /// See [`Matmul`].
    fn matmul(&self, a: &Self::Buffer, b: &Self::Buffer, c: &Self::Buffer, shape: Matmul) {
        self.batched_matmul(a, b, c, shape, 1);
    }
    /// `batch` products of the same shape at once, item z of each operand stored whole after
    /// item z − 1 (A's items are `m·k` numbers apart, B's `k·n`, C's `m·n`): attention's
    /// heads, each its own `T × T` scores and weighted sums.
    fn batched_matmul(&self, a: &Self::Buffer, b: &Self::Buffer, c: &Self::Buffer, shape: Matmul, batch: usize);
    /// `out[i][j] = x[i][j] + bias[j]` for a `rows × cols` matrix x.
    fn add_bias(&self, x: &Self::Buffer, bias: &Self::Buffer, out: &Self::Buffer, rows: usize, cols: usize);
    /// Column sums: `out[j] (+)= Σᵢ x[i][j]`, the bias gradient.
    fn sum_rows(&self, x: &Self::Buffer, out: &Self::Buffer, rows: usize, cols: usize, accumulate: bool);

    /// `out[i][j] (+)= x[i][j] · scale[j]` for a `rows × cols` x: LayerNorm's gain, applied to
    /// every row.
    fn mul_columns(&self, x: &Self::Buffer, scale: &Self::Buffer, out: &Self::Buffer, rows: usize, cols: usize, accumulate: bool);
    /// Each row of a `rows × cols` x brought to mean 0 and variance 1 (LayerNorm before its gain
    /// and bias): `out[i][j] = (x[i][j] − μᵢ)·rᵢ`, with μᵢ the row's mean, σᵢ² its variance
    /// (divided by `cols`, as PyTorch's LayerNorm does) and `rᵢ = 1/√(σᵢ² + epsilon)`, which is
    /// written to `rstd[i]` for the backward pass.
    #[allow(clippy::too_many_arguments)]
    fn normalize_rows(&self, x: &Self::Buffer, out: &Self::Buffer, rstd: &Self::Buffer, rows: usize, cols: usize, epsilon: f32);
    /// `grad_x += rᵢ·(gᵢ − mean(gᵢ) − yᵢ·mean(gᵢ∘yᵢ))` row by row, from the forward output y,
    /// its `rstd` and the upstream gradient g.
    #[allow(clippy::too_many_arguments)]
    fn normalize_rows_backward(&self, y: &Self::Buffer, rstd: &Self::Buffer, grad_y: &Self::Buffer, grad_x: &Self::Buffer, rows: usize, cols: usize);

    /// `out (+)=` x, of shape `[a, b, c, d]`, with its two middle axes swapped: `[a, c, b, d]`.
    /// Attention splits a row's heads out this way (`[batch, time, heads, head size]` →
    /// `[batch, heads, time, head size]`, so each head's matrix is stored whole) and merges
    /// them back by the same swap.
    fn swap_middle_axes(&self, x: &Self::Buffer, out: &Self::Buffer, dims: [usize; 4], accumulate: bool);

    /// Cuts each NHWC image into the window's patches ("im2col"): `out` is
    /// `[positions, patch_len]`, and row `(n, oy, ox)` holds `x[n, oy·stride − padding + ky,
    /// ox·stride − padding + kx, c]` for every `(ky, kx, c)` in order, 0 where that is outside
    /// the image. A convolution is then one matrix product with its kernel.
    fn patches(&self, x: &Self::Buffer, out: &Self::Buffer, window: Window);
    /// `grad_x +=` each patch's gradient, added back onto the pixels it was cut from.
    fn patches_backward(&self, grad_patches: &Self::Buffer, grad_x: &Self::Buffer, window: Window);
    /// `out[n, oy, ox, c]` = the max (or mean) of channel c over the window at `(oy, ox)`.
    fn pool(&self, op: Pooling, x: &Self::Buffer, out: &Self::Buffer, window: Window);
    /// `grad_x +=` each output's gradient sent back to the window's pixels, as [`Pooling`] says,
    /// given the forward input x and output y (a max's pixel is the first that equals it).
    #[allow(clippy::too_many_arguments)]
    fn pool_backward(&self, op: Pooling, x: &Self::Buffer, y: &Self::Buffer, grad_y: &Self::Buffer, grad_x: &Self::Buffer, window: Window);

    /// `out = f(x)` elementwise.
    fn unary(&self, op: Unary, x: &Self::Buffer, out: &Self::Buffer, len: usize);
    /// `grad_x += f'(x) · grad_y`, given the input x and the output y = f(x)
    /// (sigmoid and tanh use y, the rectifiers use x).
    fn unary_backward(
        &self,
        op: Unary,
        x: &Self::Buffer,
        y: &Self::Buffer,
        grad_y: &Self::Buffer,
        grad_x: &Self::Buffer,
        len: usize,
    );
    /// `out (+)= a ∘ b` elementwise.
    fn binary(&self, op: Binary, a: &Self::Buffer, b: &Self::Buffer, out: &Self::Buffer, len: usize, accumulate: bool);
    /// `out (+)= factor · x`.
    fn scale(&self, x: &Self::Buffer, factor: f32, out: &Self::Buffer, len: usize, accumulate: bool);

    /// `out[0] = Σ x` (or the mean).
    fn reduce(&self, op: Reduce, x: &Self::Buffer, out: &Self::Buffer, len: usize);
    /// `out[0] += Σ x²`: one parameter's share of the squared gradient norm that clipping needs.
    fn add_sum_of_squares(&self, x: &Self::Buffer, out: &Self::Buffer, len: usize);
    /// `grad[i] *= min(1, max_norm / √squared_norm[0])` in place: gradient clipping by the
    /// joint norm of all the gradients, computed on the device without a read back.
    fn clip(&self, grad: &Self::Buffer, squared_norm: &Self::Buffer, max_norm: f32, len: usize);
    /// `grad_x[i] += grad_out[0]` (divided by `len` for the mean).
    fn reduce_backward(&self, op: Reduce, grad_out: &Self::Buffer, grad_x: &Self::Buffer, len: usize);

    /// Row-wise softmax or log-softmax of a `rows × cols` matrix.
    fn softmax(&self, op: Softmax, x: &Self::Buffer, out: &Self::Buffer, rows: usize, cols: usize);
    /// `grad_x += J(y)ᵀ · grad_y`, row by row, from the forward output y.
    fn softmax_backward(
        &self,
        op: Softmax,
        y: &Self::Buffer,
        grad_y: &Self::Buffer,
        grad_x: &Self::Buffer,
        rows: usize,
        cols: usize,
    );

    /// `out[0] = loss(prediction, target)`; see [`Loss`] for the formulas and averaging.
    fn loss(&self, op: Loss, prediction: &Self::Buffer, target: &Self::Buffer, out: &Self::Buffer, rows: usize, cols: usize);
    /// `grad_prediction += grad_loss[0] · ∂loss/∂prediction`; e.g. for softmax cross-entropy
    /// `(softmax(x) − t) / rows`.
    #[allow(clippy::too_many_arguments)]
    fn loss_backward(
        &self,
        op: Loss,
        prediction: &Self::Buffer,
        target: &Self::Buffer,
        grad_loss: &Self::Buffer,
        grad_prediction: &Self::Buffer,
        rows: usize,
        cols: usize,
    );

    /// `out[b] = mean of table rows ids[offsets[b] .. offsets[b+1]]` for each of `bags` examples;
    /// an empty bag gives a row of zeros. `table` is `vocabulary × dim`, `out` is `bags × dim`.
    fn embedding_bag(
        &self,
        table: &Self::Buffer,
        ids: &Self::Indices,
        offsets: &Self::Indices,
        out: &Self::Buffer,
        bags: usize,
        dim: usize,
    );
    /// Scatters `grad_out[b] / |bag b|` into `grad_table[id]` for every id in bag b (accumulating).
    fn embedding_bag_backward(
        &self,
        grad_out: &Self::Buffer,
        ids: &Self::Indices,
        offsets: &Self::Indices,
        grad_table: &Self::Buffer,
        bags: usize,
        dim: usize,
    );

    /// Applies one optimiser step to `param` in place; see [`Update`].
    fn update(&self, rule: Update, param: &Self::Buffer, grad: &Self::Buffer, state: &[Self::Buffer], len: usize);
}
