//! The `/vae` page: download MNIST, train the VAE live, and read what it learned: the curves of
//! both loss terms, the latent map with the manifold beside it, one image stepped through, and
//! β as a lesson. The state and actions are `lesson.rs`.

use leptos::prelude::*;
use serde_json::json;

use super::curves_view::Curves;
use super::lesson::VaeLesson;
use super::link::VaeLink;
use super::map_view::LatentMap;
use super::settings::{Form, BATCH_SIZES};
use super::step_view::StepThrough;
use super::{Settings, PRESETS};
use crate::lessons::shared::numbers::{fixed, grouped};
use crate::ui::download::DatasetStatus;
use crate::ui::settings_form::{self, Field};
use crate::ui::share::opening_state;
use crate::ui::training_link::{serve_training, Training, TrainingLink, TrainingLinkBar};
use crate::ui::{PageIntro, Panel, Stat, WhereTraining};

const WAITING: &str = "the digits are still downloading; wait for metrics.ready.";

#[component]
pub fn VaePage() -> impl IntoView {
    let (opened, link_notes) = opening_state::<VaeLink>();
    let l = VaeLesson::new(opened.settings, opened.point);
    l.start_loading();
    let VaeLesson { settings, point, running, busy, steps, epoch, speed, seconds, train_points, test_points, problem, thread, gpu, ready, .. } = l;
    let latest_train = move || train_points.with(|p| p.last().copied());
    let latest_test = move || test_points.with(|p| p.last().copied());

    let query = serve_training(
        TrainingLink {
            widget: "vae-map",
            state: Signal::derive(move || VaeLink { settings: settings.get(), point: point.get() }),
            apply: Callback::new(move |fresh: VaeLink| {
                if fresh.point != point.get_untracked() {
                    point.set(fresh.point);
                }
                if fresh.settings != settings.get_untracked() {
                    settings.set(fresh.settings);
                }
            }),
            training: Training {
                running,
                busy: busy.into(),
                ready: ready.into(),
                waiting: WAITING,
                reset: Callback::new(move |_| l.reset()),
                train: Callback::new(move |_| l.train()),
                step: Err("the VAE trains in slices, not single steps: use play and pause."),
            },
            steps: steps.into(),
            epoch: epoch.into(),
        },
        // The latest training point (a mean over the steps since the last report) and test check.
        move || {
            let terms = |p: Option<super::curves::Point>| p.map(|p| json!({ "reconstruction": p.terms.reconstruction, "kl": p.terms.kl, "elbo": p.terms.total() }));
            json!({ "train": terms(latest_train()), "test": terms(latest_test()), "point": point.get() })
        },
    );

    let stat = |value: Option<f64>| value.map(|v| fixed(v, 1)).unwrap_or_else(|| "—".into());
    view! {
        <article class="lesson vae-lesson staged staged-wide" data-testid="lesson-vae">
            <PageIntro title="Squeeze every digit into two numbers, then draw digits from anywhere">
                "A " <strong>"variational autoencoder"</strong> " (VAE) has two halves. The " <strong>"encoder"</strong>
                " reads a 28 × 28 digit and answers with a small cloud in a 2-D " <em>"latent space"</em>
                ": a centre μ and a spread σ. A point z is drawn from that cloud, and the " <strong>"decoder"</strong>
                " must redraw the digit from z alone. Its loss adds how badly the digit was redrawn to the KL divergence from the "
                "cloud to a standard normal, N(0, I), the same formula as in the "
                <a href="information">"Information lesson"</a>
                ". Press " <strong>"Train"</strong> " and watch the ten digits sort themselves into a map you can walk."
            </PageIntro>
            <TrainingLinkBar query notes=link_notes widget="vae-map"
                holds="A link holds the settings, the seed and the point on the map, not the trained model: whoever opens it trains from the same start."/>
            <DatasetStatus data=l.data what="digits" testid="vae" on_retry=Callback::new(move |_| l.start_loading())/>
            <div class="vae-side stage-1">
                <Panel title="The model" class="vae-model">
                    <p class="muted" data-testid="vae-architecture">
                        {move || {
                            let s = settings.get();
                            format!("784 pixels → {h} ReLU → μ and log σ² ({z} each) → z = μ + σ·ε → {h} ReLU → 784 pixel probabilities; {n} numbers to learn.",
                                h = s.hidden, z = s.latent, n = grouped(s.parameter_count() as u64))
                        }}
                    </p>
                    <div class="button-row">
                        <button class="primary" data-testid="vae-train" disabled=move || !ready.get() || (busy.get() && !running.get()) on:click=move |_| l.toggle()>
                            {move || if running.get() { "Pause" } else if steps.get() > 0 { "Resume" } else { "Train" }}
                        </button>
                        <button data-testid="vae-reset" on:click=move |_| l.reset() disabled=move || !ready.get()>"Reset"</button>
                    </div>
                    {move || problem.get().map(|p| view! { <p class="notice" role="alert" data-testid="vae-problem">{p}</p> })}
                    <Presets settings on_pick=Callback::new(move |_| l.reset())/>
                </Panel>
                <Panel title="Progress" class="vae-progress">
                    <div class="stat-row">
                        <Stat label="steps" testid="vae-steps">{move || grouped(steps.get() as u64)}</Stat>
                        <div class="stat"><span class="stat-label">"images per second"</span><span class="stat-value" data-testid="vae-speed">{move || grouped(speed.get().round() as u64)}</span>
                            <span class="stat-note">{move || format!("epoch {} of the 60,000 digits", epoch.get() + 1)}</span></div>
                        <Stat label="training time" testid="vae-time">{move || format!("{} s", fixed(seconds.get(), 0))}</Stat>
                        <div class="stat"><span class="stat-label">"test −ELBO (nats per image)"</span><span class="stat-value" data-testid="vae-test-elbo">{move || stat(latest_test().map(|p| p.terms.total()))}</span>
                            <span class="stat-note">{move || latest_test().map(|p| format!("reconstruction {} + KL {}, first 1,000 test digits", fixed(p.terms.reconstruction, 1), fixed(p.terms.kl, 2))).unwrap_or_default()}</span></div>
                    </div>
                    <WhereTraining thread lesson="vae" gpu running=running.into()/>
                </Panel>
            </div>
            <LatentMap lesson=l/>
            <Panel title="Both terms of the loss, as it trains" class="vae-curves-panel" testid="vae-curves">
                <Curves train=train_points test=test_points/>
            </Panel>
            <StepThrough lesson=l/>
            <Panel title="Change the model" class="vae-settings-panel" testid="vae-settings-panel"
                intro="New settings start a fresh model from them (and the seed). The defaults are the MLP VAE of Kingma and Welling's MNIST experiments, with a 2-D latent space so it can be drawn as a map.">
                <SettingsForm settings on_apply=Callback::new(move |_| l.reset())/>
            </Panel>
            <Panel title="Coming to this page">
                <p class="notice" data-testid="vae-not-built">
                    <strong>"Not built yet: "</strong>
                    "training on the GPU (this lesson trains on the CPU, in the background worker), judging 64 samples with the GAN lesson's judge, "
                    "and saving the model as .safetensors with a PyTorch script."
                </p>
            </Panel>
        </article>
    }
}

/// β as a lesson: three presets, each with what to watch for.
#[component]
fn Presets(settings: RwSignal<Settings>, on_pick: Callback<()>) -> impl IntoView {
    let chosen = move || settings.with(|s| PRESETS.iter().position(|p| p.beta == s.beta));
    view! {
        <div class="vae-presets" data-testid="vae-presets">
            <p class="field-label">"β, the KL term's weight:"</p>
            <div class="button-row">
                {PRESETS.iter().enumerate().map(|(i, p)| view! {
                    <button data-testid=format!("vae-preset-{}", p.slug) class:chosen=move || chosen() == Some(i) aria-pressed=move || (chosen() == Some(i)).to_string()
                        on:click=move |_| { settings.update(|s| s.beta = p.beta); on_pick.run(()); }>{p.name}</button>
                }).collect_view()}
            </div>
            <p class="muted" data-testid="vae-watch-for">
                {move || chosen().map(|i| PRESETS[i].watch_for.to_string()).unwrap_or_else(|| format!("β = {}: between the presets.", settings.with(|s| s.beta)))}
            </p>
        </div>
    }
}

#[component]
fn SettingsForm(settings: RwSignal<Settings>, on_apply: Callback<()>) -> impl IntoView {
    let form = settings_form::Form::<Form>::new(settings, on_apply);
    view! {
        <div class="settings-form" data-testid="vae-settings">
            <Field label="latent size (2 draws as a map; up to 32)" problem=form.problem("latent")>
                {form.text_box("vae-latent", "numeric", |f| f.latent.clone(), |f, v| f.latent = v)}
            </Field>
            <Field label="hidden ReLU units, each side" problem=form.problem("hidden")>
                {form.text_box("vae-hidden", "numeric", |f| f.hidden.clone(), |f, v| f.hidden = v)}
            </Field>
            <Field label="β, the KL term's weight (0 to 20)" problem=form.problem("beta")>
                {form.text_box("vae-beta", "decimal", |f| f.beta.clone(), |f, v| f.beta = v)}
            </Field>
            {form.run_rows("vae", "learning rate (Adam)", &BATCH_SIZES)}
        </div>
    }
}
