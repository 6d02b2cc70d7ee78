//! The text the attention views read (`look` in the link), read by the model of the latest
//! check: one host-side pass (`inside::Reader`) serves the heatmaps and the step-through, whose
//! first 8 positions are exactly what reading those 8 characters alone gives (attention never
//! looks ahead). The pass runs a few positions a frame, so a long text never blocks the page.

use std::sync::Arc;

use leptos::prelude::*;

use super::inside::Reader;
use super::page::Looks;
use super::reading::prepare;
use super::run::Run;
use crate::ui::training::now;

/// A text as the model read it.
pub struct Read {
    pub reader: Reader,
    pub characters: Vec<char>,
    /// The check the weights are from.
    pub step: u32,
}

/// The reading of `looks.look`, renewed with every check's weights and every new text; and the
/// notes on what was left out of the text.
pub fn follow(run: Run, looks: Looks) -> (RwSignal<Option<Arc<Read>>>, RwSignal<Vec<String>>) {
    let read = RwSignal::new(None::<Arc<Read>>);
    let notes = RwSignal::new(Vec::new());
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let (Some((weights, step)), Some(book)) = (run.weights.get(), run.book.get()) else { return };
        let text = looks.look.get();
        let prepared = prepare(&book, &text, weights.shape.context, "The text", None);
        notes.set(prepared.notes);
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        wasm_bindgen_futures::spawn_local(async move {
            let mut reader = Reader::new(weights);
            let mut chunk = now();
            for &id in &prepared.ids {
                reader.push(id);
                if now() - chunk > 8.0 {
                    gloo::timers::future::TimeoutFuture::new(0).await;
                    if generation.get_value() != mine {
                        return;
                    }
                    chunk = now();
                }
            }
            if generation.get_value() == mine {
                let characters = book.text_of(&prepared.ids).chars().collect();
                read.set(Some(Arc::new(Read { reader, characters, step })));
            }
        });
    });
    (read, notes)
}
