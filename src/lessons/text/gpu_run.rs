//! The Text model trained on the GPU (WebGPU), queued from the page (see `app::gpu_training`):
//! each slice's steps come back as their losses and logits, counted into the same training
//! points as on the CPU. The page's trainer is the mirror, restored at every check step, at
//! least every 2 s and on pause; the checks on the validation reviews run a few milliseconds a frame
//! meanwhile, as they do while the worker trains.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;

use super::run::{Run, Window};
use super::trainer::{StepResult, Trainer};
use crate::ui::gpu_training::{play_on_gpu, GpuEnded, GpuHooks};
use crate::ui::training::now;
use crate::data::ImdbSet;
use crate::engine::poll::now_or_never;
use crate::engine::training::{Diverged, QueuedSlice, RateMeter, Snapshot, StepOutcome};
use crate::engine::webgpu::WebGpuBackend;

/// Trains the mirror's run on `backend` until paused, reset, diverged or the GPU is lost.
pub async fn train_on_gpu(run: Run, set: &ImdbSet, backend: &WebGpuBackend, current: impl Fn() -> bool + Copy + 'static) -> GpuEnded {
    let cell = run.trainer.get_value();
    let Some((Some(snapshot), settings)) = cell.borrow().as_ref().map(|t| (now_or_never(t.snapshot()), t.settings.clone())) else { return GpuEnded::Stopped };
    let mut on_gpu = Trainer::from_snapshot(backend, settings, set, &snapshot);
    let following = Rc::new(Cell::new(true));
    {
        let following = following.clone();
        wasm_bindgen_futures::spawn_local(run.check_while(move || current() && following.get()));
    }
    let (window, mut rate, mut last) = (RefCell::new(Window::default()), RateMeter::default(), now());
    let hooks = GpuHooks {
        keep_going: move || run.running.get_untracked(),
        current,
        after_slice: |t: &Trainer<WebGpuBackend>, slice: QueuedSlice<Vec<f32>>, seconds: f64| {
            run.seconds.update(|s| *s += (now() - last) / 1000.0);
            last = now();
            rate.add(slice.samples(), seconds * 1000.0);
            run.reviews_per_second.set(rate.smoothed());
            let first = t.steps() - slice.steps.len() as u32;
            let mut w = window.borrow_mut();
            for (i, step) in slice.steps.iter().enumerate() {
                let result = StepResult::from_numbers(&step.values[0], &step.values[1], &step.kept);
                if result.blown_up() {
                    run.stop_for(Diverged { step: first + i as u32 + 1, loss: result.loss });
                    return false;
                }
                w.add(&result);
            }
            run.place(t.steps(), t.epoch(), t.position());
            true
        },
        restore: |snapshot: &Snapshot, check_due: bool| {
            let steps = cell.borrow_mut().as_mut().map(|t| {
                t.restore(snapshot);
                t.steps()
            });
            if let (true, Some(steps)) = (check_due, steps) {
                run.checkpoint(steps, &mut window.borrow_mut());
            }
        },
    };
    let ended = play_on_gpu(&mut on_gpu, backend, set, hooks).await;
    following.set(false);
    ended
}
