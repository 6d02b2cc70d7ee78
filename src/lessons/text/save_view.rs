//! Keep the trained model: download its weights as `.safetensors`, keep them in this browser,
//! load either back (a bad file changes nothing).

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::model::Weights;
use crate::data::ImdbSet;
use crate::ui::files::{from_base64, local_storage, offer_download, to_base64};

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
    let kept = RwSignal::new(local_storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()).is_some());
    let has_model = move || weights.with(|w| w.is_some());
    let ready = move || set.with(|s| s.is_some());

    let install = move |bytes: &[u8], origin: &str| {
        let Some(s) = set.get_untracked() else { return };
        match Weights::from_safetensors(bytes, s.vocabulary.len()) {
            Ok(w) => {
                on_load.run(w);
                message.set(Some((false, format!("Loaded the model from {origin}; its test accuracy is checked above. Press Train to go on training it."))));
            }
            Err(problem) => message.set(Some((true, format!("That model could not be loaded: {problem}. Nothing was changed.")))),
        }
    };

    let download = move |_| {
        let Some(w) = weights.get_untracked() else { return };
        let bytes = w.to_safetensors();
        message.set(Some(match offer_download(&bytes, FILE_NAME, "application/octet-stream") {
            Ok(()) => (false, format!("Saved {FILE_NAME} ({:.1} MB).", bytes.len() as f64 / 1e6)),
            Err(e) => (true, format!("Could not save: {e}.")),
        }));
    };

    let keep = move |_| {
        let Some(w) = weights.get_untracked() else { return };
        let stored = to_base64(&w.to_safetensors()).and_then(|text| local_storage()?.set_item(STORAGE_KEY, &text).ok());
        match stored {
            Some(()) => {
                kept.set(true);
                message.set(Some((false, "Kept in this browser: it will be offered the next time you open this page.".into())));
            }
            None => message.set(Some((true, "This browser would not keep the model (storage is full or switched off; wide word vectors make a big file). Download it instead.".into()))),
        }
    };

    let load_kept = move |_| {
        match local_storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()).and_then(|text| from_base64(&text)) {
            Some(bytes) => install(&bytes, "this browser"),
            None => message.set(Some((true, "The kept model is missing or damaged.".into()))),
        }
    };

    let load_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        let name = file.name();
        wasm_bindgen_futures::spawn_local(async move {
            match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => install(&js_sys::Uint8Array::new(&buffer).to_vec(), &name),
                Err(_) => message.set(Some((true, format!("Could not read {name}.")))),
            }
        });
        input.set_value("");
    };

    view! {
        <section class="panel">
            <h2>"Keep what it learned"</h2>
            <p class="muted">"Save the weights as a .safetensors file, or keep them in this browser for next time; load either back to go on."</p>
            <div class="button-row">
                <button data-testid="text-download" on:click=download disabled=move || !has_model()>"Download .safetensors"</button>
                <button data-testid="text-keep" on:click=keep disabled=move || !has_model()>"Keep in this browser"</button>
                {move || kept.get().then(|| view! {
                    <button data-testid="text-load-kept" on:click=load_kept disabled=move || !ready()>"Load the kept model"</button>
                })}
                <label class="file-button">
                    "Load a .safetensors file"
                    <input type="file" accept=".safetensors" data-testid="text-load-file" on:change=load_file disabled=move || !ready()/>
                </label>
            </div>
            {move || message.get().map(|(bad, text)| view! {
                <p class:notice=bad class:muted=!bad role="status" data-testid="text-save-message">{text}</p>
            })}
        </section>
    }
}
