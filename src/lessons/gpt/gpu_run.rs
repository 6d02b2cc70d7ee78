//! The GPT trained on the GPU (WebGPU), queued from the page (see `ui::gpu_training`): each
//! slice's steps come back as their losses, and at a check step with the validation loss too,
//! counted into the same curves as the worker's reports. The page's snapshot (where Resume,
//! saving and fine-tuning start) is refreshed at least every 2 s, at every check and on pause;
//! the writing and attention views take the weights of each check and of the pause.

use leptos::prelude::*;

use super::run::{Clock, Run};
use super::trainer::{GptTrainer, Texts, CHECK_EVERY};
use crate::engine::training::{blown_up, QueuedSlice, Snapshot};
use crate::engine::webgpu::WebGpuBackend;
use crate::ui::gpu_training::{play_on_gpu, GpuEnded, GpuHooks};

/// Trains the run's last whole snapshot on `backend` until paused, reset, diverged or the GPU
/// is lost.
pub async fn train_on_gpu(run: Run, backend: &WebGpuBackend, current: impl Fn() -> bool + Copy + 'static) -> GpuEnded {
    let (Some(book), Some(snapshot)) = (run.book.get_untracked(), run.whole_snapshot()) else { return GpuEnded::Stopped };
    let settings = run.settings.get_untracked();
    let mut on_gpu = GptTrainer::from_snapshot(backend, settings.shape(book.vocabulary_size()), settings.training(), &snapshot);
    let texts = Texts { train: book.train().to_vec(), validation: book.validation().to_vec() };
    let (mut window, mut clock) = ((0.0, 0u32), Clock::default());
    let hooks = GpuHooks {
        keep_going: move || run.running.get_untracked(),
        current,
        after_slice: |t: &GptTrainer<WebGpuBackend>, slice: QueuedSlice<Option<u32>>, seconds: f64| {
            run.tick(slice.samples(), seconds * 1000.0, &mut clock);
            let first = t.steps() - slice.steps.len() as u32;
            for (i, step) in slice.steps.iter().enumerate() {
                let at = first + i as u32 + 1;
                if blown_up(step.loss()) {
                    run.diverged(at, step.loss());
                    return false;
                }
                let validation = step.kept.zip(step.values.get(1).and_then(|v| v.first())).map(|(at, &v)| (at, v as f64));
                run.record(at, (step.loss(), 1), at.is_multiple_of(CHECK_EVERY), validation, &mut window);
            }
            true
        },
        restore: |snapshot: &Snapshot, check_due: bool| {
            if check_due {
                run.show(snapshot, run.steps.get_untracked());
            }
            run.keep(snapshot.clone());
        },
    };
    let ended = play_on_gpu(&mut on_gpu, backend, &texts, hooks).await;
    if ended == GpuEnded::Stopped && current() {
        if let Some(snapshot) = run.whole_snapshot() {
            run.show(&snapshot, run.steps.get_untracked()); // the weights at the pause
        }
    }
    ended
}
