//! The settings form of the digits lesson: the network's shape, activation, optimiser,
//! learning rate, batch size and seed. Applying it starts a new run.

use leptos::prelude::*;

use super::form::{Form, ACTIVATIONS, BATCH_SIZES, OPTIMISERS};
use super::Settings;

#[component]
fn Field(label: &'static str, problem: Signal<Option<String>>, children: Children) -> impl IntoView {
    view! {
        <label class="field" class:field-bad=move || problem.get().is_some()>
            <span class="field-label">{label}</span>
            {children()}
            {move || problem.get().map(|p| view! { <span class="field-problem" role="alert">{p}</span> })}
        </label>
    }
}

#[component]
pub fn SettingsForm(settings: RwSignal<Settings>, #[prop(into)] on_apply: Callback<()>) -> impl IntoView {
    let form = RwSignal::new(Form::from_settings(&settings.get_untracked()));
    // Settings set from outside (a host page's `set`) show in the form too.
    Effect::new(move |_| form.set(Form::from_settings(&settings.get())));
    let parsed = Memo::new(move |_| form.get().parse());
    let problem = move |pick: fn(&super::form::Problems) -> Option<String>| {
        Signal::derive(move || parsed.get().err().and_then(|p| pick(&p)))
    };
    let changed = move || parsed.get().map(|s| s != settings.get()).unwrap_or(false);
    let apply = move |_| {
        if let Ok(new) = parsed.get_untracked() {
            settings.set(new);
            on_apply.run(());
        }
    };
    let select = move |options: &'static [(&'static str, &'static str)], current: fn(&Form) -> String, set: fn(&mut Form, String)| {
        view! {
            <select on:change=move |ev| form.update(|f| set(f, event_target_value(&ev)))>
                {options.iter().map(|&(value, label)| view! {
                    <option value=value selected=move || form.with(|f| current(f) == value)>{label}</option>
                }).collect_view()}
            </select>
        }
    };
    view! {
        <div class="settings-form" data-testid="mnist-settings">
            <Field label="hidden layers (units, comma-separated)" problem=problem(|p| p.hidden.clone())>
                <input type="text" data-testid="mnist-hidden" prop:value=move || form.with(|f| f.hidden.clone())
                    on:input=move |ev| form.update(|f| f.hidden = event_target_value(&ev))/>
            </Field>
            <Field label="activation" problem=Signal::derive(|| None)>
                {select(&ACTIVATIONS, |f| f.activation.clone(), |f, v| f.activation = v)}
            </Field>
            <Field label="optimiser" problem=Signal::derive(|| None)>
                {select(&OPTIMISERS, |f| f.optimiser.clone(), |f, v| f.optimiser = v)}
            </Field>
            <Field label="learning rate" problem=problem(|p| p.learning_rate.clone())>
                <input type="text" inputmode="decimal" data-testid="mnist-learning-rate" prop:value=move || form.with(|f| f.learning_rate.clone())
                    on:input=move |ev| form.update(|f| f.learning_rate = event_target_value(&ev))/>
            </Field>
            <Field label="batch size" problem=problem(|p| p.batch_size.clone())>
                <select data-testid="mnist-batch" on:change=move |ev| form.update(|f| f.batch_size = event_target_value(&ev))>
                    {BATCH_SIZES.iter().map(|&b| view! {
                        <option value=b.to_string() selected=move || form.with(|f| f.batch_size == b.to_string())>{b}</option>
                    }).collect_view()}
                </select>
            </Field>
            <Field label="seed" problem=problem(|p| p.seed.clone())>
                <input type="text" inputmode="numeric" data-testid="mnist-seed" prop:value=move || form.with(|f| f.seed.clone())
                    on:input=move |ev| form.update(|f| f.seed = event_target_value(&ev))/>
            </Field>
            <div class="field field-action">
                <button class="primary" data-testid="mnist-apply" disabled=move || !changed() on:click=apply>
                    "Apply and start over"
                </button>
                <span class="muted">{move || if changed() { "Applying starts a new run from fresh weights." } else { "" }}</span>
            </div>
        </div>
    }
}
