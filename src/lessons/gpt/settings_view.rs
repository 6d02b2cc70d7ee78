//! The GPT's settings form: layers, heads, width, context, tied output, then the learning rate,
//! batch and seed, and the learning rate's warm-up and cosine decay. Applying it starts a new,
//! untrained run.

use leptos::prelude::*;

use super::settings::{Form, Settings, BATCH_SIZES};
use crate::ui::settings_form::{self, Field};

/// A whole-number field: its label, its name in the form's problems, test id, and
/// how it reads and writes the form.
type WholeField = (&'static str, &'static str, &'static str, fn(&Form) -> String, fn(&mut Form, String));

const SCHEDULE_FIELDS: [WholeField; 2] = [
    ("warm-up (steps; 0 for none)", "warmup", "gpt-warmup", |f| f.warmup.clone(), |f, v| f.warmup = v),
    ("cosine decay to a tenth (steps; 0 for none)", "decay", "gpt-decay", |f| f.decay.clone(), |f, v| f.decay = v),
];

const SHAPE_FIELDS: [WholeField; 4] = [
    ("layers", "layers", "gpt-layers", |f| f.layers.clone(), |f, v| f.layers = v),
    ("attention heads", "heads", "gpt-heads", |f| f.heads.clone(), |f, v| f.heads = v),
    ("width (numbers per position)", "width", "gpt-width", |f| f.width.clone(), |f, v| f.width = v),
    ("context (characters read at once)", "context", "gpt-context", |f| f.context.clone(), |f, v| f.context = v),
];

#[component]
pub fn SettingsForm(settings: RwSignal<Settings>, #[prop(into)] on_apply: Callback<()>) -> impl IntoView {
    let form = settings_form::Form::<Form>::new(settings, on_apply);
    let whole_fields = move |fields: &[WholeField]| {
        fields.iter().map(|&(label, name, testid, get, put)| view! {
            <Field label problem=form.problem(name)>{form.text_box(testid, "numeric", get, put)}</Field>
        }).collect_view()
    };
    let tied = vec![("on".to_string(), "tied to the character table".to_string()), ("off".to_string(), "a matrix of their own".to_string())];
    view! {
        <div class="settings-form" data-testid="gpt-settings">
            {whole_fields(&SHAPE_FIELDS)}
            <Field label="next-character scores">
                {form.choice("gpt-tied", tied, |f| if f.tied { "on".into() } else { "off".into() }, |f, v| f.tied = v == "on")}
            </Field>
            {form.run_fields("gpt", "learning rate (AdamW)", &BATCH_SIZES)}
            {whole_fields(&SCHEDULE_FIELDS)}
            {form.apply_row("gpt-apply")}
        </div>
    }
}
