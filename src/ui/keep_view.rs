//! The "Keep what it learned" panel of a lesson that trains a model, written once: download
//! the weights, keep them in this browser, load them back from there or from a file. A bad file
//! or a damaged kept copy changes nothing and says so. The lesson supplies the model's bytes,
//! its download, and how loaded bytes become its model. Files and storage: `files.rs`.

use leptos::prelude::*;

use super::files::{is_kept, keep, kept, read_chosen_file};

/// What differs between the lessons' panels.
pub struct Keep<Bytes, Install> {
    /// The test-id prefix: `{lesson}-download`, `{lesson}-keep`, `{lesson}-save-message`, …
    pub lesson: &'static str,
    /// Where the kept model lives in `localStorage` (base64 of the `.safetensors` bytes).
    pub storage_key: &'static str,
    pub intro: &'static str,
    pub download_label: &'static str,
    /// What to say when the browser will not keep it.
    pub refused: &'static str,
    /// (is a problem, text): the lesson's own messages (a download, a load) go here too.
    pub message: RwSignal<Option<(bool, String)>>,
    pub has_model: Signal<bool>,
    /// The data is in, so a loaded model can be used.
    pub ready: Signal<bool>,
    /// Added to "Kept in this browser" (how good the kept model is), or empty.
    pub kept_note: Signal<String>,
    pub download: Callback<()>,
    /// The current model's `.safetensors` bytes, if there is one.
    pub bytes: Bytes,
    /// Makes `bytes` (from `origin`: "this browser" or a file name) the lesson's model.
    pub install: Install,
}

pub fn keep_panel<Bytes, Install>(k: Keep<Bytes, Install>) -> impl IntoView
where
    Bytes: Fn() -> Option<Vec<u8>> + Copy + Send + Sync + 'static,
    Install: Fn(&[u8], &str) + Copy + Send + Sync + 'static,
{
    let Keep { lesson, storage_key, intro, download_label, refused, message, has_model, ready, kept_note, download, bytes, install } = k;
    let is_kept_now = RwSignal::new(is_kept(storage_key));
    let keep_it = move |_| {
        let Some(bytes) = bytes() else {
            message.set(Some((true, "Train the model first: there is nothing to keep yet.".into())));
            return;
        };
        if keep(storage_key, &bytes) {
            is_kept_now.set(true);
            let note = kept_note.get_untracked();
            message.set(Some((false, format!("Kept in this browser{note}: it will be offered the next time you open this page."))));
        } else {
            message.set(Some((true, refused.into())));
        }
    };
    let load_kept = move |_| match kept(storage_key) {
        Some(bytes) => install(&bytes, "this browser"),
        None => message.set(Some((true, "The kept model is missing or damaged.".into()))),
    };
    let load_file = move |ev: leptos::ev::Event| {
        read_chosen_file(&ev, move |bytes, name| match bytes {
            Ok(bytes) => install(&bytes, &name),
            Err(()) => message.set(Some((true, format!("Could not read {name}.")))),
        });
    };
    view! {
        <section class="panel">
            <h2>"Keep what it learned"</h2>
            <p class="muted">{intro}</p>
            <div class="button-row">
                <button data-testid=format!("{lesson}-download") on:click=move |_| download.run(()) disabled=move || !has_model.get()>{download_label}</button>
                <button data-testid=format!("{lesson}-keep") on:click=keep_it disabled=move || !has_model.get()>"Keep in this browser"</button>
                {move || is_kept_now.get().then(|| view! {
                    <button data-testid=format!("{lesson}-load-kept") on:click=load_kept disabled=move || !ready.get()>"Load the kept model"</button>
                })}
                <label class="file-button">
                    "Load a .safetensors file"
                    <input type="file" accept=".safetensors" data-testid=format!("{lesson}-load-file") on:change=load_file disabled=move || !ready.get()/>
                </label>
            </div>
            {move || message.get().map(|(bad, text)| view! {
                <p class:notice=bad class:muted=!bad role="status" data-testid=format!("{lesson}-save-message")>{text}</p>
            })}
        </section>
    }
}
