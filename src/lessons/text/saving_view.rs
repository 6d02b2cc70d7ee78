//! Keep the trained model: download its weights as `.safetensors`, keep them in this browser,
//! load either back (a bad file changes nothing).

use std::sync::Arc;

use leptos::prelude::*;

use super::model::Weights;
use crate::data::ImdbSet;
use crate::ui::files::offer_download;
use crate::ui::keep_view::{keep_panel, Keep};

/// Where the kept model lives in `localStorage` (base64 of the `.safetensors` bytes).
const STORAGE_KEY: &str = "stepwise-text-model";
const FILE_NAME: &str = "stepwise-text.safetensors";

#[component]
pub fn SaveLoad(
    set: RwSignal<Option<Arc<ImdbSet>>>,
    weights: RwSignal<Option<Arc<Weights>>>,
    /// Installs loaded weights as the model (the page resets its curves and checks them).
    #[prop(into)]
    on_load: Callback<Weights>,
) -> impl IntoView {
    let message = RwSignal::new(None::<(bool, String)>); // (is a problem, text)
    let has_model = move || weights.with(|w| w.is_some());
    let ready = move || set.with(|s| s.is_some());

    let install = move |bytes: &[u8], origin: &str| {
        let Some(s) = set.get_untracked() else { return };
        match Weights::from_safetensors(bytes, s.vocabulary.len()) {
            Ok(w) => {
                on_load.run(w);
                message.set(Some((false, format!("Loaded the model from {origin}; its validation and test accuracy are checked above. Press Train to go on training it."))));
            }
            Err(problem) => message.set(Some((true, format!("That model could not be loaded: {problem}. Nothing was changed.")))),
        }
    };

    let download = move |_: ()| {
        let Some(w) = weights.get_untracked() else { return };
        let bytes = w.to_safetensors();
        message.set(Some(match offer_download(&bytes, FILE_NAME, "application/octet-stream") {
            Ok(()) => (false, format!("Saved {FILE_NAME} ({:.1} MB).", bytes.len() as f64 / 1e6)),
            Err(e) => (true, format!("Could not save: {e}.")),
        }));
    };

    keep_panel(Keep {
        lesson: "text",
        storage_key: STORAGE_KEY,
        intro: "Save the weights as a .safetensors file, or keep them in this browser for next time; load either back to go on.",
        download_label: "Download .safetensors",
        refused: "This browser would not keep the model (storage is full or switched off; wide word vectors make a big file). Download it instead.",
        message,
        has_model: Signal::derive(has_model),
        ready: Signal::derive(ready),
        kept_note: Signal::stored(String::new()),
        download: Callback::new(download),
        bytes: move || weights.get_untracked().map(|w| w.to_safetensors()),
        install,
    })
}
