//! Training on a device whose reads must be awaited (WebGPU in a browser). A read waits for the
//! GPU to finish everything queued before it, so reading each step's loss would leave the GPU
//! idle between steps. Here a slice queues several steps, each leaving the numbers it reports
//! on the device, and reads them all back in one wait when the slice ends
//! ([`Backend::read_many`]). Every step's numbers still come back, so the NaN stop names the
//! step and the curves are the same as when each loss is read at once.
//!
//! The CPU runs the same code (its reads are complete at once), which is how the native tests
//! check a queued slice against the plain steps.

use std::future::Future;

use super::Snapshot;
use crate::engine::{Backend, Tensor};

/// What one queued step leaves behind.
pub struct Queued<B: Backend, Kept> {
    /// The numbers the step reports, still on the device (its loss first).
    pub read: Vec<Tensor<B>>,
    /// What the step knew on the host that its report needs (say, the batch's labels).
    pub kept: Kept,
    /// Training examples the step used (for the rate meter).
    pub samples: usize,
    /// End the slice after this step: a check is due, which reads the run.
    pub end_slice: bool,
}

/// A learner that can queue its steps without reading anything back.
pub trait QueuedLearner<B: Backend> {
    type Data: ?Sized;
    type Kept;
    /// One step (the next batch, forward, loss, backward, update), nothing read back.
    fn queue_step(&mut self, data: &Self::Data) -> Queued<B, Self::Kept>;
    /// Steps taken so far (the learner's own count: iterations for the GAN).
    fn steps(&self) -> u32;
    /// A whole copy of the run on the host, to carry on elsewhere (the page's mirror).
    fn snapshot(&self) -> impl Future<Output = Snapshot>;
}

/// One step of a slice, read back: `values[i]` holds `Queued::read[i]`'s numbers.
pub struct Stepped<Kept> {
    pub values: Vec<Vec<f32>>,
    pub kept: Kept,
    pub samples: usize,
}

impl<Kept> Stepped<Kept> {
    /// The step's loss: the first number it read back.
    pub fn loss(&self) -> f64 {
        self.values.first().and_then(|v| v.first()).map_or(f64::NAN, |&l| l as f64)
    }
}

/// What a queued slice did.
pub struct QueuedSlice<Kept> {
    pub steps: Vec<Stepped<Kept>>,
    /// The last step asked for a check.
    pub check_due: bool,
}

impl<Kept> QueuedSlice<Kept> {
    pub fn samples(&self) -> usize {
        self.steps.iter().map(|s| s.samples).sum()
    }
}

/// Queues up to `max_steps` steps for at most `budget_milliseconds` (by `clock`), stopping
/// early after a step that asks for a check, then reads every step's numbers in one wait.
pub async fn queued_slice<B: Backend, L: QueuedLearner<B>>(
    learner: &mut L,
    backend: &B,
    data: &L::Data,
    max_steps: u32,
    budget_milliseconds: f64,
    clock: &impl Fn() -> f64,
) -> QueuedSlice<L::Kept> {
    let start = clock();
    let mut queued = Vec::new();
    let mut check_due = false;
    while (queued.len() as u32) < max_steps.max(1) && (queued.is_empty() || clock() - start < budget_milliseconds) {
        let step = learner.queue_step(data);
        check_due = step.end_slice;
        queued.push(step);
        if check_due {
            break;
        }
    }
    let buffers: Vec<(&B::Buffer, usize)> = queued.iter().flat_map(|q| q.read.iter().map(|t| (t.value(), t.len()))).collect();
    let mut values = backend.read_many(&buffers).await.into_iter();
    let steps = queued
        .into_iter()
        .map(|q| Stepped { values: values.by_ref().take(q.read.len()).collect(), kept: q.kept, samples: q.samples })
        .collect();
    QueuedSlice { steps, check_due }
}

/// Queued slices on the CPU, run to the end at once: what the lessons' tests compare with
/// their plain steps.
#[cfg(test)]
pub(crate) fn slices_on_cpu<L: QueuedLearner<crate::engine::CpuBackend>>(learner: &mut L, data: &L::Data, slices: usize, max_steps: u32) -> Vec<Stepped<L::Kept>> {
    let cpu = crate::engine::CpuBackend::new();
    let mut steps = Vec::new();
    for _ in 0..slices {
        let slice = crate::engine::poll::now_or_never(queued_slice(learner, &cpu, data, max_steps, f64::INFINITY, &|| 0.0));
        steps.extend(slice.expect("CPU reads are complete at once").steps);
    }
    steps
}
