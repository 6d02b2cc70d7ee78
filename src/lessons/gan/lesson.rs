//! The GAN lesson on the page: its data, its run (the page's mirror of the GAN, the judge),
//! what the panels show, and what Train, Reset and a single phase do. The training runs in
//! `worker_run.rs` (the background worker), `gpu_run.rs` (WebGPU) or here, on the page's thread.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::lessons::shared::curve_points::push_bounded;

use super::charts::CurvePoint;
use super::gpu_run::{train_on_gpu, GpuPage};
use super::judge::Verdict;
use super::judge_view::{JudgeState, Judging};
use super::model::{Phase, PhaseReport};
use super::run::{Run, Sets};
use super::worker_run::{train_judge_alongside, GanPage};
use super::Settings;
use crate::lessons::shared::numbers::fixed;
use crate::ui::download::{load_mnist, Dataset};
use crate::ui::gpu_training::{open_chosen_gpu, say_gpu_lost, GpuEnded};
use crate::ui::training::now;
use crate::ui::worker_client::{train_in_worker_or_say_why, TrainingWorker};
use crate::ui::{GpuChoice, Thread};

mod on_page;

/// The sample grid is redrawn at most this often.
const GRID_EVERY_MILLISECONDS: f64 = 600.0;

#[derive(Clone, Copy)]
pub(super) struct GanLesson {
    pub data: RwSignal<Dataset>,
    sets: StoredValue<Option<Rc<Sets>>, LocalStorage>,
    pub settings: RwSignal<Settings>,
    pub run: StoredValue<Rc<RefCell<Option<Run>>>, LocalStorage>,
    judge: StoredValue<Rc<RefCell<JudgeState>>, LocalStorage>,
    pub judging: RwSignal<Judging>,
    pub running: RwSignal<bool>,
    pub iterations: RwSignal<u32>,
    pub epoch: RwSignal<usize>,
    pub curves: RwSignal<Vec<CurvePoint>>,
    pub speed: RwSignal<f64>,
    pub training_seconds: RwSignal<f64>,
    pub problem: RwSignal<Option<String>>,
    pub grid: RwSignal<Vec<f32>>,
    /// A conditional G's drawing of the grid's first noise vector as each digit.
    pub one_of_each: RwSignal<Vec<f32>>,
    pub phase_report: RwSignal<Option<PhaseReport>>,
    /// D's last real and fake losses.
    pub last_losses: RwSignal<(Option<f64>, Option<f64>)>,
    /// (iteration, seconds, verdict, whether the averaged generator was judged)
    pub verdicts: RwSignal<Vec<(u32, f64, Verdict, bool)>>,
    /// Show the averaged generator.
    pub averaged: RwSignal<bool>,
    worker: StoredValue<Option<TrainingWorker>, LocalStorage>,
    /// Where the GAN trains, and why on the page if not in the worker.
    pub thread: RwSignal<Thread>,
    pub gpu: GpuChoice,
    /// Bumped by reset: a run from before stops without writing into the new one.
    generation: StoredValue<u64>,
    /// The worker is still training (or sending its last report after a pause): a phase
    /// stepped on the page now would be overwritten by that report, so stepping waits.
    pub busy: RwSignal<bool>,
    /// The phase a normal iteration runs next.
    pub next_phase: Signal<Phase>,
}

impl GanLesson {
    pub fn new(settings: Settings) -> Self {
        let data = RwSignal::new(Dataset::Loading { received: 0, expected: None });
        let sets: StoredValue<Option<Rc<Sets>>, LocalStorage> = StoredValue::new_local(None);
        let settings = RwSignal::new(settings);
        let run: StoredValue<Rc<RefCell<Option<Run>>>, LocalStorage> = StoredValue::new_local(Rc::new(RefCell::new(None)));
        let judge: StoredValue<Rc<RefCell<JudgeState>>, LocalStorage> = StoredValue::new_local(Rc::new(RefCell::new(JudgeState::default())));
        let judging = RwSignal::new(Judging::Waiting);
        let running = RwSignal::new(false);
        let iterations = RwSignal::new(0u32);
        let epoch = RwSignal::new(0usize);
        let curves = RwSignal::new(Vec::<CurvePoint>::new());
        let speed = RwSignal::new(0.0f64);
        let training_seconds = RwSignal::new(0.0f64);
        let problem = RwSignal::new(None::<String>);
        let grid = RwSignal::new(Vec::<f32>::new());
        let one_of_each = RwSignal::new(Vec::<f32>::new());
        let phase_report = RwSignal::new(None::<PhaseReport>);
        let last_losses = RwSignal::new((None::<f64>, None::<f64>)); // D's last real and fake losses
        // (iteration, seconds, verdict, whether the averaged generator was judged)
        let verdicts = RwSignal::new(Vec::<(u32, f64, Verdict, bool)>::new());
        let averaged = RwSignal::new(true); // show the averaged generator
        let worker: StoredValue<Option<TrainingWorker>, LocalStorage> = StoredValue::new_local(None);
        // Where the GAN trains, and why on the page if not in the worker.
        let thread = RwSignal::new(Thread::Idle);
        let gpu = GpuChoice::new();
        // Bumped by reset: a run from before stops without writing into the new one.
        let generation = StoredValue::new(0u64);
        // The worker is still training (or sending its last report after a pause): a phase stepped
        // on the page now would be overwritten by that report, so stepping waits.
        let busy = RwSignal::new(false);
        let next_phase = Signal::derive(move || {
            iterations.track();
            phase_report.track();
            run.get_value().try_borrow().ok().and_then(|g| g.as_ref().map(|r| r.gan.next_phase)).unwrap_or(Phase::DiscriminatorOnReal)
        });
        GanLesson {
            data,
            sets,
            settings,
            run,
            judge,
            judging,
            running,
            iterations,
            epoch,
            curves,
            speed,
            training_seconds,
            problem,
            grid,
            one_of_each,
            phase_report,
            last_losses,
            verdicts,
            averaged,
            worker,
            thread,
            gpu,
            generation,
            busy,
            next_phase,
        }
    }

    pub fn ready(self) -> bool {
        self.data.get() == Dataset::Ready
    }

    /// The latest point of the curves.
    pub fn latest(self) -> Option<CurvePoint> {
        self.curves.with(|c| c.last().copied())
    }

    /// G's drawing of the fixed noise, again.
    pub fn redraw_grid(self) {
        let GanLesson { run, grid, one_of_each, .. } = self;
        let cell = run.get_value();
        let Ok(guard) = cell.try_borrow() else { return };
        if let Some(r) = guard.as_ref() {
            grid.set(r.draw(&r.grid_noise));
            one_of_each.set(r.one_of_each());
        }
    }

    /// The learner picks the digit a conditional G draws: the grid redraws at once, training
    /// goes on as it was (the choice only changes what G is asked to show).
    pub fn pick_digit(self, digit: u8) {
        self.settings.update(|s| s.digit = digit);
        self.ensure_run();
        self.redraw_grid();
    }

    /// The judge reads the current G.
    pub fn judge_now(self) {
        let GanLesson { run, judge, training_seconds, verdicts, .. } = self;
        let cell = run.get_value();
        let Ok(guard) = cell.try_borrow() else { return };
        let Some(r) = guard.as_ref() else { return };
        if let Some(verdict) = judge.get_value().borrow().judge(r, &r.judge_noise) {
            verdicts.update(|v| v.push((r.gan.iterations, training_seconds.get_untracked(), verdict, r.averaged)));
        }
    }

    /// A run to train, step or draw with, made from the settings when there is none.
    pub fn ensure_run(self) {
        let GanLesson { settings, run, averaged, .. } = self;
        let cell = run.get_value();
        if cell.borrow().is_none() {
            *cell.borrow_mut() = Some(Run::new(settings.get_untracked()));
        }
        if let Some(r) = cell.try_borrow_mut().ok().as_deref_mut().and_then(Option::as_mut) {
            r.averaged = averaged.get_untracked();
            r.digit = settings.with_untracked(|s| s.digit);
        };
    }

    /// A fresh run from the settings; a run from before stops without writing into it.
    pub fn reset(self) {
        let GanLesson { run, running, iterations, epoch, curves, speed, training_seconds, problem, grid, phase_report, last_losses, verdicts, gpu, generation, .. } = self;
        running.set(false);
        generation.update_value(|g| *g += 1);
        run.get_value().borrow_mut().take();
        gpu.lost.set(None); // the notice was about the run just reset; the header keeps saying it
        curves.set(Vec::new());
        verdicts.set(Vec::new());
        iterations.set(0);
        epoch.set(0);
        speed.set(0.0);
        training_seconds.set(0.0);
        problem.set(None);
        phase_report.set(None);
        last_losses.set((None, None));
        grid.set(Vec::new());
        self.one_of_each.set(Vec::new());
        self.ensure_run();
        self.redraw_grid();
    }

    pub fn start_loading(self) {
        let GanLesson { data, sets, judge, judging, .. } = self;
        wasm_bindgen_futures::spawn_local(async move {
            if let Some((train, test)) = load_mnist(data).await {
                let loaded = Rc::new(Sets { train, test });
                sets.set_value(Some(loaded.clone()));
                judge.get_value().borrow_mut().start(&loaded.test, judging);
                self.reset(); // a fresh run, so the grid shows G's untrained static at once
            }
        });
    }

    /// The run blew up: stop, keep the curves, and say what to do.
    pub fn stop_for(self, loss: f64, phase: Phase, iteration: u32) {
        let GanLesson { running, problem, .. } = self;
        running.set(false);
        let who = if phase == Phase::Generator { "generator" } else { "discriminator" };
        problem.set(Some(format!(
            "The {who}'s loss became {} at iteration {iteration}: the weights blew up (a learning rate too large does this). \
             Training has stopped and the curves so far are kept. Pick the known-good preset or lower the learning rates, then start over.",
            fixed(loss, 3)
        )));
    }

    /// On the GPU when offered and chosen, else in the background worker, else on this page's
    /// thread from the mirror's last copy, saying why.
    pub fn train_loop(self) {
        let GanLesson { sets, run, judge, judging, running, iterations, epoch, curves, speed, training_seconds, worker, thread, gpu, generation, busy, .. } = self;
        wasm_bindgen_futures::spawn_local(async move {
            let Some(sets) = sets.get_value() else { return };
            self.ensure_run();
            let cell = run.get_value();
            // In the background worker; if it cannot start or it fails, on this page's thread
            // from the mirror's last snapshot, and the page says why.
            let started = generation.get_value();
            let current = move || generation.get_value() == started;
            let keep_going = move || running.get_untracked();
            let mut last_grid = now();
            let mut last_report = now();
            // What the page shows of each report, wherever the GAN trains.
            let mut show = |points: Vec<CurvePoint>, done: u32, epochs: usize, rate: f64, judge_due: bool| {
                curves.update(|c| points.into_iter().for_each(|p| push_bounded(c, p)));
                iterations.set(done);
                epoch.set(epochs);
                speed.set(rate);
                training_seconds.update(|t| *t += (now() - last_report) / 1000.0);
                last_report = now();
                if judge_due || judge.get_value().borrow().just_became_ready() {
                    self.judge_now();
                }
                if now() - last_grid > GRID_EVERY_MILLISECONDS {
                    self.redraw_grid();
                    last_grid = now();
                }
            };
            // Back to the mirror's run (the last whole copy of a run that stopped elsewhere).
            let rewind = || {
                let done = cell.borrow().as_ref().map_or(0, |r| r.gan.iterations);
                iterations.set(done);
                curves.update(|c| c.retain(|p| p.iteration <= done));
                done
            };
            busy.set(true);
            // On the GPU when it is offered and chosen; if it is lost, on in the worker from the
            // mirror's last copy.
            if let Some(adapter) = gpu.chosen_now() {
                if let Some(backend) = open_chosen_gpu(gpu, thread, adapter, "the GAN").await {
                    train_judge_alongside(&sets, judge.get_value(), judging, current, keep_going);
                    let page = GpuPage {
                        current,
                        running: keep_going,
                        on_slice: |points, done, epochs, rate| show(points, done, epochs, rate, false),
                        on_copy: |judge_due| {
                            if judge_due {
                                self.judge_now();
                            }
                            self.redraw_grid();
                        },
                        on_diverged: move |loss, phase, iteration| self.stop_for(loss, phase, iteration),
                    };
                    match train_on_gpu(&sets, &cell, &backend, page).await {
                        GpuEnded::Lost { step, reason } => gpu.lost.set(Some(say_gpu_lost("iteration", step, rewind(), &reason))),
                        GpuEnded::Stopped | GpuEnded::Diverged => {
                            busy.set(false);
                            self.redraw_grid();
                            return;
                        }
                    }
                }
                if !keep_going() || !current() {
                    busy.set(false);
                    return;
                }
            }
            thread.set(Thread::Worker(None));
            let page = GanPage {
                current,
                running: keep_going,
                on_report: |points: Vec<CurvePoint>, done: u32, epochs: usize, rate: f64, judge_due: bool, threads: u32| {
                    Thread::report(thread, threads);
                    show(points, done, epochs, rate, judge_due);
                },
                on_diverged: |step: u32, loss: f64, who: &str| {
                    self.stop_for(loss, if who == "generator" { Phase::Generator } else { Phase::DiscriminatorOnReal }, step);
                },
            };
            let fell_back = train_in_worker_or_say_why(
                worker,
                |w| {
                    let (sets, cell) = (sets.clone(), cell.clone());
                    async move { super::worker_run::train_in_worker(&sets, &cell, &w, judge.get_value(), judging, page).await }
                },
                || format!("iteration {}", rewind()),
            )
            .await;
            busy.set(false);
            let Some(why) = fell_back else {
                self.redraw_grid();
                return;
            };
            thread.set(Thread::Page(Some(why)));
            if !running.get_untracked() || !current() {
                return;
            }
            self.train_on_page(&sets, &cell).await;
            self.redraw_grid();
        });
    }

    /// Train, Pause or Resume.
    pub fn toggle(self) {
        let GanLesson { running, problem, .. } = self;
        if running.get_untracked() {
            running.set(false);
        } else {
            problem.set(None);
            running.set(true);
            self.train_loop();
        }
    }

    /// One phase on its own, from the step-through panel (training pauses first).
    pub fn step_phase(self, phase: Phase) {
        let GanLesson { sets, run, running, iterations, epoch, phase_report, last_losses, busy, .. } = self;
        running.set(false);
        if busy.get_untracked() {
            return; // the worker's last report is on its way; press again once it is in
        }
        let Some(sets) = sets.get_value() else { return };
        self.ensure_run();
        let cell = run.get_value();
        let Ok(mut guard) = cell.try_borrow_mut() else { return };
        let Some(r) = guard.as_mut() else { return };
        let report = r.gan.run_phase(phase, &sets.train);
        iterations.set(r.gan.iterations);
        epoch.set(r.gan.epoch());
        match phase {
            Phase::DiscriminatorOnReal => last_losses.update(|l| l.0 = Some(report.loss)),
            Phase::DiscriminatorOnFake => last_losses.update(|l| l.1 = Some(report.loss)),
            Phase::Generator => {}
        }
        if !report.loss.is_finite() {
            self.stop_for(report.loss, phase, r.gan.iterations);
        }
        drop(guard);
        phase_report.set(Some(report));
        self.redraw_grid();
    }
}
