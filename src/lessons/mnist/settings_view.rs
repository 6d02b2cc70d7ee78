//! The settings form of the digits lesson: the network's shape, activation, optimiser,
//! learning rate, batch size and seed. Applying it starts a new run.

use leptos::prelude::*;

use super::settings::{Form, ACTIVATIONS, BATCH_SIZES, OPTIMISERS};
use super::Settings;
use crate::ui::settings_form::{self, Field};

fn options(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(value, label)| (value.to_string(), label.to_string())).collect()
}

#[component]
pub fn SettingsForm(settings: RwSignal<Settings>, #[prop(into)] on_apply: Callback<()>, #[prop(optional)] convolutions: bool) -> impl IntoView {
    let form = settings_form::Form::<Form>::new(settings, on_apply);
    // The convolution blocks are offered where the page opened with some (the CNN lesson,
    // or a Digits link that asks for them); the Digits lesson keeps its simpler form.
    let blocks = convolutions.then(|| {
        view! {
            <Field label="convolutions (kernel size x filters, then pooling; e.g. 5x8 pool 2, 5x16 pool 2)" problem=form.problem("convolutions")>
                {form.text_box("mnist-convolutions", "text", |f| f.convolutions.clone(), |f, v| f.convolutions = v)}
            </Field>
        }
    });
    view! {
        <div class="settings-form" data-testid="mnist-settings">
            {blocks}
            <Field label="hidden layers (units, comma-separated)" problem=form.problem("hidden")>
                {form.text_box("mnist-hidden", "text", |f| f.hidden.clone(), |f, v| f.hidden = v)}
            </Field>
            <Field label="activation">
                {form.choice("mnist-activation", options(&ACTIVATIONS), |f| f.activation.clone(), |f, v| f.activation = v)}
            </Field>
            <Field label="optimiser">
                {form.choice("mnist-optimiser", options(&OPTIMISERS), |f| f.optimiser.clone(), |f, v| f.optimiser = v)}
            </Field>
            {form.run_rows("mnist", "learning rate", &BATCH_SIZES)}
        </div>
    }
}
