//! "Type a review": the probability of "positive" as the learner types, every word tinted by
//! its share of the logit, and the strongest words listed.

use std::sync::Arc;

use leptos::prelude::*;

use crate::ui::{OneLine, Panel};

use gloo::timers::callback::Timeout;

use super::explain::{read, strongest, Reading, MAX_TOKENS};
use super::highlight::highlighted;
use super::model::Weights;
use crate::data::ImdbSet;
use crate::engine::rng::Pcg32;
use crate::lessons::shared::numbers::{fixed, grouped};

/// Reviews up to this many tokens are tinted on every key; longer ones a moment later.
const TINT_AT_ONCE: usize = 300;
/// A long review's tint lags its text by at most this much.
const TINT_AFTER_MS: u32 = 150;

/// The probability, the verdict, a meter, and how the logit adds up.
fn verdict(r: &Reading) -> impl IntoView {
    let p = r.probability;
    let label = if p >= 0.5 { "positive" } else { "negative" };
    view! {
        <div class="text-verdict">
            <p class="text-probability">
                <span data-testid="text-probability">{format!("{}%", fixed(100.0 * p, 1))}</span>
                " positive — reads as "<strong data-testid="text-verdict" class={if p >= 0.5 { "pos-text" } else { "neg-text" }}>{label}</strong>
            </p>
            <div class="text-meter" aria-hidden="true"><span style={format!("width: {:.1}%", 100.0 * p)}></span></div>
            <p class="muted">
                {format!(
                    "logit z = {} = {} (an empty review) + the words' shares, {} in all; {} tokens read, {} unknown.",
                    fixed(r.logit, 3), fixed(r.baseline, 3), fixed(r.logit - r.baseline, 3),
                    grouped(r.tokens.len() as u64), grouped(r.unknown as u64)
                )}
                {r.cut.then(|| format!(" Only the first {} tokens (and 100 kB) of a text are read; the rest is greyed out.", grouped(MAX_TOKENS as u64)))}
            </p>
        </div>
    }
}

#[component]
pub fn ReviewBox(set: RwSignal<Option<Arc<ImdbSet>>>, weights: RwSignal<Option<Arc<Weights>>>, review: RwSignal<String>) -> impl IntoView {
    // (reading with its strongest words, problem) recomputed when the text or the weights change.
    // The tinted copy of the text is not part of it: see `tinted` below.
    let reading = Memo::new(move |_| {
        let w = weights.get()?;
        let s = set.get()?;
        let text = review.get();
        let explain = |r: Reading| {
            let top = strongest(&r, &s.vocabulary, &text, 12);
            (r, top)
        };
        Some(match read(&w, &s.vocabulary, &text) {
            Ok(r) => (Some(explain(r)), None),
            Err((problem, r)) => (r.map(explain), Some(problem.message())),
        })
    });
    // The tinted text is the costly part of a long review: one span per token for the browser to
    // parse and lay out (a 1,000-word review is ~1,400 spans, tens of milliseconds on a slow
    // machine). So the prediction and the strongest words update on the next frame, and a long
    // review is re-tinted at most every TINT_AFTER_MS while it changes, greyed out meanwhile;
    // a short one at once.
    let tinted = RwSignal::new(String::new());
    let stale = RwSignal::new(false);
    // At most one tint waits at a time: it draws whatever the reading is when it fires, so
    // neither fast typing nor weights arriving from training can put it off for ever.
    let pending = StoredValue::new_local(None::<Timeout>);
    let waiting = StoredValue::new(false);
    let explained = move || reading.with(|r| matches!(r, Some((Some(_), _))));
    Effect::new(move |_| {
        let tokens = reading.with(|r| r.as_ref().and_then(|(d, _)| d.as_ref().map(|(r, _)| r.tokens.len())));
        let Some(tokens) = tokens else {
            return;
        };
        let tint = move || {
            waiting.set_value(false);
            let html = reading.with_untracked(|r| match r {
                Some((Some((r, _)), _)) => review.with_untracked(|text| highlighted(text, r)),
                _ => String::new(),
            });
            tinted.set(html);
            stale.set(false);
        };
        if tokens <= TINT_AT_ONCE {
            if !waiting.get_value() {
                tint();
            }
        } else if !waiting.get_value() {
            waiting.set_value(true);
            stale.set(true);
            pending.set_value(Some(Timeout::new(TINT_AFTER_MS, tint)));
        }
    });
    // The box shows `review`, but is only written when the text changed elsewhere (a picked
    // review, Clear): rewriting what was just typed would make the browser lay out the whole
    // text again on every key, which is most of the cost for a long review.
    let area = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |_| {
        let text = review.get();
        if let Some(element) = area.get() {
            if element.value() != text {
                element.set_value(&text);
            }
        }
    });
    let hidden = move || weights.with(|w| w.as_ref().is_some_and(|w| w.hidden.is_some()));
    // How many reviews were picked: the seed of the next pick, so the picks vary but repeat.
    let picks = RwSignal::new(0u64);
    let pick = move |_| {
        let Some(s) = set.get_untracked() else { return };
        if s.samples.is_empty() {
            return;
        }
        picks.update(|n| *n += 1);
        let i = Pcg32::from_seed(picks.get_untracked()).below(s.samples.len() as u32) as usize;
        review.set(s.samples[i].text.clone());
    };

    view! {
        <Panel title="Type a review" class="text-review-panel stage-2" testid="text-review-panel">
            <OneLine class="muted panel-intro">
                "The prediction updates as you type. Each word is tinted by how much it moved the logit: "
                <span class="w pos s8">"blue"</span>" toward positive, "<span class="w neg s8">"orange"</span>" toward negative, "
                "stronger colour for a bigger push (hover a word for its number). Words the model never saw in training count as \"unknown\"."
            </OneLine>
            <textarea class="text-review" data-testid="text-review" aria-label="a review to read" rows="5" maxlength="1100000" node_ref=area
                on:input=move |ev| review.set(event_target_value(&ev))></textarea>
            <div class="button-row">
                <button data-testid="text-pick" on:click=pick disabled=move || set.with(|s| s.is_none())>"Pick a test review"</button>
                <button on:click=move |_| review.set(String::new())>"Clear"</button>
            </div>
            {move || reading.with(|reading| match reading {
                None => view! {
                    <p class="muted" data-testid="text-review-waiting">"Train the model (even a few seconds is enough) and its reading of your review appears here."</p>
                }.into_any(),
                Some((detail, message)) => {
                    let verdict = detail.as_ref().map(|(r, _)| verdict(r));
                    view! {
                        {message.map(|m| view! { <p class="notice" role="status" data-testid="text-review-message">{m}</p> })}
                        {verdict}
                    }.into_any()
                }
            })}
            // Always in the page (hidden with nothing to explain), so that a new tint replaces
            // only this element's contents.
            <div class="text-explained" style:display=move || if explained() { "" } else { "none" }>
                <div class="text-highlighted" data-testid="text-highlighted" class:stale=move || stale.get()
                    inner_html=move || tinted.get()></div>
                <div>
                    <h3>"Strongest words"</h3>
                    <ol class="text-words" data-testid="text-strongest">
                        {move || reading.with(|r| match r {
                            Some((Some((_, top)), _)) => top.iter().map(|w| view! {
                                <li>
                                    <span class={if w.share >= 0.0 { "pos-text" } else { "neg-text" }}>{w.word.clone()}</span>
                                    {(w.count > 1).then(|| format!(" ×{}", w.count))}
                                    <span class="text-share">{fixed(w.share, 3)}</span>
                                </li>
                            }).collect_view().into_any(),
                            _ => ().into_any(),
                        })}
                    </ol>
                </div>
            </div>
            <details class="text-how">
                <summary>"How the shares are worked out"</summary>
                {move || if hidden() {
                    view! { <p>
                        "With a hidden layer there is no exact split of the logit among the words, so the shares are "
                        <strong>"integrated gradients"</strong>
                        ": start from an empty review (an average vector of zeros) and slide toward this review's average vector; "
                        "along the way, add up how fast the logit changes in the direction of each word's vector (divided by the number of words). "
                        "For a ReLU layer that sum can be worked out exactly. The shares then add up to the logit minus the logit of an empty review."
                    </p> }.into_any()
                } else {
                    view! { <p>
                        "With no hidden layer, the logit is z = b + v·(average of the word vectors) = b + (1/n) Σ v·e(word). "
                        "So each word's share is exactly v·e(word) / n, where e(word) is its vector, v the output weights and n the number of words. "
                        "A word repeated counts each time; a longer review dilutes every word."
                    </p> }.into_any()
                }}
            </details>
        </Panel>
    }
}
