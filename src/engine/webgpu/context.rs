//! The device context: built once, reused for every kernel (as in wgpu's `repeated_compute`).
//!
//! Kernels are recorded into one command encoder and submitted in batches, not one by one.
//! Two ordering rules keep that correct:
//! - `queue.write_buffer` takes effect before the *next* submission's commands, so the pending
//!   encoder is submitted first (`flush`) whenever a data buffer is written from the host.
//! - Each dispatch gets its own small `info` uniform; uniforms return to their pool only after
//!   the batch that reads them has been submitted.

use super::kernels::{compile, Kernel};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Why the device stopped working, once it has: set by the device-lost callback, by an
/// uncaptured error in the browser, or by a failed read. Shared with those callbacks.
pub(super) type Lost = Arc<Mutex<Option<String>>>;

/// Records the first reason only: later errors are usually consequences of the first.
pub(super) fn mark_lost(lost: &Lost, reason: String) {
    let mut lost = lost.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    lost.get_or_insert(reason);
}

/// Dispatches recorded before the batch is submitted anyway.
const MAX_PENDING: u32 = 256;
/// The `info` block: 16 u32 words (see shaders/common.wgsl).
const INFO_WORDS: usize = 16;
const STORAGE: wgpu::BufferUsages =
    wgpu::BufferUsages::STORAGE.union(wgpu::BufferUsages::COPY_SRC).union(wgpu::BufferUsages::COPY_DST);

pub(super) struct Context {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    kernels: HashMap<&'static str, Kernel>,
    /// Free storage buffers by size in bytes.
    free: RefCell<HashMap<u64, Vec<wgpu::Buffer>>>,
    free_uniforms: RefCell<Vec<wgpu::Buffer>>,
    in_flight_uniforms: RefCell<Vec<wgpu::Buffer>>,
    encoder: RefCell<Option<wgpu::CommandEncoder>>,
    pending: Cell<u32>,
    pub lost: Lost,
    /// Stand-ins for the bindings a kernel does not use (one per writable slot, since a buffer
    /// may not be bound writable twice in one dispatch).
    unused_read: wgpu::Buffer,
    unused_writes: [wgpu::Buffer; 3],
}

/// Storage buffers are at least 16 bytes and a multiple of 16, so similar sizes share a pool.
pub(super) fn bytes_for(len: usize) -> u64 {
    ((len.max(1) * 4) as u64).div_ceil(16) * 16
}

/// Workgroups of 64 for `threads` threads, spread over a 2-D grid past the 65,535 limit.
pub(super) fn workgroups_for(threads: usize) -> (u32, u32, u32) {
    let groups = threads.div_ceil(64).max(1) as u32;
    if groups <= 65_535 {
        (groups, 1, 1)
    } else {
        (65_535, groups.div_ceil(65_535), 1)
    }
}

impl Context {
    pub fn new(device: wgpu::Device, queue: wgpu::Queue) -> Self {
        let kernels = compile(&device);
        let lost = Lost::default();
        let on_lost = lost.clone();
        device.set_device_lost_callback(move |reason, message| mark_lost(&on_lost, format!("the device was lost ({reason:?}: {message})")));
        // In the browser an uncaptured error would only be logged and later kernels would
        // silently do nothing; record it so the caller can stop trusting this device. Natively
        // wgpu's default handler panics, which is what a test should do.
        #[cfg(target_arch = "wasm32")]
        {
            let on_error = lost.clone();
            device.on_uncaptured_error(Arc::new(move |error| mark_lost(&on_error, format!("a GPU error: {error}"))));
        }
        let small = |label| device.create_buffer(&wgpu::BufferDescriptor { label: Some(label), size: 16, usage: STORAGE, mapped_at_creation: false });
        Context {
            unused_read: small("unused read"),
            unused_writes: [small("unused write 0"), small("unused write 1"), small("unused write 2")],
            device,
            queue,
            kernels,
            free: RefCell::default(),
            free_uniforms: RefCell::default(),
            in_flight_uniforms: RefCell::default(),
            encoder: RefCell::default(),
            pending: Cell::new(0),
            lost,
        }
    }

    /// A storage buffer of at least `len` numbers, contents unspecified.
    pub fn take(&self, len: usize) -> wgpu::Buffer {
        let size = bytes_for(len);
        if let Some(buffer) = self.free.borrow_mut().get_mut(&size).and_then(Vec::pop) {
            return buffer;
        }
        self.device.create_buffer(&wgpu::BufferDescriptor { label: None, size, usage: STORAGE, mapped_at_creation: false })
    }

    pub fn give_back(&self, buffer: wgpu::Buffer) {
        self.free.borrow_mut().entry(buffer.size()).or_default().push(buffer);
    }

    /// Runs `record` on the pending command encoder.
    pub fn record(&self, record: impl FnOnce(&mut wgpu::CommandEncoder)) {
        let mut encoder = self.encoder.borrow_mut();
        let encoder = encoder.get_or_insert_with(|| self.device.create_command_encoder(&Default::default()));
        record(encoder);
    }

    /// Submits everything recorded so far.
    pub fn flush(&self) {
        if let Some(encoder) = self.encoder.borrow_mut().take() {
            self.queue.submit([encoder.finish()]);
        }
        self.free_uniforms.borrow_mut().append(&mut self.in_flight_uniforms.borrow_mut());
        self.pending.set(0);
    }

    /// Writes host numbers into a buffer, after everything already recorded.
    pub fn write(&self, buffer: &wgpu::Buffer, bytes: &[u8]) {
        self.flush();
        self.queue.write_buffer(buffer, 0, bytes);
    }

    /// Records one dispatch of `entry_point` with the given `info` words and buffers.
    pub fn dispatch(&self, entry_point: &str, info: &[u32], reads: &[&wgpu::Buffer], writes: &[&wgpu::Buffer], groups: (u32, u32, u32)) {
        let kernel = &self.kernels[entry_point];
        assert!(reads.len() <= kernel.reads && writes.len() <= kernel.writes, "{entry_point}: too many buffers");
        assert!(info.len() <= INFO_WORDS);
        let mut words = [0u32; INFO_WORDS];
        words[..info.len()].copy_from_slice(info);
        let uniform = self.free_uniforms.borrow_mut().pop().unwrap_or_else(|| {
            self.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("info"),
                size: (INFO_WORDS * 4) as u64,
                usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            })
        });
        // Safe to write now: this uniform is used by no recorded dispatch.
        self.queue.write_buffer(&uniform, 0, bytemuck::cast_slice(&words));

        let mut entries = vec![wgpu::BindGroupEntry { binding: 0, resource: uniform.as_entire_binding() }];
        for i in 0..kernel.reads {
            let buffer = reads.get(i).copied().unwrap_or(&self.unused_read);
            entries.push(wgpu::BindGroupEntry { binding: 1 + i as u32, resource: buffer.as_entire_binding() });
        }
        for i in 0..kernel.writes {
            let buffer = writes.get(i).copied().unwrap_or(&self.unused_writes[i]);
            entries.push(wgpu::BindGroupEntry { binding: (1 + kernel.reads + i) as u32, resource: buffer.as_entire_binding() });
        }
        let bind_group = self.device.create_bind_group(&wgpu::BindGroupDescriptor { label: None, layout: &kernel.layout, entries: &entries });
        self.record(|encoder| {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor { label: Some(entry_point), timestamp_writes: None });
            pass.set_pipeline(&kernel.pipeline);
            pass.set_bind_group(0, &bind_group, &[]);
            pass.dispatch_workgroups(groups.0, groups.1, groups.2);
        });
        self.in_flight_uniforms.borrow_mut().push(uniform);
        self.pending.set(self.pending.get() + 1);
        if self.pending.get() >= MAX_PENDING {
            self.flush();
        }
    }
}
