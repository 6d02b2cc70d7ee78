//! Training on the GPU (WebGPU) from the page, for every training lesson. The page's thread only
//! queues work: a slice queues steps for about 12 ms and reads all their numbers back in one
//! wait (`engine::training::queued`), so the page keeps painting while the GPU computes.
//!
//! The lesson's CPU model stays the run every panel reads (the mirror): the GPU's run is copied
//! into it at least every 2 s of training, at every check step and on pause. When the GPU is
//! lost, the lesson carries on on the CPU from that copy, and says so.

use leptos::prelude::*;

use super::training::{next_frame, now, SLICE_MILLISECONDS};
use super::where_training::{GpuChoice, Thread};
use crate::engine::training::{queued_slice, QueuedLearner, QueuedSlice, Snapshot};
use crate::engine::webgpu::WebGpuBackend;

/// A GPU run is copied to the page's mirror at least this often (milliseconds of training).
const COPY_EVERY_MILLISECONDS: f64 = 2000.0;
/// Steps queued before waiting for the GPU: about this many seconds of its work, so the queue
/// never runs far ahead of what the page shows.
const GPU_QUEUE_SECONDS: f64 = 0.1;

/// The page's GPU, opened once per visit of a lesson. For the e2e tests of losing the GPU
/// mid-training, `window.__stepwiseLoseGpu()` destroys the device and
/// `window.__stepwiseGpuError()` makes a real error on it that nobody catches.
pub async fn open_gpu(store: StoredValue<Option<WebGpuBackend>, LocalStorage>) -> Result<WebGpuBackend, String> {
    if let Some(backend) = store.get_value() {
        return Ok(backend);
    }
    let backend = WebGpuBackend::new().await?;
    store.set_value(Some(backend.clone()));
    let hooks: [(&str, fn(&WebGpuBackend)); 2] = [("__stepwiseLoseGpu", WebGpuBackend::lose), ("__stepwiseGpuError", WebGpuBackend::provoke_error)];
    for (name, act) in hooks {
        let hook_backend = backend.clone();
        let hook = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || act(&hook_backend));
        if let Some(window) = web_sys::window() {
            let _ = js_sys::Reflect::set(&window, &name.into(), hook.as_ref());
        }
        hook.forget(); // two small closures per page visit
    }
    Ok(backend)
}

/// The GPU the learner chose (`adapter`), opened: the lesson then says it trains there. When it
/// cannot open, the page says why and that `what` ("the model") trains on the CPU instead.
pub async fn open_chosen_gpu(gpu: GpuChoice, thread: RwSignal<Thread>, adapter: String, what: &str) -> Option<WebGpuBackend> {
    match open_gpu(gpu.device).await {
        Ok(backend) => {
            thread.set(Thread::Gpu(adapter));
            Some(backend)
        }
        Err(error) => {
            gpu.lost.set(Some(format!("The GPU could not be opened ({error}), so {what} trains on the CPU.")));
            None
        }
    }
}

/// Why [`play_on_gpu`] returned. In every case but `Lost` the mirror holds the whole run.
#[derive(Clone, Debug, PartialEq)]
pub enum GpuEnded {
    /// Paused, or reset meanwhile (then nothing was written).
    Stopped,
    /// A loss was not a number; the lesson has stopped the run and said why.
    Diverged,
    /// The GPU stopped responding at this step; the mirror holds the last copy.
    Lost { step: u32, reason: String },
}

/// What a lesson does around the GPU's slices.
pub struct GpuHooks<Keep, Current, AfterSlice, Restore> {
    /// Training goes on (not paused).
    pub keep_going: Keep,
    /// The run is still the page's (not reset or replaced meanwhile).
    pub current: Current,
    /// Each slice's steps, read back, and the seconds it took: the lesson's curves and
    /// counters. `false` when a loss was not a number (the lesson has stopped and said why).
    pub after_slice: AfterSlice,
    /// A whole copy of the GPU's run for the mirror; `true` when the slice ended at a check
    /// step, which the lesson then runs on the mirror.
    pub restore: Restore,
}

/// Trains `learner` (on `backend`) until paused, reset, diverged or the GPU is lost.
pub async fn play_on_gpu<L, Keep, Current, AfterSlice, Restore>(
    learner: &mut L,
    backend: &WebGpuBackend,
    data: &L::Data,
    mut hooks: GpuHooks<Keep, Current, AfterSlice, Restore>,
) -> GpuEnded
where
    L: QueuedLearner<WebGpuBackend>,
    Keep: Fn() -> bool,
    Current: Fn() -> bool,
    AfterSlice: FnMut(&L, QueuedSlice<L::Kept>, f64) -> bool,
    Restore: FnMut(&Snapshot, bool),
{
    let mut budget = 2u32;
    let mut last_copy = now();
    let mut ended = GpuEnded::Stopped;
    while (hooks.keep_going)() && (hooks.current)() {
        let started = now();
        let slice = queued_slice(learner, backend, data, budget, SLICE_MILLISECONDS, &now).await;
        if !(hooks.current)() {
            return GpuEnded::Stopped;
        }
        if let Some(reason) = backend.lost() {
            return GpuEnded::Lost { step: learner.steps(), reason };
        }
        let seconds = (now() - started) / 1000.0;
        budget = ((slice.steps.len() as f64 / seconds.max(1e-3)) * GPU_QUEUE_SECONDS).clamp(1.0, 64.0) as u32;
        let check_due = slice.check_due;
        if !(hooks.after_slice)(learner, slice, seconds) {
            ended = GpuEnded::Diverged;
            break;
        }
        if check_due || now() - last_copy >= COPY_EVERY_MILLISECONDS {
            match copy(learner, backend, &hooks.current).await {
                Copied::Done(snapshot) => (hooks.restore)(&snapshot, check_due),
                Copied::Stale => return GpuEnded::Stopped,
                Copied::Lost(reason) => return GpuEnded::Lost { step: learner.steps(), reason },
            }
            last_copy = now();
        }
        next_frame().await;
    }
    // Stopped: the mirror becomes the whole run, for the panels, saving and stepping.
    match copy(learner, backend, &hooks.current).await {
        Copied::Done(snapshot) => (hooks.restore)(&snapshot, false),
        Copied::Stale => return GpuEnded::Stopped,
        Copied::Lost(reason) => return GpuEnded::Lost { step: learner.steps(), reason },
    }
    ended
}

/// What copying the GPU's run found.
enum Copied {
    Done(Snapshot),
    /// Reset or a loaded model replaced the run meanwhile.
    Stale,
    /// The GPU was lost: the copy is not to be trusted.
    Lost(String),
}

async fn copy<L: QueuedLearner<WebGpuBackend>>(learner: &L, backend: &WebGpuBackend, current: &impl Fn() -> bool) -> Copied {
    let snapshot = learner.snapshot().await;
    if !current() {
        return Copied::Stale;
    }
    match backend.lost() {
        Some(reason) => Copied::Lost(reason),
        None => Copied::Done(snapshot),
    }
}

/// What the page says when the GPU stopped at `at` (a step or iteration, named by `unit`) and
/// the CPU carries on from `from`; the header says so too from now on.
pub fn say_gpu_lost(unit: &str, at: u32, from: u32, reason: &str) -> String {
    super::compute::gpu_lost(reason);
    web_sys::console::warn_1(&format!("stepwise: GPU lost at {unit} {at} ({reason}); continuing on the CPU from {unit} {from}").into());
    format!(
        "The GPU stopped responding at {unit} {at} ({reason}). Training continues on the CPU from {unit} {from}, \
         the last copy of the network kept on the CPU (it is copied there at least every 2 seconds): the {unit}s since \
         then are taken again, and nothing else is lost."
    )
}
