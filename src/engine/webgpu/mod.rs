//! The WebGPU backend, through `wgpu`: the same kernels as the CPU backend, written in WGSL
//! (`shaders/*.wgsl`, one file per kernel family). In the browser it drives the page's GPU;
//! natively it runs on Vulkan (in CI, on the lavapipe software rasteriser), which is how the
//! conformance suite tests it.

mod context;
mod kernels;
mod op_codes;
mod read;

pub use read::ReadFuture;

use crate::engine::backend::*;
use context::{bytes_for, workgroups_for, Context};
use std::future::Future;
use std::rc::Rc;

/// A GPU device. Cheap to clone; clones share the device, its pipelines and its buffer pool.
#[derive(Clone)]
pub struct WebGpuBackend {
    context: Rc<Context>,
}

/// A handle to a GPU storage buffer, returned to the pool when the last handle is dropped.
/// Also used for `u32` index buffers.
#[derive(Clone)]
pub struct GpuBuffer(Rc<GpuStorage>);

struct GpuStorage {
    buffer: wgpu::Buffer,
    context: Rc<Context>,
}

impl Drop for GpuStorage {
    fn drop(&mut self) {
        self.context.give_back(self.buffer.clone());
    }
}

impl GpuBuffer {
    fn raw(&self) -> &wgpu::Buffer {
        &self.0.buffer
    }
}

fn bits(value: f32) -> u32 {
    value.to_bits()
}

impl WebGpuBackend {
    /// Asks the platform for a GPU (in the browser, `navigator.gpu`; natively, Vulkan).
    pub async fn new() -> Result<Self, String> {
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions::default())
            .await
            .map_err(|e| format!("no WebGPU adapter: {e}"))?;
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor { label: Some("stepwise"), ..Default::default() })
            .await
            .map_err(|e| format!("no WebGPU device: {e}"))?;
        Ok(Self::from_device(device, queue))
    }

    /// Builds the backend on a device the caller already has (tests make their own).
    pub fn from_device(device: wgpu::Device, queue: wgpu::Queue) -> Self {
        WebGpuBackend { context: Rc::new(Context::new(device, queue)) }
    }

    /// Why this device stopped working, if it has (lost, destroyed, an uncaptured GPU error or
    /// a failed read). Once it says so, reads give NaNs: go on from a copy kept elsewhere.
    pub fn lost(&self) -> Option<String> {
        self.context.lost.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Destroys the device, as a driver reset or an unplugged GPU would: for testing how a
    /// caller copes with a lost device. Nothing is marked by hand: the device-lost callback (or
    /// the first read that fails) does that, as it would for a real loss.
    pub fn lose(&self) {
        self.context.device.destroy();
    }

    /// Makes a real validation error on the device, which nobody catches (a buffer mapped both
    /// for reading and for writing, which WebGPU forbids): for testing the uncaptured-error path.
    pub fn provoke_error(&self) {
        let usage = wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::MAP_WRITE;
        let _ = self.context.device.create_buffer(&wgpu::BufferDescriptor { label: Some("invalid on purpose"), size: 16, usage, mapped_at_creation: false });
    }

    /// Submits all recorded kernels now (they are otherwise submitted in batches).
    pub fn flush(&self) {
        self.context.flush();
    }

    fn buffer(&self, len: usize) -> GpuBuffer {
        GpuBuffer(Rc::new(GpuStorage { buffer: self.context.take(len), context: self.context.clone() }))
    }

    fn upload_bytes(&self, bytes: &[u8], len: usize) -> GpuBuffer {
        let buffer = self.buffer(len);
        if !bytes.is_empty() {
            self.context.write(buffer.raw(), bytes);
        }
        buffer
    }

    fn elementwise(&self, entry_point: &str, info: &[u32], reads: &[&GpuBuffer], out: &GpuBuffer, threads: usize) {
        let reads: Vec<&wgpu::Buffer> = reads.iter().map(|b| b.raw()).collect();
        self.context.dispatch(entry_point, info, &reads, &[out.raw()], workgroups_for(threads));
    }
}

fn unary_code(op: Unary) -> (u32, f32) {
    match op {
        Unary::Relu => (op_codes::UNARY_RELU, 0.0),
        Unary::LeakyRelu { slope } => (op_codes::UNARY_LEAKY_RELU, slope),
        Unary::Sigmoid => (op_codes::UNARY_SIGMOID, 0.0),
        Unary::Tanh => (op_codes::UNARY_TANH, 0.0),
        Unary::Gelu => (op_codes::UNARY_GELU, 0.0),
        Unary::Exp => (op_codes::UNARY_EXP, 0.0),
    }
}

/// A window kernel's `info` (see `shaders/windows.wgsl`), for `threads` threads.
fn window_info(w: Window, op: Pooling, threads: usize) -> [u32; 11] {
    let code = match op {
        Pooling::Max => op_codes::POOL_MAX,
        Pooling::Average => op_codes::POOL_AVERAGE,
    };
    let words = [w.batch, w.height, w.width, w.channels, w.size, w.stride, w.padding, w.out_height(), w.out_width()];
    let mut info = [0; 11];
    info[..9].iter_mut().zip(words).for_each(|(slot, word)| *slot = word as u32);
    info[9] = code;
    info[10] = threads as u32;
    info
}

fn softmax_code(op: Softmax) -> u32 {
    match op {
        Softmax::Softmax => op_codes::SOFTMAX,
        Softmax::LogSoftmax => op_codes::LOG_SOFTMAX,
        Softmax::Causal => op_codes::CAUSAL_SOFTMAX,
    }
}

fn loss_code(op: Loss) -> u32 {
    match op {
        Loss::SoftmaxCrossEntropy => op_codes::LOSS_SOFTMAX_CROSS_ENTROPY,
        Loss::BinaryCrossEntropyWithLogits => op_codes::LOSS_BINARY_CROSS_ENTROPY,
        Loss::MeanSquaredError => op_codes::LOSS_MEAN_SQUARED_ERROR,
        Loss::Hinge => op_codes::LOSS_HINGE,
    }
}

impl Backend for WebGpuBackend {
    type Buffer = GpuBuffer;
    type Indices = GpuBuffer;

    fn name(&self) -> &'static str {
        "webgpu"
    }

    fn zeros(&self, len: usize) -> GpuBuffer {
        let buffer = self.buffer(len);
        self.context.record(|encoder| encoder.clear_buffer(buffer.raw(), 0, None));
        buffer
    }

    fn upload(&self, values: &[f32]) -> GpuBuffer {
        self.upload_bytes(bytemuck::cast_slice(values), values.len())
    }

    fn upload_indices(&self, values: &[u32]) -> GpuBuffer {
        self.upload_bytes(bytemuck::cast_slice(values), values.len())
    }

    fn write(&self, buffer: &GpuBuffer, values: &[f32]) {
        if !values.is_empty() {
            self.context.write(buffer.raw(), bytemuck::cast_slice(values));
        }
    }

    fn read(&self, buffer: &GpuBuffer, len: usize) -> impl Future<Output = Vec<f32>> + 'static {
        if len == 0 {
            return ReadFuture::ready_empty();
        }
        let staging = self.context.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("staging"),
            size: bytes_for(len),
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        self.context.record(|encoder| encoder.copy_buffer_to_buffer(buffer.raw(), 0, &staging, 0, Some(4 * len as u64)));
        self.context.flush();
        ReadFuture::start(&self.context.device, staging, len, self.context.lost.clone())
    }

    fn read_many(&self, buffers: &[(&GpuBuffer, usize)]) -> impl Future<Output = Vec<Vec<f32>>> + 'static {
        let lens: Vec<usize> = buffers.iter().map(|&(_, len)| len).collect();
        let total: usize = lens.iter().sum();
        let all = if total == 0 {
            ReadFuture::ready_empty()
        } else {
            let staging = self.context.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("staging for several reads"),
                size: bytes_for(total),
                usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            });
            self.context.record(|encoder| {
                let mut offset = 0u64;
                for &(buffer, len) in buffers.iter().filter(|&&(_, len)| len > 0) {
                    encoder.copy_buffer_to_buffer(buffer.raw(), 0, &staging, offset, Some(4 * len as u64));
                    offset += 4 * len as u64;
                }
            });
            self.context.flush();
            ReadFuture::start(&self.context.device, staging, total, self.context.lost.clone())
        };
        async move {
            let all = all.await;
            // A failed read gives NaNs (see read.rs); an empty one nothing: pad so every
            // buffer gets its length.
            let mut numbers = all.into_iter().chain(std::iter::repeat(f32::NAN));
            lens.iter().map(|&len| numbers.by_ref().take(len).collect()).collect()
        }
    }

    fn fill(&self, buffer: &GpuBuffer, len: usize, value: f32) {
        self.elementwise("fill", &[len as u32, 0, bits(value)], &[], buffer, len);
    }

    fn batched_matmul(&self, a: &GpuBuffer, b: &GpuBuffer, c: &GpuBuffer, shape: Matmul, batch: usize) {
        let Matmul { m, k, n, transpose_a, transpose_b, accumulate } = shape;
        let info = [m as u32, k as u32, n as u32, transpose_a as u32, transpose_b as u32, accumulate as u32];
        // The fast kernel reads and writes four numbers at a time along every row it walks.
        let aligned = k % 4 == 0 && n % 4 == 0 && (!transpose_a || m % 4 == 0);
        // Each workgroup covers a 64×64 block of C (fast kernel) or 32×32 (any shape).
        let (entry_point, block) = match (aligned, transpose_a, transpose_b) {
            (true, false, false) => ("matmul", 64),
            (true, true, false) => ("matmul_transpose_a", 64),
            (true, false, true) => ("matmul_transpose_b", 64),
            (true, true, true) => ("matmul_transpose_both", 64),
            (false, false, false) => ("matmul_unaligned", 32),
            (false, true, false) => ("matmul_unaligned_transpose_a", 32),
            (false, false, true) => ("matmul_unaligned_transpose_b", 32),
            (false, true, true) => ("matmul_unaligned_transpose_both", 32),
        };
        let groups = (n.div_ceil(block).max(1) as u32, m.div_ceil(block).max(1) as u32, batch as u32);
        self.context.dispatch(entry_point, &info, &[a.raw(), b.raw()], &[c.raw()], groups);
    }

    fn add_bias(&self, x: &GpuBuffer, bias: &GpuBuffer, out: &GpuBuffer, rows: usize, cols: usize) {
        self.elementwise("add_bias", &[(rows * cols) as u32, 0, 0, 0, cols as u32], &[x, bias], out, rows * cols);
    }

    fn sum_rows(&self, x: &GpuBuffer, out: &GpuBuffer, rows: usize, cols: usize, accumulate: bool) {
        self.elementwise("sum_rows", &[rows as u32, cols as u32, accumulate as u32], &[x], out, cols);
    }

    fn mul_columns(&self, x: &GpuBuffer, scale: &GpuBuffer, out: &GpuBuffer, rows: usize, cols: usize, accumulate: bool) {
        self.elementwise("mul_columns", &[(rows * cols) as u32, 0, 0, accumulate as u32, cols as u32], &[x, scale], out, rows * cols);
    }

    fn swap_middle_axes(&self, x: &GpuBuffer, out: &GpuBuffer, [a, b, c, d]: [usize; 4], accumulate: bool) {
        let len = a * b * c * d;
        self.elementwise("swap_middle_axes", &[len as u32, b as u32, c as u32, accumulate as u32, d as u32], &[x], out, len);
    }

    fn patches(&self, x: &GpuBuffer, out: &GpuBuffer, window: Window) {
        let threads = window.positions() * window.patch_len();
        self.elementwise("patches", &window_info(window, Pooling::Max, threads), &[x], out, threads);
    }

    fn patches_backward(&self, grad_patches: &GpuBuffer, grad_x: &GpuBuffer, window: Window) {
        let threads = window.input_len();
        self.elementwise("patches_backward", &window_info(window, Pooling::Max, threads), &[grad_patches], grad_x, threads);
    }

    fn pool(&self, op: Pooling, x: &GpuBuffer, out: &GpuBuffer, window: Window) {
        let threads = window.positions() * window.channels;
        self.elementwise("pool", &window_info(window, op, threads), &[x], out, threads);
    }

    fn pool_backward(&self, op: Pooling, x: &GpuBuffer, y: &GpuBuffer, grad_y: &GpuBuffer, grad_x: &GpuBuffer, window: Window) {
        let threads = window.input_len();
        self.elementwise("pool_backward", &window_info(window, op, threads), &[x, grad_y, y], grad_x, threads);
    }

    fn normalize_rows(&self, x: &GpuBuffer, out: &GpuBuffer, rstd: &GpuBuffer, rows: usize, cols: usize, epsilon: f32) {
        let info = [rows as u32, cols as u32, epsilon.to_bits()];
        self.context.dispatch("normalize_rows", &info, &[x.raw()], &[out.raw(), rstd.raw()], workgroups_for(rows));
    }

    fn normalize_rows_backward(&self, y: &GpuBuffer, rstd: &GpuBuffer, grad_y: &GpuBuffer, grad_x: &GpuBuffer, rows: usize, cols: usize) {
        self.elementwise("normalize_rows_backward", &[rows as u32, cols as u32], &[y, rstd, grad_y], grad_x, rows);
    }

    fn unary(&self, op: Unary, x: &GpuBuffer, out: &GpuBuffer, len: usize) {
        let (code, parameter) = unary_code(op);
        self.elementwise("unary", &[len as u32, code, bits(parameter)], &[x], out, len);
    }

    fn unary_backward(&self, op: Unary, x: &GpuBuffer, y: &GpuBuffer, grad_y: &GpuBuffer, grad_x: &GpuBuffer, len: usize) {
        let (code, parameter) = unary_code(op);
        self.elementwise("unary_backward", &[len as u32, code, bits(parameter)], &[x, y, grad_y], grad_x, len);
    }

    fn binary(&self, op: Binary, a: &GpuBuffer, b: &GpuBuffer, out: &GpuBuffer, len: usize, accumulate: bool) {
        let code = match op {
            Binary::Add => op_codes::BINARY_ADD,
            Binary::Sub => op_codes::BINARY_SUB,
            Binary::Mul => op_codes::BINARY_MUL,
        };
        self.elementwise("binary", &[len as u32, code, 0, accumulate as u32], &[a, b], out, len);
    }

    fn scale(&self, x: &GpuBuffer, factor: f32, out: &GpuBuffer, len: usize, accumulate: bool) {
        self.elementwise("scale", &[len as u32, 0, bits(factor), accumulate as u32], &[x], out, len);
    }

    fn reduce(&self, op: Reduce, x: &GpuBuffer, out: &GpuBuffer, len: usize) {
        let info = [len as u32, if op == Reduce::Mean { op_codes::REDUCE_MEAN } else { op_codes::REDUCE_SUM }];
        self.context.dispatch("reduce", &info, &[x.raw()], &[out.raw()], (1, 1, 1));
    }

    fn add_sum_of_squares(&self, x: &GpuBuffer, out: &GpuBuffer, len: usize) {
        let info = [len as u32, op_codes::REDUCE_ADD_SUM_OF_SQUARES];
        self.context.dispatch("reduce", &info, &[x.raw()], &[out.raw()], (1, 1, 1));
    }

    fn clip(&self, grad: &GpuBuffer, squared_norm: &GpuBuffer, max_norm: f32, len: usize) {
        self.elementwise("clip", &[len as u32, 0, max_norm.to_bits()], &[squared_norm], grad, len);
    }

    fn reduce_backward(&self, op: Reduce, grad_out: &GpuBuffer, grad_x: &GpuBuffer, len: usize) {
        let factor = match op {
            Reduce::Sum => 1.0,
            Reduce::Mean => 1.0 / len as f32,
        };
        self.elementwise("broadcast_add", &[len as u32, 0, bits(factor)], &[grad_out], grad_x, len);
    }

    fn softmax(&self, op: Softmax, x: &GpuBuffer, out: &GpuBuffer, rows: usize, cols: usize) {
        let info = [rows as u32, cols as u32, softmax_code(op)];
        self.elementwise("softmax", &info, &[x], out, rows);
    }

    fn softmax_backward(&self, op: Softmax, y: &GpuBuffer, grad_y: &GpuBuffer, grad_x: &GpuBuffer, rows: usize, cols: usize) {
        let info = [rows as u32, cols as u32, softmax_code(op)];
        self.elementwise("softmax_backward", &info, &[y, grad_y], grad_x, rows);
    }

    fn loss(&self, op: Loss, prediction: &GpuBuffer, target: &GpuBuffer, out: &GpuBuffer, rows: usize, cols: usize) {
        let info = [rows as u32, cols as u32, loss_code(op)];
        self.context.dispatch("loss", &info, &[prediction.raw(), target.raw()], &[out.raw()], (1, 1, 1));
    }

    fn loss_backward(
        &self,
        op: Loss,
        prediction: &GpuBuffer,
        target: &GpuBuffer,
        grad_loss: &GpuBuffer,
        grad_prediction: &GpuBuffer,
        rows: usize,
        cols: usize,
    ) {
        let info = [rows as u32, cols as u32, loss_code(op)];
        self.elementwise("loss_backward", &info, &[prediction, target, grad_loss], grad_prediction, rows);
    }

    fn embedding_bag(&self, table: &GpuBuffer, ids: &GpuBuffer, offsets: &GpuBuffer, out: &GpuBuffer, bags: usize, dim: usize) {
        self.elementwise("embedding_bag", &[bags as u32, dim as u32], &[table, ids, offsets], out, bags * dim);
    }

    fn embedding_bag_backward(&self, grad_out: &GpuBuffer, ids: &GpuBuffer, offsets: &GpuBuffer, grad_table: &GpuBuffer, bags: usize, dim: usize) {
        self.elementwise("embedding_bag_backward", &[bags as u32, dim as u32], &[grad_out, ids, offsets], grad_table, dim);
    }

    fn update(&self, rule: Update, param: &GpuBuffer, grad: &GpuBuffer, state: &[GpuBuffer], len: usize) {
        let info: [u32; 9] = match rule {
            Update::Sgd { learning_rate } => [len as u32, op_codes::UPDATE_SGD, bits(learning_rate), 0, 0, 0, 0, 0, 0],
            Update::Momentum { learning_rate, momentum } => [len as u32, op_codes::UPDATE_MOMENTUM, bits(learning_rate), bits(momentum), 0, 0, 0, 0, 0],
            Update::Nesterov { learning_rate, momentum } => [len as u32, op_codes::UPDATE_NESTEROV, bits(learning_rate), bits(momentum), 0, 0, 0, 0, 0],
            Update::RmsProp { learning_rate, decay, epsilon } => [len as u32, op_codes::UPDATE_RMS_PROP, bits(learning_rate), bits(decay), 0, bits(epsilon), 0, 0, 0],
            Update::Adam { learning_rate, beta1, beta2, epsilon, weight_decay, step } => {
                let (correction1, correction2) = crate::engine::backend::adam_bias_corrections(beta1, beta2, step);
                let (correction1, correction2) = (correction1 as f32, correction2 as f32);
                let (b1, b2) = (bits(beta1), bits(beta2));
                let keep = bits(1.0 - learning_rate * weight_decay);
                [len as u32, op_codes::UPDATE_ADAM, bits(learning_rate), b1, b2, bits(epsilon), bits(correction1), bits(correction2), keep]
            }
        };
        assert_eq!(state.len(), rule.state_names().len(), "{rule:?} needs {} state buffers", rule.state_names().len());
        let mut writes = vec![param.raw()];
        writes.extend(state.iter().map(GpuBuffer::raw));
        self.context.dispatch("update", &info, &[grad.raw()], &writes, workgroups_for(len));
    }
}
