//! The `/mnist` page: download the real MNIST (with progress, checksum and retry), then train
//! the network live, a few steps per frame so the page stays responsive, with the loss and
//! the test accuracy drawn as it learns.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use crate::ui::Panel;

use super::inside::mistakes;
use super::inside_view::{Confusion, Evaluation, FirstLayer, Mistake, Mistakes, WeightTiles, GALLERY};
use super::progress_view::{device_kind, device_text, draw_curves, thread_kind};
use super::run::{rewind, train, AccuracyPoint, Device, LossPoint, Report};
use crate::ui::gpu_training::open_gpu;
use super::worker_run::train_in_worker;
use crate::ui::worker_client::{train_in_worker_or_say_why, TrainingWorker};
use super::trainer::Trainer;
use crate::ui::compute::Compute;
use crate::ui::download::{load_mnist, Dataset, DatasetStatus};
use crate::ui::address::is_embedded;
use crate::ui::share::opening_state;
use serde_json::json;

use super::Settings;
use crate::ui::training_link::{serve_training, Training, TrainingLink, TrainingLinkBar};
use crate::ui::{Chart, TrainOn};
use crate::data::mnist::MnistSet;
use crate::engine::poll::now_or_never;
use crate::engine::webgpu::WebGpuBackend;
use crate::engine::CpuBackend;
use crate::lessons::shared::numbers::{fixed, grouped};

/// Said to a host that plays or steps before the data is in.
const WAITING: &str = "the digits are still downloading; wait for metrics.ready.";

pub(super) struct Sets {
    pub train: MnistSet,
    pub test: Arc<MnistSet>,
}

#[component]
pub fn MnistPage() -> impl IntoView {
    let data = RwSignal::new(Dataset::Loading { received: 0, expected: None });
    let sets: StoredValue<Option<Rc<Sets>>, LocalStorage> = StoredValue::new_local(None);
    let (opened, link_notes) = opening_state::<Settings>();
    let settings = RwSignal::new(opened);
    let trainer: StoredValue<Rc<RefCell<Option<Trainer<CpuBackend>>>>, LocalStorage> =
        StoredValue::new_local(Rc::new(RefCell::new(None)));
    let running = RwSignal::new(false);
    let losses = RwSignal::new(Vec::<LossPoint>::new());
    let accuracies = RwSignal::new(Vec::<AccuracyPoint>::new());
    // Progress, refreshed once per slice.
    let steps = RwSignal::new(0u32);
    let epoch = RwSignal::new(0usize);
    let position = RwSignal::new(0usize);
    let samples_per_second = RwSignal::new(0.0f64);
    let problem = RwSignal::new(None::<String>);
    let first_layer = RwSignal::new(None::<FirstLayer>);
    let evaluation = RwSignal::new(None::<Evaluation>);
    let test_set = RwSignal::new(None::<Arc<MnistSet>>);
    let batch_report = RwSignal::new(None::<super::batch::BatchReport>);
    let compute = use_context::<ReadSignal<Compute>>();
    let gpu: StoredValue<Option<WebGpuBackend>, LocalStorage> = StoredValue::new_local(None);
    let worker: StoredValue<Option<TrainingWorker>, LocalStorage> = StoredValue::new_local(None);
    let report = Report {
        running,
        busy: RwSignal::new(false),
        losses,
        accuracies,
        steps,
        epoch,
        position,
        samples_per_second,
        problem,
        device: RwSignal::new(None),
        gpu_lost: RwSignal::new(None),
        generation: StoredValue::new(0),
    };
    // The learner may train on the CPU though WebGPU is there (to compare, or because a
    // software adapter is slower than the CPU); it applies from the next Train or Resume.
    let prefer_cpu = RwSignal::new(false);
    // What training will use when it starts: WebGPU, unless lost or the learner chose the CPU.
    let planned = move || compute.map(|c| c.get()).filter(|c| !(prefer_cpu.get() && matches!(c, Compute::WebGpu { .. })));
    let gpu_offered = move || matches!(compute.map(|c| c.get()), Some(Compute::WebGpu { .. })) && report.gpu_lost.get().is_none();
    // Reset and loading a model end any running loop without letting it write.
    let new_generation = move || {
        report.generation.update_value(|g| *g += 1);
        running.set(false);
        report.busy.set(false);
    };

    let start_loading = move || {
        wasm_bindgen_futures::spawn_local(async move {
            if let Some((train, test)) = load_mnist(data).await {
                let loaded = Sets { train, test: Arc::new(test) };
                test_set.set(Some(loaded.test.clone()));
                sets.set_value(Some(Rc::new(loaded)));
            }
        });
    };
    start_loading();

    let reset = move || {
        new_generation();
        trainer.get_value().borrow_mut().take();
        losses.set(Vec::new());
        accuracies.set(Vec::new());
        first_layer.set(None);
        evaluation.set(None);
        batch_report.set(None);
        steps.set(0);
        epoch.set(0);
        position.set(0);
        samples_per_second.set(0.0);
        problem.set(None);
        // The header now says the CPU computes (see compute::gpu_lost); the notice was about
        // the run just reset.
        report.gpu_lost.set(None);
    };

    // Test accuracy on the first `images` test images, the first layer's weights and the
    // confusion data, all from the current model. The training worker sends the digits it read
    // (`predicted`), so the page need not read 10,000 images itself.
    let check = move |images: usize, predicted: Option<Vec<u8>>| {
        let Some(sets) = sets.get_value() else { return };
        let cell = trainer.get_value();
        let Ok(guard) = cell.try_borrow() else { return };
        let Some(t) = guard.as_ref() else { return };
        let predicted = predicted.filter(|p| p.len() == images).unwrap_or_else(|| now_or_never(t.predictions(&sets.test, 0, images)).unwrap_or_default());
        let crate::engine::layers::Layer::Dense(first) = &t.model.layers[0];
        let weights = now_or_never(first.weights.to_vec()).unwrap_or_default();
        let correct = predicted.iter().enumerate().filter(|&(i, &p)| p == sets.test.label(i)).count();
        let step = t.steps();
        accuracies.update(|a| a.push(AccuracyPoint { step, accuracy: correct as f64 / images as f64, images }));
        first_layer.set(Some(FirstLayer { weights, units: first.outputs() }));
        let shown = mistakes(&sets.test, &predicted, GALLERY);
        let indices: Vec<usize> = shown.iter().map(|&(index, _, _)| index).collect();
        let bars = now_or_never(t.probabilities_of(&sets.test, &indices)).unwrap_or_default();
        let mistakes = shown
            .into_iter()
            .zip(bars)
            .map(|((index, truth, read), probabilities)| Mistake { index, truth, read, probabilities })
            .collect();
        evaluation.set(Some(Evaluation { predicted, mistakes }));
    };

    // A model loaded from a file or this browser's storage has replaced the trainer.
    let loaded = move || {
        new_generation();
        let (step, trained_epochs) = trainer.get_value().borrow().as_ref().map(|t| (t.steps(), t.epoch())).unwrap_or((0, 0));
        losses.set(Vec::new());
        accuracies.set(Vec::new());
        problem.set(None);
        steps.set(step);
        epoch.set(trained_epochs);
        position.set(0);
        if let Some(sets) = sets.get_value() {
            check(sets.test.count, None);
        }
    };

    let train_loop = move || {
        let Some(sets) = sets.get_value() else { return };
        let cell = trainer.get_value();
        if cell.borrow().is_none() {
            *cell.borrow_mut() = Some(Trainer::new(&CpuBackend::new(), settings.get_untracked(), sets.train.count));
        }
        report.busy.set(true);
        let adapter = match compute.map(|c| c.get_untracked()) {
            Some(Compute::WebGpu { adapter }) if report.gpu_lost.get_untracked().is_none() && !prefer_cpu.get_untracked() => Some(adapter),
            _ => None,
        };
        wasm_bindgen_futures::spawn_local(async move {
            let device = match adapter {
                Some(adapter) => match open_gpu(gpu).await {
                    Ok(backend) => Some((backend, adapter)),
                    Err(error) => {
                        report.device.set(Some(Device::Cpu { why: Some(error) }));
                        None
                    }
                },
                None => None,
            };
            if device.is_none() {
                // The CPU trains in the background worker; if it cannot start or it fails, on
                // this page's thread from the mirror's last snapshot, and the page says why.
                let in_worker = |w: TrainingWorker| {
                    let (sets, cell) = (sets.clone(), cell.clone());
                    async move { train_in_worker(&sets, &cell, &w, report, &check).await }
                };
                let fell_back = train_in_worker_or_say_why(worker, in_worker, || format!("step {}", rewind(&report, &cell).unwrap_or(0))).await;
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
    };

    // One step taken apart for the step-through panel (training pauses first).
    let step_through = move || {
        if report.busy.get_untracked() {
            return; // the button is disabled until a paused run has been copied back
        }
        let Some(sets) = sets.get_value() else { return };
        let cell = trainer.get_value();
        let Ok(mut guard) = cell.try_borrow_mut() else { return };
        let t = guard.get_or_insert_with(|| Trainer::new(&CpuBackend::new(), settings.get_untracked(), sets.train.count));
        let report = now_or_never(t.step_with_report(&sets.train));
        steps.set(t.steps());
        epoch.set(t.epoch());
        position.set(t.position());
        drop(guard);
        batch_report.set(report);
    };

    let toggle = move |_| {
        if running.get_untracked() {
            running.set(false);
        } else {
            running.set(true);
            train_loop();
        }
    };

    let steps_per_epoch = move || settings.with(|s| 60_000usize.div_ceil(s.batch_size));
    let latest_accuracy = move || accuracies.with(|a| a.last().copied());
    // State in the link and the host page API (ui/training_link.rs).
    let query = serve_training(
        TrainingLink {
            widget: if is_embedded("draw-digit") { "draw-digit" } else { "mnist-trainer" },
            state: settings.into(),
            apply: Callback::new(move |fresh| settings.set(fresh)),
            training: Training {
                running,
                busy: report.busy.into(),
                ready: Signal::derive(move || data.get() == Dataset::Ready),
                waiting: WAITING,
                reset: Callback::new(move |_| reset()),
                train: Callback::new(move |_| {
                    running.set(true);
                    train_loop();
                }),
                step: Ok(Callback::new(move |_| step_through())),
            },
            steps: steps.into(),
            epoch: epoch.into(),
        },
        // The latest training loss shown (mean of the last 20 steps) and test accuracy.
        move || json!({
            "loss": losses.with(|l| l.last().map(|p| p.loss)),
            "accuracy": latest_accuracy().map(|a| a.accuracy),
        }),
    );

    view! {
        <article class="lesson mnist" data-testid="lesson-mnist">
            <p class="kicker">"Lesson"</p>
            <h1>"Teach a network to read digits"</h1>
            <p class="lede">
                "Below are the 60,000 handwritten digits of MNIST, the classic training set. Press "
                <strong>"Train"</strong>
                " and a neural network learns to read them, right here in your browser: watch the "
                "loss fall and the accuracy on 10,000 digits it has never seen climb."
            </p>
            <TrainingLinkBar query notes=link_notes widget="mnist-trainer"
                holds="A link holds the network's settings and seed, not its trained weights: whoever opens it trains from the same start."/>
            <DatasetStatus data what="digits" testid="mnist" on_retry=Callback::new(move |_| start_loading())/>
            <Panel title="The network" class="mnist-controls">
                <p data-testid="mnist-architecture">
                    {move || {
                        let s = settings.get();
                        let sizes = s.layer_sizes().iter().map(usize::to_string).collect::<Vec<_>>().join(" → ");
                        format!(
                            "{sizes} units; {} weights and biases to learn; {:.0} million floating-point operations per step.",
                            grouped(s.parameter_count() as u64), s.flops_per_step() as f64 / 1e6
                        )
                    }}
                </p>
                <super::settings_view::SettingsForm settings on_apply=move |_| reset()/>
                <div class="button-row">
                    <button
                        class="primary"
                        data-testid="mnist-train"
                        disabled=move || data.get() != Dataset::Ready || (report.busy.get() && !running.get())
                        on:click=toggle
                    >
                        {move || if running.get() { "Pause" } else if steps.get() > 0 { "Resume" } else { "Train" }}
                    </button>
                    <button data-testid="mnist-reset" on:click=move |_| reset() disabled=move || steps.get() == 0 && problem.with(Option::is_none)>"Reset"</button>
                </div>
                {move || problem.get().map(|p| view! { <p class="notice" role="alert" data-testid="mnist-problem">{p}</p> })}
                {move || report.gpu_lost.get().map(|p| view! { <p class="notice" role="status" data-testid="mnist-gpu-lost">{p}</p> })}
            </Panel>
            <Panel title="Progress">
                <p class="muted mnist-device" data-testid="mnist-device" data-device=move || device_kind(report.device.get(), planned()) data-thread=move || thread_kind(report.device.get())>
                    {move || device_text(report.device.get(), planned())}
                </p>
                <TrainOn lesson="mnist" prefer_cpu offered=Signal::derive(gpu_offered) running=running.into()/>
                <div class="stat-row">
                    <div class="stat"><span class="stat-label">"epoch"</span><span class="stat-value" data-testid="mnist-epoch">{move || epoch.get() + 1}</span></div>
                    <div class="stat"><span class="stat-label">"step"</span><span class="stat-value" data-testid="mnist-steps">{move || steps.get()}</span></div>
                    <div class="stat"><span class="stat-label">"images per second"</span><span class="stat-value" data-testid="mnist-speed">{move || grouped(samples_per_second.get().round() as u64)}</span></div>
                    <div class="stat">
                        <span class="stat-label">"test accuracy"</span>
                        <span class="stat-value" data-testid="mnist-accuracy">
                            {move || latest_accuracy().map(|a| format!("{}%", fixed(100.0 * a.accuracy, 1))).unwrap_or_else(|| "—".into())}
                        </span>
                        <span class="stat-note">
                            {move || latest_accuracy().map(|a| format!("on {} test images", grouped(a.images as u64))).unwrap_or_default()}
                        </span>
                    </div>
                </div>
                <progress max=move || steps_per_epoch() as f64 value=move || position.get().div_ceil(settings.with(|s| s.batch_size)) as f64></progress>
                <p class="muted">
                    {move || {
                        let rate = samples_per_second.get();
                        let left = 60_000 - position.get();
                        if rate > 0.0 && running.get() { format!("About {:.0} s to the end of this epoch.", left as f64 / rate) } else { String::new() }
                    }}
                </p>
            </Panel>
            <Panel title="Learning curves" intro=concat!(
                "Blue: the training loss (softmax cross-entropy, averaged over 20 steps). Orange: the share of ",
                "test digits read correctly, checked on 1,000 test images every 200 steps and on all 10,000 at the end of each epoch.",
            )>
                <Chart
                    label=Signal::derive(move || format!("Loss and test accuracy over {} steps", steps.get()))
                    testid="mnist-curves"
                    aspect=0.45
                    draw=move |area, ratio| draw_curves(area, ratio, &losses.get(), &accuracies.get())
                />
            </Panel>
            <super::save_view::SaveLoad trainer=trainer.get_value() settings ready=Signal::derive(move || data.get() == Dataset::Ready) accuracy=Signal::derive(move || latest_accuracy().map(|a| a.accuracy)) on_loaded=move |_| loaded()/>
            <super::batch_view::BatchStep report=batch_report can_step=Signal::derive(move || data.get() == Dataset::Ready && !report.busy.get()) on_step=move |_| step_through()/>
            <super::drawing_view::DrawDigit trainer=trainer.get_value() steps=steps/>
            <Panel title="Inside the network" class="mnist-inside">
                <div class="mnist-inside-grid">
                    <WeightTiles layer=first_layer/>
                    <Confusion test=test_set evaluation/>
                </div>
                <Mistakes test=test_set evaluation/>
            </Panel>
            <Panel title="Coming to this page">
                <p class="notice">
                    <strong>"Not built yet: "</strong>
                    "WebGPU in the background worker. Today, on the CPU, the network trains in a background worker (on all "
                    "your CPU's cores when this page is cross-origin isolated, else on one), and this page shows a copy of it "
                    "refreshed four times a second; on your GPU (WebGPU), this page's thread queues the GPU's work a slice at a time."
                </p>
            </Panel>
        </article>
    }
}
