//! The loss explorer: pick a loss and a target, move the prediction ŷ, and read the loss and
//! its gradient ∂L/∂ŷ (the number backpropagation starts from).

use leptos::prelude::*;

use crate::ui::Stat;

use crate::ui::Panel;

use super::charts::draw_pair;
use super::explorer::drag_along;
use crate::ui::{Chart, Math};
use crate::lessons::functions::losses::Loss;
use crate::lessons::shared::numbers::{fixed, fixed_ascii};

/// The prediction moved into the chart's range for this loss and target.
fn clamp_prediction(loss: Loss, y: f64, p: f64) -> f64 {
    let (lo, hi) = loss.prediction_range(y);
    p.clamp(lo, hi)
}

fn parse_number(text: &str) -> Result<f64, String> {
    let t = text.trim().replace(['−', '–'], "-");
    if t.is_empty() {
        return Err("Type a number.".into());
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err("That number is too large: it must be finite.".into()),
        Err(_) => Err(format!("“{}” is not a number.", text.trim())),
    }
}

#[component]
pub fn LossExplorer(lesson: super::Lesson) -> impl IntoView {
    let state = lesson.state;
    let loss = Memo::new(move |_| state.with(|s| s.loss));
    let target = Memo::new(move |_| state.with(|s| s.loss.valid_target(s.target)));
    let prediction = Memo::new(move |_| state.with(|s| clamp_prediction(s.loss, s.loss.valid_target(s.target), s.prediction)));
    let range = Memo::new(move |_| loss.get().prediction_range(target.get()));
    let typed_target = RwSignal::new(format!("{}", state.get_untracked().target));
    let target_problem = RwSignal::new(None::<String>);
    let typed_prediction = RwSignal::new(format!("{}", state.get_untracked().prediction));
    // A link or a host page may change the numbers: the boxes follow unless they already read them.
    Effect::new(move |_| {
        let (y, p) = state.with(|s| (s.target, s.prediction));
        for (typed, value) in [(typed_target, y), (typed_prediction, p)] {
            if typed.with_untracked(|t| parse_number(t).ok()) != Some(value) {
                typed.set(format!("{value}"));
            }
        }
    });
    let prediction_problem = RwSignal::new(None::<String>);
    let set_prediction = move |p: f64| {
        state.update(|s| s.prediction = p);
        typed_prediction.set(format!("{p}"));
        prediction_problem.set(None);
    };
    let on_target = move |ev| {
        let text = event_target_value(&ev);
        typed_target.set(text.clone());
        match parse_number(&text) {
            Ok(v) => {
                state.update(|s| s.target = v);
                target_problem.set(None);
            }
            Err(e) => target_problem.set(Some(e)),
        }
    };
    let on_prediction = move |ev| {
        let text = event_target_value(&ev);
        typed_prediction.set(text.clone());
        match parse_number(&text) {
            Ok(v) => {
                let (lo, hi) = range.get_untracked();
                if v < lo || v > hi {
                    prediction_problem.set(Some(format!("For this loss ŷ must be between {} and {}.", fixed(lo, 3), fixed(hi, 3))));
                } else {
                    state.update(|s| s.prediction = v);
                    prediction_problem.set(None);
                }
            }
            Err(e) => prediction_problem.set(Some(e)),
        }
    };
    let target_note = move || {
        let typed = state.with(|s| s.target);
        let used = target.get();
        match loss.get() {
            Loss::CrossEntropy => Some("The target is one-hot: y = 1 for the true class, 0 elsewhere, so only the true class's probability matters.".to_string()),
            _ if (typed - used).abs() > 0.0 => Some(format!(
                "{} needs {}; using y = {}.",
                loss.get().name(),
                if loss.get() == Loss::Hinge { "y = −1 or +1" } else { "0 ≤ y ≤ 1" },
                fixed(used, 2)
            )),
            _ => None,
        }
    };
    let area = NodeRef::<leptos::html::Div>::new();
    // Dragging rounds ŷ to the slider's step, within the loss's range.
    let (down, moved, up) = drag_along(area, move || range.get_untracked(), move |v| {
        let (lo, hi) = range.get_untracked();
        set_prediction(((v * 1000.0).round() / 1000.0).clamp(lo, hi));
    });
    let draw = move |area, ratio| {
        let (l, y, p, (lo, hi)) = (loss.get(), target.get(), prediction.get(), range.get());
        draw_pair(area, ratio, lo, hi, "prediction ŷ", &|v| l.value(y, v), &|v| l.gradient(y, v), p, 12.0);
    };
    let label = Signal::derive(move || format!("{} and its gradient as the prediction varies, for target y = {}", loss.get().name(), fixed(target.get(), 2)));
    let at_tex = Signal::derive(move || {
        let (y, p) = (target.get(), prediction.get());
        let l = loss.get();
        format!(r"y = {},\; \hat y = {}:\quad L = {},\quad \frac{{\partial L}}{{\partial \hat y}} = {}", fixed_ascii(y, 2), fixed_ascii(p, 3), fixed_ascii(l.value(y, p), 6), fixed_ascii(l.gradient(y, p), 6))
    });
    view! {
        <Panel title="Loss functions" class="functions-explorer" testid="loss-explorer">
            {super::share(lesson, "losses")}
            <p class="muted">"Pick a loss and a target y, then move the prediction ŷ. The gradient tells training which way to move ŷ, and how hard."</p>
            <div class="settings-form functions-controls">
                <label class="field">
                    <span class="field-label">"Loss"</span>
                    <select data-testid="loss-select" prop:value=move || loss.get().slug() on:change=move |ev| {
                        if let Some(l) = Loss::from_slug(&event_target_value(&ev)) {
                            state.update(|s| { s.loss = l; s.prediction = clamp_prediction(l, l.valid_target(s.target), s.prediction); });
                            typed_prediction.set(format!("{}", prediction.get_untracked()));
                            prediction_problem.set(None);
                        }
                    }>
                        {Loss::ALL.into_iter().map(|l| view! { <option value=l.slug()>{l.name()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field" class:field-bad=move || target_problem.get().is_some()>
                    <span class="field-label">"Target y"</span>
                    <input type="text" inputmode="decimal" data-testid="loss-target-input" prop:value=move || typed_target.get() on:input=on_target/>
                    <Show when=move || target_problem.get().is_some()>
                        <span class="field-problem" data-testid="loss-target-problem">{move || target_problem.get().unwrap_or_default()}</span>
                    </Show>
                </label>
                <label class="field">
                    <span class="field-label">"Prediction ŷ (slider)"</span>
                    <input type="range" step="0.001" data-testid="loss-prediction-slider" prop:min=move || range.get().0 prop:max=move || range.get().1
                        prop:value=move || prediction.get().to_string() on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { set_prediction(v) } }/>
                </label>
                <label class="field" class:field-bad=move || prediction_problem.get().is_some()>
                    <span class="field-label">"Prediction ŷ (type it)"</span>
                    <input type="text" inputmode="decimal" data-testid="loss-prediction-input" prop:value=move || typed_prediction.get() on:input=on_prediction/>
                    <Show when=move || prediction_problem.get().is_some()>
                        <span class="field-problem" data-testid="loss-prediction-problem">{move || prediction_problem.get().unwrap_or_default()}</span>
                    </Show>
                </label>
            </div>
            <p class="muted functions-note" data-testid="loss-meaning">{move || loss.get().prediction_meaning()} " " {target_note}</p>
            <div class="stat-row">
                <Stat label="target y" testid="loss-target">{move || fixed(target.get(), 2)}</Stat>
                <Stat label="prediction ŷ" testid="loss-prediction">{move || fixed(prediction.get(), 3)}</Stat>
                <Stat label="loss L" testid="loss-value" class="functions-f">{move || fixed(loss.get().value(target.get(), prediction.get()), 6)}</Stat>
                <Stat label="∂L/∂ŷ" testid="loss-gradient" class="functions-df">{move || fixed(loss.get().gradient(target.get(), prediction.get()), 6)}</Stat>
            </div>
            <div class="functions-split">
                <div class="functions-drag" node_ref=area on:pointerdown=down on:pointermove=moved on:pointerup=up on:pointercancel=up>
                    <Chart draw=draw label=label aspect=0.55 testid="loss-chart"/>
                    <p class="functions-legend"><span class="functions-key functions-key-f"></span>"loss L(ŷ)"<span class="functions-key functions-key-df"></span>"gradient ∂L/∂ŷ"</p>
                </div>
                <div class="functions-formulas">
                    <Math tex=Signal::derive(move || loss.get().formula().to_string()) block=true/>
                    <Math tex=Signal::derive(move || loss.get().gradient_formula().to_string()) block=true/>
                    <p class="field-label">"At the chosen prediction:"</p>
                    <div data-testid="loss-formula-at"><Math tex=at_tex block=true/></div>
                    <p class="muted functions-note">"One example at a time here; over a batch, MSE, MAE and the cross-entropies are averaged, e.g. MSE of y = [1, 2, 3] and ŷ = [1.1, 1.9, 2.8] is (0.01 + 0.01 + 0.04) ÷ 3 = 0.02."</p>
                </div>
            </div>
        </Panel>
    }
}
