//! Training in the page's training worker (see `src/worker/`): the worker runs the steps; the
//! page's CPU trainer becomes a mirror, restored from the snapshot of each report (at least
//! every 250 ms, at every check and on pause), which every panel reads as before.

use leptos::prelude::*;

use super::lesson::Sets;
use super::run::{Device, LossMeter, Report, SharedTrainer};
use super::trainer::Snapshot;
use crate::ui::worker_client::{asset_url, follow, Follow, TrainingWorker};
use crate::data::{MNIST_TEST_FILE, MNIST_TRAIN_FILE};
use crate::engine::poll::now_or_never;
use crate::worker::protocol::Lesson;

/// Trains in `worker` from the CPU trainer's state until paused, reset or a model is loaded.
/// `Err` says why the worker failed; the mirror then holds the last snapshot, and the caller
/// goes on on the page's thread from it.
pub async fn train_in_worker(sets: &Sets, cpu: &SharedTrainer, worker: &TrainingWorker, report: Report, check: &impl Fn(usize, Option<Vec<u8>>)) -> Result<(), String> {
    let generation = report.generation.get_value();
    let Some((Some(snapshot), settings)) = cpu.borrow().as_ref().map(|t| (now_or_never(t.snapshot()), t.settings.clone())) else { return Ok(()) };
    let (Some(url), Some(test_url)) = (asset_url(MNIST_TRAIN_FILE), asset_url(MNIST_TEST_FILE)) else { return Err("the page has no address for the digits".into()) };
    report.device.set(Some(Device::Worker { threads: 1 }));
    let meter = std::cell::RefCell::new(LossMeter::default());
    let learning_rate = settings.learning_rate;
    let page = Follow {
        current: move || report.generation.get_value() == generation,
        running: || report.running.get_untracked(),
        on_progress: |p: crate::worker::protocol::Progress, bytes: &[u8]| {
            let snapshot = Snapshot::from_bytes(bytes)?;
            if let Some(t) = cpu.borrow_mut().as_mut() {
                t.restore(&snapshot);
            }
            if report.device.get_untracked() != Some(Device::Worker { threads: p.threads }) {
                report.device.set(Some(Device::Worker { threads: p.threads }));
            }
            report.steps.set(p.steps);
            report.epoch.set(p.epoch);
            report.position.set(p.position);
            if p.milliseconds > 0.0 && p.images > 0 {
                let rate = p.images as f64 / (p.milliseconds / 1000.0);
                report.samples_per_second.update(|s| *s = if *s == 0.0 { rate } else { 0.7 * *s + 0.3 * rate });
            }
            // The worker sums finite losses only (a loss that is not a number ends its run).
            if p.loss_steps > 0 {
                meter.borrow_mut().add(p.loss_sum, p.loss_steps, p.steps, learning_rate, &report);
            }
            if p.check_due {
                check(if p.position == 0 { sets.test.count } else { 1000 }, p.predicted);
            }
            Ok(())
        },
        on_diverged: |step: u32, loss: f64, _: &str| {
            report.steps.set(step); // the counter agrees with the message, which names the step
            meter.borrow_mut().add(loss, 1, step, learning_rate, &report);
        },
    };
    let settings = serde_json::to_string(&settings).map_err(|e| e.to_string())?;
    follow(worker, Lesson::Digits, vec![url, test_url], settings, snapshot.to_bytes(), page).await.map_err(|(reason, last_full)| {
        // Resume from the last whole run, not from newer weights without their optimiser.
        if let (Some(t), Some(Ok(s))) = (cpu.borrow_mut().as_mut(), last_full.map(|b| Snapshot::from_bytes(&b))) {
            t.restore(&s);
        }
        reason
    })
}
