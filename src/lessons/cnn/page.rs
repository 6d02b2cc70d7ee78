//! The `/cnn` page, "What a convolution sees": the Digits lesson's run (`mnist::lesson`) on
//! LeNet's shape, with the panels only a convolutional network has: its filters, the feature
//! maps of one digit with receptive fields, and one convolution stepped through.

use leptos::prelude::*;
use serde_json::json;

use super::link::CnnLink;
use super::maps_view::FeatureMaps;
use super::step_view::{StepAt, StepThrough};
use crate::lessons::mnist::drawing_view::DrawDigit;
use crate::lessons::mnist::inside_view::{Confusion, Mistakes, WeightTiles};
use crate::lessons::mnist::lesson::Digits;
use crate::lessons::mnist::page::{digits_link, digits_metrics, LearningCurves, NetworkPanel, ProgressPanel};
use crate::lessons::mnist::save_view::SaveLoad;
use crate::lessons::shared::numbers::{fixed, grouped};
use crate::ui::download::DatasetStatus;
use crate::ui::share::opening_state;
use crate::ui::training_link::{serve_training, TrainingLinkBar};
use crate::ui::{PageIntro, Panel};

#[component]
pub fn CnnPage() -> impl IntoView {
    let (opened, link_notes) = opening_state::<CnnLink>();
    let d = Digits::new(opened.0);
    d.start_loading();
    let report = d.report;
    let state = Signal::derive(move || CnnLink(d.settings.get()));
    let link = digits_link(d, "cnn-trainer", state, Callback::new(move |fresh: CnnLink| d.settings.set(fresh.0)));
    let query = serve_training(link, move || {
        let mut metrics = digits_metrics(d);
        metrics["parameters"] = json!(d.settings.with(|s| s.parameter_count()));
        metrics
    });
    let pixels = RwSignal::new(None::<Vec<f32>>);
    let drawn = RwSignal::new(None::<Vec<f32>>);
    // Where the top stroke of most digits is, so the first window shows ink.
    let at = RwSignal::new(StepAt { filter: 0, row: 5, col: 10 });

    view! {
        <article class="lesson mnist cnn staged staged-wide" data-testid="lesson-cnn">
            <PageIntro title="What a convolution sees">
                "A dense network looks at all 784 pixels at once, with a separate weight for each. A "
                <strong>"convolutional network"</strong>
                " looks through a small window instead: a 5×5 " <em>"filter"</em> " slides over the digit and asks the same question "
                "everywhere, “is there a stroke like mine here?”. Each answer is one pixel of a " <em>"feature map"</em>
                ". Press " <strong>"Train"</strong> " and watch the filters turn from noise into stroke detectors, on the real 60,000 digits."
            </PageIntro>
            <TrainingLinkBar query notes=link_notes widget="cnn-trainer"
                holds="A link holds the network's settings and seed, not its trained weights: whoever opens it trains from the same start."/>
            <DatasetStatus data=d.data what="digits" testid="mnist" on_retry=Callback::new(move |_| d.start_loading())/>
            <div class="mnist-side stage-1">
                <NetworkPanel d/>
                <ProgressPanel d/>
            </div>
            <LearningCurves d/>
            <Compare d/>
            <Panel title="The filters" class="cnn-filters">
                <WeightTiles layer=d.first_layer/>
            </Panel>
            <FeatureMaps d pixels drawn at/>
            <StepThrough d pixels at/>
            <DrawDigit trainer=d.trainer.get_value() steps=report.steps drawn=drawn/>
            <Panel title="Where it goes wrong" class="mnist-inside">
                <Confusion test=d.test_set evaluation=d.evaluation/>
                <Mistakes test=d.test_set evaluation=d.evaluation/>
            </Panel>
            <SaveLoad trainer=d.trainer.get_value() settings=d.settings ready=Signal::derive(move || d.ready()) accuracy=Signal::derive(move || d.latest_accuracy().map(|a| a.accuracy)) on_loaded=move |_| d.loaded()/>
            <Panel title="Coming to this page">
                <p class="notice">
                    <strong>"Not built yet: "</strong>
                    "WebGPU in the background worker (the convolutions have WebGPU kernels, tested against the CPU's, but the "
                    "worker trains on the CPU, as the Digits lesson's does); a speed comparison with TensorFlow.js; and the "
                    "convolutional GAN (DCGAN) for the GAN lesson."
                </p>
            </Panel>
        </article>
    }
}

/// This network beside the Digits lesson's dense one: numbers to learn, and what each reads.
#[component]
fn Compare(d: Digits) -> impl IntoView {
    let mlp = super::digits_mlp();
    let mlp_parameters = mlp.parameter_count();
    view! {
        <Panel title="Beside the Digits lesson's network" class="cnn-compare">
            <table class="cnn-compare-table" data-testid="cnn-compare">
                <thead><tr><th></th><th>"this network"</th><th>"Digits lesson (dense)"</th></tr></thead>
                <tbody>
                    <tr><th>"shape"</th><td>{move || d.settings.with(|s| s.shape_text())}</td><td>{mlp.shape_text()}</td></tr>
                    <tr><th>"weights and biases"</th>
                        <td data-testid="cnn-parameters">{move || grouped(d.settings.with(|s| s.parameter_count()) as u64)}</td>
                        <td data-testid="cnn-mlp-parameters">{grouped(mlp_parameters as u64)}</td></tr>
                    <tr><th>"test accuracy"</th>
                        <td>{move || d.latest_accuracy().map(|a| format!("{}% now", fixed(100.0 * a.accuracy, 1))).unwrap_or_else(|| "— (train it)".into())}</td>
                        <td>"at least 96% after one epoch"</td></tr>
                </tbody>
            </table>
            <p class="muted">
                {move || {
                    let ours = d.settings.with(|s| s.parameter_count()).max(1);
                    format!(
                        "The dense network has {} times as many numbers to learn. The convolution reuses each filter's 25 weights at all 576 places, \
                         which is why so few are enough. After one epoch on this machine's CPU, the default network read 96.98% of the test digits \
                         (a test checks at least 96.5%: tests/cnn_mnist.rs), the dense one at least 96% (tests/engine_mnist.rs).",
                        fixed(mlp_parameters as f64 / ours as f64, 1)
                    )
                }}
            </p>
        </Panel>
    }
}
