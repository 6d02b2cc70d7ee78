//! The worker's side: trains the Digits lesson's network through the shared driver, a slice
//! at a time, and reports to the page with a snapshot at least every 250 ms.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Response};

use super::protocol::{envelope, open, FromWorker, Progress, ToWorker, REPORT_EVERY_MILLISECONDS, WORKER_SLICE_MILLISECONDS};
use crate::data::mnist::MnistSet;
use crate::engine::poll::now_or_never;
use crate::engine::training::{Driver, Flow};
use crate::engine::CpuBackend;
use crate::lessons::mnist::trainer::{Snapshot, Trainer};
use crate::lessons::mnist::Settings;

thread_local! {
    /// The run the page last asked for; a run whose number is not this one stops.
    static PLAYING: Cell<Option<u32>> = const { Cell::new(None) };
    /// The training images, downloaded once per worker.
    static TRAIN: RefCell<Option<(String, Rc<MnistSet>)>> = const { RefCell::new(None) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn now() -> f64 {
    scope().performance().map(|p| p.now()).unwrap_or(0.0)
}

async fn yield_to_messages() {
    gloo::timers::future::TimeoutFuture::new(0).await;
}

fn post(message: &FromWorker, snapshot: Option<Vec<u8>>) {
    let (object, transfer) = envelope(message, snapshot);
    let _ = scope().post_message_with_transfer(&object, &transfer);
}

fn fail(run: u32, message: String) {
    PLAYING.with(|p| p.set(None));
    post(&FromWorker::Failed { run, message }, None);
}

async fn download(url: &str) -> Result<Vec<u8>, String> {
    let response: Response = JsFuture::from(scope().fetch_with_str(url))
        .await
        .map_err(|_| "no answer from the server".to_string())?
        .dyn_into()
        .map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        return Err(format!("the server answered {} for {url}", response.status()));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(|_| "unreadable body".to_string())?).await.map_err(|_| "the connection broke".to_string())?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

async fn training_images(url: &str) -> Result<Rc<MnistSet>, String> {
    if let Some(set) = TRAIN.with(|t| t.borrow().as_ref().filter(|(u, _)| u == url).map(|(_, s)| s.clone())) {
        return Ok(set);
    }
    let bytes = download(url).await.map_err(|e| format!("the training worker could not download the digits ({e})"))?;
    let set = Rc::new(MnistSet::decode(&bytes).map_err(|e| format!("the training worker could not read the digits ({e})"))?);
    TRAIN.with(|t| *t.borrow_mut() = Some((url.to_string(), set.clone())));
    Ok(set)
}

/// Trains run `run` until the page pauses it or starts another.
async fn train(run: u32, url: String, settings: String, snapshot: Vec<u8>) {
    let settings: Settings = match serde_json::from_str(&settings) {
        Ok(s) => s,
        Err(e) => return fail(run, format!("the training worker could not read the settings ({e})")),
    };
    let snapshot = match Snapshot::from_bytes(&snapshot) {
        Ok(s) => s,
        Err(e) => return fail(run, e),
    };
    let train = match training_images(&url).await {
        Ok(set) => set,
        Err(e) => return fail(run, e),
    };
    let mut trainer = Trainer::from_snapshot(&CpuBackend::new(), settings, &snapshot);
    let mut driver = Driver::new(WORKER_SLICE_MILLISECONDS);
    let fresh = |run: u32| Progress { run, steps: 0, epoch: 0, position: 0, loss_sum: 0.0, loss_steps: 0, images: 0, milliseconds: 0.0, check_due: false, last: false, threads: 1 };
    let mut progress = fresh(run);
    let mut last_report = now();
    loop {
        let playing = PLAYING.with(|p| p.get()) == Some(run);
        let mut check_due = false;
        if playing {
            let slice = driver.run_slice(&mut trainer, &train, &now, |_, step| {
                check_due = step.check_due;
                if check_due {
                    Flow::EndSlice
                } else {
                    Flow::Continue
                }
            });
            progress.loss_sum += slice.loss_sum;
            progress.loss_steps += slice.steps - u32::from(slice.diverged.is_some());
            progress.images += slice.samples;
            progress.milliseconds += slice.step_milliseconds;
            if let Some(d) = slice.diverged {
                PLAYING.with(|p| p.set(None));
                post(&FromWorker::Diverged { run, step: d.step, loss_bits: d.loss.to_bits() }, None);
                return;
            }
        }
        if !playing || check_due || now() - last_report >= REPORT_EVERY_MILLISECONDS {
            progress.steps = trainer.steps();
            progress.epoch = trainer.epoch();
            progress.position = trainer.position();
            progress.check_due = check_due;
            progress.last = !playing;
            let bytes = now_or_never(trainer.snapshot()).map(|s| s.to_bytes());
            post(&FromWorker::Progress(progress), bytes);
            if !playing {
                return;
            }
            progress = fresh(run);
            last_report = now();
        }
        yield_to_messages().await;
    }
}

fn on_message(event: MessageEvent) {
    let (json, snapshot) = open(&event.data());
    let message: ToWorker = match serde_json::from_str(&json) {
        Ok(m) => m,
        Err(e) => return fail(0, format!("the training worker got a message it cannot read ({e})")),
    };
    match message {
        ToWorker::Start { run, url, settings } => {
            let snapshot = snapshot.unwrap_or_default();
            PLAYING.with(|p| p.set(Some(run)));
            wasm_bindgen_futures::spawn_local(train(run, url, settings, snapshot));
        }
        ToWorker::Crash => panic!("the page asked the training worker to crash (a test of a worker that dies)"),
        ToWorker::Pause { run } => PLAYING.with(|p| {
            if p.get() == Some(run) {
                p.set(None);
            }
        }),
    }
}

/// The worker's entry point: listens for the page's messages.
pub fn start() {
    console_error_panic_hook::set_once();
    let handler = Closure::<dyn Fn(MessageEvent)>::new(on_message);
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget(); // lives as long as the worker
    post(&FromWorker::Ready, None);
}
