//! Training in the page's training worker (see `src/worker/`): the worker runs the steps; the
//! page's CPU trainer becomes a mirror, restored from the snapshot of each report (at least
//! every 250 ms, at every check and on pause), which every panel reads as before.

use futures_util::StreamExt;
use leptos::prelude::*;

use super::page::Sets;
use super::run::{Device, LossMeter, Report, SharedTrainer};
use super::trainer::Snapshot;
use crate::app::worker_client::{asset_url, Heard, TrainingWorker};
use crate::data::MNIST_TRAIN_FILE;
use crate::engine::poll::now_or_never;
use crate::worker::protocol::{FromWorker, ToWorker};

thread_local! {
    static NEXT_RUN: std::cell::Cell<u32> = const { std::cell::Cell::new(1) };
}

/// Trains in `worker` from the CPU trainer's state until paused, reset or a model is loaded.
/// `Err` says why the worker failed; the mirror then holds the last snapshot, and the caller
/// goes on on the page's thread from it.
pub async fn train_in_worker(sets: &Sets, cpu: &SharedTrainer, worker: &TrainingWorker, report: Report, check: &impl Fn(usize)) -> Result<(), String> {
    let generation = report.generation.get_value();
    let current = move || report.generation.get_value() == generation;
    let Some((Some(snapshot), settings)) = cpu.borrow().as_ref().map(|t| (now_or_never(t.snapshot()), t.settings.clone())) else { return Ok(()) };
    let url = asset_url(MNIST_TRAIN_FILE).ok_or("the page has no address for the digits")?;
    let run = NEXT_RUN.with(|n| n.replace(n.get() + 1));
    let start = ToWorker::Start { run, url, settings: serde_json::to_string(&settings).map_err(|e| e.to_string())? };
    let mut heard = worker.send_and_listen(&start, Some(snapshot.to_bytes()));
    report.device.set(Some(Device::Worker { threads: 1 }));
    let mut meter = LossMeter::default();
    let mut pause_sent = false;
    while let Some(h) = heard.next().await {
        if !current() {
            worker.send(&ToWorker::Pause { run }, None); // reset or a loaded model: write nothing
            return Ok(());
        }
        let (message, bytes) = match h {
            Heard::Crashed(reason) => return Err(reason),
            Heard::Message(message, bytes) => (message, bytes),
        };
        if message.run() != run {
            continue;
        }
        match message {
            FromWorker::Ready => {}
            FromWorker::Failed { message, .. } => return Err(message),
            FromWorker::Diverged { step, loss_bits, .. } => {
                meter.add(f64::from_bits(loss_bits), 1, step, settings.learning_rate, &report);
                break;
            }
            FromWorker::Progress(p) => {
                let snapshot = Snapshot::from_bytes(&bytes.unwrap_or_default())?;
                if let Some(t) = cpu.borrow_mut().as_mut() {
                    t.restore(&snapshot);
                }
                report.steps.set(p.steps);
                report.epoch.set(p.epoch);
                report.position.set(p.position);
                if p.milliseconds > 0.0 && p.images > 0 {
                    let rate = p.images as f64 / (p.milliseconds / 1000.0);
                    report.samples_per_second.update(|s| *s = if *s == 0.0 { rate } else { 0.7 * *s + 0.3 * rate });
                }
                if p.loss_steps > 0 && !meter.add(p.loss_sum, p.loss_steps, p.steps, settings.learning_rate, &report) {
                    break;
                }
                if p.check_due {
                    check(if p.position == 0 { sets.test.count } else { 1000 });
                }
                if p.last {
                    break;
                }
                if !report.running.get_untracked() && !pause_sent {
                    worker.send(&ToWorker::Pause { run }, None);
                    pause_sent = true;
                }
            }
        }
    }
    if !pause_sent {
        worker.send(&ToWorker::Pause { run }, None);
    }
    Ok(())
}
