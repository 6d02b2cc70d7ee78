//! The activation explorer: pick a function, move x (slider, typed value or dragging on the
//! chart) and read f(x) and f′(x) with the numbers substituted into the formulas.

use leptos::prelude::*;

use crate::ui::Stat;

use crate::ui::Panel;
use wasm_bindgen::JsCast;
use web_sys::PointerEvent;

use super::charts::{draw_pair, x_at};
use crate::ui::{Chart, Math};
use crate::lessons::functions::activations::ActivationFunction;
use crate::lessons::shared::numbers::fixed;

pub use crate::lessons::functions::{X_MAX, X_MIN};

/// A pointer position over a chart, as an x in `[lo, hi]`.
/// (Leptos delegates events to the document, so the element comes from a node reference, not
/// from the event's current target.)
fn pointer_x(event: &PointerEvent, area: NodeRef<leptos::html::Div>, lo: f64, hi: f64) -> Option<f64> {
    let target: web_sys::Element = area.get_untracked()?.unchecked_into();
    let rect = target.get_bounding_client_rect();
    Some(x_at(f64::from(event.client_x()) - rect.left(), rect.width(), lo, hi))
}

/// The pointer handlers (down, move, up) that move a value by pressing or dragging across the
/// chart in `area`: `set` gets the x under the pointer, within `range()`.
pub fn drag_along(
    area: NodeRef<leptos::html::Div>,
    range: impl Fn() -> (f64, f64) + Copy + 'static,
    set: impl Fn(f64) + Copy + 'static,
) -> (impl Fn(PointerEvent) + Copy, impl Fn(PointerEvent) + Copy, impl Fn(PointerEvent) + Copy) {
    let dragging = StoredValue::new(false);
    let follow = move |ev: &PointerEvent| {
        let (lo, hi) = range();
        if let Some(v) = pointer_x(ev, area, lo, hi) {
            set(v);
        }
    };
    let down = move |ev: PointerEvent| {
        ev.prevent_default();
        if let Some(target) = area.get_untracked() {
            let target: web_sys::Element = target.unchecked_into();
            let _ = target.set_pointer_capture(ev.pointer_id());
        }
        dragging.set_value(true);
        follow(&ev);
    };
    let moved = move |ev: PointerEvent| {
        if dragging.get_value() {
            follow(&ev);
        }
    };
    let up = move |_: PointerEvent| dragging.set_value(false);
    (down, moved, up)
}

/// Rounded to the slider's step, so dragging gives tidy numbers.
fn tidy(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[component]
pub fn ActivationExplorer(lesson: super::Lesson) -> impl IntoView {
    let state = lesson.state;
    let activation = Memo::new(move |_| state.with(|s| s.activation));
    let x = Memo::new(move |_| state.with(|s| s.x));
    let typed = RwSignal::new(fixed(state.get_untracked().x, 2).replace('−', "-"));
    let problem = RwSignal::new(None::<String>);
    // A link or a host page may move x: the box follows unless it already reads that number.
    Effect::new(move |_| {
        let x = state.with(|s| s.x);
        if typed.with_untracked(|t| t.trim().replace('−', "-").parse::<f64>().ok()) != Some(x) {
            typed.set(format!("{x}"));
        }
    });
    let set_x = move |value: f64| {
        let value = value.clamp(X_MIN, X_MAX);
        state.update(|s| s.x = value);
        typed.set(format!("{value}"));
        problem.set(None);
    };
    let on_type = move |ev| {
        let text = event_target_value(&ev);
        typed.set(text.clone());
        match text.trim().replace('−', "-").parse::<f64>() {
            Ok(v) if v.is_finite() && (X_MIN..=X_MAX).contains(&v) => {
                state.update(|s| s.x = v);
                problem.set(None);
            }
            Ok(v) if v.is_finite() => problem.set(Some(format!("Type an x between −5 and 5 (the chart's range); {} is outside it.", text.trim()))),
            _ if text.trim().is_empty() => problem.set(Some("Type a number for x.".into())),
            _ => problem.set(Some(format!("“{}” is not a number.", text.trim()))),
        }
    };
    let area = NodeRef::<leptos::html::Div>::new();
    let (down, moved, up) = drag_along(area, || (X_MIN, X_MAX), move |v| set_x(tidy(v)));
    let draw = move |area, ratio| {
        let (a, at) = (activation.get(), x.get());
        draw_pair(area, ratio, X_MIN, X_MAX, "x", &|v| a.value(v), &|v| a.derivative(v), at, 1e9);
    };
    let label = Signal::derive(move || format!("{} and its derivative for x from −5 to 5, with x = {} marked", activation.get().name(), fixed(x.get(), 2)));
    let note = move || match activation.get() {
        ActivationFunction::Relu => "At x = 0 exactly, ReLU has a kink; we use the left slope, 0, as most libraries do.",
        ActivationFunction::LeakyRelu => "Leaky ReLU keeps a small slope of 0.01 for negative x, so the unit never stops learning completely. At x = 0 we use the left slope, 0.01.",
        ActivationFunction::Sigmoid => "Sigmoid squashes any x into (0, 1); its slope is at most 0.25 (at x = 0) and fades towards 0 for large |x|: the vanishing gradient.",
        ActivationFunction::Tanh => "tanh squashes x into (−1, 1) and is centred on 0; its slope is at most 1 (at x = 0).",
        ActivationFunction::Softplus => "Softplus is a smooth ReLU: its derivative is exactly the sigmoid.",
        ActivationFunction::Gelu => "This is the exact GELU, x·Φ(x) with Φ the standard normal CDF computed with erf (not the tanh approximation).",
    };
    view! {
        <Panel title="Activation functions" class="functions-explorer" testid="activation-explorer">
            {super::share(lesson, "activations")}
            <p class="muted">"Pick a function and move x: drag the slider, type a value, or drag across the chart."</p>
            <div class="settings-form functions-controls">
                <label class="field">
                    <span class="field-label">"Activation"</span>
                    <select data-testid="activation-select" prop:value=move || activation.get().slug() on:change=move |ev| {
                        if let Some(a) = ActivationFunction::from_slug(&event_target_value(&ev)) { state.update(|s| s.activation = a) }
                    }>
                        {ActivationFunction::ALL.into_iter().map(|a| view! { <option value=a.slug()>{a.name()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field functions-slider">
                    <span class="field-label">"x (slider)"</span>
                    <input type="range" min=X_MIN max=X_MAX step="0.01" data-testid="activation-x-slider" prop:value=move || x.get().to_string()
                        on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { set_x(v) } }/>
                </label>
                <label class="field" class:field-bad=move || problem.get().is_some()>
                    <span class="field-label">"x (type it)"</span>
                    <input type="text" inputmode="decimal" data-testid="activation-x-input" prop:value=move || typed.get() on:input=on_type/>
                    <Show when=move || problem.get().is_some()>
                        <span class="field-problem" data-testid="activation-x-problem">{move || problem.get().unwrap_or_default()}</span>
                    </Show>
                </label>
            </div>
            <div class="stat-row">
                <Stat label="x" testid="activation-x">{move || fixed(x.get(), 2)}</Stat>
                <Stat label="f(x)" testid="activation-value" class="functions-f">{move || fixed(activation.get().value(x.get()), 6)}</Stat>
                <Stat label="f′(x)" testid="activation-derivative" class="functions-df">{move || fixed(activation.get().derivative(x.get()), 6)}</Stat>
            </div>
            <div class="functions-split">
                <div class="functions-drag" node_ref=area on:pointerdown=down on:pointermove=moved on:pointerup=up on:pointercancel=up>
                    <Chart draw=draw label=label aspect=0.55 testid="activation-chart"/>
                    <p class="functions-legend"><span class="functions-key functions-key-f"></span>"f(x)"<span class="functions-key functions-key-df"></span>"f′(x)"</p>
                </div>
                <div class="functions-formulas">
                    <Math tex=Signal::derive(move || activation.get().formula().to_string()) block=true/>
                    <Math tex=Signal::derive(move || activation.get().derivative_formula().to_string()) block=true/>
                    <p class="field-label">"At the chosen x:"</p>
                    <div data-testid="activation-formula-at"><Math tex=Signal::derive(move || activation.get().formula_at(x.get())) block=true/></div>
                    <div data-testid="activation-derivative-at"><Math tex=Signal::derive(move || activation.get().derivative_at(x.get())) block=true/></div>
                    <p class="muted functions-note">{note}</p>
                </div>
            </div>
        </Panel>
    }
}
