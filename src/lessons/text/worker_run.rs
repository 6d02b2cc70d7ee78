//! The Text model trained in the page's training worker (see `src/worker/`): the worker runs
//! the steps; the page's trainer becomes a mirror, restored from each report's snapshot (at
//! least every 250 ms, at every check step and on pause), which the typed review, the word
//! map, the mistakes and the teaching panel read as before. The checks on the validation reviews
//! run here, a few milliseconds a frame, while the worker trains on.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;

use super::run::{Run, Window};
use crate::ui::training::now;
use crate::ui::worker_client::{asset_url, follow, Follow, TrainingWorker};
use crate::data::IMDB_FILE;
use crate::engine::poll::now_or_never;
use crate::engine::training::{RateMeter, Snapshot};
use crate::worker::protocol::{Lesson, Progress};

/// Trains in `worker` from the mirror's state until paused or reset (`current` false). `Err`
/// says why the worker failed; the mirror then holds its last whole copy.
pub async fn train_in_worker(run: Run, worker: &TrainingWorker, current: impl Fn() -> bool + Copy + 'static) -> Result<(), String> {
    let url = asset_url(IMDB_FILE).ok_or("the page has no address for the reviews")?;
    let cell = run.trainer.get_value();
    let Some((Some(snapshot), settings)) = cell.borrow().as_ref().map(|t| (now_or_never(t.snapshot()), t.settings.clone())) else { return Ok(()) };
    let settings = serde_json::to_string(&settings).map_err(|e| e.to_string())?;
    let following = Rc::new(Cell::new(true));
    {
        let following = following.clone();
        wasm_bindgen_futures::spawn_local(run.check_while(move || current() && following.get()));
    }
    let (window, rate, last) = (RefCell::new(Window::default()), RefCell::new(RateMeter::default()), Cell::new(now()));
    let page = Follow {
        current,
        running: move || run.running.get_untracked(),
        on_progress: |p: Progress, bytes: &[u8]| {
            let snapshot = Snapshot::from_bytes(bytes)?;
            if let Some(t) = cell.borrow_mut().as_mut() {
                t.restore(&snapshot);
            }
            let mut at = last.get();
            run.on_report(&p, &mut window.borrow_mut(), &mut rate.borrow_mut(), &mut at);
            last.set(at);
            Ok(())
        },
        on_diverged: |step: u32, loss: f64, _: &str| run.on_diverged(step, loss),
    };
    let outcome = follow(worker, Lesson::Text, vec![url], settings, snapshot.to_bytes(), page).await.map_err(|(reason, last_full)| {
        // Resume from the last whole run, not from newer weights without their optimiser.
        if let (Some(t), Some(Ok(s))) = (cell.borrow_mut().as_mut(), last_full.map(|b| Snapshot::from_bytes(&b))) {
            t.restore(&s);
        }
        reason
    });
    following.set(false);
    outcome
}
