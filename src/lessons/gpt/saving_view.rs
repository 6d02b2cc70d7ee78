//! Keep the trained GPT: download it as `.safetensors` (nanoGPT's names, PyTorch's layout) with
//! a PyTorch script that rebuilds it and writes with it; keep it in this browser; load either
//! back (a bad file changes nothing).

use leptos::prelude::*;

use super::run::Run;
use super::saving::{pytorch_script, Saved};
use crate::lessons::shared::numbers::grouped;
use crate::ui::files::offer_download;
use crate::ui::keep_view::{keep_panel, Keep};

const STORAGE_KEY: &str = "stepwise-gpt-model";
const FILE_NAME: &str = "stepwise-gpt.safetensors";

#[component]
pub fn SaveLoad(run: Run) -> impl IntoView {
    let message = RwSignal::new(None::<(bool, String)>); // (is a problem, text)
    let bytes = move || {
        let (book, snapshot) = (run.book.get_untracked()?, run.whole_snapshot()?);
        let shape = run.settings.get_untracked().shape(book.vocabulary_size());
        let steps = snapshot.optimisers.first().map_or(0, |o| o.steps) + run.loaded_steps.get_untracked();
        Some(Saved { shape, parameters: snapshot.parameters.clone(), characters: book.characters.clone(), steps }.to_safetensors())
    };
    let install = move |file: &[u8], origin: &str| {
        let Some(book) = run.book.get_untracked() else { return };
        match Saved::from_safetensors(file, &book.characters) {
            Ok(saved) => {
                let steps = saved.steps;
                run.load(saved);
                message.set(Some((false, format!(
                    "Loaded a model trained {} steps from {origin}. Its validation loss is measured when training goes on (with a fresh AdamW); the views below read it now.",
                    grouped(steps as u64)
                ))));
            }
            Err(problem) => message.set(Some((true, format!("That model could not be loaded: {problem}. Nothing was changed.")))),
        }
    };
    let download = move |_: ()| match bytes() {
        Some(file) => {
            let Some(book) = run.book.get_untracked() else { return };
            let script = pytorch_script(&run.settings.get_untracked().shape(book.vocabulary_size()), FILE_NAME);
            let result = offer_download(&file, FILE_NAME, "application/octet-stream").and_then(|_| offer_download(script.as_bytes(), "stepwise_gpt.py", "text/x-python"));
            message.set(Some(match result {
                Ok(()) => (false, format!("Saved {FILE_NAME} ({:.1} MB) and stepwise_gpt.py, which rebuilds this network in PyTorch, loads it and writes with it.", file.len() as f64 / 1e6)),
                Err(e) => (true, format!("Could not save: {e}.")),
            }));
        }
        None => message.set(Some((true, "There is no model to save yet.".into()))),
    };
    keep_panel(Keep {
        lesson: "gpt",
        storage_key: STORAGE_KEY,
        intro: "Save the weights as a .safetensors file (nanoGPT's names and layout) with a PyTorch script that rebuilds this \
                network, loads them and writes with it. Or keep the model in this browser for next time.",
        download_label: "Download .safetensors + PyTorch script",
        refused: "This browser would not keep the model (storage is full or switched off: a wide model makes a big file). Download it instead.",
        message,
        has_model: Signal::derive(move || run.steps.get() > 0 || run.loaded_steps.get() > 0),
        ready: Signal::derive(move || run.book.with(Option::is_some)),
        kept_note: Signal::derive(move || run.best.get().map(|b| format!(" (validation loss {:.3})", b.0)).unwrap_or_default()),
        download: Callback::new(download),
        bytes,
        install,
    })
}
