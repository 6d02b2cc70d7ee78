//! Training on the page, a few steps per animation frame: on WebGPU when the browser offers
//! it, else on the CPU. The CPU trainer is the lesson's state that every panel reads (drawing,
//! saving, the step-through). A GPU run copies itself into it (a snapshot: weights, Adam's
//! moments, step and place in the epoch) at least every 2 s of training, at every accuracy
//! check and on pause; when the GPU is lost, training goes on on the CPU from that copy.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use super::lesson::Sets;
use super::trainer::{not_learning, DigitsStep, Trainer};
use crate::ui::gpu_training::{play_on_gpu, say_gpu_lost, GpuEnded, GpuHooks};
use crate::ui::training::{next_frame, now, SLICE_MILLISECONDS};
use crate::engine::poll::now_or_never;
use crate::engine::training::{blown_up, Driver, Flow, QueuedSlice, Snapshot};
use crate::engine::webgpu::WebGpuBackend;
use crate::engine::CpuBackend;
use crate::lessons::shared::curve_points::{push_bounded, Mergeable};
use crate::lessons::shared::numbers::fixed;


pub type SharedTrainer = Rc<RefCell<Option<Trainer<CpuBackend>>>>;

/// One point of the loss curve: the step, the mean loss over the steps since the last point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossPoint {
    pub step: u32,
    pub loss: f64,
}

impl Mergeable for LossPoint {
    fn merge(self, later: Self) -> Self {
        LossPoint { step: later.step, loss: (self.loss + later.loss) / 2.0 }
    }
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

impl Report {
    /// Empty curves and no problem, at `steps` steps into epoch `epoch` (0 for a fresh run, the
    /// loaded model's count for a loaded one).
    pub fn start_over_at(self, steps: u32, epoch: usize) {
        self.losses.set(Vec::new());
        self.accuracies.set(Vec::new());
        self.problem.set(None);
        self.steps.set(steps);
        self.epoch.set(epoch);
        self.position.set(0);
    }
}

/// The mean loss over about 20 steps becomes one point of the curve.
#[derive(Default)]
pub(super) struct LossMeter {
    sum: f64,
    count: u32,
}

impl LossMeter {
    /// Adds `count` steps, ending at `step`, whose losses sum to `sum`. A loss that is not a
    /// number, or whose mean has blown up (a step that diverged is added on its own), stops
    /// training with an explanation; returns whether training may go on.
    pub(super) fn add(&mut self, sum: f64, count: u32, step: u32, learning_rate: f32, report: &Report) -> bool {
        if blown_up(sum / count.max(1) as f64) {
            report.running.set(false);
            report.problem.set(Some(format!(
                "The loss became {} at step {step}: the learning rate is too large for this network. \
                 Training has stopped; the curves so far are kept. Lower the learning rate and reset.",
                fixed(sum / count.max(1) as f64, 3)
            )));
            return false;
        }
        self.sum += sum;
        self.count += count;
        if self.count >= 20 {
            let mean = self.sum / self.count as f64;
            report.losses.update(|l| push_bounded(l, LossPoint { step, loss: mean }));
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

/// The CPU is synchronous: the driver reads each loss at once and stops on one that is not a
/// number (the slice's loss sum is then NaN, which stops the run with an explanation).
fn cpu_slice(driver: &mut Driver, t: &mut Trainer<CpuBackend>, sets: &Sets) -> Slice {
    let mut check_due = false;
    let done = driver.run_slice(t, &sets.train, &now, |_, step| {
        check_due = step.check_due;
        Flow::end_if(check_due)
    });
    // The step that diverged is reported on its own, with its loss (see `LossMeter::add`).
    let (steps, loss_sum) = match done.diverged {
        Some(d) => (1, d.loss),
        None => (done.steps, done.loss_sum),
    };
    Slice { steps, loss_sum, images: done.samples, check_due: check_due && done.diverged.is_none() }
}

/// The GPU stopped at `gpu_step`: the CPU goes on from its copy, the curves drop what the CPU
/// did not keep, and the page says so.
fn fall_back(report: &Report, cpu: &SharedTrainer, gpu_step: u32, reason: &str) {
    let Some(from) = rewind(report, cpu) else { return };
    report.device.set(Some(Device::Cpu { why: Some("the GPU stopped responding".into()) }));
    report.gpu_lost.set(Some(say_gpu_lost("step", gpu_step, from, reason)));
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

/// Runs until paused, reset or a model is loaded. `gpu` is the device to train on, if any;
/// `check(images, None)` evaluates the CPU trainer on the first `images` test images.
pub async fn train(sets: Rc<Sets>, cpu: SharedTrainer, gpu: Option<(WebGpuBackend, String)>, report: Report, check: impl Fn(usize, Option<Vec<u8>>)) {
    let generation = report.generation.get_value();
    let current = move || report.generation.get_value() == generation;
    let Some(start) = cpu.borrow().as_ref().map(|t| (now_or_never(t.snapshot()), t.settings.clone())) else { return };
    let (Some(snapshot), settings) = start else { return };
    let mut meter = LossMeter::default();
    if let Some((backend, adapter)) = gpu {
        report.device.set(Some(Device::Gpu { adapter }));
        let mut on_gpu = Trainer::from_snapshot(&backend, settings.clone(), &snapshot);
        let hooks = GpuHooks {
            keep_going: move || report.running.get_untracked(),
            current,
            after_slice: |t: &Trainer<WebGpuBackend>, slice: QueuedSlice<DigitsStep>, seconds: f64| {
                report.samples_per_second.update(|s| *s = smoothed(*s, slice.samples() as f64 / seconds.max(1e-3)));
                report.steps.set(t.steps());
                report.epoch.set(t.epoch());
                report.position.set(t.position());
                // A step that blew up stops the run there, named; else the slice adds up.
                let first = t.steps() - slice.steps.len() as u32;
                if let Some((i, s)) = slice.steps.iter().enumerate().find(|(_, s)| blown_up(s.loss())) {
                    return meter.add(s.loss(), 1, first + i as u32 + 1, settings.learning_rate, &report);
                }
                let sum: f64 = slice.steps.iter().map(|s| s.loss()).sum();
                meter.add(sum, slice.steps.len() as u32, t.steps(), settings.learning_rate, &report)
            },
            restore: |snapshot: &Snapshot, check_due: bool| {
                let position = cpu.borrow_mut().as_mut().map(|t| {
                    t.restore(snapshot);
                    t.position()
                });
                if let (true, Some(position)) = (check_due, position) {
                    check(if position == 0 { sets.test.count } else { 1000 }, None);
                }
            },
        };
        match play_on_gpu(&mut on_gpu, &backend, &sets.train, hooks).await {
            GpuEnded::Lost { step, reason } => {
                fall_back(&report, &cpu, step, &reason);
                meter = LossMeter::default();
            }
            GpuEnded::Stopped | GpuEnded::Diverged => {
                report.busy.set(false);
                return;
            }
        }
    } else if !matches!(report.device.get_untracked(), Some(Device::Cpu { .. })) {
        // On the CPU now: say so, keeping a reason already given (say, the GPU could not open).
        report.device.set(Some(Device::Cpu { why: None }));
    }
    let mut driver = Driver::new(SLICE_MILLISECONDS);
    while report.running.get_untracked() && current() {
        let started = now();
        let (slice, step_now, epoch, position) = {
            let mut guard = cpu.borrow_mut();
            let Some(t) = guard.as_mut() else { break };
            (cpu_slice(&mut driver, t, &sets), t.steps(), t.epoch(), t.position())
        };
        let seconds = (now() - started) / 1000.0;
        if seconds > 0.0 && slice.images > 0 {
            report.samples_per_second.update(|s| *s = smoothed(*s, slice.images as f64 / seconds));
        }
        report.steps.set(step_now);
        report.epoch.set(epoch);
        report.position.set(position);
        if !meter.add(slice.loss_sum, slice.steps, step_now, settings.learning_rate, &report) {
            break;
        }
        if slice.check_due {
            check(if position == 0 { sets.test.count } else { 1000 }, None);
        }
        next_frame().await;
    }
    report.busy.set(false);
}

/// The rate shown: the newest slice's weighs a tenth.
fn smoothed(shown: f64, newest: f64) -> f64 {
    if shown == 0.0 {
        newest
    } else {
        0.9 * shown + 0.1 * newest
    }
}
