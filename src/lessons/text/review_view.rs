//! "Type a review": the probability of "positive" as the learner types, every word tinted by
//! its share of the logit, and the strongest words listed.

use std::sync::Arc;

use leptos::prelude::*;

use super::explain::{read, strongest, MAX_TOKENS};
use super::highlight::highlighted;
use super::model::Weights;
use crate::data::ImdbSet;
use crate::engine::rng::Pcg32;
use crate::lessons::shared::numbers::{fixed, grouped};

#[component]
pub fn ReviewBox(set: RwSignal<Option<Arc<ImdbSet>>>, weights: RwSignal<Option<Arc<Weights>>>, review: RwSignal<String>) -> impl IntoView {
    // (text, reading or problem) recomputed when the text or the weights change.
    let reading = Memo::new(move |_| {
        let w = weights.get()?;
        let s = set.get()?;
        let text = review.get();
        Some(match read(&w, &s.vocabulary, &text) {
            Ok(r) => {
                let html = highlighted(&text, &r);
                let top = strongest(&r, &s.vocabulary, &text, 12);
                (Some((r, html, top)), None)
            }
            Err((problem, r)) => {
                let detail = r.map(|r| {
                    let html = highlighted(&text, &r);
                    let top = strongest(&r, &s.vocabulary, &text, 12);
                    (r, html, top)
                });
                (detail, Some(problem.message()))
            }
        })
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
        <section class="panel" data-testid="text-review-panel">
            <h2>"Type a review"</h2>
            <p class="muted">
                "The prediction updates as you type. Each word is tinted by how much it moved the logit: "
                <span class="w pos s8">"blue"</span>" toward positive, "<span class="w neg s8">"orange"</span>" toward negative, "
                "stronger colour for a bigger push (hover a word for its number). Words the model never saw in training count as \"unknown\"."
            </p>
            <textarea class="text-review" data-testid="text-review" rows="5" maxlength="1100000" node_ref=area
                on:input=move |ev| review.set(event_target_value(&ev))></textarea>
            <div class="button-row">
                <button data-testid="text-pick" on:click=pick disabled=move || set.with(|s| s.is_none())>"Pick a test review"</button>
                <button on:click=move |_| review.set(String::new())>"Clear"</button>
            </div>
            {move || match reading.get() {
                None => view! {
                    <p class="muted" data-testid="text-review-waiting">"Train the model (even a few seconds is enough) and its reading of your review appears here."</p>
                }.into_any(),
                Some((detail, message)) => {
                    let verdict = detail.as_ref().map(|(r, _, _)| {
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
                    });
                    let body = detail.map(|(_, html, top)| view! {
                        <div class="text-explained">
                            <div class="text-highlighted" data-testid="text-highlighted" inner_html=html></div>
                            <div>
                                <h3>"Strongest words"</h3>
                                <ol class="text-words" data-testid="text-strongest">
                                    {top.into_iter().map(|w| view! {
                                        <li>
                                            <span class={if w.share >= 0.0 { "pos-text" } else { "neg-text" }}>{w.word}</span>
                                            {(w.count > 1).then(|| format!(" ×{}", w.count))}
                                            <span class="text-share">{fixed(w.share, 3)}</span>
                                        </li>
                                    }).collect_view()}
                                </ol>
                            </div>
                        </div>
                    });
                    view! {
                        {message.map(|m| view! { <p class="notice" role="status" data-testid="text-review-message">{m}</p> })}
                        {verdict}
                        {body}
                    }.into_any()
                }
            }}
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
        </section>
    }
}
