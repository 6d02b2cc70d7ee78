//! A GPT run as the page shows it. The model trains only in the background worker: one step of
//! the default model takes longer than a frame (about 150 ms on one core), so training on the
//! page's thread would freeze it. The page keeps the last whole snapshot the worker sent (to
//! resume from, here or in a new worker if this one dies) and the weights its views read,
//! refreshed at every check and on pause, so re-writing the sample and redrawing attention
//! happen every few seconds, not at every report.

use std::cell::{Cell, RefCell};
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
use crate::ui::training::now;
use crate::ui::worker_client::{asset_url, follow, worker_for, Follow, TrainingWorker};
use crate::ui::Thread;
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
            loaded_steps: RwSignal::new(0),
            generation: StoredValue::new(0),
            worker: StoredValue::new_local(None),
        }
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
    fn show(self, snapshot: &Snapshot, step: u32) {
        let Some(book) = self.book.get_untracked() else { return };
        let shape = self.settings.get_untracked().shape(book.vocabulary_size());
        match Weights::from_parameters(shape, &snapshot.parameters) {
            Ok(w) => self.weights.set(Some((Arc::new(w), step))),
            Err(e) => self.problem.set(Some(format!("The model's weights could not be read ({e}). Press Reset to start again."))),
        }
    }

    /// Trains in the worker from the last whole snapshot until paused. If the worker cannot
    /// start or dies, the page says so and keeps that snapshot: Resume starts a new worker.
    pub fn train(self) {
        if self.busy.get_untracked() || self.snapshot.get_value().is_none() {
            return;
        }
        self.problem.set(None);
        self.running.set(true);
        self.busy.set(true);
        self.thread.set(Thread::Worker(None));
        wasm_bindgen_futures::spawn_local(async move {
            let started = self.generation.get_value();
            let current = move || self.generation.get_value() == started;
            let outcome = match worker_for(self.worker) {
                Ok(worker) => self.follow_worker(&worker, current).await,
                Err(e) => Err(format!("the training worker could not start ({e})")),
            };
            if let (Err(why), true) = (outcome, current()) {
                if let Some(w) = self.worker.get_value() {
                    w.terminate();
                }
                self.worker.set_value(None);
                let at = self.snapshot.get_value().map_or(0, |s| s.optimisers.first().map_or(0, |o| o.steps));
                self.steps.set(at);
                self.train_points.update(|p| p.retain(|p| p.0 <= at));
                self.validation_points.update(|p| p.retain(|p| p.0 <= at));
                self.thread.set(Thread::Idle);
                self.problem.set(Some(format!(
                    "Training stopped: {why}. This lesson trains only in the background worker, because one step takes longer than a frame. \
                     The run is kept at step {at}, its last whole copy: press Resume to go on in a new worker."
                )));
            }
            self.running.set(false);
            self.busy.set(false);
        });
    }

    async fn follow_worker(self, worker: &TrainingWorker, current: impl Fn() -> bool + Copy + 'static) -> Result<(), String> {
        let url = asset_url(BOOK_FILE).ok_or("the page has no address for the book")?;
        let settings = serde_json::to_string(&self.settings.get_untracked()).map_err(|e| e.to_string())?;
        let snapshot = self.snapshot.get_value().ok_or("there is no run to train")?;
        let (window, rate, last) = (RefCell::new((0.0, 0u32)), RefCell::new(RateMeter::default()), Cell::new(now()));
        let page = Follow {
            current,
            running: move || self.running.get_untracked(),
            on_progress: |p: Progress, bytes: &[u8]| {
                let snapshot = Snapshot::from_bytes(bytes)?;
                self.seconds.update(|s| *s += (now() - last.get()) / 1000.0);
                last.set(now());
                rate.borrow_mut().add(p.images, p.milliseconds);
                self.tokens_per_second.set(rate.borrow().smoothed());
                Thread::report(self.thread, p.threads);
                self.steps.set(p.steps);
                let mut w = window.borrow_mut();
                (w.0, w.1) = (w.0 + p.loss_sum, w.1 + p.loss_steps);
                if w.1 >= TRAIN_POINT_EVERY || (p.check_due && w.1 > 0) {
                    let point = (p.steps, w.0 / w.1 as f64);
                    self.train_points.update(|t| t.push(point));
                    *w = (0.0, 0);
                }
                if let Some(loss) = p.validation {
                    self.validation_points.update(|v| v.push((p.steps, loss)));
                    if self.best.get_untracked().is_none_or(|(best, _, _)| loss < best) {
                        self.best.set(Some((loss, p.steps, self.seconds.get_untracked())));
                    }
                }
                if p.check_due || p.last {
                    self.show(&snapshot, p.steps);
                }
                if snapshot.is_full() {
                    self.snapshot.set_value(Some(Rc::new(snapshot)));
                }
                Ok(())
            },
            on_diverged: |step: u32, loss: f64, _: &str| {
                self.steps.set(step);
                self.running.set(false);
                self.problem.set(Some(Diverged { step, loss }.message(
                    "The loss",
                    "step",
                    "the learning rate is too large. Training has stopped; the curves so far are kept. Lower the learning rate and start over.",
                )));
            },
        };
        follow(worker, Lesson::Gpt, vec![url], settings, snapshot.to_bytes(), page).await.map_err(|(reason, _)| reason)
    }
}
