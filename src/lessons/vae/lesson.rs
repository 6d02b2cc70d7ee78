//! The VAE page's state and actions: the digits, the run (trained in the background worker, the
//! page holding a mirror restored from each report; on the page's own thread if the worker
//! cannot start or fails), the curves, and the map and manifold, recomputed from the mirror a
//! chunk per frame so dragging never waits.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use super::curves::{Point, Window, CHECK_EVERY, CHECK_IMAGES};
use super::map::{extent, grid, plane, MANIFOLD_SIDE, MAP_IMAGES};
use super::model::{Terms, Vae};
use super::Settings;
use crate::data::mnist::MnistSet;
use crate::engine::poll::now_or_never;
use crate::engine::training::{Diverged, Driver, Flow, RateMeter, Slice};
use crate::engine::CpuBackend;
use crate::lessons::shared::curve_points::push_bounded;
use crate::ui::download::{load_mnist, Dataset};
use crate::ui::training::{next_frame, now, play, Ended, Hooks, SLICE_MILLISECONDS};
use crate::ui::worker_client::{train_in_worker_or_say_why, TrainingWorker};
use crate::ui::{GpuChoice, Thread};

pub struct Sets {
    pub train: MnistSet,
    pub test: MnistSet,
}

pub type Cell = Rc<RefCell<Option<Vae<CpuBackend>>>>;

/// The map's test digits encoded per frame (about 5 ms of the page's thread).
const MAP_CHUNK: usize = 100;
/// The map and manifold are recomputed at most this often while training.
const MAP_EVERY_MILLISECONDS: f64 = 400.0;

/// What the map shows: each test digit's code (x, y pairs), the half-width of the square, and
/// the decoder's images on a grid across it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapView {
    pub codes: Vec<f32>,
    pub labels: Vec<u8>,
    pub extent: f32,
    pub manifold: Vec<f32>,
}

#[derive(Clone, Copy)]
pub struct VaeLesson {
    pub data: RwSignal<Dataset>,
    pub sets: StoredValue<Option<Rc<Sets>>, LocalStorage>,
    pub ready: RwSignal<bool>,
    pub settings: RwSignal<Settings>,
    /// The point on the map the learner dragged (its decoding is shown beside it).
    pub point: RwSignal<[f32; 2]>,
    pub run: StoredValue<Cell, LocalStorage>,
    pub running: RwSignal<bool>,
    pub busy: RwSignal<bool>,
    pub steps: RwSignal<u32>,
    pub epoch: RwSignal<usize>,
    /// Images per second, smoothed.
    pub speed: RwSignal<f64>,
    pub seconds: RwSignal<f64>,
    pub train_points: RwSignal<Vec<Point>>,
    pub test_points: RwSignal<Vec<Point>>,
    pub problem: RwSignal<Option<String>>,
    pub thread: RwSignal<Thread>,
    pub gpu: GpuChoice,
    /// Bumped whenever the run's weights change (a report, a reset): views that read the model
    /// track it.
    pub version: RwSignal<u64>,
    pub map: RwSignal<MapView>,
    generation: StoredValue<u64>,
    worker: StoredValue<Option<TrainingWorker>, LocalStorage>,
}

impl VaeLesson {
    pub fn new(settings: Settings, point: [f32; 2]) -> VaeLesson {
        VaeLesson {
            data: RwSignal::new(Dataset::Loading { received: 0, expected: None }),
            sets: StoredValue::new_local(None),
            ready: RwSignal::new(false),
            settings: RwSignal::new(settings),
            point: RwSignal::new(point),
            run: StoredValue::new_local(Rc::new(RefCell::new(None))),
            running: RwSignal::new(false),
            busy: RwSignal::new(false),
            steps: RwSignal::new(0),
            epoch: RwSignal::new(0),
            speed: RwSignal::new(0.0),
            seconds: RwSignal::new(0.0),
            train_points: RwSignal::new(Vec::new()),
            test_points: RwSignal::new(Vec::new()),
            problem: RwSignal::new(None),
            thread: RwSignal::new(Thread::Idle),
            gpu: GpuChoice::cpu_only(),
            version: RwSignal::new(0),
            map: RwSignal::new(MapView::default()),
            generation: StoredValue::new(0),
            worker: StoredValue::new_local(None),
        }
    }

    pub fn start_loading(self) {
        wasm_bindgen_futures::spawn_local(async move {
            if let Some((train, test)) = load_mnist(self.data).await {
                self.sets.set_value(Some(Rc::new(Sets { train, test })));
                self.ready.set(true);
                self.reset();
                self.keep_the_map_fresh();
            }
        });
    }

    /// A fresh, untrained VAE from the settings (its map and first test check shown at once).
    pub fn reset(self) {
        self.running.set(false);
        self.generation.update_value(|g| *g += 1);
        self.train_points.set(Vec::new());
        self.test_points.set(Vec::new());
        self.steps.set(0);
        self.epoch.set(0);
        self.speed.set(0.0);
        self.seconds.set(0.0);
        self.problem.set(None);
        let Some(sets) = self.sets.get_value() else { return };
        let settings = self.settings.get_untracked();
        if let Err(why) = settings.check() {
            self.problem.set(Some(why));
            return;
        }
        *self.run.get_value().borrow_mut() = Some(Vae::new(&CpuBackend::new(), settings, sets.train.count));
        self.check(&sets, 0);
        self.version.update(|v| *v += 1);
    }

    /// Both terms on the first test digits, as a point of the test curves.
    fn check(self, sets: &Sets, step: u32) {
        let first: Vec<usize> = (0..CHECK_IMAGES.min(sets.test.count)).collect();
        let terms = self.run.get_value().borrow_mut().as_mut().and_then(|v| now_or_never(v.evaluate(&sets.test, &first)));
        if let Some(terms) = terms {
            self.add_test_point(step, terms);
        }
    }

    fn add_test_point(self, step: u32, terms: Terms) {
        self.test_points.update(|p| {
            p.retain(|p| p.step < step);
            push_bounded(p, Point { step, terms });
        });
    }

    pub fn toggle(self) {
        if self.running.get_untracked() {
            self.running.set(false);
        } else {
            self.train();
        }
    }

    /// Trains from where the run is until paused: in the background worker, or on the page's
    /// thread if the worker cannot start or fails (from the last whole copy it sent).
    pub fn train(self) {
        if self.busy.get_untracked() || !self.ready.get_untracked() {
            return;
        }
        let Some(sets) = self.sets.get_value() else { return };
        if self.run.get_value().borrow().is_none() {
            self.reset();
            if self.run.get_value().borrow().is_none() {
                return; // the settings cannot be trained; the problem says why
            }
        }
        self.problem.set(None);
        self.running.set(true);
        self.busy.set(true);
        wasm_bindgen_futures::spawn_local(async move {
            let started = self.generation.get_value();
            let current = move || self.generation.get_value() == started;
            self.thread.set(Thread::Worker(None));
            let fell_back = train_in_worker_or_say_why(self.worker, |w| async move { super::worker_run::train_in_worker(self, &w, current).await }, || {
                let cell = self.run.get_value();
                let guard = cell.borrow();
                let Some(v) = guard.as_ref() else { return "the start".into() };
                self.thread.set(Thread::Page(None));
                self.place(v.steps(), v.epoch());
                self.version.update(|n| *n += 1);
                format!("step {}", v.steps())
            })
            .await;
            if let Some(why) = fell_back {
                self.thread.set(Thread::Page(Some(why)));
                if self.running.get_untracked() && current() {
                    self.train_on_page(&sets, current).await;
                }
            }
            self.busy.set(false);
        });
    }

    pub fn place(self, steps: u32, epoch: usize) {
        self.steps.set(steps);
        self.epoch.set(epoch);
        self.train_points.update(|p| p.retain(|p| p.step <= steps));
        self.test_points.update(|p| p.retain(|p| p.step <= steps));
    }

    /// A report's training window becomes a curve point; a check's terms a test point.
    pub fn add_points(self, window: &mut Window, checked: Option<Terms>) {
        let step = self.steps.get_untracked();
        if let Some(point) = window.take_point(step) {
            self.train_points.update(|p| push_bounded(p, point));
        }
        if let Some(terms) = checked {
            self.add_test_point(step, terms);
        }
    }

    pub fn stop_for(self, diverged: Diverged) {
        self.running.set(false);
        self.steps.set(diverged.step);
        self.problem.set(Some(diverged.message(
            "The loss",
            "step",
            "the learning rate is too large for this model. Training has stopped and the curves so far are kept. Lower the learning rate in \
             the settings (1e-3 is the default), then Reset and train again.",
        )));
    }

    /// The page's own loop (when the worker cannot run): a slice of steps per frame, and a
    /// check on the test digits every `CHECK_EVERY` steps (about 0.1 s, a frame or so late).
    async fn train_on_page(self, sets: &Rc<Sets>, current: impl Fn() -> bool) {
        let cell = self.run.get_value();
        let window = RefCell::new(Window::default());
        let mut last = now();
        let mut driver = Driver::new(SLICE_MILLISECONDS);
        let hooks = Hooks {
            before_slice: || {
                let start = now();
                self.seconds.update(|t| *t += (start - last) / 1000.0);
                last = start;
            },
            after_step: |v: &mut Vae<CpuBackend>, step: &super::model::VaeStep| {
                window.borrow_mut().add(step);
                Flow::end_if(v.steps().is_multiple_of(CHECK_EVERY))
            },
            after_slice: |_: &Slice, rate: &RateMeter| {
                self.speed.set(rate.smoothed());
                let Some((steps, epoch)) = cell.borrow().as_ref().map(|v| (v.steps(), v.epoch())) else { return };
                self.place(steps, epoch);
                self.add_points(&mut window.borrow_mut(), None);
                if steps.is_multiple_of(CHECK_EVERY) {
                    self.check(sets, steps);
                }
                self.version.update(|n| *n += 1);
            },
        };
        if let Ended::Diverged(d) = play(&cell, &sets.train, &mut driver, move || self.running.get_untracked() && current(), hooks).await {
            self.stop_for(d);
        }
    }

    /// Recomputes the map and the manifold from the run whenever its weights changed (at most
    /// every `MAP_EVERY_MILLISECONDS`), `MAP_CHUNK` digits a frame, for as long as the page is open.
    fn keep_the_map_fresh(self) {
        wasm_bindgen_futures::spawn_local(async move {
            let mut drawn = None;
            let mut last = f64::NEG_INFINITY;
            loop {
                let Some(version) = self.version.try_get_untracked() else { return }; // the page closed
                if Some(version) == drawn || now() - last < MAP_EVERY_MILLISECONDS {
                    gloo::timers::future::TimeoutFuture::new(50).await;
                    continue;
                }
                let Some(sets) = self.sets.get_value() else { return };
                if let Some(map) = self.compute_map(&sets).await {
                    self.map.set(map);
                }
                drawn = Some(version);
                last = now();
            }
        });
    }

    async fn compute_map(self, sets: &Sets) -> Option<MapView> {
        let cell = self.run.try_get_value()?;
        let count = MAP_IMAGES.min(sets.test.count);
        let mut codes = Vec::with_capacity(2 * count);
        let mut start = 0;
        while start < count {
            let indices: Vec<usize> = (start..(start + MAP_CHUNK).min(count)).collect();
            let (means, latent) = {
                let mut guard = cell.try_borrow_mut().ok()?;
                let vae = guard.as_mut()?;
                (now_or_never(vae.encode_images(&sets.test, &indices))?.0, vae.settings.latent)
            };
            codes.extend(plane(&means, latent));
            start += MAP_CHUNK;
            next_frame().await;
        }
        let extent = extent(&codes);
        let manifold = {
            let guard = cell.try_borrow().ok()?;
            let vae = guard.as_ref()?;
            now_or_never(vae.draw(&grid(MANIFOLD_SIDE, extent, vae.settings.latent)))?
        };
        let labels = (0..count).map(|i| sets.test.label(i)).collect();
        Some(MapView { codes, labels, extent, manifold })
    }

    /// The decoder's image at `z` (a full latent vector), from the run as it is now.
    pub fn decode(self, z: &[f32]) -> Option<Vec<f32>> {
        let cell = self.run.try_get_value()?;
        let guard = cell.try_borrow().ok()?;
        now_or_never(guard.as_ref()?.draw(z))
    }
}
