//! A Text run as the page shows it: the figures, the curves, the checks on the 2,500 validation
//! reviews (worked through a few milliseconds a frame, so typing never waits) that choose the
//! model and stop training early, the one test score of the model kept, and where it trains: in the background worker (`worker_run.rs`), or on the page's thread, a slice per
//! frame, when the worker cannot start or fails.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use super::choosing::Best;
use super::model::Weights;
use super::trainer::{Evaluation, Score, StepResult, Trainer, CHECK_EVERY};
use super::Settings;
use crate::ui::training::{now, play, Ended, Hooks, SLICE_MILLISECONDS};
use crate::ui::gpu_training::{open_chosen_gpu, say_gpu_lost, GpuEnded};
use crate::ui::{GpuChoice, Thread};
use crate::ui::worker_client::{train_in_worker_or_say_why, TrainingWorker};
use crate::data::ImdbSet;
use crate::engine::training::{Diverged, Driver, Flow, RateMeter, Slice, Snapshot};
use crate::engine::CpuBackend;

mod checks;

use checks::CHECK_MILLISECONDS;

pub(super) type SharedTrainer = Rc<RefCell<Option<Trainer<CpuBackend>>>>;

/// Training loss and accuracy, averaged over the steps since the previous point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct TrainPoint {
    pub step: u32,
    pub loss: f64,
    pub accuracy: f64,
}

impl crate::lessons::shared::curve_points::Mergeable for TrainPoint {
    fn merge(self, later: Self) -> Self {
        TrainPoint { step: later.step, loss: (self.loss + later.loss) / 2.0, accuracy: (self.accuracy + later.accuracy) / 2.0 }
    }
}

/// The training steps since the last point: each step's mean loss (finite ones), and the
/// reviews the steps had right before stepping, of how many.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Window {
    pub loss_sum: f64,
    pub steps: u32,
    pub correct: usize,
    pub reviews: usize,
}

impl Window {
    /// Adds one step's report (a loss that is not a number is left out of the mean).
    pub fn add(&mut self, result: &StepResult) {
        if result.loss.is_finite() {
            self.loss_sum += result.loss;
            self.steps += 1;
        }
        self.correct += result.correct;
        self.reviews += result.reviews;
    }

    /// The point at `step`: the mean of the steps' losses, and the share of reviews right.
    fn point(&self, step: u32) -> Option<TrainPoint> {
        (self.steps > 0 && self.reviews > 0).then(|| TrainPoint { step, loss: self.loss_sum / self.steps as f64, accuracy: self.correct as f64 / self.reviews as f64 })
    }
}

/// A validation check in progress: the training time at which its weights were copied, and the
/// whole run then (weights, optimiser, place in the epochs), kept if the check is the best.
struct Check {
    evaluation: Evaluation,
    seconds: f64,
    snapshot: Snapshot,
}

/// The run at its best validation check, and its weights.
pub(super) type BestModel = Rc<(Snapshot, Arc<Weights>)>;

/// Everything the page shows of the run, and the run itself (the trainer, on the page or as the
/// worker's mirror). Copy: every field is a signal or a stored value.
#[derive(Clone, Copy)]
pub(super) struct Run {
    pub set: RwSignal<Option<Arc<ImdbSet>>>,
    pub settings: RwSignal<Settings>,
    pub trainer: StoredValue<SharedTrainer, LocalStorage>,
    /// Checks waiting to be worked through, oldest first.
    checks: StoredValue<Rc<RefCell<VecDeque<Check>>>, LocalStorage>,
    pub running: RwSignal<bool>,
    pub train_points: RwSignal<Vec<TrainPoint>>,
    pub validation_points: RwSignal<Vec<Score>>,
    pub steps: RwSignal<u32>,
    pub epoch: RwSignal<usize>,
    pub position: RwSignal<usize>,
    pub reviews_per_second: RwSignal<f64>,
    pub seconds: RwSignal<f64>,
    pub problem: RwSignal<Option<String>>,
    /// The weights at the last check.
    pub weights: RwSignal<Option<Arc<Weights>>>,
    /// The one test check of the model kept when training stopped, and its probabilities.
    pub test_score: RwSignal<Option<Score>>,
    pub test_probabilities: RwSignal<Option<Arc<Vec<f32>>>>,
    /// The best validation check so far, and the run as it was then.
    pub best: RwSignal<Option<Best>>,
    best_model: StoredValue<Option<BestModel>, LocalStorage>,
    /// Train on past the best check (the learner's switch); otherwise stop an epoch after it.
    pub keep_training: RwSignal<bool>,
    /// The step at which training stopped early (the model is then back at its best).
    pub stopped_early: RwSignal<Option<u32>>,
    pub thread: RwSignal<Thread>,
    /// Whether to train on the GPU, and what happened if it was lost.
    pub gpu: GpuChoice,
    /// A run is in flight (training, or its last report is on its way after a pause): the run
    /// can be changed on the page only once it is false.
    pub busy: RwSignal<bool>,
    /// Bumped by reset and by a loaded model: a run from before stops without writing.
    generation: StoredValue<u64>,
    /// When the panels below the curves were last given new weights (see [`Run::show`]).
    weights_shown: StoredValue<f64>,
    /// The newest weights not shown yet, for when training stops.
    unshown: StoredValue<Option<Arc<Weights>>>,
    worker: StoredValue<Option<TrainingWorker>, LocalStorage>,
}

impl Run {
    pub fn new(set: RwSignal<Option<Arc<ImdbSet>>>, settings: RwSignal<Settings>, keep_training: RwSignal<bool>) -> Run {
        Run {
            set,
            settings,
            trainer: StoredValue::new_local(Rc::new(RefCell::new(None))),
            checks: StoredValue::new_local(Rc::new(RefCell::new(VecDeque::new()))),
            running: RwSignal::new(false),
            train_points: RwSignal::new(Vec::new()),
            validation_points: RwSignal::new(Vec::new()),
            steps: RwSignal::new(0),
            epoch: RwSignal::new(0),
            position: RwSignal::new(0),
            reviews_per_second: RwSignal::new(0.0),
            seconds: RwSignal::new(0.0),
            problem: RwSignal::new(None),
            weights: RwSignal::new(None),
            test_score: RwSignal::new(None),
            test_probabilities: RwSignal::new(None),
            best: RwSignal::new(None),
            best_model: StoredValue::new_local(None),
            keep_training,
            stopped_early: RwSignal::new(None),
            thread: RwSignal::new(Thread::Idle),
            gpu: GpuChoice::new(),
            busy: RwSignal::new(false),
            generation: StoredValue::new(0),
            weights_shown: StoredValue::new(f64::NEG_INFINITY),
            unshown: StoredValue::new(None),
            worker: StoredValue::new_local(None),
        }
    }

    pub fn reset(self) {
        self.running.set(false);
        self.generation.update_value(|g| *g += 1);
        self.trainer.get_value().borrow_mut().take();
        self.checks.get_value().borrow_mut().clear();
        self.unshown.set_value(None);
        self.train_points.set(Vec::new());
        self.validation_points.set(Vec::new());
        self.weights.set(None);
        self.test_score.set(None);
        self.test_probabilities.set(None);
        self.best.set(None);
        self.best_model.set_value(None);
        self.stopped_early.set(None);
        self.steps.set(0);
        self.epoch.set(0);
        self.position.set(0);
        self.reviews_per_second.set(0.0);
        self.seconds.set(0.0);
        self.problem.set(None);
        self.gpu.lost.set(None); // the notice was about the run just reset; the header keeps saying it
    }

    /// A model loaded from a file or this browser's storage becomes the run.
    pub fn load(self, w: Weights) {
        let Some(s) = self.set.get_untracked() else { return };
        self.reset();
        let shaped = w.settings(&self.settings.get_untracked());
        self.settings.set(shaped.clone());
        *self.trainer.get_value().borrow_mut() = Some(Trainer::with_weights(&CpuBackend::new(), shaped, &s, &w));
        self.check_now();
    }

    /// The validation check of the model the page holds: the one at its step (after going back
    /// to the best model, an earlier one), else the latest.
    pub fn validation_now(self) -> Option<Score> {
        let step = self.steps.get();
        self.validation_points.with(|p| p.iter().rev().find(|p| p.step == step).or(p.last()).copied())
    }

    pub(super) fn place(self, steps: u32, epoch: usize, position: usize) {
        self.steps.set(steps);
        self.epoch.set(epoch);
        self.position.set(position);
    }

    pub(super) fn stop_for(self, diverged: Diverged) {
        self.running.set(false);
        self.problem.set(Some(diverged.message(
            "The loss",
            "step",
            "the learning rate is too large. Training has stopped; the curves so far are kept. Lower the learning rate and start over.",
        )));
    }

    /// Trains from where the run is until paused: in the background worker, or on the page's
    /// thread if the worker cannot start or fails (from the last whole copy it sent).
    pub fn train(self) {
        if self.busy.get_untracked() {
            return; // the paused run's last report is on its way; the button says so
        }
        let Some(s) = self.set.get_untracked() else { return };
        self.problem.set(None);
        self.stopped_early.set(None);
        // After going back to the best model, the curves go on from there.
        let from = self.steps.get_untracked();
        self.train_points.update(|p| p.retain(|p| p.step <= from));
        self.validation_points.update(|p| p.retain(|p| p.step <= from));
        self.running.set(true);
        self.busy.set(true);
        wasm_bindgen_futures::spawn_local(async move {
            let cell = self.trainer.get_value();
            if cell.borrow().is_none() {
                *cell.borrow_mut() = Some(Trainer::new(&CpuBackend::new(), self.settings.get_untracked(), &s));
                self.start_check(); // the untrained model's validation accuracy: the first point
            }
            let started = self.generation.get_value();
            let current = move || self.generation.get_value() == started;
            // On the GPU when it is offered and chosen; if it is lost, on in the worker from
            // the mirror's last copy.
            if let Some(adapter) = self.gpu.chosen_now() {
                if !self.train_on_gpu(adapter, &s, current).await {
                    if current() {
                        self.check_after_stop();
                    }
                    self.busy.set(false);
                    return;
                }
                if !self.running.get_untracked() || !current() {
                    self.busy.set(false);
                    return;
                }
            }
            self.thread.set(Thread::Worker(None));
            let fell_back = train_in_worker_or_say_why(self.worker, |w| async move { super::worker_run::train_in_worker(self, &w, current).await }, || {
                let cell = self.trainer.get_value();
                let guard = cell.borrow();
                let Some(t) = guard.as_ref() else { return "the start".into() };
                self.thread.set(Thread::Page(None));
                self.place(t.steps(), t.epoch(), t.position());
                self.train_points.update(|p| p.retain(|p| p.step <= t.steps()));
                format!("step {}", t.steps())
            })
            .await;
            if let Some(why) = fell_back {
                self.thread.set(Thread::Page(Some(why)));
                if self.running.get_untracked() && current() {
                    self.train_on_page(&s, current).await;
                }
            }
            if current() {
                self.check_after_stop();
            }
            self.busy.set(false);
        });
    }

    /// Trains on the GPU; returns whether training should go on elsewhere (the GPU could not
    /// open or was lost, and the page says so).
    async fn train_on_gpu(self, adapter: String, s: &ImdbSet, current: impl Fn() -> bool + Copy + 'static) -> bool {
        let Some(backend) = open_chosen_gpu(self.gpu, self.thread, adapter, "the model").await else { return true };
        match super::gpu_run::train_on_gpu(self, s, &backend, current).await {
            GpuEnded::Lost { step, reason } => {
                let from = self.trainer.get_value().borrow().as_ref().map_or(0, |t| t.steps());
                let (epoch, position) = self.trainer.get_value().borrow().as_ref().map_or((0, 0), |t| (t.epoch(), t.position()));
                self.place(from, epoch, position);
                self.train_points.update(|p| p.retain(|p| p.step <= from));
                self.gpu.lost.set(Some(say_gpu_lost("step", step, from, &reason)));
                true
            }
            GpuEnded::Stopped | GpuEnded::Diverged => false,
        }
    }

    /// Follows one report of the worker: the mirror is already restored from its snapshot.
    pub(super) fn on_report(self, report: &crate::worker::protocol::Progress, window: &mut Window, rate: &mut RateMeter, last: &mut f64) {
        Thread::report(self.thread, report.threads);
        self.place(report.steps, report.epoch, report.position);
        self.seconds.update(|t| *t += (now() - *last) / 1000.0);
        *last = now();
        rate.add(report.images, report.milliseconds);
        self.reviews_per_second.set(rate.smoothed());
        window.loss_sum += report.loss_sum;
        window.steps += report.loss_steps;
        window.correct += report.correct;
        window.reviews += report.images;
        if report.check_due {
            self.checkpoint(report.steps, window);
        }
    }

    pub(super) fn on_diverged(self, step: u32, loss: f64) {
        self.steps.set(step); // the counter agrees with the message, which names the step
        self.stop_for(Diverged { step, loss });
    }

    /// The page's own loop: a slice of steps per frame, with a slice of checking before each.
    async fn train_on_page(self, s: &ImdbSet, current: impl Fn() -> bool) {
        let cell = self.trainer.get_value();
        let window = RefCell::new(Window::default());
        let mut last = now();
        let mut driver = Driver::new(SLICE_MILLISECONDS);
        let hooks = Hooks {
            before_slice: || {
                let slice_start = now();
                self.seconds.update(|t| *t += (slice_start - last) / 1000.0);
                last = slice_start;
                self.advance_checks(CHECK_MILLISECONDS);
            },
            after_step: |t: &mut Trainer<CpuBackend>, result: &StepResult| {
                window.borrow_mut().add(result);
                Flow::end_if(t.steps().is_multiple_of(CHECK_EVERY))
            },
            after_slice: |_: &Slice, rate: &RateMeter| {
                self.reviews_per_second.set(rate.smoothed());
                let Some((steps, epoch, position)) = cell.borrow().as_ref().map(|t| (t.steps(), t.epoch(), t.position())) else { return };
                self.place(steps, epoch, position);
                if steps.is_multiple_of(CHECK_EVERY) {
                    self.checkpoint(steps, &mut window.borrow_mut());
                }
            },
        };
        if let Ended::Diverged(d) = play(&cell, s, &mut driver, move || self.running.get_untracked() && current(), hooks).await {
            self.stop_for(d);
        }
    }
}
