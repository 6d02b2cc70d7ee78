//! The "Two distributions" panel: presets, the number of outcomes, the units, the draggable
//! bars (`bars_view.rs`) and the typed values, with a flag on a distribution that does not sum
//! to 1.

use leptos::prelude::*;

use crate::ui::Panel;

use super::bars_view::BarsChart;
use super::*;
use crate::lessons::shared::numbers::fixed;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Which {
    P,
    Q,
}

impl Which {
    fn name(self) -> &'static str {
        match self {
            Which::P => "P",
            Which::Q => "Q",
        }
    }
    fn slug(self) -> &'static str {
        match self {
            Which::P => "p",
            Which::Q => "q",
        }
    }
}

/// A probability as the input box shows it: up to 4 decimals, trailing zeros dropped.
fn prob_text(x: f64) -> String {
    let t = format!("{x:.4}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    if t.is_empty() { "0".into() } else { t.to_string() }
}

fn texts(v: &[f64]) -> Vec<String> {
    v.iter().map(|&x| prob_text(x)).collect()
}

/// What the learner typed in each box, kept as typed (a half-typed "0." stays) beside the
/// numbers it stands for.
#[derive(Clone, Copy)]
pub struct Typed {
    p: RwSignal<Vec<String>>,
    q: RwSignal<Vec<String>>,
}

impl Typed {
    pub fn new(state: &InformationState) -> Self {
        Typed { p: RwSignal::new(texts(&state.p)), q: RwSignal::new(texts(&state.q)) }
    }

    /// Shows `state`'s numbers in the boxes (after anything but typing changed them).
    pub fn show(self, state: &InformationState) {
        self.p.set(texts(&state.p));
        self.q.set(texts(&state.q));
    }

    fn of(self, w: Which) -> RwSignal<Vec<String>> {
        if w == Which::P { self.p } else { self.q }
    }
}

/// Replaces a whole distribution (a drag, normalising) and its boxes' texts.
pub fn set_distribution(state: RwSignal<InformationState>, typed: Typed, w: Which, v: Vec<f64>) {
    typed.of(w).set(texts(&v));
    state.update(|s| {
        s.preset = None;
        match w {
            Which::P => s.p = v,
            Which::Q => s.q = v,
        }
    });
}

#[component]
pub fn DistributionsPanel(state: RwSignal<InformationState>, typed: Typed) -> impl IntoView {
    let k = Memo::new(move |_| state.with(|s| s.k));
    let units = Memo::new(move |_| state.with(|s| s.units));
    let apply_preset = move |preset: Preset| {
        let (p, q) = preset.distributions();
        typed.p.set(texts(&p));
        typed.q.set(texts(&q));
        state.update(|s| {
            s.k = p.len();
            s.step_row = p.len();
            s.p = p;
            s.q = q;
            s.preset = Some(preset);
        });
    };
    let resize_to = move |n: usize| {
        let (p, q) = state.with_untracked(|s| (resize(&s.p, n), resize(&s.q, n)));
        typed.p.set(texts(&p));
        typed.q.set(texts(&q));
        state.update(|s| {
            s.k = p.len();
            // A fully stepped table stays fully stepped when an outcome is added.
            s.step_row = if s.step_row >= s.k { p.len() } else { s.step_row.min(p.len()) };
            s.p = p;
            s.q = q;
            s.preset = None;
        });
    };
    view! {
    <Panel title="Two distributions" class="info-distributions stage-1">
        <div class="button-row information-presets" role="group" aria-label="Presets">
            <span class="muted">"Presets:"</span>
            {Preset::ALL.into_iter().map(|preset| view! {
                <button
                    data-testid=format!("preset-{}", preset.slug())
                    aria-pressed=move || if state.with(|s| s.preset == Some(preset)) { "true" } else { "false" }
                    on:click=move |_| apply_preset(preset)
                >{preset.label()}</button>
            }).collect_view()}
        </div>
        <p class="muted information-preset-note" data-testid="preset-note">
            {move || state.with(|s| s.preset.map(|p| p.describe().to_string()).unwrap_or_else(|| "Your own distributions.".to_string()))}
        </p>
        <div class="button-row">
            <span class="muted">{move || format!("{} outcomes", k.get())}</span>
            <button data-testid="remove-outcome" disabled=move || { k.get() <= MIN_K } on:click=move |_| resize_to(k.get_untracked() - 1)>"− Remove outcome"</button>
            <button data-testid="add-outcome" disabled=move || { k.get() >= MAX_K } on:click=move |_| resize_to(k.get_untracked() + 1)>"+ Add outcome"</button>
            <span class="information-units" role="group" aria-label="Units">
                <span class="muted">"Units:"</span>
                <button
                    data-testid="units-bits"
                    aria-pressed=move || if units.get() == Units::Bits { "true" } else { "false" }
                    on:click=move |_| state.update(|s| s.units = Units::Bits)
                >"bits (log₂)"</button>
                <button
                    data-testid="units-nats"
                    aria-pressed=move || if units.get() == Units::Nats { "true" } else { "false" }
                    on:click=move |_| state.update(|s| s.units = Units::Nats)
                >"nats (ln)"</button>
            </span>
        </div>
        <div class="information-editor">
            <BarsChart state typed/>
            <div class="information-typed">
                <TypedValues state typed/>
                {sum_flag(state, typed, Which::P)}
                {sum_flag(state, typed, Which::Q)}
            </div>
        </div>
    </Panel>
    }
}

/// One box per probability: a value that does not parse says why under its box, and the
/// numbers keep their last good value meanwhile.
#[component]
fn TypedValues(state: RwSignal<InformationState>, typed: Typed) -> impl IntoView {
    let type_in = move |w: Which, i: usize, text: String| {
        typed.of(w).update(|t| {
            if let Some(slot) = t.get_mut(i) {
                *slot = text.clone();
            }
        });
        if let Ok(x) = parse_probability(&text) {
            state.update(|s| {
                s.preset = None;
                let v = if w == Which::P { &mut s.p } else { &mut s.q };
                if let Some(slot) = v.get_mut(i) {
                    *slot = x;
                }
            });
        }
    };

    let inputs = move || {
        (0..state.with(|s| s.k))
            .map(|i| {
                let cell = move |w: Which| {
                    let t = typed.of(w);
                    let error = move || t.with(|t| t.get(i).and_then(|x| parse_probability(x).err()));
                    let id = format!("information-{}-{}", w.slug(), i);
                    view! {
                        <td>
                            <input
                                id=id.clone()
                                type="text"
                                inputmode="decimal"
                                class="information-input"
                                class:invalid=move || error().is_some()
                                aria-label=format!("{}({})", w.slug(), i + 1)
                                aria-invalid=move || if error().is_some() { "true" } else { "false" }
                                data-testid=format!("input-{}-{}", w.slug(), i)
                                prop:value=move || t.with(|t| t.get(i).cloned().unwrap_or_default())
                                on:input=move |ev| type_in(w, i, event_target_value(&ev))
                            />
                            {move || error().map(|e| view! {
                                <span class="information-error" role="alert" data-testid=format!("error-{}-{}", w.slug(), i)>{e}</span>
                            })}
                        </td>
                    }
                };
                view! {
                    <tr>
                        <th scope="row">{format!("{}", i + 1)}</th>
                        {cell(Which::P)}
                        {cell(Which::Q)}
                    </tr>
                }
            })
            .collect_view()
    };

    view! {
        <table class="information-inputs">
            <thead><tr><th>"x"</th><th>"p(x)"</th><th>"q(x)"</th></tr></thead>
            <tbody>{inputs}</tbody>
        </table>
    }
}

/// Says when `w` does not sum to 1, with a button that normalises it.
fn sum_flag(state: RwSignal<InformationState>, typed: Typed, w: Which) -> impl IntoView {
    view! {
        {move || {
            let v = state.with(|s| if w == Which::P { s.p.clone() } else { s.q.clone() });
            let total = sum(&v);
            (!sums_to_one(&v)).then(|| view! {
                <div class="information-flag" role="status" data-testid=format!("sum-flag-{}", w.slug())>
                    <span>
                        {format!("{} sums to {}, not 1, so it is not a distribution. ", w.name(), fixed(total, 4))}
                        "The terms are still computed from the numbers as typed."
                    </span>
                    <button
                        data-testid=format!("normalise-{}", w.slug())
                        on:click=move |_| set_distribution(state, typed, w, normalise(&v))
                    >{format!("Normalise {}", w.name())}</button>
                </div>
            })
        }}
    }
}
