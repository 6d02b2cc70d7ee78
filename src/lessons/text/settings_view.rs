//! The settings form of the text lesson: word-vector width, hidden layer, learning rate, batch
//! size and seed. Applying it starts a new run.

use leptos::prelude::*;

use super::settings::{Form, BATCH_SIZES};
use super::Settings;
use crate::ui::settings_form::{self, Field};

#[component]
pub fn SettingsForm(settings: RwSignal<Settings>, #[prop(into)] on_apply: Callback<()>) -> impl IntoView {
    let form = settings_form::Form::<Form>::new(settings, on_apply);
    let batches = BATCH_SIZES.iter().map(|b| (b.to_string(), b.to_string())).collect();
    view! {
        <div class="settings-form" data-testid="text-settings">
            <Field label="numbers per word vector" problem=form.problem("embedding_dim")>
                {form.text_box("text-dim", "numeric", |f| f.embedding_dim.clone(), |f, v| f.embedding_dim = v)}
            </Field>
            <Field label="hidden ReLU units (0 = none)" problem=form.problem("hidden")>
                {form.text_box("text-hidden", "numeric", |f| f.hidden.clone(), |f, v| f.hidden = v)}
            </Field>
            <Field label="learning rate (Adam)" problem=form.problem("learning_rate")>
                {form.text_box("text-learning-rate", "decimal", |f| f.learning_rate.clone(), |f, v| f.learning_rate = v)}
            </Field>
            <Field label="batch size" problem=form.problem("batch_size")>
                {form.choice("text-batch", batches, |f| f.batch_size.clone(), |f, v| f.batch_size = v)}
            </Field>
            <Field label="seed" problem=form.problem("seed")>
                {form.text_box("text-seed", "numeric", |f| f.seed.clone(), |f, v| f.seed = v)}
            </Field>
            {form.apply_row("text-apply")}
        </div>
    }
}
