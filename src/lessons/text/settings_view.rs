//! The settings form of the text lesson: word-vector width, hidden layer, learning rate, batch
//! size and seed. Applying it starts a new run.

use leptos::prelude::*;

use super::form::{Form, Problems, BATCH_SIZES};
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
    // A loaded model brings its own shape: show it in the form.
    Effect::new(move |_| form.set(Form::from_settings(&settings.get())));
    let parsed = Memo::new(move |_| form.get().parse());
    let problem = move |pick: fn(&Problems) -> Option<String>| Signal::derive(move || parsed.get().err().and_then(|p| pick(&p)));
    let changed = move || parsed.get().map(|s| s != settings.get()).unwrap_or(false);
    let apply = move |_| {
        if let Ok(new) = parsed.get_untracked() {
            settings.set(new);
            on_apply.run(());
        }
    };
    let text_field = move |testid: &'static str, mode: &'static str, get: fn(&Form) -> String, put: fn(&mut Form, String)| {
        view! {
            <input type="text" inputmode=mode data-testid=testid prop:value=move || form.with(get)
                on:input=move |ev| form.update(|f| put(f, event_target_value(&ev)))/>
        }
    };
    view! {
        <div class="settings-form" data-testid="text-settings">
            <Field label="numbers per word vector" problem=problem(|p| p.embedding_dim.clone())>
                {text_field("text-dim", "numeric", |f| f.embedding_dim.clone(), |f, v| f.embedding_dim = v)}
            </Field>
            <Field label="hidden ReLU units (0 = none)" problem=problem(|p| p.hidden.clone())>
                {text_field("text-hidden", "numeric", |f| f.hidden.clone(), |f, v| f.hidden = v)}
            </Field>
            <Field label="learning rate (Adam)" problem=problem(|p| p.learning_rate.clone())>
                {text_field("text-learning-rate", "decimal", |f| f.learning_rate.clone(), |f, v| f.learning_rate = v)}
            </Field>
            <Field label="batch size" problem=problem(|p| p.batch_size.clone())>
                <select data-testid="text-batch" on:change=move |ev| form.update(|f| f.batch_size = event_target_value(&ev))>
                    {BATCH_SIZES.iter().map(|&b| view! {
                        <option value=b.to_string() selected=move || form.with(|f| f.batch_size == b.to_string())>{b}</option>
                    }).collect_view()}
                </select>
            </Field>
            <Field label="seed" problem=problem(|p| p.seed.clone())>
                {text_field("text-seed", "numeric", |f| f.seed.clone(), |f, v| f.seed = v)}
            </Field>
            <div class="field field-action">
                <button class="primary" data-testid="text-apply" disabled=move || !changed() on:click=apply>"Apply and start over"</button>
                <span class="muted">{move || if changed() { "Applying starts a new run from fresh weights." } else { "" }}</span>
            </div>
        </div>
    }
}
