//! Misread test reviews (from the readable sample of the test set), and "teach it": the
//! learner's own labelled sentences, fine-tuned on live.

use std::sync::Arc;

use leptos::prelude::*;

use crate::ui::Panel;

use super::model::{sigmoid, Weights};
use super::run::SharedTrainer;
use crate::data::{ImdbSet, UNKNOWN_ID};
use crate::lessons::shared::numbers::{fixed, grouped};

const SHOWN_MISTAKES: usize = 8;
/// Fine-tuning steps per press of the button.
const TEACH_STEPS: usize = 20;

fn label_word(positive: bool) -> &'static str {
    if positive { "positive" } else { "negative" }
}

#[component]
pub fn Mistakes(set: RwSignal<Option<Arc<ImdbSet>>>, probabilities: RwSignal<Option<Arc<Vec<f32>>>>, review: RwSignal<String>) -> impl IntoView {
    // (review index, true label, probability) of the readable test reviews it gets wrong,
    // most confidently wrong first; and how many readable reviews there are.
    let wrong = Memo::new(move |_| {
        let (s, p) = (set.get()?, probabilities.get()?);
        let mut wrong: Vec<(usize, bool, f32)> = s
            .samples
            .iter()
            .filter_map(|sample| {
                let prob = *p.get(sample.review - s.train_count)?;
                let positive = s.label(sample.review) == 1;
                ((prob >= 0.5) != positive).then_some((sample.review, positive, prob))
            })
            .collect();
        wrong.sort_by(|a, b| (b.2 - 0.5).abs().total_cmp(&(a.2 - 0.5).abs()));
        Some((wrong, s.samples.len()))
    });
    view! {
        <Panel title="Reviews it gets wrong" testid="text-mistakes">
            {move || match wrong.get() {
                None => view! { <p class="muted">"When training stops, the model is scored once on the test reviews; the ones it misreads appear here."</p> }.into_any(),
                Some((list, total)) => {
                    let count = list.len();
                    view! {
                        <p class="muted">
                            {format!(
                                "Of {} test reviews whose full text is kept for reading, it misreads {}. The most confident mistakes first; \
                                 press Explain to see which words misled it.",
                                grouped(total as u64), grouped(count as u64)
                            )}
                        </p>
                        <ul class="text-mistakes quoted" data-testid="text-mistake-list">
                            {list.into_iter().take(SHOWN_MISTAKES).map(|(i, positive, prob)| {
                                let text = set.with_untracked(|s| s.as_ref().and_then(|s| s.sample_text(i)).unwrap_or("").to_owned());
                                let snippet: String = text.chars().take(260).collect();
                                let more = text.chars().count() > 260;
                                view! {
                                    <li>
                                        <p class="text-mistake-head">
                                            <span class={if positive { "pos-text" } else { "neg-text" }}>{format!("really {}", label_word(positive))}</span>
                                            {format!(" · model: {}% positive", fixed(100.0 * prob as f64, 1))}
                                        </p>
                                        <p class="text-snippet">{snippet}{more.then_some("…")}</p>
                                        <button on:click=move |_| {
                                            review.set(text.clone());
                                            if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector("[data-testid=text-review-panel]").ok().flatten()) {
                                                el.scroll_into_view();
                                            }
                                        }>"Explain"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </Panel>
    }
}

/// One of the learner's sentences and the probability it had when added.
#[derive(Clone, Debug, PartialEq)]
struct Own {
    text: String,
    ids: Vec<u32>,
    positive: bool,
    first: f64,
}

#[component]
pub fn Teach(
    set: RwSignal<Option<Arc<ImdbSet>>>,
    trainer: SharedTrainer,
    weights: RwSignal<Option<Arc<Weights>>>,
    running: RwSignal<bool>,
    /// The worker's run has not sent its last report yet: teaching waits for it, else that
    /// report would overwrite what was taught.
    busy: RwSignal<bool>,
    #[prop(into)] on_changed: Callback<()>,
) -> impl IntoView {
    let trainer = StoredValue::new_local(trainer);
    let sentences = RwSignal::new(Vec::<Own>::new());
    let draft = RwSignal::new(String::from("Oh great, another two hours of my life I will never get back."));
    let draft_positive = RwSignal::new(false);
    let message = RwSignal::new(None::<(bool, String)>);
    let probability = move |ids: &[u32]| weights.with(|w| w.as_ref().map(|w| sigmoid(w.logit(ids))));

    let add = move |_| {
        let Some(s) = set.get_untracked() else { return };
        let text = draft.get_untracked();
        let encoded = s.encode_text(&text);
        if encoded.ids.is_empty() {
            message.set(Some((true, "Type a sentence first.".into())));
            return;
        }
        if encoded.ids.iter().all(|&id| id == UNKNOWN_ID) {
            message.set(Some((true, "None of its words is among the 20,000 the model knows, so it cannot learn from it.".into())));
            return;
        }
        if sentences.with_untracked(|list| list.len() >= 20) {
            message.set(Some((true, "Twenty sentences is the limit: teach these first, or remove some.".into())));
            return;
        }
        let first = weights.with_untracked(|w| w.as_ref().map(|w| sigmoid(w.logit(&encoded.ids)))).unwrap_or(0.5);
        sentences.update(|list| list.push(Own { text, ids: encoded.ids, positive: draft_positive.get_untracked(), first }));
        draft.set(String::new());
        message.set(None);
    };

    let teach_now = move || {
        let Some(s) = set.get_untracked() else { return };
        let own: Vec<(Vec<u32>, f32)> = sentences.with_untracked(|list| list.iter().map(|o| (o.ids.clone(), if o.positive { 1.0 } else { 0.0 })).collect());
        if own.is_empty() {
            message.set(Some((true, "Add at least one sentence with its label first.".into())));
            return;
        }
        let cell = trainer.get_value();
        let Ok(mut guard) = cell.try_borrow_mut() else { return };
        let Some(t) = guard.as_mut() else {
            message.set(Some((true, "Train the model first: there is nothing to fine-tune yet.".into())));
            return;
        };
        for _ in 0..TEACH_STEPS {
            t.teach_step(&s, &own);
        }
        drop(guard);
        on_changed.run(());
        message.set(Some((false, format!(
            "Took {TEACH_STEPS} steps, each on your sentences plus as many random training reviews (at least 16), so it learns yours \
             without forgetting the rest. The validation and test accuracy above are checked again."
        ))));
    };

    let teach = move |_| {
        running.set(false);
        wasm_bindgen_futures::spawn_local(async move {
            while busy.get_untracked() {
                crate::ui::training::next_frame().await;
            }
            teach_now();
        });
    };

    view! {
        <Panel title="Teach it" testid="text-teach" intro=concat!(
            "Find something it gets wrong (sarcasm is a good start: it only counts words, not their order), mark what it really means, and fine-tune. ",
            "Watch the probability of your sentences move, and the validation and test accuracy above.",
        )>
            <div class="text-teach-row">
                <input type="text" class="text-teach-input" data-testid="text-teach-sentence" aria-label="your sentence" prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))/>
                <select data-testid="text-teach-label" aria-label="its label" on:change=move |ev| draft_positive.set(event_target_value(&ev) == "positive")>
                    <option value="negative" selected=move || !draft_positive.get()>"negative"</option>
                    <option value="positive" selected=move || draft_positive.get()>"positive"</option>
                </select>
                <button data-testid="text-teach-add" on:click=add disabled=move || set.with(|s| s.is_none())>"Add"</button>
            </div>
            <ul class="text-own" data-testid="text-own-list">
                {move || sentences.get().into_iter().enumerate().map(|(i, own)| {
                    let now = probability(&own.ids);
                    view! {
                        <li>
                            <span class="text-own-text">{own.text.clone()}</span>
                            <span class={if own.positive { "pos-text" } else { "neg-text" }}>{label_word(own.positive)}</span>
                            <span class="text-share" data-testid="text-own-probability">
                                {format!("{}% → {}% positive", fixed(100.0 * own.first, 1), now.map(|p| fixed(100.0 * p, 1)).unwrap_or_else(|| "—".into()))}
                            </span>
                            <button class="link-button" on:click=move |_| sentences.update(|l| { l.remove(i); })>"remove"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="button-row">
                <button class="primary" data-testid="text-teach-run" on:click=teach disabled=move || sentences.with(|l| l.is_empty())>
                    {format!("Fine-tune ({TEACH_STEPS} steps)")}
                </button>
            </div>
            {move || message.get().map(|(bad, text)| view! { <p class:notice=bad class:muted=!bad role="status" data-testid="text-teach-message">{text}</p> })}
        </Panel>
    }
}
