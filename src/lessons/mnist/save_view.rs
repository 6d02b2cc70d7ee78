//! Keep the trained network: download it as `.safetensors` (with its architecture inside) and
//! a PyTorch script that loads it; keep it in this browser for a later visit (and for the GAN
//! lesson's judge); load either back.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use super::trainer::Trainer;
use super::Settings;
use crate::engine::export::pytorch_script;
use crate::engine::layers::Sequential;
use crate::engine::poll::now_or_never;
use crate::engine::CpuBackend;
use crate::lessons::shared::numbers::fixed;
use crate::ui::files::offer_download;
use crate::ui::keep_view::{keep_panel, Keep};

/// Where the kept model lives in `localStorage` (base64 of the `.safetensors` bytes).
pub const STORAGE_KEY: &str = "stepwise-mnist-model";
const FILE_NAME: &str = "stepwise-mnist.safetensors";

#[component]
pub fn SaveLoad(
    trainer: Rc<RefCell<Option<Trainer<CpuBackend>>>>,
    settings: RwSignal<Settings>,
    #[prop(into)] ready: Signal<bool>,
    #[prop(into)] accuracy: Signal<Option<f64>>,
    #[prop(into)] on_loaded: Callback<()>,
) -> impl IntoView {
    let trainer = StoredValue::new_local(trainer);
    let message = RwSignal::new(None::<(bool, String)>); // (is a problem, text)
    let has_model = move || {
        accuracy.track();
        trainer.get_value().try_borrow().map(|t| t.is_some()).unwrap_or(true)
    };

    let model_bytes = move || -> Option<Vec<u8>> {
        let cell = trainer.get_value();
        let guard = cell.try_borrow().ok()?;
        now_or_never(guard.as_ref()?.model.to_safetensors())
    };

    let install = move |bytes: &[u8], origin: &str| {
        let cpu = CpuBackend::new();
        let result = Sequential::from_safetensors(&cpu, bytes).and_then(|model| {
            let new_settings = settings.get_untracked().for_model(&model.specs())?;
            Ok((model, new_settings))
        });
        match result {
            Ok((model, new_settings)) => {
                settings.set(new_settings.clone());
                *trainer.get_value().borrow_mut() = Some(Trainer::with_model(&cpu, new_settings, model, 60_000));
                message.set(Some((false, format!("Loaded the model from {origin}. Its test accuracy is measured below; press Train to go on training it."))));
                on_loaded.run(());
            }
            Err(problem) => message.set(Some((true, format!("That model could not be loaded: {problem}. Nothing was changed.")))),
        }
    };

    let download = move |_: ()| match model_bytes() {
        Some(bytes) => {
            let script = {
                let specs = trainer.get_value().borrow().as_ref().map(|t| t.model.specs()).unwrap_or_default();
                pytorch_script(&specs, FILE_NAME)
            };
            let result = offer_download(&bytes, FILE_NAME, "application/octet-stream")
                .and_then(|_| offer_download(script.as_bytes(), "stepwise_mnist.py", "text/x-python"));
            message.set(Some(match result {
                Ok(()) => (false, format!("Saved {FILE_NAME} ({:.1} MB) and stepwise_mnist.py, which rebuilds this network in PyTorch and loads it.", bytes.len() as f64 / 1e6)),
                Err(e) => (true, format!("Could not save: {e}.")),
            }));
        }
        None => message.set(Some((true, "Train the network first (or load one): there is nothing to save yet.".into()))),
    };

    keep_panel(Keep {
        lesson: "mnist",
        storage_key: STORAGE_KEY,
        intro: "Save the trained weights as a .safetensors file, with a PyTorch script that rebuilds this exact \
                network and loads them, for when you outgrow the browser. Or keep the model in this browser for next time.",
        download_label: "Download .safetensors + PyTorch script",
        refused: "This browser would not keep the model (storage is full or switched off). Download it instead.",
        message,
        has_model: Signal::derive(has_model),
        ready,
        kept_note: Signal::derive(move || accuracy.get().map(|a| format!(" ({}% on the test digits)", fixed(100.0 * a, 1))).unwrap_or_default()),
        download: Callback::new(download),
        bytes: model_bytes,
        install,
    })
}
