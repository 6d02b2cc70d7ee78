//! The worked-example checker's form and its step-by-step walk-through.

use leptos::prelude::*;
use crate::ui::More;

use crate::catalog::title_of;
use wasm_bindgen_futures::JsFuture;

use crate::ui::Math;
use crate::lessons::functions::activations::ActivationFunction;
use crate::lessons::functions::checker::{parse, short, steps, CheckerFields, CheckerLoss, Field, LayerActivation, Step};
use crate::lessons::functions::FunctionsState;

fn two_layer_example() -> CheckerFields {
    CheckerFields {
        inputs: "0.5, −1.2, 2".into(),
        weights1: "0.1, 0.4, −0.3\n−0.5, 0.2, 0.6".into(),
        biases1: "0.05, −0.1".into(),
        activation1: LayerActivation::Apply(ActivationFunction::Tanh),
        two_layers: true,
        weights2: "0.7, −0.9".into(),
        biases2: "0.2".into(),
        activation2: LayerActivation::Apply(ActivationFunction::Sigmoid),
        target: "1".into(),
        loss: CheckerLoss::BinaryCrossEntropy,
        learning_rate: "0.5".into(),
    }
}

/// The choice of one layer's activation (`which` picks the layer's field).
fn activation_choice(
    state: RwSignal<FunctionsState>,
    label: &'static str,
    testid: &'static str,
    which: fn(&mut CheckerFields) -> &mut LayerActivation,
) -> impl IntoView {
    let mut options = vec![("linear", "none (linear)")];
    options.extend(ActivationFunction::ALL.iter().map(|a| (a.slug(), a.name())));
    let current = move || state.with(|s| *which(&mut s.checker.clone())).slug();
    view! {
        <label class="field">
            <span class="field-label">{label}</span>
            <select data-testid=testid prop:value=current
                on:change=move |ev| { let a = LayerActivation::from_slug(&event_target_value(&ev)); state.update(|s| *which(&mut s.checker) = a) }>
                {options.into_iter().map(|(slug, name)| view! { <option value=slug>{name}</option> }).collect_view()}
            </select>
        </label>
    }
}

#[component]
fn TextField(
    state: RwSignal<FunctionsState>,
    field: Field,
    label: &'static str,
    hint: &'static str,
    testid: &'static str,
    #[prop(optional)] multiline: bool,
    problems: Memo<Vec<(Field, String)>>,
) -> impl IntoView {
    let get = move || {
        state.with(|s| {
            let c = &s.checker;
            match field {
                Field::Inputs => c.inputs.clone(),
                Field::Weights1 => c.weights1.clone(),
                Field::Biases1 => c.biases1.clone(),
                Field::Weights2 => c.weights2.clone(),
                Field::Biases2 => c.biases2.clone(),
                Field::Target => c.target.clone(),
                Field::LearningRate => c.learning_rate.clone(),
            }
        })
    };
    let set = move |text: String| {
        state.update(|s| {
            let c = &mut s.checker;
            *match field {
                Field::Inputs => &mut c.inputs,
                Field::Weights1 => &mut c.weights1,
                Field::Biases1 => &mut c.biases1,
                Field::Weights2 => &mut c.weights2,
                Field::Biases2 => &mut c.biases2,
                Field::Target => &mut c.target,
                Field::LearningRate => &mut c.learning_rate,
            } = text;
        })
    };
    let problem = move || problems.with(|p| p.iter().find(|(f, _)| *f == field).map(|(_, m)| m.clone()));
    let input = if multiline {
        view! { <textarea rows="2" data-testid=testid prop:value=get on:input=move |ev| set(event_target_value(&ev))></textarea> }.into_any()
    } else {
        view! { <input type="text" data-testid=testid prop:value=get on:input=move |ev| set(event_target_value(&ev))/> }.into_any()
    };
    view! {
        <label class="field" class:field-bad=move || problem().is_some()>
            <span class="field-label">{label}</span>
            {input}
            <span class="functions-hint">{hint}</span>
            <Show when=move || problem().is_some()>
                <span class="field-problem" data-testid=format!("{testid}-problem")>{move || problem().unwrap_or_default()}</span>
            </Show>
        </label>
    }
}

fn copy(text: String, note: RwSignal<Option<String>>) {
    let Some(window) = web_sys::window() else { return };
    let promise = window.navigator().clipboard().write_text(&text);
    wasm_bindgen_futures::spawn_local(async move {
        match JsFuture::from(promise).await {
            Ok(_) => note.set(Some(format!("Copied {text}"))),
            Err(_) => note.set(Some("Copying is not allowed here; select the number instead.".into())),
        }
    });
}

#[component]
fn StepView(index: usize, step: Step, note: RwSignal<Option<String>>) -> impl IntoView {
    let Step { title, tex, note: explanation, values } = step;
    view! {
        <li class="functions-step" data-testid=format!("checker-step-{}", index + 1)>
            <p class="functions-step-title">{title}</p>
            <div class="functions-step-formula"><Math tex=Signal::stored(tex) block=true/></div>
            {explanation.map(|n| view! { <p class="functions-step-note" data-testid="checker-note">{n}</p> })}
            <div class="functions-values">
                {values.into_iter().map(|v| {
                    let text = short(v.value).replace('-', "−");
                    let copied = short(v.value);
                    view! {
                        <span class="functions-value" data-testid="checker-value" data-label=v.label.clone()>
                            <span class="functions-value-label">{v.label.clone()} " = "</span>
                            <span class="functions-value-number">{text}</span>
                            <button type="button" class="functions-copy" title="Copy this value" aria-label=format!("Copy {}", v.label)
                                on:click=move |_| copy(copied.clone(), note)>"Copy"</button>
                        </span>
                    }
                }).collect_view()}
            </div>
        </li>
    }
}

#[component]
pub fn Checker(lesson: super::Lesson) -> impl IntoView {
    let state = lesson.state;
    let fields = Memo::new(move |_| state.with(|s| s.checker.clone()));
    let parsed = Memo::new(move |_| fields.with(parse));
    let problems = Memo::new(move |_| parsed.with(|p| p.as_ref().err().cloned().unwrap_or_default()));
    let all_steps = Memo::new(move |_| parsed.with(|p| p.as_ref().ok().map(steps).unwrap_or_default()));
    let shown = lesson.shown;
    let copy_note = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        all_steps.track();
        shown.set(1);
    });
    let two = Memo::new(move |_| fields.with(|f| f.two_layers));
    let total = move || all_steps.with(Vec::len);
    view! {
        <section class="panel functions-checker" data-testid="checker">
            <h2>{title_of("functions", Some("checker"))}</h2>
            {super::share(lesson, "checker")}
            <More label="What it checks, and how to type it">
                <p class="muted">
                    "Type in a worked example from a book or a blog post (one neuron or a two-layer network) and see every intermediate value of one training step computed exactly: "
                    "the forward pass, the loss, each gradient by the chain rule, and the updated weights. Vectors can be written “2, −3” or “[2, −3]”; "
                    "weights have one row per unit (new line or “;” between rows)."
                </p>
            </More>
            <div class="button-row">
                <span class="field-label">"Examples:"</span>
                <button type="button" data-testid="checker-example-single" on:click=move |_| state.update(|s| s.checker = CheckerFields::default())>"One ReLU neuron (dead for this input)"</button>
                <button type="button" data-testid="checker-example-two" on:click=move |_| state.update(|s| s.checker = two_layer_example())>"Two layers, tanh then sigmoid"</button>
            </div>
            <div class="settings-form functions-form">
                <TextField state field=Field::Inputs label="Inputs x" hint="e.g. 2, −3" testid="checker-inputs" problems/>
                <label class="field">
                    <span class="field-label">"Layers"</span>
                    <select data-testid="checker-layers" prop:value=move || if two.get() { "2" } else { "1" }
                        on:change=move |ev| { let two = event_target_value(&ev) == "2"; state.update(|s| s.checker.two_layers = two) }>
                        <option value="1">"One layer"</option>
                        <option value="2">"Two layers"</option>
                    </select>
                </label>
                <TextField state field=Field::Weights1 label="Layer 1 weights (one row per unit)" hint="e.g. 0.5, 0.7" testid="checker-weights1" multiline=true problems/>
                <TextField state field=Field::Biases1 label="Layer 1 biases (one per unit)" hint="e.g. 1" testid="checker-biases1" problems/>
                {activation_choice(state, "Layer 1 activation", "checker-activation1", |c| &mut c.activation1)}
                <Show when=move || two.get()>
                    <TextField state field=Field::Weights2 label="Layer 2 weights (one row per unit)" hint="one weight per layer-1 unit" testid="checker-weights2" multiline=true problems/>
                    <TextField state field=Field::Biases2 label="Layer 2 biases" hint="one per output" testid="checker-biases2" problems/>
                    {activation_choice(state, "Layer 2 activation", "checker-activation2", |c| &mut c.activation2)}
                </Show>
                <TextField state field=Field::Target label="Target y (one per output)" hint="e.g. 1" testid="checker-target" problems/>
                <label class="field">
                    <span class="field-label">"Loss"</span>
                    <select data-testid="checker-loss" prop:value=move || if fields.get().loss == CheckerLoss::Mse { "mse" } else { "bce" }
                        on:change=move |ev| { let l = if event_target_value(&ev) == "bce" { CheckerLoss::BinaryCrossEntropy } else { CheckerLoss::Mse }; state.update(|s| s.checker.loss = l) }>
                        <option value="mse">"Mean squared error"</option>
                        <option value="bce">"Binary cross-entropy"</option>
                    </select>
                </label>
                <TextField state field=Field::LearningRate label="Learning rate η" hint="e.g. 0.1" testid="checker-rate" problems/>
            </div>
            <Show when=move || !problems.with(Vec::is_empty)>
                <p class="notice" data-testid="checker-invalid">"Fix the fields marked in red to see the steps; what you typed is kept."</p>
            </Show>
            <Show when=move || total() != 0>
                <div class="button-row functions-walk">
                    <button type="button" data-testid="checker-next" disabled=move || { shown.get() >= total() } on:click=move |_| shown.update(|n| *n = (*n + 1).min(total()))>"Next step"</button>
                    <button type="button" data-testid="checker-all" disabled=move || { shown.get() >= total() } on:click=move |_| shown.set(total())>"Show all"</button>
                    <button type="button" data-testid="checker-restart" disabled=move || { shown.get() <= 1 } on:click=move |_| shown.set(1)>"Start again"</button>
                    <span class="muted" data-testid="checker-progress">{move || format!("Step {} of {}", shown.get().min(total()), total())}</span>
                    <span class="muted functions-copy-note" data-testid="checker-copy-note" aria-live="polite">{move || copy_note.get().unwrap_or_default()}</span>
                </div>
                <ol class="functions-steps" data-testid="checker-steps">
                    {move || all_steps.get().into_iter().take(shown.get()).enumerate().map(|(i, step)| view! { <StepView index=i step=step note=copy_note/> }).collect_view()}
                </ol>
            </Show>
        </section>
    }
}
