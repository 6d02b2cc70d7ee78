//! Pre-train, then fine-tune: the model as trained so far, and the same network from fresh
//! weights, each trained the same number of steps with the same seed on the learner's text (in
//! this page's worker, one after the other), each checked on the text's held-out end; then each
//! writes from the start of that end. What pre-training buys is the gap between the two.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use super::inside::Weights;
use super::writing_view::write;
use super::page::Looks;
use super::run::{Point, Run};
use super::sampling::Sampling;
use super::trainer::GptTrainer;
use super::your_text::{FineTune, YourText, FINE_TUNE_STEPS};
use crate::engine::poll::now_or_never;
use crate::engine::training::Snapshot;
use crate::engine::CpuBackend;
use crate::ui::worker_client::{follow, worker_for, Follow};
use crate::worker::protocol::{Lesson, Progress};

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Stage {
    Idle,
    /// Training one of the two (0: fine-tuned, 1: from scratch), at this step.
    Training(usize, u32),
    Done,
    Failed(String),
}

/// One of the two runs as the page shows it.
#[derive(Clone, Copy)]
pub(super) struct Side {
    pub points: RwSignal<Vec<Point>>,
    pub sample: RwSignal<Option<String>>,
}

#[derive(Clone, Copy)]
pub(super) struct Comparison {
    pub stage: RwSignal<Stage>,
    pub sides: [Side; 2],
    /// The pre-training steps the fine-tuned run started from.
    pub pretrained_steps: RwSignal<u32>,
    /// The prompt both wrote from: the start of the held-out text.
    pub prompt: RwSignal<String>,
}

impl Comparison {
    pub fn new() -> Comparison {
        let side = || Side { points: RwSignal::new(Vec::new()), sample: RwSignal::new(None) };
        Comparison { stage: RwSignal::new(Stage::Idle), sides: [side(), side()], pretrained_steps: RwSignal::new(0), prompt: RwSignal::new(String::new()) }
    }

    /// Trains both and writes with both; the main run must not be training (the caller holds
    /// `run.busy` for the duration).
    pub async fn compare(self, run: Run, looks: Looks, text: YourText) {
        let (Some(book), Some(pretrained)) = (run.book.get_untracked(), run.whole_snapshot()) else { return };
        let settings = run.settings.get_untracked();
        let shape = settings.shape(book.vocabulary_size());
        // The fine-tuned run keeps the weights and starts a fresh AdamW, as fine-tuning does.
        let tuned = GptTrainer::new(&CpuBackend::new(), shape, settings.training());
        tuned.restore_weights(&pretrained.parameters);
        let starts = [now_or_never(tuned.snapshot()), now_or_never(GptTrainer::new(&CpuBackend::new(), shape, settings.training()).snapshot())];
        self.pretrained_steps.set(pretrained.optimisers.first().map_or(0, |o| o.steps));
        let prompt: Vec<u8> = text.validation().iter().take(shape.context.min(32)).copied().collect();
        self.prompt.set(book.text_of(&prompt));
        for side in self.sides {
            side.points.set(Vec::new());
            side.sample.set(None);
        }
        let job = FineTune { settings, vocabulary: book.vocabulary_size(), text, steps: FINE_TUNE_STEPS };
        let Ok(json) = serde_json::to_string(&job) else { return };
        for (i, start) in starts.into_iter().enumerate() {
            let Some(start) = start else { return };
            self.stage.set(Stage::Training(i, 0));
            let last = Rc::new(RefCell::new(None::<Snapshot>));
            let worker = match worker_for(run.worker_store()) {
                Ok(w) => w,
                Err(e) => return self.stage.set(Stage::Failed(format!("the training worker could not start ({e})"))),
            };
            let side = self.sides[i];
            let page = Follow {
                current: || true,
                running: || true,
                on_progress: |p: Progress, bytes: &[u8]| {
                    self.stage.set(Stage::Training(i, p.steps));
                    if let Some(loss) = p.validation {
                        side.points.update(|v| v.push((p.steps, loss)));
                    }
                    if p.last {
                        *last.borrow_mut() = Some(Snapshot::from_bytes(bytes)?);
                    }
                    Ok(())
                },
                on_diverged: |step: u32, loss: f64, _: &str| {
                    self.stage.set(Stage::Failed(format!("the loss became {loss} at step {step}: lower the learning rate and try again")));
                },
            };
            if let Err((why, _)) = follow(&worker, Lesson::GptFineTune, Vec::new(), json.clone(), start.to_bytes(), page).await {
                worker.terminate();
                run.forget_worker();
                return self.stage.set(Stage::Failed(why));
            }
            if matches!(self.stage.get_untracked(), Stage::Failed(_)) {
                return;
            }
            let Some(end) = last.borrow_mut().take() else { return };
            let Ok(weights) = Weights::from_parameters(shape, &end.parameters) else { return };
            let sampling = Sampling { temperature: looks.temperature.get_untracked(), top_k: looks.top_k.get_untracked(), seed: looks.sample_seed.get_untracked() };
            if let Some((written, _)) = write(Arc::new(weights), prompt.clone(), sampling, || true).await {
                side.sample.set(Some(book.text_of(&written)));
            }
        }
        self.stage.set(Stage::Done);
    }
}
