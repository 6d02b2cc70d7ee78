//! One head stepped through, phase by phase as in the gradient-descent lesson, on the first 8
//! characters of the text above: each stage's formula and its live numbers, computed in f64
//! from the model of the latest check (`head_steps.rs`).

use std::sync::Arc;

use leptos::prelude::*;

use super::attention_view::shown;
use super::head_steps::{head_steps, HeadSteps, MAX_STEP_CHARACTERS};
use super::looking::Read;
use super::page::Looks;
use crate::ui::panel::phase_list;
use crate::ui::Panel;

const PHASES: &[&str] = &["input rows x", "Q, K and V", "scores QKᵀ/√d", "causal mask", "row softmax", "weighted sum of V", "output projection"];

/// What each phase computes, in words and symbols.
const FORMULAS: &[&str] = &[
    "x: each character's row of numbers after the block's first LayerNorm (the token's vector plus its position's, and what earlier layers added).",
    "Q = x·W_Q + b_Q, K = x·W_K + b_K, V = x·W_V + b_V, this head's columns only: a query (what a position looks for), a key (what it offers) and a value (what it passes on).",
    "S = Q·Kᵀ / √d: how well each query matches each key, scaled by the square root of the head size d so the scores do not grow with it.",
    "Each position may read only itself and earlier positions: scores above the diagonal become −∞.",
    "A = softmax of each row: e^S divided by the row's sum, so each row shares out 100% of the position's attention (e^−∞ = 0).",
    "O = A·V: each position's output is the mix of the value rows, weighted by its row of A.",
    "O·W_O: this head's part of the output projection (its rows of W_O), which is added to the residual stream with the other heads' parts and the bias.",
];

/// A matrix as a table: full-precision numbers in `data-value` (the e2e test reads them), three
/// decimals on show; `None` shows as −∞.
#[component]
fn Matrix(rows: Vec<Vec<Option<f64>>>, labels: Vec<String>, #[prop(optional)] columns: Option<Vec<String>>, testid: &'static str, name: &'static str) -> impl IntoView {
    view! {
        <figure class="gpt-matrix">
            <figcaption>{name}</figcaption>
            <div class="gpt-matrix-wrap">
                <table data-testid=testid>
                    {columns.map(|c| view! { <thead><tr><th></th>{c.into_iter().map(|c| view! { <th>{c}</th> }).collect_view()}</tr></thead> })}
                    <tbody>
                        {rows.into_iter().zip(labels).map(|(row, label)| view! {
                            <tr>
                                <th>{label}</th>
                                {row.into_iter().map(|v| match v {
                                    Some(v) => view! { <td data-value=v.to_string()>{format!("{v:.3}")}</td> }.into_any(),
                                    None => view! { <td class="masked" data-value="-Infinity">"−∞"</td> }.into_any(),
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </figure>
    }
}

fn some(rows: &[Vec<f64>]) -> Vec<Vec<Option<f64>>> {
    rows.iter().map(|r| r.iter().map(|&v| Some(v)).collect()).collect()
}

/// The tables of phase `phase`.
fn phase_view(s: &HeadSteps, phase: usize, chars: &[String]) -> AnyView {
    let labels = || chars.to_vec();
    let matrix = |rows: Vec<Vec<Option<f64>>>, columns: Option<Vec<String>>, testid: &'static str, name: &'static str| match columns {
        Some(c) => view! { <Matrix rows labels=labels() columns=c testid name/> }.into_any(),
        None => view! { <Matrix rows labels=labels() testid name/> }.into_any(),
    };
    let by_char = || Some(labels());
    match phase {
        0 => matrix(some(&s.x), None, "gpt-step-x", "x").into_any(),
        1 => view! { <div class="gpt-matrices">{matrix(some(&s.q), None, "gpt-step-q", "Q")}{matrix(some(&s.k), None, "gpt-step-k", "K")}{matrix(some(&s.v), None, "gpt-step-v", "V")}</div> }.into_any(),
        2 => matrix(some(&s.scores), by_char(), "gpt-step-scores", "S = QKᵀ/√d"),
        3 => matrix(s.masked.clone(), by_char(), "gpt-step-masked", "S, masked"),
        4 => view! { <div class="gpt-matrices">{matrix(s.masked.clone(), by_char(), "gpt-step-masked", "S, masked")}{matrix(some(&s.weights), by_char(), "gpt-step-weights", "A = softmax(S)")}</div> }.into_any(),
        5 => matrix(some(&s.mixed), None, "gpt-step-mixed", "O = A·V"),
        _ => matrix(some(&s.projected), None, "gpt-step-projected", "O·W_O (this head's rows)"),
    }
}

#[component]
pub fn StepThrough(looks: Looks, read: RwSignal<Option<Arc<Read>>>) -> impl IntoView {
    let Looks { layer, head, .. } = looks;
    let phase = RwSignal::new(0usize);
    let steps = Memo::new(move |_| {
        read.with(|r| {
            r.as_ref().filter(|r| !r.characters.is_empty() && layer.get() < r.reader.weights.shape.layers && head.get() < r.reader.weights.shape.heads).map(|r| {
                let count = r.characters.len().min(MAX_STEP_CHARACTERS);
                let chars: Vec<String> = r.characters[..count].iter().map(|&c| shown(c)).collect();
                (head_steps(&r.reader, layer.get(), head.get(), count), chars, r.step)
            })
        })
    });
    let size = move || read.with(|r| r.as_ref().map_or(0, |r| r.reader.weights.shape.head_size()));
    view! {
    <Panel title="Step through one head" testid="gpt-step-through" intro=concat!(
        "The chosen head, on the first 8 characters of the text above, one stage at a time, with the model's live numbers ",
        "(computed in double precision from the weights of the latest check).",
    )>
        <p class="muted" data-testid="gpt-step-what">
            {move || steps.with(|s| s.as_ref().map(|(_, chars, step)| format!(
                "Layer {}, head {} (head size d = {}), reading “{}”, with the weights at step {step}.",
                layer.get() + 1, head.get() + 1, size(), chars.concat())).unwrap_or_default())}
        </p>
        {phase_list(PHASES, move || Some(phase.get()))}
        <div class="button-row">
            <button data-testid="gpt-step-back" disabled=move || phase.get() == 0 on:click=move |_| phase.update(|p| *p = p.saturating_sub(1))>"← Back"</button>
            <button class="primary" data-testid="gpt-step-next" disabled=move || phase.get() + 1 == PHASES.len() on:click=move |_| phase.update(|p| *p += 1)>"Next phase →"</button>
        </div>
        <p class="gpt-formula" data-testid="gpt-step-formula">{move || FORMULAS[phase.get()]}</p>
        {move || steps.with(|s| s.as_ref().map(|(s, chars, _)| phase_view(s, phase.get(), chars)))}
    </Panel>
    }
}
