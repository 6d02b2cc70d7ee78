//! The judge panel: where the digit classifier comes from (kept by the MNIST lesson, or trained
//! here in the background while the GAN trains), and what it reads in 1,000 generated samples.

use leptos::prelude::*;
use crate::ui::More;

use crate::ui::Panel;

use super::charts::draw_histogram;
use super::judge::{accuracy, judge_images, Asked, Verdict, TARGET_ASKED_MEAN, TARGET_ASKED_WORST, TARGET_CONFIDENCE, TARGET_SHARE};
use super::run::{Run, Sets, JUDGED_SAMPLES, JUDGE_EVERY};
use crate::ui::Chart;
use crate::data::mnist::MnistSet;
use crate::engine::layers::Sequential;
use crate::engine::CpuBackend;
use crate::lessons::mnist::trainer::Trainer;
use crate::lessons::shared::numbers::fixed;
use crate::ui::files::kept;

/// Where the MNIST lesson keeps its model (base64 of the `.safetensors` bytes); the same key
/// as its `save_view::STORAGE_KEY`.
const MNIST_STORAGE_KEY: &str = "stepwise-mnist-model";
/// Three epochs of the MNIST lesson's default network (784-500-10, Adam, batch 64), as the
/// Digits lesson trains it: about 98% on the test digits. One epoch (96%) was tried first, but
/// on G's in-between shapes it disagreed with a three-epoch judge on up to a fifth of the
/// samples (model/measure.rs prints both), so its counts said as much about the judge as
/// about G. The extra epochs cost about 7 s of the page's CPU time, early in training.
const CLASSIFIER_STEPS: u32 = 3 * 938;
/// Test images the judge's accuracy is measured on.
const ACCURACY_IMAGES: usize = 1000;

#[derive(Clone, Debug, PartialEq)]
pub enum Judging {
    Waiting,
    Training { steps: u32 },
    Ready { origin: &'static str, accuracy: f64 },
}

#[derive(Default)]
pub struct JudgeState {
    model: Option<Sequential<CpuBackend>>,
    trainer: Option<Trainer<CpuBackend>>,
    fresh: std::cell::Cell<bool>,
}

/// The classifier the MNIST lesson kept in this browser, if any and if it reads digits.
fn kept_classifier() -> Option<Sequential<CpuBackend>> {
    let model = Sequential::from_safetensors(&CpuBackend::new(), &kept(MNIST_STORAGE_KEY)?).ok()?;
    crate::lessons::mnist::Settings::default().for_model(&model.specs()).ok()?;
    Some(model)
}

impl JudgeState {
    /// Takes the kept classifier, or starts training one.
    pub fn start(&mut self, test: &MnistSet, judging: RwSignal<Judging>) {
        if let Some(model) = kept_classifier() {
            judging.set(Judging::Ready { origin: "the classifier you kept in the Digits lesson", accuracy: accuracy(&model, test, ACCURACY_IMAGES) });
            self.model = Some(model);
            self.fresh.set(true);
        } else {
            self.trainer = Some(Trainer::new(&CpuBackend::new(), crate::lessons::mnist::Settings::default(), 60_000));
            judging.set(Judging::Training { steps: 0 });
        }
    }

    /// One step of the background classifier, while it still needs training.
    pub fn train_a_little(&mut self, sets: &Sets, judging: RwSignal<Judging>) {
        let Some(trainer) = self.trainer.as_mut() else { return };
        trainer.step(&sets.train);
        let steps = trainer.steps();
        if steps % 50 == 0 {
            judging.set(Judging::Training { steps });
        }
        if steps >= CLASSIFIER_STEPS {
            let model = self.trainer.take().unwrap().model;
            judging.set(Judging::Ready { origin: "a classifier trained on this page (three epochs of the Digits lesson's network)", accuracy: accuracy(&model, &sets.test, ACCURACY_IMAGES) });
            self.model = Some(model);
            self.fresh.set(true);
        }
    }

    /// Whether the classifier is still training.
    pub fn training(&self) -> bool {
        self.trainer.is_some()
    }

    /// True once, right after the classifier became ready (so the loop judges at once).
    pub fn just_became_ready(&self) -> bool {
        self.fresh.replace(false)
    }

    /// The verdict on the images of the generator being shown (averaged or G itself).
    pub fn judge(&self, run: &Run, noise: &[f32]) -> Option<Verdict> {
        let digits = run.judge_digits();
        Some(judge_images(self.model.as_ref()?, &run.draw_digits(noise, &digits), &digits))
    }
}

/// A conditional G: how often the judge read the digit G was asked for.
fn asked_stats(asked: Asked) -> impl IntoView {
    let (worst, worst_share) = asked.worst();
    view! {
        <div class="stat-row">
            <div class="stat"><span class="stat-label">"read as the digit asked for"</span>
                <span class="stat-value" data-testid="gan-judge-asked-mean">{format!("{}%", fixed(100.0 * asked.mean_share(), 1))}</span>
                <span class="stat-note">{format!("mean over the ten digits, 100 samples each; target ≥ {}%", fixed(100.0 * TARGET_ASKED_MEAN, 0))}</span></div>
            <div class="stat"><span class="stat-label">"hardest digit"</span>
                <span class="stat-value" data-testid="gan-judge-asked-worst">{format!("{worst}: {}%", fixed(100.0 * worst_share, 1))}</span>
                <span class="stat-note">{format!("target ≥ {}% for every digit", fixed(100.0 * TARGET_ASKED_WORST, 0))}</span></div>
        </div>
    }
}

fn who(averaged: bool) -> &'static str {
    if averaged { "the averaged generator" } else { "G itself" }
}

#[component]
pub fn JudgePanel(
    judging: RwSignal<Judging>,
    verdicts: RwSignal<Vec<(u32, f64, Verdict, bool)>>,
    training_seconds: RwSignal<f64>,
    ready: Signal<bool>,
    /// Whether G is conditional: which target the panel states, before any verdict too.
    conditional: Signal<bool>,
    on_judge: Callback<()>,
) -> impl IntoView {
    let latest = move || verdicts.with(|v| v.last().cloned());
    let first_success = move || verdicts.with(|v| v.iter().find(|(_, _, verdict, _)| verdict.meets_target()).map(|(i, s, _, averaged)| (*i, *s, *averaged)));
    let _ = training_seconds;
    view! {
        <Panel title="Judge the digits" class="gan-judge" testid="gan-judge">
            <More label="How the judge works">
                <p class="muted">
                    {format!("A digit classifier reads {JUDGED_SAMPLES} of G's images (from fixed noise) every {JUDGE_EVERY} iterations. ")}
                    "If G draws good digits, the classifier is sure what each one is; if G draws only a few kinds of digit "
                    "(mode collapse), the bars below show it at once. It reads the drawings of the generator shown in the grid above. "
                    "A conditional G is asked for each digit 100 times (the same 1,000 noise vectors, digits 0 to 9 in turn), and the judge "
                    "also says how often it reads the digit that was asked for."
                </p>
            </More>
            <p data-testid="gan-judge-status">
                {move || match judging.get() {
                    Judging::Waiting => "The classifier starts once the digits have downloaded.".to_string(),
                    Judging::Training { steps } => format!(
                        "No classifier was kept by the Digits lesson in this browser, so one is training in the background while the GAN trains: step {steps} of {CLASSIFIER_STEPS}."
                    ),
                    Judging::Ready { origin, accuracy } => format!("The judge is {origin}; it reads {}% of {ACCURACY_IMAGES} real test digits correctly.", fixed(100.0 * accuracy, 1)),
                }}
            </p>
            {move || match latest() {
                None => view! { <p class="muted" data-testid="gan-judge-empty">"No verdict yet."</p> }.into_any(),
                Some((iteration, seconds, verdict, averaged)) => {
                    let share = verdict.smallest_share();
                    let counts = verdict.counts;
                    view! {
                        <div class="stat-row">
                            <div class="stat"><span class="stat-label">"mean top-class confidence"</span>
                                <span class="stat-value" data-testid="gan-judge-confidence">{fixed(verdict.mean_confidence, 3)}</span>
                                <span class="stat-note">{format!("target ≥ {}", fixed(TARGET_CONFIDENCE, 1))}</span></div>
                            <div class="stat"><span class="stat-label">"rarest digit"</span>
                                <span class="stat-value" data-testid="gan-judge-rarest">{format!("{}%", fixed(100.0 * share, 1))}</span>
                                <span class="stat-note">{format!("target ≥ {}% for every digit", fixed(100.0 * TARGET_SHARE, 0))}</span></div>
                            <div class="stat"><span class="stat-label">"judged at"</span>
                                <span class="stat-value" data-testid="gan-judge-iteration">{iteration}</span>
                                <span class="stat-note" data-testid="gan-judge-iteration-note">{format!("iterations, after {} s of training; {}", fixed(seconds, 0), who(averaged))}</span></div>
                        </div>
                        <Chart label=Signal::derive(move || "Which digits the classifier sees in 1,000 generated images".to_string()) testid="gan-judge-histogram" aspect=0.35
                            draw=move |area, ratio| draw_histogram(area, ratio, &counts)/>
                        <table class="gan-counts" data-testid="gan-judge-counts">
                            <thead><tr><th>"digit"</th>{(0..10).map(|d| view! { <th>{d}</th> }).collect_view()}</tr></thead>
                            <tbody>
                                <tr><th>"images"</th>{counts.iter().map(|c| view! { <td>{*c}</td> }).collect_view()}</tr>
                                {verdict.asked.clone().map(|asked| view! {
                                    <tr data-testid="gan-judge-asked"><th>"read as asked"</th>{(0..10).map(|d| view! { <td>{format!("{}%", fixed(100.0 * asked.share(d), 0))}</td> }).collect_view()}</tr>
                                })}
                            </tbody>
                        </table>
                        {verdict.asked.clone().map(asked_stats)}
                    }.into_any()
                }
            }}
            <p data-testid="gan-judge-target">
                {move || {
                    let target = if conditional.get() {
                        format!("the digit asked for read in at least {}% of the samples on average over the digits, and at least {}% for every digit", fixed(100.0 * TARGET_ASKED_MEAN, 0), fixed(100.0 * TARGET_ASKED_WORST, 0))
                    } else {
                        "mean confidence ≥ 0.8 and every digit at least 4% of the samples".to_string()
                    };
                    match first_success() {
                        Some((i, s, averaged)) => format!("Target reached at iteration {i}, after {} s of training, by {}: {target}.", fixed(s, 0), who(averaged)),
                        None => format!("Target ({target}) not reached yet."),
                    }
                }}
            </p>
            <div class="button-row">
                <button data-testid="gan-judge-now" on:click=move |_| on_judge.run(()) disabled=move || !ready.get() || !matches!(judging.get(), Judging::Ready { .. })>"Judge now"</button>
            </div>
        </Panel>
    }
}
