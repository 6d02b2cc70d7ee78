//! Light and dark theme: follows the system until the learner picks one, then remembers it.

use leptos::prelude::*;

const STORAGE_KEY: &str = "stepwise-theme";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn system_prefers_dark() -> bool {
    web_sys::window()
        .and_then(|window| window.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .map(|query| query.matches())
        .unwrap_or(false)
}

fn apply(dark: bool) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", if dark { "dark" } else { "light" });
    }
}

/// The theme signal: `true` is dark. Applying it to `<html data-theme>` is the only effect.
pub fn use_theme() -> (ReadSignal<bool>, WriteSignal<bool>) {
    let saved = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let initial = match saved.as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => system_prefers_dark(),
    };
    let (dark, set_dark) = signal(initial);
    Effect::new(move |first: Option<()>| {
        let dark = dark.get();
        apply(dark);
        // Only a choice the learner made is remembered, not the system default.
        if first.is_some() {
            if let Some(storage) = storage() {
                let _ = storage.set_item(STORAGE_KEY, if dark { "dark" } else { "light" });
            }
        }
    });
    (dark, set_dark)
}
