//! The settings form of the text lesson: word-vector width, hidden layer, weight decay, learning
//! rate, batch size and seed. Applying it starts a new run.

use leptos::prelude::*;

use super::settings::{Form, BATCH_SIZES};
use super::Settings;
use crate::ui::settings_form::{self, Field};

#[component]
pub fn SettingsForm(settings: RwSignal<Settings>, #[prop(into)] on_apply: Callback<()>) -> impl IntoView {
    let form = settings_form::Form::<Form>::new(settings, on_apply);
    view! {
        <div class="settings-form" data-testid="text-settings">
            <Field label="numbers per word vector" problem=form.problem("embedding_dim")>
                {form.text_box("text-dim", "numeric", |f| f.embedding_dim.clone(), |f, v| f.embedding_dim = v)}
            </Field>
            <Field label="hidden ReLU units (0 = none)" problem=form.problem("hidden")>
                {form.text_box("text-hidden", "numeric", |f| f.hidden.clone(), |f, v| f.hidden = v)}
            </Field>
            <Field label="weight decay λ (0 = none; try 0.1)" problem=form.problem("weight_decay")>
                {form.text_box("text-weight-decay", "decimal", |f| f.weight_decay.clone(), |f, v| f.weight_decay = v)}
            </Field>
            {form.run_rows("text", "learning rate (Adam)", &BATCH_SIZES)}
        </div>
    }
}
