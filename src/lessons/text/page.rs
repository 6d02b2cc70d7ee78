//! The `/text` page: download the IMDB reviews (with progress, checksum and retry), train the
//! classifier live a slice per frame, check it on all 25,000 test reviews as it goes, and hand
//! the weights to the panels that explain it (typed review, embedding, mistakes, teaching).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;
use plotters::prelude::*;

use super::model::Weights;
use super::trainer::{Evaluation, Score, StepResult, Trainer};
use crate::app::training::{now, play, Ended, Hooks, SLICE_MILLISECONDS};
use crate::app::download::{load_asset, Dataset, DatasetStatus};
use crate::app::widgets::training_link::Training;
use crate::app::widgets::{css_colour, Chart};
use crate::data::{ImdbSet, IMDB_FILE};
use crate::engine::poll::now_or_never;
use crate::engine::training::{Driver, Flow, RateMeter, Slice};
use crate::engine::CpuBackend;
use crate::lessons::shared::numbers::{fixed, grouped};

/// At most this long of each slice goes to checking the test reviews.
const CHECK_MILLISECONDS: f64 = 5.0;
/// A test check (all 25,000 test reviews) starts every this many steps.
const CHECK_EVERY: u32 = 150;

pub(super) type SharedTrainer = Rc<RefCell<Option<Trainer<CpuBackend>>>>;

/// Training loss and accuracy, averaged over the steps since the previous point.
#[derive(Clone, Copy, Debug, PartialEq)]
struct TrainPoint {
    step: u32,
    loss: f64,
    accuracy: f64,
}

#[component]
pub fn TextPage() -> impl IntoView {
    let data = RwSignal::new(Dataset::Loading { received: 0, expected: None });
    let set = RwSignal::new(None::<Arc<ImdbSet>>);
    let (opened, link_notes) = super::link_view::opening();
    let settings = RwSignal::new(opened.settings);
    let trainer: StoredValue<SharedTrainer, LocalStorage> = StoredValue::new_local(Rc::new(RefCell::new(None)));
    let evaluation: StoredValue<Rc<RefCell<Option<Evaluation>>>, LocalStorage> = StoredValue::new_local(Rc::new(RefCell::new(None)));
    let running = RwSignal::new(false);
    let train_points = RwSignal::new(Vec::<TrainPoint>::new());
    let test_points = RwSignal::new(Vec::<Score>::new());
    let steps = RwSignal::new(0u32);
    let epoch = RwSignal::new(0usize);
    let position = RwSignal::new(0usize);
    let reviews_per_second = RwSignal::new(0.0f64);
    let seconds = RwSignal::new(0.0f64);
    let problem = RwSignal::new(None::<String>);
    // The weights at the last check, and the test probabilities of the last full check.
    let weights = RwSignal::new(None::<Arc<Weights>>);
    let test_probabilities = RwSignal::new(None::<Arc<Vec<f32>>>);
    // The best test accuracy so far: (accuracy, step, seconds of training), and the training
    // time at which the check in progress copied its weights.
    let best = RwSignal::new(None::<(f64, u32, f64)>);
    let check_seconds = StoredValue::new(0.0f64);
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

    let reset = move || {
        running.set(false);
        trainer.get_value().borrow_mut().take();
        evaluation.get_value().borrow_mut().take();
        train_points.set(Vec::new());
        test_points.set(Vec::new());
        weights.set(None);
        test_probabilities.set(None);
        best.set(None);
        steps.set(0);
        epoch.set(0);
        position.set(0);
        reviews_per_second.set(0.0);
        seconds.set(0.0);
        problem.set(None);
    };

    // Copies the weights and starts a check of all test reviews with them.
    let start_check = move || {
        let Some(s) = set.get_untracked() else { return };
        let cell = trainer.get_value();
        let Ok(guard) = cell.try_borrow() else { return };
        let Some(t) = guard.as_ref() else { return };
        let Some(copy) = now_or_never(t.weights()) else { return };
        let copy = Arc::new(copy);
        weights.set(Some(copy.clone()));
        check_seconds.set_value(seconds.get_untracked());
        *evaluation.get_value().borrow_mut() = Some(Evaluation::new((*copy).clone(), t.steps(), s.test()));
    };

    // Works on the check in progress for up to `budget` ms; records it when done.
    let advance_check = move |budget: f64| {
        let Some(s) = set.get_untracked() else { return };
        let cell = evaluation.get_value();
        let mut guard = cell.borrow_mut();
        let Some(e) = guard.as_mut() else { return };
        let start = now();
        while now() - start < budget {
            if let Some(score) = e.advance(&s, 500) {
                test_points.update(|p| p.push(score));
                if best.get_untracked().is_none_or(|(accuracy, _, _)| score.accuracy > accuracy) {
                    best.set(Some((score.accuracy, score.step, check_seconds.get_value())));
                }
                test_probabilities.set(Some(Arc::new(std::mem::take(&mut e.probabilities))));
                *guard = None;
                return;
            }
        }
    };

    // Finishes any check in progress at once (on pause), so the figures match the weights.
    let finish_check = move || advance_check(f64::INFINITY);

    let train_loop = move || {
        wasm_bindgen_futures::spawn_local(async move {
            let Some(s) = set.get_untracked() else { return };
            let cell = trainer.get_value();
            if cell.borrow().is_none() {
                *cell.borrow_mut() = Some(Trainer::new(&CpuBackend::new(), settings.get_untracked(), &s));
                start_check(); // the untrained model's test accuracy: the first point
            }
            // Since the last point: the loss summed over reviews, reviews right, reviews seen.
            let window = Cell::new((0.0f64, 0usize, 0usize));
            let mut last = now();
            let mut driver = Driver::new(SLICE_MILLISECONDS);
            let hooks = Hooks {
                before_slice: || {
                    let slice_start = now();
                    seconds.update(|t| *t += (slice_start - last) / 1000.0);
                    last = slice_start;
                    advance_check(CHECK_MILLISECONDS);
                },
                after_step: |t: &mut Trainer<CpuBackend>, result: &StepResult| {
                    if result.loss.is_finite() {
                        let (loss_sum, correct, seen) = window.get();
                        window.set((loss_sum + result.loss * result.reviews as f64, correct + result.correct, seen + result.reviews));
                    }
                    if t.steps().is_multiple_of(CHECK_EVERY) {
                        Flow::EndSlice
                    } else {
                        Flow::Continue
                    }
                },
                after_slice: |_: &Slice, rate: &RateMeter| {
                    reviews_per_second.set(rate.smoothed());
                    if let Some(t) = cell.borrow().as_ref() {
                        steps.set(t.steps());
                        epoch.set(t.epoch());
                        position.set(t.position());
                    }
                    let step_now = steps.get_untracked();
                    let (loss_sum, correct, seen) = window.get();
                    if seen > 0 && step_now.is_multiple_of(CHECK_EVERY) {
                        train_points.update(|p| p.push(TrainPoint { step: step_now, loss: loss_sum / seen as f64, accuracy: correct as f64 / seen as f64 }));
                        window.set((0.0, 0, 0));
                        finish_check(); // a slow check never lags more than one behind
                        start_check();
                    }
                },
            };
            if let Ended::Diverged(d) = play(&cell, &*s, &mut driver, move || running.get_untracked(), hooks).await {
                running.set(false);
                problem.set(Some(d.message(
                    "The loss",
                    "step",
                    "the learning rate is too large. Training has stopped; the curves so far are kept. Lower the learning rate and start over.",
                )));
            }
            // Paused: check the weights as they are now, so every figure on the page matches them.
            finish_check();
            if test_points.with_untracked(|p| p.last().map(|p| p.step)) != Some(steps.get_untracked()) {
                start_check();
                finish_check();
            }
        });
    };

    // Weights loaded from a file or this browser's storage become the model.
    let load_weights = move |w: Weights| {
        let Some(s) = set.get_untracked() else { return };
        reset();
        let shaped = w.settings(&settings.get_untracked());
        settings.set(shaped.clone());
        *trainer.get_value().borrow_mut() = Some(Trainer::with_weights(&CpuBackend::new(), shaped, &s, &w));
        start_check();
        finish_check();
    };

    let toggle = move |_| {
        if running.get_untracked() {
            running.set(false);
        } else {
            problem.set(None);
            running.set(true);
            train_loop();
        }
    };

    let steps_per_epoch = move || set.with(|s| s.as_ref().map_or(1, |s| s.train_count)).div_ceil(settings.with(|s| s.batch_size));
    let latest = move || test_points.with(|p| p.last().copied());
    let vocabulary_size = move || set.with(|s| s.as_ref().map_or(20_000, |s| s.vocabulary.len()));
    // State in the link and the host page API (link_view.rs).
    let query = super::link_view::serve(super::link_view::Hooks {
        settings,
        review,
        set,
        weights,
        training: Training {
            running,
            ready: Signal::derive(move || set.with(Option::is_some)),
            waiting: super::link_view::WAITING,
            reset: Callback::new(move |_| reset()),
            train: Callback::new(move |_| {
                problem.set(None);
                running.set(true);
                train_loop();
            }),
            step: Err(super::link_view::NO_STEP),
        },
        steps: steps.into(),
        epoch: epoch.into(),
        loss: Signal::derive(move || latest().map(|a| a.loss)),
        accuracy: Signal::derive(move || latest().map(|a| a.accuracy)),
    });

    view! {
        <article class="lesson text-lesson" data-testid="lesson-text">
            <p class="kicker">"Lesson"</p>
            <h1>"Teach a model to read the mood of a review"</h1>
            <p class="lede">
                "50,000 real movie reviews from IMDB, each marked positive or negative by its author's rating. Press "
                <strong>"Train"</strong>
                " and a small model learns from 25,000 of them in your browser, in under a minute; then type your own review "
                "and see which words push it toward positive or negative."
            </p>
            <super::link_view::LinkBar query notes=link_notes/>
            <DatasetStatus data what="reviews" testid="text" on_retry=Callback::new(move |_| start_loading())/>
            <section class="panel">
                <h2>"The model"</h2>
                <p>
                    "Each review is cut into words (and punctuation), and each of the 20,000 most common words of the training reviews "
                    "gets a vector of numbers that training adjusts. A review becomes the "
                    <em>"average"</em>
                    " of its words' vectors (word order is ignored: a \"bag of words\"). That average goes through an optional hidden "
                    "layer to one number, the logit z; the probability that the review is positive is σ(z) = 1 / (1 + e"
                    <sup>"−z"</sup>
                    "). Training nudges all the numbers to lower the cross-entropy between that probability and the true label (Adam)."
                </p>
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
                <super::settings_view::SettingsForm settings on_apply=move |_| reset()/>
                <div class="button-row">
                    <button class="primary" data-testid="text-train" disabled=move || data.get() != Dataset::Ready on:click=toggle>
                        {move || if running.get() { "Pause" } else if steps.get() > 0 { "Resume" } else { "Train" }}
                    </button>
                    <button data-testid="text-reset" on:click=move |_| reset() disabled=move || steps.get() == 0 && weights.with(|w| w.is_none())>"Reset"</button>
                </div>
                {move || problem.get().map(|p| view! { <p class="notice" role="alert" data-testid="text-problem">{p}</p> })}
            </section>
            <section class="panel">
                <h2>"Progress"</h2>
                <div class="stat-row">
                    <div class="stat"><span class="stat-label">"epoch"</span><span class="stat-value" data-testid="text-epoch">{move || epoch.get() + 1}</span></div>
                    <div class="stat"><span class="stat-label">"step"</span><span class="stat-value" data-testid="text-steps">{move || steps.get()}</span></div>
                    <div class="stat"><span class="stat-label">"reviews per second"</span><span class="stat-value" data-testid="text-speed">{move || grouped(reviews_per_second.get().round() as u64)}</span></div>
                    <div class="stat"><span class="stat-label">"training time"</span><span class="stat-value" data-testid="text-seconds">{move || format!("{} s", fixed(seconds.get(), 1))}</span></div>
                    <div class="stat">
                        <span class="stat-label">"test accuracy"</span>
                        <span class="stat-value" data-testid="text-accuracy">
                            {move || latest().map(|a| format!("{}%", fixed(100.0 * a.accuracy, 1))).unwrap_or_else(|| "—".into())}
                        </span>
                        <span class="stat-note" data-testid="text-accuracy-note">
                            {move || latest().map(|a| format!("on all {} test reviews, at step {}", grouped(a.reviews as u64), a.step)).unwrap_or_default()}
                        </span>
                    </div>
                    <div class="stat">
                        <span class="stat-label">"best test accuracy"</span>
                        <span class="stat-value" data-testid="text-best">
                            {move || best.get().map(|(a, _, _)| format!("{}%", fixed(100.0 * a, 1))).unwrap_or_else(|| "—".into())}
                        </span>
                        <span class="stat-note" data-testid="text-best-note">
                            {move || best.get().map(|(_, step, t)| format!("at step {step}, after {} s of training", fixed(t, 1))).unwrap_or_default()}
                        </span>
                    </div>
                </div>
                <progress max=move || steps_per_epoch() as f64 value=move || position.get().div_ceil(settings.with(|s| s.batch_size)) as f64></progress>
                <p class="muted">
                    "One epoch is one pass over the 25,000 training reviews. The test reviews are never trained on; "
                    "no review (or copy of one) is on both sides. Test accuracy peaks after an epoch or two and then slips "
                    "as the model starts memorising its training reviews: the best check is kept above."
                </p>
            </section>
            <section class="panel">
                <h2>"Learning curves"</h2>
                <p class="muted">
                    "Blue: on the training batches, averaged over the 150 steps before each point. Orange: on all 25,000 test reviews, "
                    "checked every 150 steps. When blue keeps improving and orange stops, the model has begun to memorise its training reviews."
                </p>
                <div class="text-curves">
                    <Chart
                        label=Signal::derive(move || format!("Loss over {} steps", steps.get()))
                        testid="text-loss-curve"
                        aspect=0.6
                        draw=move |area, ratio| draw_curves(area, ratio, "loss (cross-entropy)", false,
                            &train_points.with(|p| p.iter().map(|p| (p.step, p.loss)).collect::<Vec<_>>()),
                            &test_points.with(|p| p.iter().map(|p| (p.step, p.loss)).collect::<Vec<_>>()))
                    />
                    <Chart
                        label=Signal::derive(move || format!("Accuracy over {} steps", steps.get()))
                        testid="text-accuracy-curve"
                        aspect=0.6
                        draw=move |area, ratio| draw_curves(area, ratio, "accuracy (%)", true,
                            &train_points.with(|p| p.iter().map(|p| (p.step, 100.0 * p.accuracy)).collect::<Vec<_>>()),
                            &test_points.with(|p| p.iter().map(|p| (p.step, 100.0 * p.accuracy)).collect::<Vec<_>>()))
                    />
                </div>
            </section>
            <super::review_view::ReviewBox set weights review/>
            <super::explore_view::Explore set weights/>
            <super::teach_view::Mistakes set probabilities=test_probabilities review/>
            <super::teach_view::Teach set trainer=trainer.get_value() weights running on_changed=move |_| { start_check(); finish_check(); }/>
            <super::save_view::SaveLoad set weights on_load=load_weights/>
            <section class="panel">
                <h2>"Coming to this page"</h2>
                <p class="notice">
                    <strong>"Not built yet: "</strong>
                    "word pairs (bigrams); training on WebGPU or in a background thread. "
                    "Today the model trains on your CPU (WebAssembly), on this page's thread, a slice per frame."
                </p>
            </section>
        </article>
    }
}

/// Two curves (training in blue, test in orange) against the step.
fn draw_curves(
    area: DrawingArea<plotters_canvas::CanvasBackend, plotters::coord::Shift>,
    ratio: f64,
    what: &str,
    percent: bool,
    train: &[(u32, f64)],
    test: &[(u32, f64)],
) {
    let text = css_colour("--text");
    let muted = css_colour("--muted");
    let blue = css_colour("--accent");
    let orange = css_colour("--second");
    let _ = area.fill(&css_colour("--surface"));
    let last_step = train.iter().chain(test).map(|p| p.0).max().unwrap_or(0).max(100) as f64;
    let finite = || train.iter().chain(test).map(|p| p.1).filter(|v| v.is_finite());
    let (low, high) = if percent {
        let low = finite().fold(100.0f64, f64::min).min(50.0);
        ((low / 5.0).floor() * 5.0, 100.0)
    } else {
        (0.0, finite().fold(0.1f64, f64::max).min(2.0) * 1.05)
    };
    let font = (13.0 * ratio) as i32;
    let Ok(mut chart) = ChartBuilder::on(&area)
        .margin((10.0 * ratio) as i32)
        .x_label_area_size((32.0 * ratio) as i32)
        .y_label_area_size((44.0 * ratio) as i32)
        .build_cartesian_2d(0.0..last_step, low..high)
    else {
        return;
    };
    let _ = chart
        .configure_mesh()
        .x_desc("step")
        .y_desc(what)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .label_style(("sans-serif", font).into_font().color(&muted))
        .axis_desc_style(("sans-serif", font).into_font().color(&text))
        .light_line_style(css_colour("--border").mix(0.4))
        .bold_line_style(css_colour("--border"))
        .axis_style(muted)
        .draw();
    let stroke = (2.0 * ratio) as u32;
    for (points, colour) in [(train, blue), (test, orange)] {
        let clamp = |v: f64| v.clamp(low, high);
        let _ = chart.draw_series(LineSeries::new(points.iter().map(|&(s, v)| (s as f64, clamp(v))), colour.stroke_width(stroke)));
        let _ = chart.draw_series(points.iter().map(|&(s, v)| Circle::new((s as f64, clamp(v)), (2.5 * ratio) as i32, colour.filled())));
    }
}
