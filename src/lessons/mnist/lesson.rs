//! The digits lesson on the page: its data, its network (the page's CPU mirror of the run),
//! what the panels show, and what Train, Reset, a loaded model and the step-through do. The
//! training itself runs in `run.rs` (on the page, or on WebGPU) and `worker_run.rs`.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use super::batch::BatchReport;
use super::inside::mistakes;
use super::inside_view::{Evaluation, FirstLayer, Mistake, GALLERY};
use super::run::{rewind, train, AccuracyPoint, Device, Report, SharedTrainer};
use super::trainer::Trainer;
use super::worker_run::train_in_worker;
use super::Settings;
use crate::data::mnist::MnistSet;
use crate::engine::poll::now_or_never;
use crate::engine::webgpu::WebGpuBackend;
use crate::engine::CpuBackend;
use crate::ui::compute::Compute;
use crate::ui::download::{load_mnist, Dataset};
use crate::ui::gpu_training::open_gpu;
use crate::ui::worker_client::{train_in_worker_or_say_why, TrainingWorker};

pub(super) struct Sets {
    pub train: MnistSet,
    pub test: Arc<MnistSet>,
}

#[derive(Clone, Copy)]
pub struct Digits {
    pub data: RwSignal<Dataset>,
    sets: StoredValue<Option<Rc<Sets>>, LocalStorage>,
    pub settings: RwSignal<Settings>,
    pub trainer: StoredValue<SharedTrainer, LocalStorage>,
    /// The run as the page shows it: running, curves, step, epoch, speed, problems, device.
    pub report: Report,
    pub first_layer: RwSignal<Option<FirstLayer>>,
    pub evaluation: RwSignal<Option<Evaluation>>,
    pub test_set: RwSignal<Option<Arc<MnistSet>>>,
    pub batch_report: RwSignal<Option<BatchReport>>,
    pub compute: Option<ReadSignal<Compute>>,
    gpu: StoredValue<Option<WebGpuBackend>, LocalStorage>,
    worker: StoredValue<Option<TrainingWorker>, LocalStorage>,
    /// The learner may train on the CPU though WebGPU is there (to compare, or because a
    /// software adapter is slower than the CPU); it applies from the next Train or Resume.
    pub prefer_cpu: RwSignal<bool>,
}

impl Digits {
    pub fn new(settings: Settings) -> Self {
        Digits {
            data: RwSignal::new(Dataset::Loading { received: 0, expected: None }),
            sets: StoredValue::new_local(None),
            settings: RwSignal::new(settings),
            trainer: StoredValue::new_local(Rc::new(RefCell::new(None))),
            report: Report {
                running: RwSignal::new(false),
                busy: RwSignal::new(false),
                losses: RwSignal::new(Vec::new()),
                accuracies: RwSignal::new(Vec::new()),
                steps: RwSignal::new(0),
                epoch: RwSignal::new(0),
                position: RwSignal::new(0),
                samples_per_second: RwSignal::new(0.0),
                problem: RwSignal::new(None),
                device: RwSignal::new(None),
                gpu_lost: RwSignal::new(None),
                generation: StoredValue::new(0),
            },
            first_layer: RwSignal::new(None),
            evaluation: RwSignal::new(None),
            test_set: RwSignal::new(None),
            batch_report: RwSignal::new(None),
            compute: use_context::<ReadSignal<Compute>>(),
            gpu: StoredValue::new_local(None),
            worker: StoredValue::new_local(None),
            prefer_cpu: RwSignal::new(false),
        }
    }

    pub fn ready(self) -> bool {
        self.data.get() == Dataset::Ready
    }

    /// What training will use when it starts: WebGPU, unless lost or the learner chose the CPU.
    pub fn planned(self) -> Option<Compute> {
        self.compute.map(|c| c.get()).filter(|c| !(self.prefer_cpu.get() && matches!(c, Compute::WebGpu { .. })))
    }

    pub fn gpu_offered(self) -> bool {
        matches!(self.compute.map(|c| c.get()), Some(Compute::WebGpu { .. })) && self.report.gpu_lost.get().is_none()
    }

    pub fn latest_accuracy(self) -> Option<AccuracyPoint> {
        self.report.accuracies.with(|a| a.last().copied())
    }

    /// Reset and loading a model end any running loop without letting it write.
    fn new_generation(self) {
        self.report.generation.update_value(|g| *g += 1);
        self.report.running.set(false);
        self.report.busy.set(false);
    }

    pub fn start_loading(self) {
        wasm_bindgen_futures::spawn_local(async move {
            if let Some((train, test)) = load_mnist(self.data).await {
                let loaded = Sets { train, test: Arc::new(test) };
                self.test_set.set(Some(loaded.test.clone()));
                self.sets.set_value(Some(Rc::new(loaded)));
            }
        });
    }

    pub fn reset(self) {
        let r = self.report;
        self.new_generation();
        self.trainer.get_value().borrow_mut().take();
        r.start_over_at(0, 0);
        self.first_layer.set(None);
        self.evaluation.set(None);
        self.batch_report.set(None);
        r.samples_per_second.set(0.0);
        // The header now says the CPU computes (see compute::gpu_lost); the notice was about
        // the run just reset.
        r.gpu_lost.set(None);
    }

    /// Test accuracy on the first `images` test images, the first layer's weights and the
    /// confusion data, all from the current model. The training worker sends the digits it
    /// read (`predicted`), so the page need not read 10,000 images itself.
    pub fn check(self, images: usize, predicted: Option<Vec<u8>>) {
        let Some(sets) = self.sets.get_value() else { return };
        let cell = self.trainer.get_value();
        let Ok(guard) = cell.try_borrow() else { return };
        let Some(t) = guard.as_ref() else { return };
        let predicted = predicted.filter(|p| p.len() == images).unwrap_or_else(|| now_or_never(t.predictions(&sets.test, 0, images)).unwrap_or_default());
        let first = FirstLayer::of(&t.model.layers[0]);
        let correct = predicted.iter().enumerate().filter(|&(i, &p)| p == sets.test.label(i)).count();
        let step = t.steps();
        self.report.accuracies.update(|a| a.push(AccuracyPoint { step, accuracy: correct as f64 / images as f64, images }));
        self.first_layer.set(first);
        let shown = mistakes(&sets.test, &predicted, GALLERY);
        let indices: Vec<usize> = shown.iter().map(|&(index, _, _)| index).collect();
        let bars = now_or_never(t.probabilities_of(&sets.test, &indices)).unwrap_or_default();
        let mistakes = shown
            .into_iter()
            .zip(bars)
            .map(|((index, truth, read), probabilities)| Mistake { index, truth, read, probabilities })
            .collect();
        self.evaluation.set(Some(Evaluation { predicted, mistakes }));
    }

    /// A model loaded from a file or this browser's storage has replaced the trainer.
    pub fn loaded(self) {
        self.new_generation();
        let (step, trained_epochs) = self.trainer.get_value().borrow().as_ref().map(|t| (t.steps(), t.epoch())).unwrap_or((0, 0));
        self.report.start_over_at(step, trained_epochs);
        if let Some(sets) = self.sets.get_value() {
            self.check(sets.test.count, None);
        }
    }

    /// Trains on WebGPU when it is there (and chosen), else in the background worker, else on
    /// this page's thread from the mirror's last snapshot, saying why.
    pub fn train_loop(self) {
        let Some(sets) = self.sets.get_value() else { return };
        let report = self.report;
        let cell = self.trainer.get_value();
        if cell.borrow().is_none() {
            *cell.borrow_mut() = Some(Trainer::new(&CpuBackend::new(), self.settings.get_untracked(), sets.train.count));
        }
        report.busy.set(true);
        let adapter = match self.compute.map(|c| c.get_untracked()) {
            Some(Compute::WebGpu { adapter }) if report.gpu_lost.get_untracked().is_none() && !self.prefer_cpu.get_untracked() => Some(adapter),
            _ => None,
        };
        let check = move |images, predicted| self.check(images, predicted);
        wasm_bindgen_futures::spawn_local(async move {
            let device = match adapter {
                Some(adapter) => match open_gpu(self.gpu).await {
                    Ok(backend) => Some((backend, adapter)),
                    Err(error) => {
                        report.device.set(Some(Device::Cpu { why: Some(error) }));
                        None
                    }
                },
                None => None,
            };
            if device.is_none() {
                let in_worker = |w: TrainingWorker| {
                    let (sets, cell) = (sets.clone(), cell.clone());
                    async move { train_in_worker(&sets, &cell, &w, report, &check).await }
                };
                let fell_back = train_in_worker_or_say_why(self.worker, in_worker, || format!("step {}", rewind(&report, &cell).unwrap_or(0))).await;
                let Some(why) = fell_back else {
                    report.busy.set(false);
                    return;
                };
                report.device.set(Some(Device::Cpu { why: Some(why) }));
                if !report.running.get_untracked() {
                    report.busy.set(false);
                    return;
                }
            }
            train(sets, cell, device, report, check).await;
        });
    }

    /// One step taken apart for the step-through panel (training pauses first).
    pub fn step_through(self) {
        if self.report.busy.get_untracked() {
            return; // the button is disabled until a paused run has been copied back
        }
        let Some(sets) = self.sets.get_value() else { return };
        let cell = self.trainer.get_value();
        let Ok(mut guard) = cell.try_borrow_mut() else { return };
        let t = guard.get_or_insert_with(|| Trainer::new(&CpuBackend::new(), self.settings.get_untracked(), sets.train.count));
        let step = now_or_never(t.step_with_report(&sets.train));
        self.report.steps.set(t.steps());
        self.report.epoch.set(t.epoch());
        self.report.position.set(t.position());
        drop(guard);
        self.batch_report.set(step);
    }

    /// Train, Pause or Resume.
    pub fn toggle(self) {
        if self.report.running.get_untracked() {
            self.report.running.set(false);
        } else {
            self.report.running.set(true);
            self.train_loop();
        }
    }
}
