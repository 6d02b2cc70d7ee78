//! The VAE trained in the page's training worker (see `src/worker/`): the worker runs the
//! steps and the checks on the test digits; the page's run becomes a mirror, restored from each
//! report's snapshot (at least every 250 ms, at every check and on pause), which the map, the
//! manifold, the dragged point and the step-through read.

use std::cell::{Cell, RefCell};

use super::curves::Window;
use super::lesson::VaeLesson;
use super::model::Terms;
use crate::data::{MNIST_TEST_FILE, MNIST_TRAIN_FILE};
use crate::engine::poll::now_or_never;
use crate::engine::training::{Diverged, RateMeter, Snapshot};
use crate::ui::training::now;
use crate::ui::worker_client::{asset_url, follow, Follow, TrainingWorker};
use crate::ui::Thread;
use crate::worker::protocol::{Lesson, Progress};
use leptos::prelude::*;

/// Trains in `worker` from the mirror's state until paused or reset (`current` false). `Err`
/// says why the worker failed; the mirror then holds its last whole copy.
pub async fn train_in_worker(lesson: VaeLesson, worker: &TrainingWorker, current: impl Fn() -> bool + Copy + 'static) -> Result<(), String> {
    let urls = [MNIST_TRAIN_FILE, MNIST_TEST_FILE].map(asset_url);
    let [Some(train), Some(test)] = urls else { return Err("the page has no address for the digits".into()) };
    let cell = lesson.run.get_value();
    let Some((Some(snapshot), settings)) = cell.borrow().as_ref().map(|v| (now_or_never(v.snapshot()), v.settings.clone())) else { return Ok(()) };
    let settings = serde_json::to_string(&settings).map_err(|e| e.to_string())?;
    let (window, rate, last) = (RefCell::new(Window::default()), RefCell::new(RateMeter::default()), Cell::new(now()));
    let page = Follow {
        current,
        running: move || lesson.running.get_untracked(),
        on_progress: |p: Progress, bytes: &[u8]| {
            let snapshot = Snapshot::from_bytes(bytes)?;
            if let Some(v) = cell.borrow_mut().as_mut() {
                v.restore(&snapshot);
            }
            Thread::report(lesson.thread, p.threads);
            lesson.seconds.update(|t| *t += (now() - last.get()) / 1000.0);
            last.set(now());
            rate.borrow_mut().add(p.images, p.milliseconds);
            lesson.speed.set(rate.borrow().smoothed());
            lesson.place(p.steps, p.epoch);
            window.borrow_mut().add_sums(p.terms, p.loss_steps);
            lesson.add_points(&mut window.borrow_mut(), p.checked.map(|[reconstruction, kl]| Terms { reconstruction, kl }));
            lesson.version.update(|n| *n += 1);
            Ok(())
        },
        on_diverged: |step: u32, loss: f64, _: &str| lesson.stop_for(Diverged { step, loss }),
    };
    follow(worker, Lesson::Vae, vec![train, test], settings, snapshot.to_bytes(), page).await.map_err(|(reason, last_full)| {
        // Resume from the last whole run, not from newer weights without their optimiser.
        if let (Some(v), Some(Ok(s))) = (cell.borrow_mut().as_mut(), last_full.map(|b| Snapshot::from_bytes(&b))) {
            v.restore(&s);
        }
        reason
    })
}
