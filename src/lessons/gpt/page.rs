//! The `/gpt` page: download Moby-Dick, train a tiny GPT on its first 90% on the GPU or in
//! the background worker, watch the validation loss pass what counting characters achieves, read what it
//! writes as it learns, and look inside its attention, one head stepped through in numbers.

use std::sync::Arc;

use leptos::prelude::*;
use crate::ui::More;
use serde_json::json;

use super::counting::{baselines, Baselines};
use super::link::GptLink;
use super::run::Run;
use super::trainer::VALIDATION_WINDOWS;
use crate::data::BookSet;
use crate::lessons::shared::numbers::{fixed, grouped};
use crate::ui::download::{Dataset, DatasetStatus};
use crate::ui::share::opening_state;
use crate::ui::training_link::{serve_training, Training, TrainingLink, TrainingLinkBar};
use crate::ui::{PageIntro, Panel, Stat};

/// The page's state besides the run: what the link holds.
#[derive(Clone, Copy)]
pub(super) struct Looks {
    pub prompt: RwSignal<String>,
    pub temperature: RwSignal<f32>,
    pub top_k: RwSignal<usize>,
    pub sample_seed: RwSignal<u64>,
    pub look: RwSignal<String>,
    pub layer: RwSignal<usize>,
    pub head: RwSignal<usize>,
}

/// A text box for a whole line of the learner's text, applied when they leave it or press Enter.
#[component]
pub(super) fn TextField(label: &'static str, testid: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <label class="field gpt-prompt-field">
            <span class="field-label">{label}</span>
            <input type="text" data-testid=testid prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))/>
        </label>
    }
}

#[component]
pub fn GptPage() -> impl IntoView {
    let data = RwSignal::new(Dataset::Loading { received: 0, expected: None });
    let book = RwSignal::new(None::<Arc<BookSet>>);
    let reference = RwSignal::new(None::<Baselines>);
    let (opened, link_notes) = opening_state::<GptLink>();
    let settings = RwSignal::new(opened.settings.clone());
    let looks = Looks {
        prompt: RwSignal::new(opened.prompt),
        temperature: RwSignal::new(opened.temperature),
        top_k: RwSignal::new(opened.top_k),
        sample_seed: RwSignal::new(opened.sample_seed),
        look: RwSignal::new(opened.look),
        layer: RwSignal::new(opened.layer),
        head: RwSignal::new(opened.head),
    };
    let run = Run::new(book, settings);
    let Run { running, steps, problem, .. } = run;

    // Counting the 1.07 million training characters for the reference lines takes a few milliseconds.
    let start_loading = move || run.load_book(data, move |b| reference.set(Some(baselines(b))), || ());
    start_loading();

    let state = Signal::derive(move || GptLink {
        settings: settings.get(),
        prompt: looks.prompt.get(),
        temperature: looks.temperature.get(),
        top_k: looks.top_k.get(),
        sample_seed: looks.sample_seed.get(),
        look: looks.look.get(),
        layer: looks.layer.get(),
        head: looks.head.get(),
    });
    let train_len = move || book.with(|b| b.as_ref().map_or(1, |b| b.train().len()));
    let query = serve_training(
        TrainingLink {
            widget: "gpt-trainer",
            state,
            apply: Callback::new(move |fresh: GptLink| {
                looks.prompt.set(fresh.prompt);
                looks.temperature.set(fresh.temperature);
                looks.top_k.set(fresh.top_k);
                looks.sample_seed.set(fresh.sample_seed);
                looks.look.set(fresh.look);
                looks.layer.set(fresh.layer);
                looks.head.set(fresh.head);
                if fresh.settings != settings.get_untracked() {
                    settings.set(fresh.settings);
                }
            }),
            training: Training {
                running,
                busy: run.busy.into(),
                ready: Signal::derive(move || book.with(Option::is_some)),
                waiting: "the book is still downloading; wait for metrics.ready.",
                reset: Callback::new(move |_| run.reset()),
                train: Callback::new(move |_| run.train()),
                step: Err("the GPT trains in the background worker, in slices: use play and pause."),
            },
            steps: steps.into(),
            // Passes over the training text, counted in characters read.
            epoch: Signal::derive(move || steps.get() as usize * settings.with(|s| s.batch * s.context) / train_len()),
        },
        move || {
            let last = |points: RwSignal<Vec<(u32, f64)>>| points.with(|p| p.last().map(|p| p.1));
            json!({
                "train_loss": last(run.train_points),
                "validation_loss": last(run.validation_points),
                "best_validation_loss": run.best.get().map(|b| b.0),
                "tokens_per_second": run.tokens_per_second.get(),
                "unigram": reference.get().map(|r| r.unigram),
                "bigram": reference.get().map(|r| r.bigram),
            })
        },
    );

    let (read, look_notes) = super::looking::follow(run, looks);
    let toggle = move |_| {
        if running.get_untracked() {
            running.set(false);
        } else {
            run.train();
        }
    };
    let vocabulary = move || book.with(|b| b.as_ref().map_or(83, |b| b.vocabulary_size()));

    view! {
        <article class="lesson gpt-lesson staged staged-wide" data-testid="lesson-gpt">
            <PageIntro title="Train a tiny GPT on Moby-Dick, and look inside its attention">
                "The models called AI today are Transformers that learn to predict the next piece of text. Press "
                <strong>"Train"</strong>
                " and a small one learns to write like Herman Melville, character by character, in your browser: "
                "no server, nothing pre-trained. Then look at what each attention head looks at, and step through one in real numbers."
            </PageIntro>
            <TrainingLinkBar query notes=link_notes widget="gpt-trainer"
                holds="A link holds the model's settings, its seed, the prompt and the texts you look at, not the trained model: whoever opens it trains from the same start."/>
            <DatasetStatus data what="book" testid="gpt" on_retry=Callback::new(move |_| start_loading())/>
            <div class="gpt-side stage-1">
            <Panel title="The model">
                <More label="How the model reads the book">
                    <p>
                        "The text is Moby-Dick (1851), all 1.19 million characters of it: the first 90% to learn from, the last 10% "
                        "(from chapter 124 on) kept aside to check it on, never trained on. The model reads up to a "
                        <em>"context"</em>
                        " of characters and, at every position, gives a score to each of the book's 83 characters for what comes next. "
                        "Inside, each character becomes a vector; "
                        <em>"attention"</em>
                        " lets each position gather from the earlier ones; an MLP works on each position alone; that repeats once per layer. "
                        "Training lowers the cross-entropy of the true next character (AdamW, gradients clipped at norm 1)."
                    </p>
                </More>
                <p data-testid="gpt-architecture" class="muted">
                    {move || {
                        let s = settings.get();
                        let shape = s.shape(vocabulary());
                        format!(
                            "{} layers × {} heads, width {}, context {}, output {}: {} numbers to learn, about {} MB to train.",
                            s.layers, s.heads, s.width, s.context, if s.tied { "tied to the character table" } else { "its own matrix" },
                            grouped(shape.parameter_count() as u64), s.memory_bytes(vocabulary()) >> 20
                        )
                    }}
                </p>
                <p data-testid="gpt-schedule" class="muted">{move || settings.with(|s| s.schedule_words())}</p>
                <div class="button-row">
                    <button class="primary" data-testid="gpt-train"
                        disabled=move || data.get() != Dataset::Ready || (run.busy.get() && !running.get()) || settings.with(|s| s.too_big(vocabulary()).is_some())
                        on:click=toggle>
                        {move || if running.get() { "Pause" } else if steps.get() > 0 { "Resume" } else { "Train" }}
                    </button>
                    <button data-testid="gpt-reset" on:click=move |_| run.reset() disabled=move || steps.get() == 0 && run.loaded_steps.get() == 0>"Reset"</button>
                </div>
                <More label="Change the model">
                    <super::settings_view::SettingsForm settings on_apply=move |_| run.reset()/>
                </More>
                {move || problem.get().map(|p| view! { <p class="notice" role="alert" data-testid="gpt-problem">{p}</p> })}
            </Panel>
            <ProgressPanel run/>
            </div>
            <super::curves_view::Curves run reference/>
            <super::writing_view::Writing run looks/>
            <super::attention_view::Attention looks read notes=look_notes/>
            <super::steps_view::StepThrough looks read/>
            <super::compare_view::Compare run looks/>
            <super::saving_view::SaveLoad run/>
        </article>
    }
}

/// Steps, speed, training time, the latest losses and the best validation loss, and where it
/// trains.
#[component]
fn ProgressPanel(run: Run) -> impl IntoView {
    let Run { running, steps, tokens_per_second, seconds, best, thread, train_points, validation_points, settings, .. } = run;
    let last = move |points: RwSignal<Vec<(u32, f64)>>| points.with(|p| p.last().copied());
    let loss = move |p: Option<(u32, f64)>| p.map(|p| fixed(p.1, 3)).unwrap_or_else(|| "—".into());
    view! {
    <Panel title="Progress">
        <div class="stat-row">
            <Stat label="step" testid="gpt-steps">{move || grouped(steps.get() as u64)}</Stat>
            <Stat label="characters per second" testid="gpt-speed">{move || grouped(tokens_per_second.get().round() as u64)}</Stat>
            <Stat label="training time" testid="gpt-seconds">{move || format!("{} s", fixed(seconds.get(), 1))}</Stat>
            <Stat label="training loss" testid="gpt-train-loss">{move || loss(last(train_points))}</Stat>
            <div class="stat">
                <span class="stat-label">"validation loss"</span>
                <span class="stat-value" data-testid="gpt-validation-loss">{move || loss(last(validation_points))}</span>
                <span class="stat-note">{move || last(validation_points).map(|p| format!("nats per character, at step {}", p.0)).unwrap_or_default()}</span>
            </div>
            <div class="stat">
                <span class="stat-label">"best validation loss"</span>
                <span class="stat-value" data-testid="gpt-best">{move || best.get().map(|b| fixed(b.0, 3)).unwrap_or_else(|| "—".into())}</span>
                <span class="stat-note" data-testid="gpt-best-note">
                    {move || best.get().map(|(_, step, t)| format!("at step {step}, after {} s of training", fixed(t, 1))).unwrap_or_default()}
                </span>
            </div>
        </div>
        <crate::ui::WhereTraining thread lesson="gpt" gpu=run.gpu running=running.into()/>
        <More label="How to read the losses">
            <p class="muted">
                {move || format!(
                    "A loss of ln 83 ≈ 4.42 nats is a blind guess among the 83 characters. The validation loss is measured every 50 steps on the \
                     same 48 stretches of the validation text ({} characters), so it moves only when the model does. The writing and the attention \
                     views below use the weights of the latest check.", grouped((VALIDATION_WINDOWS * settings.with(|s| s.context)) as u64))}
            </p>
        </More>
    </Panel>
    }
}
