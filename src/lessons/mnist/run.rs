//! Training on the page, a few steps per animation frame: on WebGPU when the browser offers
//! it, else on the CPU. The CPU trainer is the lesson's state that every panel reads (drawing,
//! saving, the step-through). A GPU run copies itself into it (a snapshot: weights, Adam's
//! moments, step and place in the epoch) at least every 2 s of training, at every accuracy
//! check and on pause; when the GPU is lost, training goes on on the CPU from that copy.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use super::page::Sets;
use super::trainer::{not_learning, Trainer};
use crate::app::training::{next_frame, now, SLICE_MILLISECONDS};
use crate::engine::poll::now_or_never;
use crate::engine::training::{Driver, Flow};
use crate::engine::webgpu::WebGpuBackend;
use crate::engine::{Backend, CpuBackend};
use crate::lessons::shared::numbers::fixed;

use super::trainer::CHECK_EVERY;
/// A GPU run is copied to the CPU at least this often (milliseconds of training).
const COPY_EVERY_MILLISECONDS: f64 = 2000.0;
/// GPU steps queued before waiting for the GPU: about this many seconds of its work, so the
/// queue never runs far ahead of what the page shows.
const GPU_QUEUE_SECONDS: f64 = 0.1;

pub type SharedTrainer = Rc<RefCell<Option<Trainer<CpuBackend>>>>;

/// One point of the loss curve: the step, the mean loss over the steps since the last point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossPoint {
    pub step: u32,
    pub loss: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AccuracyPoint {
    pub step: u32,
    pub accuracy: f64,
    /// 1,000 images (quick check) or all 10,000 (end of an epoch).
    pub images: usize,
}

/// Where the network trains.
#[derive(Clone, Debug, PartialEq)]
pub enum Device {
    Gpu { adapter: String },
    /// The CPU on the page's thread, and why not the GPU (or the worker) when there is one.
    Cpu { why: Option<String> },
    /// The CPU in the training worker, off the page's thread.
    Worker { threads: u32 },
}

/// The page's signals the loop reports to.
#[derive(Clone, Copy)]
pub struct Report {
    pub running: RwSignal<bool>,
    /// A loop is alive (it may still be copying the GPU's run back after a pause).
    pub busy: RwSignal<bool>,
    pub losses: RwSignal<Vec<LossPoint>>,
    pub accuracies: RwSignal<Vec<AccuracyPoint>>,
    pub steps: RwSignal<u32>,
    pub epoch: RwSignal<usize>,
    pub position: RwSignal<usize>,
    pub samples_per_second: RwSignal<f64>,
    pub problem: RwSignal<Option<String>>,
    pub device: RwSignal<Option<Device>>,
    /// What happened to the GPU, in plain words, once it stopped responding.
    pub gpu_lost: RwSignal<Option<String>>,
    /// Bumped by reset and by loading a model: a loop from before stops without writing.
    pub generation: StoredValue<u64>,
}

/// The mean loss over about 20 steps becomes one point of the curve.
#[derive(Default)]
pub(super) struct LossMeter {
    sum: f64,
    count: u32,
}

impl LossMeter {
    /// Adds `count` steps, ending at `step`, whose losses sum to `sum`. A loss that is not a
    /// number stops training with an explanation; returns whether training may go on.
    pub(super) fn add(&mut self, sum: f64, count: u32, step: u32, learning_rate: f32, report: &Report) -> bool {
        if !sum.is_finite() {
            report.running.set(false);
            report.problem.set(Some(format!(
                "The loss became {} at step {step}: the learning rate is too large for this network. \
                 Training has stopped; the curves so far are kept. Lower the learning rate and reset.",
                fixed(sum, 3)
            )));
            return false;
        }
        self.sum += sum;
        self.count += count;
        if self.count >= 20 {
            let mean = self.sum / self.count as f64;
            report.losses.update(|l| l.push(LossPoint { step, loss: mean }));
            if not_learning(step, mean) && report.problem.get_untracked().is_none() {
                report.problem.set(Some(format!(
                    "After {step} steps the loss is {}, no better than guessing one digit in ten at random \
                     (ln 10 = 2.303): the network is not learning. A learning rate this large ({learning_rate}) knocks the \
                     weights so far that the ReLUs stop firing; a tiny one barely moves them. Try 0.001 and start over.",
                    fixed(mean, 3)
                )));
            }
            *self = LossMeter::default();
        }
        true
    }
}

/// What one slice did.
struct Slice {
    steps: u32,
    loss_sum: f64,
    images: usize,
    /// An epoch ended or a check step was reached: evaluate now.
    check_due: bool,
}

/// Steps `t` once; returns the loss tensor, the images it used and whether a check is due.
fn step<B: Backend>(t: &mut Trainer<B>, sets: &Sets) -> (crate::engine::Tensor<B>, usize, bool) {
    let (before, epoch_before) = (t.position(), t.epoch());
    let loss = t.step(&sets.train);
    let ended = t.epoch() > epoch_before;
    let images = if ended { sets.train.count - before } else { t.position() - before };
    (loss, images, ended || t.steps().is_multiple_of(CHECK_EVERY))
}

/// The CPU is synchronous: the driver reads each loss at once and stops on one that is not a
/// number (the slice's loss sum is then NaN, which stops the run with an explanation).
fn cpu_slice(driver: &mut Driver, t: &mut Trainer<CpuBackend>, sets: &Sets) -> Slice {
    let mut check_due = false;
    let done = driver.run_slice(t, &sets.train, &now, |_, step| {
        check_due = step.check_due;
        Flow::end_if(check_due)
    });
    let loss_sum = if done.diverged.is_some() { f64::NAN } else { done.loss_sum };
    Slice { steps: done.steps, loss_sum, images: done.samples, check_due: check_due && done.diverged.is_none() }
}

/// Queues up to `budget` steps on the GPU, summing their losses there, then waits for that one
/// number: the only read of a slice.
async fn gpu_slice(t: &mut Trainer<WebGpuBackend>, backend: &WebGpuBackend, sets: &Sets, budget: u32) -> Slice {
    let start = now();
    let sum = backend.zeros(1);
    let mut slice = Slice { steps: 0, loss_sum: 0.0, images: 0, check_due: false };
    while slice.steps < budget && now() - start < SLICE_MILLISECONDS {
        let (loss, images, check_due) = step(t, sets);
        backend.scale(loss.value(), 1.0, &sum, 1, true);
        slice.steps += 1;
        slice.images += images;
        if check_due {
            slice.check_due = true;
            break;
        }
    }
    slice.loss_sum = backend.read(&sum, 1).await.first().copied().unwrap_or(f32::NAN) as f64;
    slice
}

/// The page's GPU, opened once per visit. For the e2e tests of losing the GPU mid-training,
/// `window.__stepwiseLoseGpu()` destroys the device and `window.__stepwiseGpuError()` makes a
/// real error on it that nobody catches.
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

/// The GPU stopped at `gpu_step`: the CPU goes on from its copy, the curves drop what the CPU
/// did not keep, and the page says so.
fn fall_back(report: &Report, cpu: &SharedTrainer, gpu_step: u32, reason: &str) {
    let Some(from) = rewind(report, cpu) else { return };
    report.device.set(Some(Device::Cpu { why: Some("the GPU stopped responding".into()) }));
    report.gpu_lost.set(Some(format!(
        "The GPU stopped responding at step {gpu_step} ({reason}). Training continues on the CPU from step {from}, \
         the last copy of the network kept on the CPU (it is copied there at least every 2 seconds): the steps since \
         then are taken again, and nothing else is lost."
    )));
    crate::app::compute::gpu_lost(reason);
    web_sys::console::warn_1(&format!("stepwise: GPU lost at step {gpu_step} ({reason}); continuing on the CPU from step {from}").into());
}

/// The page goes back to the CPU trainer's run (the last whole copy of a run that stopped
/// elsewhere): the curves drop what it did not keep, the counters show its place. Returns its step.
pub(super) fn rewind(report: &Report, cpu: &SharedTrainer) -> Option<u32> {
    let (from, epoch, position) = cpu.borrow().as_ref().map(|t| (t.steps(), t.epoch(), t.position()))?;
    report.losses.update(|l| l.retain(|p| p.step <= from));
    report.accuracies.update(|a| a.retain(|p| p.step <= from));
    report.steps.set(from);
    report.epoch.set(epoch);
    report.position.set(position);
    report.samples_per_second.set(0.0);
    Some(from)
}

/// What copying the GPU's run into the CPU trainer found.
enum Copied {
    Done,
    /// The GPU was lost: nothing was copied, the CPU keeps its last copy.
    Lost(String),
    /// Reset or a loaded model replaced the run meanwhile: nothing was copied.
    Stale,
}

async fn copy_back(t: &Trainer<WebGpuBackend>, backend: &WebGpuBackend, cpu: &SharedTrainer, current: &impl Fn() -> bool) -> Copied {
    let snapshot = t.snapshot().await;
    if !current() {
        return Copied::Stale;
    }
    if let Some(reason) = backend.lost() {
        return Copied::Lost(reason);
    }
    if let Some(t) = cpu.borrow_mut().as_mut() {
        t.restore(&snapshot);
    }
    Copied::Done
}

/// Runs until paused, reset or a model is loaded. `gpu` is the device to train on, if any;
/// `check(images, None)` evaluates the CPU trainer on the first `images` test images.
pub async fn train(sets: Rc<Sets>, cpu: SharedTrainer, gpu: Option<(WebGpuBackend, String)>, report: Report, check: impl Fn(usize, Option<Vec<u8>>)) {
    let generation = report.generation.get_value();
    let current = move || report.generation.get_value() == generation;
    let Some(start) = cpu.borrow().as_ref().map(|t| (now_or_never(t.snapshot()), t.settings.clone())) else { return };
    let (Some(snapshot), settings) = start else { return };
    let mut on_gpu = gpu.map(|(backend, adapter)| {
        report.device.set(Some(Device::Gpu { adapter }));
        (Trainer::from_snapshot(&backend, settings.clone(), &snapshot), backend)
    });
    // On the CPU now: say so, keeping a reason already given (say, the GPU could not open).
    if on_gpu.is_none() && !matches!(report.device.get_untracked(), Some(Device::Cpu { .. })) {
        report.device.set(Some(Device::Cpu { why: None }));
    }
    let mut meter = LossMeter::default();
    let mut driver = Driver::new(SLICE_MILLISECONDS);
    let mut last_copy = now();
    let mut budget = 2u32;

    while report.running.get_untracked() && current() {
        let started = now();
        let (slice, step_now, epoch, position) = match &mut on_gpu {
            Some((t, backend)) => {
                let slice = gpu_slice(t, backend, &sets, budget).await;
                if !current() {
                    return;
                }
                if let Some(reason) = backend.lost() {
                    fall_back(&report, &cpu, t.steps(), &reason);
                    on_gpu = None;
                    meter = LossMeter::default();
                    continue;
                }
                let seconds = (now() - started) / 1000.0;
                budget = ((slice.steps as f64 / seconds.max(1e-3)) * GPU_QUEUE_SECONDS).clamp(1.0, 64.0) as u32;
                (slice, t.steps(), t.epoch(), t.position())
            }
            None => {
                let mut guard = cpu.borrow_mut();
                let Some(t) = guard.as_mut() else { break };
                (cpu_slice(&mut driver, t, &sets), t.steps(), t.epoch(), t.position())
            }
        };
        let seconds = (now() - started) / 1000.0;
        if seconds > 0.0 && slice.images > 0 {
            let rate = slice.images as f64 / seconds;
            report.samples_per_second.update(|s| *s = if *s == 0.0 { rate } else { 0.9 * *s + 0.1 * rate });
        }
        report.steps.set(step_now);
        report.epoch.set(epoch);
        report.position.set(position);
        if !meter.add(slice.loss_sum, slice.steps, step_now, settings.learning_rate, &report) {
            break;
        }
        if let Some((t, backend)) = &on_gpu {
            if slice.check_due || now() - last_copy >= COPY_EVERY_MILLISECONDS {
                match copy_back(t, backend, &cpu, &current).await {
                    Copied::Done => last_copy = now(),
                    Copied::Stale => return,
                    Copied::Lost(reason) => {
                        fall_back(&report, &cpu, t.steps(), &reason);
                        on_gpu = None;
                        meter = LossMeter::default();
                        continue;
                    }
                }
            }
        }
        if slice.check_due {
            check(if position == 0 { sets.test.count } else { 1000 }, None);
        }
        next_frame().await;
    }
    // Paused: the CPU copy becomes the whole run, for drawing, saving and the step-through.
    if let Some((t, backend)) = &on_gpu {
        match copy_back(t, backend, &cpu, &current).await {
            Copied::Done => {}
            Copied::Stale => return,
            Copied::Lost(reason) => fall_back(&report, &cpu, t.steps(), &reason),
        }
    }
    report.busy.set(false);
}
