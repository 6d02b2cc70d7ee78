//! The settings form of a training lesson, written once: the text as typed, a message under each
//! field that does not parse, and an Apply button that is live only when the form parses to
//! settings other than the current ones. The checking itself is `lessons::shared::form`.

use leptos::prelude::*;

use crate::lessons::shared::form::{Problems, SettingsText, WithRun};

/// A labelled field, with its problem (if any) said under it.
#[component]
pub fn Field(label: &'static str, #[prop(optional, into)] problem: Option<Signal<Option<String>>>, children: Children) -> impl IntoView {
    let problem = move || problem.and_then(|p| p.get());
    view! {
        <label class="field" class:field-bad=move || problem().is_some()>
            <span class="field-label">{label}</span>
            {children()}
            {move || problem().map(|p| view! { <span class="field-problem" role="alert">{p}</span> })}
        </label>
    }
}

/// A form's text, what it parses to, and the settings it applies to.
pub struct Form<F: SettingsText> {
    pub text: RwSignal<F>,
    parsed: Memo<Result<F::Settings, Problems>>,
    settings: RwSignal<F::Settings>,
    on_apply: Callback<()>,
}

impl<F: SettingsText> Clone for Form<F> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<F: SettingsText> Copy for Form<F> {}

impl<F: SettingsText> Form<F> {
    /// The form for `settings`; settings set from outside (a host page's `set`, a loaded
    /// model) show in it too.
    pub fn new(settings: RwSignal<F::Settings>, on_apply: Callback<()>) -> Self {
        let text = RwSignal::new(F::from_settings(&settings.get_untracked()));
        Effect::new(move |_| text.set(F::from_settings(&settings.get())));
        let parsed = Memo::new(move |_| text.get().parse());
        Form { text, parsed, settings, on_apply }
    }

    /// What is wrong with `field` as typed.
    pub fn problem(self, field: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || self.parsed.with(|p| p.as_ref().err().and_then(|p| p.of(field))))
    }

    /// The form parses, to settings other than the current ones.
    pub fn changed(self) -> bool {
        self.parsed.with(|p| p.as_ref().is_ok_and(|s| *s != self.settings.get()))
    }

    /// A text box for one field.
    pub fn text_box(self, testid: impl Into<String>, mode: &'static str, get: fn(&F) -> String, put: fn(&mut F, String)) -> impl IntoView {
        view! {
            <input type="text" inputmode=mode data-testid=testid.into() prop:value=move || self.text.with(get)
                on:input=move |ev| self.text.update(|f| put(f, event_target_value(&ev)))/>
        }
    }

    /// A choice among `options` (value, label) for one field.
    pub fn choice(self, testid: impl Into<String>, options: Vec<(String, String)>, get: fn(&F) -> String, put: fn(&mut F, String)) -> impl IntoView {
        view! {
            <select data-testid=testid.into() on:change=move |ev| self.text.update(|f| put(f, event_target_value(&ev)))>
                {options.into_iter().map(|(value, label)| {
                    let selected = value.clone();
                    view! { <option value=value selected=move || self.text.with(|f| get(f) == selected)>{label}</option> }
                }).collect_view()}
            </select>
        }
    }

    /// The Apply button and what applying does.
    pub fn apply_row(self, testid: impl Into<String>) -> impl IntoView {
        let apply = move |_| {
            if let Ok(new) = self.parsed.get_untracked() {
                self.settings.set(new);
                self.on_apply.run(());
            }
        };
        view! {
            <div class="field field-action">
                <button class="primary" data-testid=testid.into() disabled=move || !self.changed() on:click=apply>"Apply and start over"</button>
                <span class="muted">{move || if self.changed() { "Applying starts a new run from fresh weights." } else { "" }}</span>
            </div>
        }
    }
}

impl<F: SettingsText + WithRun> Form<F> {
    /// The rows every training lesson's form ends with: the learning rate, the batch size
    /// (one of `batch_sizes`), the seed, and Apply. Test ids start with `lesson`
    /// (`mnist-learning-rate`, `mnist-batch`, `mnist-seed`, `mnist-apply`).
    pub fn run_rows(self, lesson: &'static str, rate_label: &'static str, batch_sizes: &[usize]) -> impl IntoView {
        view! {
            {self.run_fields(lesson, rate_label, batch_sizes)}
            {self.apply_row(format!("{lesson}-apply"))}
        }
    }

    /// [`Form::run_rows`] without Apply, for a form with more fields after them.
    pub fn run_fields(self, lesson: &'static str, rate_label: &'static str, batch_sizes: &[usize]) -> impl IntoView {
        let batches = batch_sizes.iter().map(|b| (b.to_string(), b.to_string())).collect();
        view! {
            <Field label=rate_label problem=self.problem("learning_rate")>
                {self.text_box(format!("{lesson}-learning-rate"), "decimal", |f| f.run().learning_rate.clone(), |f, v| f.run_mut().learning_rate = v)}
            </Field>
            <Field label="batch size" problem=self.problem("batch_size")>
                {self.choice(format!("{lesson}-batch"), batches, |f| f.run().batch_size.clone(), |f, v| f.run_mut().batch_size = v)}
            </Field>
            <Field label="seed" problem=self.problem("seed")>
                {self.text_box(format!("{lesson}-seed"), "numeric", |f| f.run().seed.clone(), |f, v| f.run_mut().seed = v)}
            </Field>
        }
    }
}
