//! The `/text` page: download the IMDB reviews (with progress, checksum and retry), train the
//! classifier live (in the background worker; see `run.rs`), check it on the validation reviews
//! as it goes, keep the best and stop early, score the model kept once on the test reviews, and
//! hand the weights to the panels that explain it (typed review, embedding, mistakes, teaching).

use crate::ui::chart::{curve_chart, draw_dotted_curve, Canvas};
use std::sync::Arc;

use leptos::prelude::*;

use crate::ui::Stat;

use crate::ui::{More, PageIntro, Panel};
use plotters::prelude::*;

use super::run::Run;
use crate::ui::download::{load_asset, Dataset, DatasetStatus};
use serde_json::json;

use super::explain::read;
use super::link::TextLink;
use super::Settings;
use crate::ui::share::opening_state;
use crate::ui::training_link::{serve_training, Training, TrainingLink, TrainingLinkBar};
use crate::ui::{css_colour, Chart, WhereTraining};
use crate::data::{ImdbSet, IMDB_FILE};
use crate::lessons::shared::numbers::{fixed, grouped};

#[component]
pub fn TextPage() -> impl IntoView {
    let data = RwSignal::new(Dataset::Loading { received: 0, expected: None });
    let set = RwSignal::new(None::<Arc<ImdbSet>>);
    let (opened, link_notes) = opening_state::<TextLink>();
    let settings = RwSignal::new(opened.settings);
    let keep_training = RwSignal::new(opened.keep_training);
    let run = Run::new(set, settings, keep_training);
    let Run { running, steps, epoch, problem, weights, test_probabilities, test_score, .. } = run;
    // The review in the typing box (the mistakes panel can put one there).
    let review = RwSignal::new(opened.review);

    let start_loading = move || {
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(loaded) = load_asset(data, IMDB_FILE, ImdbSet::decode).await {
                set.set(Some(Arc::new(loaded)));
            }
        });
    };
    start_loading();

    let toggle = move |_| {
        if running.get_untracked() {
            running.set(false);
        } else {
            run.train();
        }
    };

    let latest = move || run.validation_now();
    let vocabulary_size = move || set.with(|s| s.as_ref().map_or(20_000, |s| s.vocabulary.len()));
    // State in the link and the host page API (ui/training_link.rs): a host's new review keeps
    // the model, new settings train again.
    let query = serve_training(
        TrainingLink {
            widget: "text-classifier",
            state: Signal::derive(move || TextLink { settings: settings.get(), keep_training: keep_training.get(), review: review.get() }),
            apply: Callback::new(move |fresh: TextLink| {
                if fresh.review != review.get_untracked() {
                    review.set(fresh.review);
                }
                if fresh.keep_training != keep_training.get_untracked() {
                    keep_training.set(fresh.keep_training);
                }
                if fresh.settings != settings.get_untracked() {
                    settings.set(fresh.settings);
                }
            }),
            // No single steps: it trains in slices.
            training: Training {
                running,
                busy: run.busy.into(),
                ready: Signal::derive(move || set.with(Option::is_some)),
                waiting: "the reviews are still downloading; wait for metrics.ready.",
                reset: Callback::new(move |_| run.reset()),
                train: Callback::new(move |_| run.train()),
                step: Err("the text classifier trains in slices, not single steps: use play and pause."),
            },
            steps: steps.into(),
            epoch: epoch.into(),
        },
        // The latest validation loss and accuracy, the test accuracy of the model kept (scored
        // once, when training stopped), and the probability the review box shows, once there is
        // a model to read with (the weights of the last check).
        move || {
            let positive = set.with(|s| {
                weights.with(|w| match (s, w) {
                    (Some(s), Some(w)) => review.with(|r| read(w, &s.vocabulary, r).ok().map(|reading| reading.probability)),
                    _ => None,
                })
            });
            json!({
                "loss": latest().map(|a| a.loss),
                "accuracy": latest().map(|a| a.accuracy),
                "test_accuracy": test_score.get().map(|a| a.accuracy),
                "review_positive": positive,
            })
        },
    );

    view! {
        <article class="lesson text-lesson staged staged-wide" data-testid="lesson-text">
            <PageIntro title="Teach a model to read the mood of a review">
                "50,000 real movie reviews from IMDB, each marked positive or negative by its author's rating. Press "
                <strong>"Train"</strong>
                " and a small model learns from 25,000 of them in your browser, in under a minute; then type your own review "
                "and see which words push it toward positive or negative."
            </PageIntro>
            <TrainingLinkBar query notes=link_notes widget="text-classifier"
                holds="A link holds the model's settings, its seed and your review, not the trained model: whoever opens it trains from the same start."/>
            <DatasetStatus data what="reviews" testid="text" on_retry=Callback::new(move |_| start_loading())/>
            <div class="text-side stage-1">
            <Panel title="The model">
                <More label="How the model reads a review">
                <p>
                    "Each review is cut into words (and punctuation), and each of the 20,000 most common words of the training reviews "
                    "gets a vector of numbers that training adjusts. A review becomes the "
                    <em>"average"</em>
                    " of its words' vectors (word order is ignored: a \"bag of words\"). That average goes through an optional hidden "
                    "layer to one number, the logit z; the probability that the review is positive is σ(z) = 1 / (1 + e"
                    <sup>"−z"</sup>
                    "). Training nudges all the numbers to lower the cross-entropy between that probability and the true label (Adam)."
                </p>
                </More>
                <p data-testid="text-architecture" class="muted">
                    {move || {
                        let s = settings.get();
                        let shape = if s.hidden > 0 {
                            format!("words → {}-number vectors → average → {} ReLU units → 1 logit", s.embedding_dim, s.hidden)
                        } else {
                            format!("words → {}-number vectors → average → 1 logit", s.embedding_dim)
                        };
                        format!("{shape}; {} numbers to learn.", grouped(s.parameter_count(vocabulary_size()) as u64))
                    }}
                </p>
                <div class="button-row">
                    <button class="primary" data-testid="text-train" disabled=move || data.get() != Dataset::Ready || (run.busy.get() && !running.get()) on:click=toggle>
                        {move || if running.get() { "Pause" } else if steps.get() > 0 { "Resume" } else { "Train" }}
                    </button>
                    <button data-testid="text-reset" on:click=move |_| run.reset() disabled=move || steps.get() == 0 && weights.with(|w| w.is_none())>"Reset"</button>
                </div>
                <label class="text-keep-training">
                    <input type="checkbox" data-testid="text-keep-training" prop:checked=move || keep_training.get()
                        on:change=move |ev| keep_training.set(event_target_checked(&ev))/>
                    " Keep training after the best check (watch it memorise)"
                </label>
                <More label="Change the model">
                    <super::settings_view::SettingsForm settings on_apply=move |_| run.reset()/>
                </More>
                {move || problem.get().map(|p| view! { <p class="notice" role="alert" data-testid="text-problem">{p}</p> })}
                {move || run.stopped_early.get().zip(run.best.get()).map(|(at, best)| view! {
                    <p class="notice-ok" role="status" data-testid="text-stopped-early">
                        {format!(
                            "Stopped early at step {at}: a whole epoch passed without beating the best validation accuracy, {}% at step {}. \
                             The model is back at step {}. Tick \"keep training\" and press Resume to watch it memorise instead.",
                            fixed(100.0 * best.accuracy, 1), best.step, best.step
                        )}
                    </p>
                })}
            </Panel>
            <ProgressPanel run set settings/>
            <CurvesPanel run/>
            </div>
            <super::review_view::ReviewBox set weights review/>
            <super::explore_view::Explore set weights/>
            <super::teach_view::Mistakes set probabilities=test_probabilities review/>
            <super::teach_view::Teach set trainer=run.trainer.get_value() weights running busy=run.busy on_changed=move |_| run.check_now()/>
            <super::saving_view::SaveLoad set weights on_load=move |w| run.load(w)/>
            <Panel title="Coming to this page">
                <p class="notice">
                    <strong>"Not built yet: "</strong>
                    "word pairs (bigrams), so that \"not good\" can count against a review although \"good\" counts for it."
                </p>
            </Panel>
        </article>
    }
}

/// Two curves (training in blue, validation in orange) against the step, and a grey line at
/// the step of the best validation check.
fn draw_curves(
    area: DrawingArea<Canvas, plotters::coord::Shift>,
    ratio: f64,
    what: &str,
    percent: bool,
    train: &[(u32, f64)],
    validation: &[(u32, f64)],
    best: Option<u32>,
) {
    let last_step = train.iter().chain(validation).map(|p| p.0).max().unwrap_or(0).max(100) as f64;
    let finite = || train.iter().chain(validation).map(|p| p.1).filter(|v| v.is_finite());
    let (low, high) = if percent {
        let low = finite().fold(100.0f64, f64::min).min(50.0);
        ((low / 5.0).floor() * 5.0, 100.0)
    } else {
        (0.0, finite().fold(0.1f64, f64::max).min(2.0) * 1.05)
    };
    let Some(mut chart) = curve_chart(&area, ratio, 0.0..last_step, low..high, "step", what) else { return };
    if let Some(step) = best {
        let line = [(step as f64, low), (step as f64, high)];
        let style = ShapeStyle::from(css_colour("--muted")).stroke_width((ratio * 1.5).round().max(1.0) as u32);
        let _ = chart.draw_series(LineSeries::new(line, style));
    }
    for (points, colour) in [(train, "--accent"), (validation, "--second")] {
        draw_dotted_curve(&mut chart, points, css_colour(colour), ratio, low..high);
    }
}

/// The epoch, step, speed, training time, the latest and the best validation accuracy, the test
/// accuracy of the model kept, and where it trains.
#[component]
fn ProgressPanel(run: Run, set: RwSignal<Option<Arc<ImdbSet>>>, settings: RwSignal<Settings>) -> impl IntoView {
    let Run { running, steps, epoch, position, reviews_per_second, seconds, best, test_score, thread, busy, .. } = run;
    let fit = move || set.with(|s| s.as_ref().map_or(1, |s| s.fit().len()));
    let steps_per_epoch = move || fit().div_ceil(settings.with(|s| s.batch_size));
    let latest = move || run.validation_now();
    // The test score is of the model the page holds; while training it is out of date.
    let test_now = move || test_score.get().filter(|t| !running.get() && t.step == steps.get());
    view! {
    <Panel title="Progress">
        <div class="stat-row">
            <Stat label="epoch" testid="text-epoch">{move || epoch.get() + 1}</Stat>
            <Stat label="step" testid="text-steps">{move || steps.get()}</Stat>
            <Stat label="reviews per second" testid="text-speed">{move || grouped(reviews_per_second.get().round() as u64)}</Stat>
            <Stat label="training time" testid="text-seconds">{move || format!("{} s", fixed(seconds.get(), 1))}</Stat>
            <Stat label="validation accuracy" testid="text-accuracy"
                note=Signal::derive(move || latest().map(|a| format!("on the {} validation reviews, at step {}", grouped(a.reviews as u64), a.step)).unwrap_or_default())>
                {move || latest().map(|a| format!("{}%", fixed(100.0 * a.accuracy, 1))).unwrap_or_else(|| "—".into())}
            </Stat>
            <Stat label="best validation accuracy" testid="text-best"
                note=Signal::derive(move || best.get().map(|b| format!("at step {}, after {} s of training", b.step, fixed(b.seconds, 1))).unwrap_or_default())>
                {move || best.get().map(|b| format!("{}%", fixed(100.0 * b.accuracy, 1))).unwrap_or_else(|| "—".into())}
            </Stat>
            <Stat label="test accuracy" testid="text-test"
                note=Signal::derive(move || match test_now() {
                    Some(t) => format!("of this model (step {}), on all {} test reviews, once", t.step, grouped(t.reviews as u64)),
                    None => "scored once, when training stops".into(),
                })>
                {move || test_now().map(|t| format!("{}%", fixed(100.0 * t.accuracy, 1))).unwrap_or_else(|| "—".into())}
            </Stat>
        </div>
        {move || {
            let back = best.get().filter(|b| !running.get() && !busy.get() && b.step != steps.get());
            back.map(|b| view! {
                <p>
                    <button data-testid="text-go-back" on:click=move |_| run.go_back_to_best()>
                        {format!("Go back to the best model (step {}, {}% on validation)", b.step, fixed(100.0 * b.accuracy, 1))}
                    </button>
                </p>
            })
        }}
        <progress max=move || steps_per_epoch() as f64 value=move || position.get().div_ceil(settings.with(|s| s.batch_size)) as f64></progress>
        <WhereTraining thread lesson="text" gpu=run.gpu running=running.into()/>
        <More label="Epochs, validation and the test reviews">
            <p class="muted">
                "One epoch is one pass over the 22,500 reviews the model trains on. The other 2,500 training reviews (a random tenth, "
                "the same for every seed) are held out for validation: they are never trained on, and they choose the model. "
                "The best validation check is kept; when a whole epoch passes without a better one, training stops and the model "
                "goes back to that check (early stopping)."
            </p>
            <p class="muted">
                "The 25,000 test reviews play no part in choosing. The model kept is scored on them once, when training stops, so "
                "the test accuracy is a fair guess of how it reads reviews it has never seen. No review (or copy of one) is on "
                "both sides."
            </p>
        </More>
    </Panel>
    }
}

/// Loss and accuracy on the training batches and on the validation reviews.
#[component]
fn CurvesPanel(run: Run) -> impl IntoView {
    let Run { train_points, validation_points, steps, best, .. } = run;
    let best_step = move || best.get().map(|b| b.step);
    view! {
    <Panel title="Learning curves" intro=concat!(
        "Blue: on the training batches, averaged over the steps since the point before. Orange: on the 2,500 validation reviews, ",
        "checked every 150 steps, or as often as this page keeps up while the background worker trains faster. Grey line: the best ",
        "validation check, the model kept. When blue keeps improving and orange gets worse, the model is memorising its training reviews.",
    )>
        <div class="text-curves">
            <Chart
                label=Signal::derive(move || format!("Loss over {} steps", steps.get()))
                testid="text-loss-curve"
                aspect=0.6
                draw=move |area, ratio| draw_curves(area, ratio, "loss (cross-entropy)", false,
                    &train_points.with(|p| p.iter().map(|p| (p.step, p.loss)).collect::<Vec<_>>()),
                    &validation_points.with(|p| p.iter().map(|p| (p.step, p.loss)).collect::<Vec<_>>()),
                    best_step())
            />
            <Chart
                label=Signal::derive(move || format!("Accuracy over {} steps", steps.get()))
                testid="text-accuracy-curve"
                aspect=0.6
                draw=move |area, ratio| draw_curves(area, ratio, "accuracy (%)", true,
                    &train_points.with(|p| p.iter().map(|p| (p.step, 100.0 * p.accuracy)).collect::<Vec<_>>()),
                    &validation_points.with(|p| p.iter().map(|p| (p.step, 100.0 * p.accuracy)).collect::<Vec<_>>()),
                    best_step())
            />
        </div>
    </Panel>
    }
}
