//! The softmax part of the information lesson: logits you drag, softmax turning them into a
//! distribution, and the classification loss with its gradient. A panel of `/information`
//! and a widget of its own (`/embed/softmax`), sharing the lesson's state and link.

use leptos::prelude::*;
use crate::ui::More;

use crate::ui::Panel;

use super::*;
use crate::ui::host_api::{serve_link_state, Command};
use crate::lessons::shared::url_state::LinkState;
use crate::ui::share::{opening_state, LinkNotes, Share};
use crate::ui::Math;
use crate::lessons::shared::numbers::fixed;

#[component]
pub fn SoftmaxPanel(state: RwSignal<InformationState>) -> impl IntoView {
    // ---------- softmax demo ----------
    let logits = Memo::new(move |_| state.with(|s| s.logits.clone()));
    let true_class = Memo::new(move |_| state.with(|s| s.true_class));
    let n_classes = Memo::new(move |_| state.with(|s| s.logits.len()));
    let sliders = move || {
        (0..n_classes.get())
            .map(|i| {
                view! {
                    <div class="information-logit">
                        <label for=format!("information-logit-{i}")>{format!("z{}", subscript(i + 1))}</label>
                        <input
                            id=format!("information-logit-{i}")
                            type="range"
                            min="-5"
                            max="5"
                            step="0.1"
                            data-testid=format!("logit-{i}")
                            prop:value=move || logits.with(|z| z.get(i).map(|x| format!("{x}")).unwrap_or_default())
                            on:input=move |ev| {
                                if let Ok(x) = event_target_value(&ev).parse::<f64>() {
                                    state.update(|s| if let Some(slot) = s.logits.get_mut(i) { *slot = (x * 10.0).round() / 10.0 });
                                }
                            }
                        />
                        <output class="information-logit-value" data-testid=format!("logit-value-{i}")>
                            {move || logits.with(|z| z.get(i).map(|x| fixed(*x, 1)).unwrap_or_default())}
                        </output>
                        <label class="information-true">
                            <input
                                type="radio"
                                name="information-true-class"
                                data-testid=format!("true-{i}")
                                prop:checked=move || true_class.get() == i
                                on:change=move |_| state.update(|s| s.true_class = i)
                            />
                            "true class"
                        </label>
                    </div>
                }
            })
            .collect_view()
    };
    let softmax_rows = move || {
        let (z, t) = (logits.get(), true_class.get().min(logits.with(|z| z.len() - 1)));
        let q = softmax(&z);
        let g = softmax_gradient(&z, t);
        (0..z.len())
            .map(|i| {
                let width = format!("width: {:.1}%", q[i] * 100.0);
                view! {
                    <tr class:information-current=i == t>
                        <th scope="row">{format!("{}", i + 1)}</th>
                        <td class="number">{fixed(z[i], 1)}</td>
                        <td class="number" data-testid=format!("softmax-q-{i}")>{fixed(q[i], 4)}</td>
                        <td class="information-qbar-cell"><span class="information-qbar" style=width></span></td>
                        <td class="number">{if i == t { "1" } else { "0" }}</td>
                        <td class="number" data-testid=format!("softmax-grad-{i}")>{fixed(g[i], 4)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let loss = move || {
        let (z, t) = (logits.get(), true_class.get().min(logits.with(|z| z.len() - 1)));
        (softmax_loss(&z, t), softmax(&z)[t], t)
    };

    let query = Signal::derive(move || state.with(|s| s.to_query()));

    view! {
        <Panel title="Link to training: softmax and the classification loss">
            <Share slug="information" query widget="softmax"/>
            <More label="How this links to training">
                <p>
                    "When P is one-hot (all its mass on the true class), H(P) = 0 and the cross-entropy is just −log q(true class): "
                    "the loss the MNIST and text lessons minimise. A classifier outputs logits z; softmax turns them into a distribution q. "
                    "Drag the logits and pick the true class."
                </p>
            </More>
            <div class="information-formulas">
                {TEX_SOFTMAX.split(r", \qquad").map(|part| {
                    let part = part.to_string();
                    view! { <Math tex=Signal::derive(move || part.clone()) block=true/> }
                }).collect_view()}
            </div>
            <div class="button-row">
                <button data-testid="remove-class" disabled=move || { n_classes.get() <= 3 }
                    on:click=move |_| state.update(|s| { s.logits.pop(); s.true_class = s.true_class.min(s.logits.len() - 1); })>"− Remove class"</button>
                <button data-testid="add-class" disabled=move || { n_classes.get() >= 5 }
                    on:click=move |_| state.update(|s| s.logits.push(0.0))>"+ Add class"</button>
            </div>
            <div class="information-softmax">
                <div class="information-logits">{sliders}</div>
                <div class="table-scroll">
                    <table data-testid="softmax-table">
                        <thead><tr>
                            <th>"class"</th><th class="number">"z"</th><th class="number">"q = softmax(z)"</th><th></th>
                            <th class="number">"p (one-hot)"</th><th class="number">"∂L/∂z = q − p"</th>
                        </tr></thead>
                        <tbody>{softmax_rows}</tbody>
                    </table>
                </div>
            </div>
            <p class="information-loss">
                {move || {
                    let (l, qt, t) = loss();
                    view! {
                        "Loss L = −ln q" {subscript(t + 1)} " = −ln " {fixed(qt, 4)} " = "
                        <strong data-testid="softmax-loss">{fixed(l, 4)}</strong> " nats"
                    }
                }}
            </p>
            <p class="muted">
                "The gradient pushes the true class's logit up (its q − p is negative) and every other logit down, "
                "in proportion to the probability wrongly given to it. Gradient descent subtracts it."
            </p>
        </Panel>
    }
}

/// `/embed/softmax`: the panel alone, with the lesson's link and the host page API.
#[component]
pub fn SoftmaxWidget() -> impl IntoView {
    let (opened, link_notes) = opening_state::<InformationState>();
    let state = RwSignal::new(opened);
    serve_link_state(
        "softmax",
        state,
        None,
        move |command| match command {
            Command::Set(_) | Command::Reset => Vec::new(),
            Command::Step | Command::Play | Command::Pause => {
                vec!["the softmax widget has nothing to step or play; set z (logits) and t (true class).".into()]
            }
        },
        move || {
            state.with(|s| {
                let t = s.true_class.min(s.logits.len() - 1);
                serde_json::json!({
                    "logits": s.logits,
                    "true_class": t,
                    "q": softmax(&s.logits),
                    "loss": softmax_loss(&s.logits, t),
                    "gradient": softmax_gradient(&s.logits, t),
                })
            })
        },
    );
    view! { <LinkNotes notes=link_notes/> <SoftmaxPanel state/> }
}

pub fn subscript(n: usize) -> String {
    n.to_string().chars().map(|c| char::from_u32(0x2080 + c.to_digit(10).unwrap_or(0)).unwrap_or(c)).collect()
}
