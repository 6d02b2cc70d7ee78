//! Writing as it trains: the same prompt, written on with the same seed after every check, so
//! the text turns from noise into English and only training changes it. The writing runs on
//! the page from the check's weights, a few characters a frame (each costs one position's
//! work, see `inside.rs`), so typing never waits for it.

use std::sync::Arc;

use leptos::prelude::*;

use super::inside::{Weights, Writer};
use super::link::{TEMPERATURES, TOP_K};
use super::page::{Looks, TextField};
use super::reading::prepare;
use super::run::Run;
use super::sampling::Sampling;
use crate::lessons::shared::numbers::fixed;
use crate::ui::training::now;
use crate::ui::Panel;

/// Characters written each time.
pub const WRITTEN: usize = 200;
/// The page writes for at most this long before it lets the browser draw a frame.
const CHUNK_MILLISECONDS: f64 = 8.0;

#[derive(Clone, Debug, PartialEq)]
struct Sample {
    step: u32,
    prompt: String,
    text: String,
    /// Time spent computing the characters (not the frames between).
    milliseconds: f64,
}

/// Writes `WRITTEN` characters after `prompt`, a chunk per frame; `None` if `current` turns
/// false first (newer weights or settings arrived).
pub(super) async fn write(weights: Arc<Weights>, prompt: Vec<u8>, sampling: Sampling, current: impl Fn() -> bool) -> Option<(Vec<u8>, f64)> {
    let started = now();
    let mut writer = Writer::new(weights, &prompt, 0, sampling);
    let mut busy = now() - started;
    while writer.written < WRITTEN {
        let chunk = now();
        while writer.written < WRITTEN && now() - chunk < CHUNK_MILLISECONDS {
            writer.next();
        }
        busy += now() - chunk;
        gloo::timers::future::TimeoutFuture::new(0).await;
        if !current() {
            return None;
        }
    }
    Some((writer.written().to_vec(), busy))
}

#[component]
pub fn Writing(run: Run, looks: Looks) -> impl IntoView {
    let Looks { prompt, temperature, top_k, sample_seed, .. } = looks;
    let samples = RwSignal::new(Vec::<Sample>::new());
    // What became of the prompt (characters dropped, cut to the context), and of the numbers typed.
    let notes = RwSignal::new(Vec::<String>::new());
    let typed_notes = RwSignal::new(Vec::<String>::new());
    let writing = RwSignal::new(false);
    let generation = StoredValue::new(0u64);
    let sampling = move || Sampling { temperature: temperature.get(), top_k: top_k.get(), seed: sample_seed.get() };
    // Rewrites whenever the check's weights, the prompt or the sampling change.
    Effect::new(move |_| {
        let (Some((weights, step)), Some(book)) = (run.weights.get(), run.book.get()) else { return };
        let (typed, sampling) = (prompt.get(), sampling());
        let prepared = prepare(&book, &typed, weights.shape.context, "The prompt", Some('\n'));
        notes.set(prepared.notes);
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        writing.set(true);
        wasm_bindgen_futures::spawn_local(async move {
            let shown_prompt = book.text_of(&prepared.ids);
            let Some((text, milliseconds)) = write(weights, prepared.ids, sampling, move || generation.get_value() == mine).await else { return };
            writing.set(false);
            let sample = Sample { step, prompt: shown_prompt, text: book.text_of(&text), milliseconds };
            samples.update(|all| {
                // A new prompt or new sampling starts the list again: it shows what training changes.
                if all.first().is_some_and(|s| s.prompt != sample.prompt) || all.first().is_some_and(|s| s.step == sample.step) {
                    all.clear();
                }
                all.insert(0, sample);
                all.truncate(6);
            });
        });
    });
    let number = move |text: String, range: (f64, f64), what: &str, set: &dyn Fn(f64)| match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => {
            let clamped = x.clamp(range.0, range.1);
            if clamped != x {
                typed_notes.set(vec![format!("{what} {x} is outside {} … {}; using {clamped}.", range.0, range.1)]);
            } else {
                typed_notes.set(Vec::new());
            }
            set(clamped);
        }
        _ => typed_notes.set(vec![format!("{what} “{}” is not a number; kept at its last value.", text.trim())]),
    };
    view! {
    <Panel title="What it writes" class="gpt-writing-panel stage-3" intro=concat!(
        "After every check the model continues the prompt by 200 characters, each drawn from its scores for what comes next. ",
        "The draws use a fixed seed, so the text changes only because the model does. Temperature 0 always takes the likeliest ",
        "character; higher temperatures take more chances; top-k allows only the k likeliest.",
    )>
        <div class="settings-form">
            <TextField label="prompt" testid="gpt-prompt" value=prompt/>
            <label class="field">
                <span class="field-label">"temperature"</span>
                <input type="text" inputmode="decimal" data-testid="gpt-temperature" prop:value=move || temperature.get().to_string()
                    on:change=move |ev| number(event_target_value(&ev), TEMPERATURES, "Temperature", &|x| temperature.set(x as f32))/>
            </label>
            <label class="field">
                <span class="field-label">"top-k (0 = all)"</span>
                <input type="text" inputmode="numeric" data-testid="gpt-top-k" prop:value=move || top_k.get().to_string()
                    on:change=move |ev| number(event_target_value(&ev), (TOP_K.0 as f64, TOP_K.1 as f64), "Top-k", &|x| top_k.set(x.round() as usize))/>
            </label>
            <label class="field">
                <span class="field-label">"seed of the draws"</span>
                <input type="text" inputmode="numeric" data-testid="gpt-sample-seed" prop:value=move || sample_seed.get().to_string()
                    on:change=move |ev| number(event_target_value(&ev), (0.0, u32::MAX as f64), "The seed", &|x| sample_seed.set(x.round() as u64))/>
            </label>
        </div>
        {move || notes.get().into_iter().chain(typed_notes.get()).map(|n| view! { <p class="notice" role="status" data-testid="gpt-prompt-note">{n}</p> }).collect_view()}
        <ol class="gpt-samples" data-testid="gpt-samples">
            {move || samples.get().into_iter().enumerate().map(|(i, s)| view! {
                <li class:latest=i == 0>
                    <p class="gpt-sample-head">{format!("at step {}", s.step)}{(i == 0).then(|| format!(" · written in {} ms of computing", fixed(s.milliseconds, 0)))}</p>
                    <p class="gpt-sample" data-testid=if i == 0 { "gpt-sample" } else { "" } data-ms=s.milliseconds.to_string()>
                        <strong>{s.prompt}</strong>{s.text}
                    </p>
                </li>
            }).collect_view()}
        </ol>
        <p class="muted">{move || if writing.get() { "Writing…" } else { "" }}</p>
    </Panel>
    }
}
