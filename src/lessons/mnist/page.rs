//! The `/mnist` page: download the real MNIST (with progress, checksum and retry), then train
//! the network live, with the loss and the test accuracy drawn as it learns. The lesson's state
//! and actions are `lesson.rs`; the network and progress panels are below, the others in their
//! own `*_view.rs` files.

use leptos::prelude::*;
use serde_json::json;

use super::inside_view::{Confusion, Mistakes, WeightTiles};
use super::lesson::Digits;
use super::progress_view::{device_kind, device_text, draw_curves, thread_kind};
use super::Settings;
use crate::lessons::shared::numbers::{fixed, grouped};
use crate::ui::address::is_embedded;
use crate::ui::download::DatasetStatus;
use crate::ui::share::opening_state;
use crate::ui::training_link::{serve_training, Training, TrainingLink, TrainingLinkBar};
use crate::ui::{PageIntro, Chart, More, Panel, TrainOn, Stat};

/// Said to a host that plays or steps before the data is in.
const WAITING: &str = "the digits are still downloading; wait for metrics.ready.";

#[component]
pub fn MnistPage() -> impl IntoView {
    let (opened, link_notes) = opening_state::<Settings>();
    let d = Digits::new(opened);
    d.start_loading();
    let report = d.report;

    // State in the link and the host page API (ui/training_link.rs).
    let widget = if is_embedded("draw-digit") { "draw-digit" } else { "mnist-trainer" };
    let query = serve_training(digits_link(d, widget, d.settings.into(), Callback::new(move |fresh| d.settings.set(fresh))), move || digits_metrics(d));

    view! {
        <article class="lesson mnist staged staged-wide" data-testid="lesson-mnist">
            <PageIntro title="Teach a network to read digits">
                "Below are the 60,000 handwritten digits of MNIST, the classic training set. Press "
                <strong>"Train"</strong>
                " and a neural network learns to read them, right here in your browser: watch the "
                "loss fall and the accuracy on 10,000 digits it has never seen climb."
            </PageIntro>
            <TrainingLinkBar query notes=link_notes widget="mnist-trainer"
                holds="A link holds the network's settings and seed, not its trained weights: whoever opens it trains from the same start."/>
            <DatasetStatus data=d.data what="digits" testid="mnist" on_retry=Callback::new(move |_| d.start_loading())/>
            <div class="mnist-side stage-1">
                <NetworkPanel d/>
                <ProgressPanel d/>
            </div>
            <LearningCurves d/>
            <super::batch_view::BatchStep report=d.batch_report can_step=Signal::derive(move || d.ready() && !report.busy.get()) on_step=move |_| d.step_through()/>
            <super::save_view::SaveLoad trainer=d.trainer.get_value() settings=d.settings ready=Signal::derive(move || d.ready()) accuracy=Signal::derive(move || d.latest_accuracy().map(|a| a.accuracy)) on_loaded=move |_| d.loaded()/>
            <super::drawing_view::DrawDigit trainer=d.trainer.get_value() steps=report.steps/>
            <Panel title="Inside the network" class="mnist-inside">
                <div class="mnist-inside-grid">
                    <WeightTiles layer=d.first_layer/>
                    <Confusion test=d.test_set evaluation=d.evaluation/>
                </div>
                <Mistakes test=d.test_set evaluation=d.evaluation/>
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

/// The host page API of a page that runs `d` (this lesson's, and the CNN lesson's, whose link
/// state wraps the same settings): its link state, how a host's `set` applies, and the controls.
pub(crate) fn digits_link<S: Send + Sync + 'static>(d: Digits, widget: &'static str, state: Signal<S>, apply: Callback<S>) -> TrainingLink<S> {
    let report = d.report;
    TrainingLink {
        widget,
        state,
        apply,
        training: Training {
            running: report.running,
            busy: report.busy.into(),
            ready: Signal::derive(move || d.ready()),
            waiting: WAITING,
            reset: Callback::new(move |_| d.reset()),
            train: Callback::new(move |_| {
                report.running.set(true);
                d.train_loop();
            }),
            step: Ok(Callback::new(move |_| d.step_through())),
        },
        steps: report.steps.into(),
        epoch: report.epoch.into(),
    }
}

/// The latest training loss shown (mean of the last 20 steps) and test accuracy.
pub(crate) fn digits_metrics(d: Digits) -> serde_json::Value {
    json!({
        "loss": d.report.losses.with(|l| l.last().map(|p| p.loss)),
        "accuracy": d.latest_accuracy().map(|a| a.accuracy),
    })
}

/// The loss and the test accuracy as the network learns.
#[component]
pub(crate) fn LearningCurves(d: Digits) -> impl IntoView {
    let report = d.report;
    view! {
        <Panel title="Learning curves" class="mnist-curves-panel stage-2" intro=concat!(
            "Blue: the training loss (softmax cross-entropy, averaged over 20 steps). Orange: the share of ",
            "test digits read correctly, checked on 1,000 test images every 200 steps and on all 10,000 at the end of each epoch.",
        )>
            <Chart
                label=Signal::derive(move || format!("Loss and test accuracy over {} steps", report.steps.get()))
                testid="mnist-curves"
                aspect=0.45
                draw=move |area, ratio| draw_curves(area, ratio, &report.losses.get(), &report.accuracies.get())
            />
        </Panel>
    }
}

/// The network's shape and settings, Train / Pause / Resume and Reset, and what went wrong.
#[component]
pub(crate) fn NetworkPanel(d: Digits) -> impl IntoView {
    let report = d.report;
    let running = report.running;
    view! {
        <Panel title="The network" class="mnist-controls">
            <p data-testid="mnist-architecture">
                {move || {
                    let s = d.settings.get();
                    let sizes = s.shape_text();
                    format!(
                        "Shape: {sizes}. {} weights and biases to learn; {:.0} million floating-point operations per step.",
                        grouped(s.parameter_count() as u64), s.flops_per_step() as f64 / 1e6
                    )
                }}
            </p>
            <div class="button-row">
                <button
                    class="primary"
                    data-testid="mnist-train"
                    disabled=move || !d.ready() || (report.busy.get() && !running.get())
                    on:click=move |_| d.toggle()
                >
                    {move || if running.get() { "Pause" } else if report.steps.get() > 0 { "Resume" } else { "Train" }}
                </button>
                <button data-testid="mnist-reset" on:click=move |_| d.reset() disabled=move || report.steps.get() == 0 && report.problem.with(Option::is_none)>"Reset"</button>
            </div>
            <More label="Change the network">
                <super::settings_view::SettingsForm settings=d.settings on_apply=move |_| d.reset() convolutions=!d.settings.get_untracked().convolutions.is_empty()/>
            </More>
            {move || report.problem.get().map(|p| view! { <p class="notice" role="alert" data-testid="mnist-problem">{p}</p> })}
            {move || report.gpu_lost.get().map(|p| view! { <p class="notice" role="status" data-testid="mnist-gpu-lost">{p}</p> })}
        </Panel>
    }
}

/// Where it trains, the epoch, step, speed and test accuracy, and how far into the epoch.
#[component]
pub(crate) fn ProgressPanel(d: Digits) -> impl IntoView {
    let report = d.report;
    let steps_per_epoch = move || d.settings.with(|s| 60_000usize.div_ceil(s.batch_size));
    view! {
        <Panel title="Progress" class="mnist-progress">
            <p class="muted mnist-device" data-testid="mnist-device" data-device=move || device_kind(report.device.get(), d.planned()) data-thread=move || thread_kind(report.device.get())>
                {move || device_text(report.device.get(), d.planned())}
            </p>
            <TrainOn lesson="mnist" prefer_cpu=d.prefer_cpu offered=Signal::derive(move || d.gpu_offered()) running=report.running.into()/>
            <div class="stat-row">
                <Stat label="epoch" testid="mnist-epoch">{move || report.epoch.get() + 1}</Stat>
                <Stat label="step" testid="mnist-steps">{move || report.steps.get()}</Stat>
                <Stat label="images per second" testid="mnist-speed">{move || grouped(report.samples_per_second.get().round() as u64)}</Stat>
                <div class="stat">
                    <span class="stat-label">"test accuracy"</span>
                    <span class="stat-value" data-testid="mnist-accuracy">
                        {move || d.latest_accuracy().map(|a| format!("{}%", fixed(100.0 * a.accuracy, 1))).unwrap_or_else(|| "—".into())}
                    </span>
                    <span class="stat-note">
                        {move || d.latest_accuracy().map(|a| format!("on {} test images", grouped(a.images as u64))).unwrap_or_default()}
                    </span>
                </div>
            </div>
            <progress max=move || steps_per_epoch() as f64 value=move || report.position.get().div_ceil(d.settings.with(|s| s.batch_size)) as f64></progress>
            <p class="muted">
                {move || {
                    let rate = report.samples_per_second.get();
                    let left = 60_000 - report.position.get();
                    if rate > 0.0 && report.running.get() { format!("About {:.0} s to the end of this epoch.", left as f64 / rate) } else { String::new() }
                }}
            </p>
        </Panel>
    }
}
