//! A GPT run as the page shows it. The model trains only on the GPU (queued from the page, see
//! `gpu_run.rs`) or in the background worker: one step of the default model takes longer than
//! a frame (about 150 ms on one core), so training on the page's thread would freeze it. The
//! page keeps the last whole snapshot it was sent (to resume from, here or in a new worker if
//! this one dies or the GPU is lost) and the weights its views read, refreshed at every check
//! and on pause, so re-writing the sample and redrawing attention happen every few seconds,
//! not at every report.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use super::inside::Weights;
use super::saving::Saved;
use super::settings::Settings;
use super::trainer::GptTrainer;
use crate::data::{BookSet, BOOK_FILE};
use crate::engine::poll::now_or_never;
use crate::engine::training::{Diverged, RateMeter, Snapshot};
use crate::engine::CpuBackend;
use crate::lessons::shared::curve_points::push_bounded;
use crate::ui::download::{load_asset, Dataset};
use crate::ui::gpu_training::{open_chosen_gpu, say_gpu_lost, GpuEnded};
use crate::ui::training::now;
use crate::ui::worker_client::{asset_url, follow, worker_for, Follow, TrainingWorker};
use crate::ui::{GpuChoice, Thread};
use crate::worker::protocol::{Lesson, Progress};

/// A training point: the mean loss of the steps since the point before, or the validation
/// loss at a check.
pub(super) type Point = (u32, f64);

/// Training points are drawn every this many steps (and at every check).
const TRAIN_POINT_EVERY: u32 = 10;

#[derive(Clone, Copy)]
pub(super) struct Run {
    pub book: RwSignal<Option<Arc<BookSet>>>,
    pub settings: RwSignal<Settings>,
    /// The last whole snapshot: where Resume starts from.
    snapshot: StoredValue<Option<Rc<Snapshot>>, LocalStorage>,
    /// The weights the views read, and the step they are from.
    pub weights: RwSignal<Option<(Arc<Weights>, u32)>>,
    pub running: RwSignal<bool>,
    pub busy: RwSignal<bool>,
    pub steps: RwSignal<u32>,
    pub seconds: RwSignal<f64>,
    pub tokens_per_second: RwSignal<f64>,
    pub train_points: RwSignal<Vec<Point>>,
    pub validation_points: RwSignal<Vec<Point>>,
    /// The lowest validation loss so far: (loss, step, seconds of training).
    pub best: RwSignal<Option<(f64, u32, f64)>>,
    pub problem: RwSignal<Option<String>>,
    pub thread: RwSignal<Thread>,
    pub gpu: GpuChoice,
    /// Steps the model had trained before it was loaded from a file (0 for a fresh one).
    pub loaded_steps: RwSignal<u32>,
    generation: StoredValue<u64>,
    worker: StoredValue<Option<TrainingWorker>, LocalStorage>,
}

impl Run {
    pub fn new(book: RwSignal<Option<Arc<BookSet>>>, settings: RwSignal<Settings>) -> Run {
        Run {
            book,
            settings,
            snapshot: StoredValue::new_local(None),
            weights: RwSignal::new(None),
            running: RwSignal::new(false),
            busy: RwSignal::new(false),
            steps: RwSignal::new(0),
            seconds: RwSignal::new(0.0),
            tokens_per_second: RwSignal::new(0.0),
            train_points: RwSignal::new(Vec::new()),
            validation_points: RwSignal::new(Vec::new()),
            best: RwSignal::new(None),
            problem: RwSignal::new(None),
            thread: RwSignal::new(Thread::Idle),
            gpu: GpuChoice::new(),
            loaded_steps: RwSignal::new(0),
            generation: StoredValue::new(0),
            worker: StoredValue::new_local(None),
        }
    }

    /// Downloads the book (again, after a failure). When it is in, `first` sees it, the run
    /// starts fresh from the settings, and `then` follows.
    pub fn load_book(self, data: RwSignal<Dataset>, first: impl FnOnce(&BookSet) + 'static, then: impl FnOnce() + 'static) {
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(loaded) = load_asset(data, BOOK_FILE, BookSet::decode).await {
                first(&loaded);
                self.book.set(Some(Arc::new(loaded)));
                self.reset();
                then();
            }
        });
    }

    /// A fresh, untrained model from the settings and seed: its snapshot and its weights (what
    /// the views show before training). Refused, with the estimate, if it is too big.
    pub fn reset(self) {
        self.running.set(false);
        self.generation.update_value(|g| *g += 1);
        self.train_points.set(Vec::new());
        self.validation_points.set(Vec::new());
        self.best.set(None);
        self.steps.set(0);
        self.seconds.set(0.0);
        self.tokens_per_second.set(0.0);
        self.problem.set(None);
        self.gpu.lost.set(None); // the notice was about the run just reset; the header keeps saying it
        self.loaded_steps.set(0);
        self.snapshot.set_value(None);
        self.weights.set(None);
        let Some(book) = self.book.get_untracked() else { return };
        let settings = self.settings.get_untracked();
        if let Some(why) = settings.too_big(book.vocabulary_size()) {
            self.problem.set(Some(why));
            return;
        }
        let fresh = GptTrainer::new(&CpuBackend::new(), settings.shape(book.vocabulary_size()), settings.training());
        if let Some(snapshot) = now_or_never(fresh.snapshot()) {
            self.show(&snapshot, 0);
            self.snapshot.set_value(Some(Rc::new(snapshot)));
        }
    }

    /// A model from a file becomes the run: its shape becomes the settings (the run's batch,
    /// learning rate and seed stay), its weights the start, with a fresh AdamW.
    pub fn load(self, saved: Saved) {
        let shape = saved.shape;
        self.settings.update(|s| (s.layers, s.heads, s.width, s.context, s.tied) = (shape.layers, shape.heads, shape.width, shape.context, shape.tied));
        self.reset();
        let trainer = GptTrainer::new(&CpuBackend::new(), shape, self.settings.get_untracked().training());
        trainer.restore_weights(&saved.parameters);
        if let Some(snapshot) = now_or_never(trainer.snapshot()) {
            self.show(&snapshot, 0);
            self.snapshot.set_value(Some(Rc::new(snapshot)));
        }
        self.loaded_steps.set(saved.steps);
    }

    /// The last whole snapshot of the run (where Resume and fine-tuning start).
    pub fn whole_snapshot(self) -> Option<Rc<Snapshot>> {
        self.snapshot.get_value()
    }

    pub fn worker_store(self) -> StoredValue<Option<TrainingWorker>, LocalStorage> {
        self.worker
    }

    /// After the worker failed: the next run starts a new one.
    pub fn forget_worker(self) {
        self.worker.set_value(None);
    }

    /// The views read `snapshot`'s weights from now on.
    pub(super) fn show(self, snapshot: &Snapshot, step: u32) {
        let Some(book) = self.book.get_untracked() else { return };
        let shape = self.settings.get_untracked().shape(book.vocabulary_size());
        match Weights::from_parameters(shape, &snapshot.parameters) {
            Ok(w) => self.weights.set(Some((Arc::new(w), step))),
            Err(e) => self.problem.set(Some(format!("The model's weights could not be read ({e}). Press Reset to start again."))),
        }
    }

    /// Trains from the last whole snapshot until paused: on the GPU when it is offered and
    /// chosen, else (or once it is lost) in the worker. If the worker cannot start or dies, the
    /// page says so and keeps that snapshot: Resume starts a new worker.
    pub fn train(self) {
        if self.busy.get_untracked() || self.snapshot.get_value().is_none() {
            return;
        }
        self.problem.set(None);
        self.running.set(true);
        self.busy.set(true);
        wasm_bindgen_futures::spawn_local(async move {
            let started = self.generation.get_value();
            let current = move || self.generation.get_value() == started;
            if let Some(adapter) = self.gpu.chosen_now() {
                let carry_on = self.train_on_gpu(adapter, current).await;
                if !carry_on || !self.running.get_untracked() || !current() {
                    self.busy.set(false);
                    return;
                }
            }
            self.thread.set(Thread::Worker(None));
            let outcome = match worker_for(self.worker) {
                Ok(worker) => self.follow_worker(&worker, current).await,
                Err(e) => Err(format!("the training worker could not start ({e})")),
            };
            if let (Err(why), true) = (outcome, current()) {
                if let Some(w) = self.worker.get_value() {
                    w.terminate();
                }
                self.worker.set_value(None);
                let at = self.rewind();
                self.thread.set(Thread::Idle);
                self.problem.set(Some(format!(
                    "Training stopped: {why}. This lesson trains only in the background worker or on the GPU, because one step takes longer than a frame. \
                     The run is kept at step {at}, its last whole copy: press Resume to go on in a new worker."
                )));
            }
            self.running.set(false);
            self.busy.set(false);
        });
    }

    /// Trains on the GPU; returns whether training should go on in the worker (the GPU could
    /// not open or was lost, and the page says so).
    async fn train_on_gpu(self, adapter: String, current: impl Fn() -> bool + Copy + 'static) -> bool {
        let Some(backend) = open_chosen_gpu(self.gpu, self.thread, adapter, "the model").await else { return true };
        match super::gpu_run::train_on_gpu(self, &backend, current).await {
            GpuEnded::Lost { step, reason } => {
                let from = self.rewind();
                self.gpu.lost.set(Some(say_gpu_lost("step", step, from, &reason)));
                true
            }
            GpuEnded::Stopped | GpuEnded::Diverged => false,
        }
    }

    /// The run goes back to its last whole snapshot (after its trainer was lost): the step
    /// count and the curves beyond it are dropped. Returns that step.
    fn rewind(self) -> u32 {
        let at = self.snapshot.get_value().map_or(0, |s| s.optimisers.first().map_or(0, |o| o.steps));
        self.steps.set(at);
        self.train_points.update(|p| p.retain(|p| p.0 <= at));
        self.validation_points.update(|p| p.retain(|p| p.0 <= at));
        at
    }

    /// A whole snapshot of the run from its trainer: where Resume starts from.
    pub(super) fn keep(self, snapshot: Snapshot) {
        self.snapshot.set_value(Some(Rc::new(snapshot)));
    }

    /// `samples` characters trained on in `milliseconds`: the clock and the speed.
    pub(super) fn tick(self, samples: usize, milliseconds: f64, clock: &mut Clock) {
        self.seconds.update(|s| *s += (now() - clock.last) / 1000.0);
        clock.last = now();
        clock.rate.add(samples, milliseconds);
        self.tokens_per_second.set(clock.rate.smoothed());
    }

    /// Steps up to `steps`, `loss_steps` of them with losses adding to `loss_sum`, and the
    /// validation loss if one was measured (at the step given): the counters and the curves.
    pub(super) fn record(self, steps: u32, (loss_sum, loss_steps): (f64, u32), check_due: bool, validation: Option<(u32, f64)>, window: &mut (f64, u32)) {
        self.steps.set(steps);
        (window.0, window.1) = (window.0 + loss_sum, window.1 + loss_steps);
        if window.1 >= TRAIN_POINT_EVERY || (check_due && window.1 > 0) {
            let point = (steps, window.0 / window.1 as f64);
            self.train_points.update(|t| push_bounded(t, point));
            *window = (0.0, 0);
        }
        if let Some((at, loss)) = validation {
            self.validation_points.update(|v| push_bounded(v, (at, loss)));
            if self.best.get_untracked().is_none_or(|(best, _, _)| loss < best) {
                self.best.set(Some((loss, at, self.seconds.get_untracked())));
            }
        }
    }

    /// The loss stopped being a number at `step`: training stops, and the page says why.
    pub(super) fn diverged(self, step: u32, loss: f64) {
        self.steps.set(step);
        self.running.set(false);
        self.problem.set(Some(Diverged { step, loss }.message(
            "The loss",
            "step",
            "the learning rate is too large. Training has stopped; the curves so far are kept. Lower the learning rate and start over.",
        )));
    }

    async fn follow_worker(self, worker: &TrainingWorker, current: impl Fn() -> bool + Copy + 'static) -> Result<(), String> {
        let url = asset_url(BOOK_FILE).ok_or("the page has no address for the book")?;
        let settings = serde_json::to_string(&self.settings.get_untracked()).map_err(|e| e.to_string())?;
        let snapshot = self.snapshot.get_value().ok_or("there is no run to train")?;
        let (window, clock) = (RefCell::new((0.0, 0u32)), RefCell::new(Clock::default()));
        let page = Follow {
            current,
            running: move || self.running.get_untracked(),
            on_progress: |p: Progress, bytes: &[u8]| {
                let snapshot = Snapshot::from_bytes(bytes)?;
                self.tick(p.images, p.milliseconds, &mut clock.borrow_mut());
                Thread::report(self.thread, p.threads);
                self.record(p.steps, (p.loss_sum, p.loss_steps), p.check_due, p.validation.map(|v| (p.steps, v)), &mut window.borrow_mut());
                if p.check_due || p.last {
                    self.show(&snapshot, p.steps);
                }
                if snapshot.is_full() {
                    self.keep(snapshot);
                }
                Ok(())
            },
            on_diverged: |step: u32, loss: f64, _: &str| self.diverged(step, loss),
        };
        follow(worker, Lesson::Gpt, vec![url], settings, snapshot.to_bytes(), page).await.map_err(|(reason, _)| reason)
    }
}

/// The training clock of one stretch of training: the speed, and when it last moved.
pub(super) struct Clock {
    rate: RateMeter,
    last: f64,
}

impl Default for Clock {
    fn default() -> Self {
        Clock { rate: RateMeter::default(), last: now() }
    }
}
