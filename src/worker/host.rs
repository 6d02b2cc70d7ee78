//! The worker's side of the protocol, for every lesson: listens for the page's messages,
//! downloads the data, and runs a lesson's [`Remote`] slice after slice, reporting with a
//! snapshot at least every 250 ms, at every check and when paused.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Response};

use super::protocol::{envelope, open, FromWorker, Lesson, Progress, ToWorker, FULL_EVERY_MILLISECONDS, REPORT_EVERY_MILLISECONDS};
use crate::data::mnist::MnistSet;
use crate::engine::training::{Driver, Slice, Snapshot};

thread_local! {
    /// The run the page last asked for; a run whose number is not this one stops.
    static PLAYING: Cell<Option<u32>> = const { Cell::new(None) };
    /// Each dataset downloaded once per worker (by address).
    static SETS: RefCell<Vec<(String, Rc<dyn std::any::Any>)>> = const { RefCell::new(Vec::new()) };
}

/// A lesson's run inside the worker.
pub(super) trait Remote {
    /// Trains one slice of about `WORKER_SLICE_MILLISECONDS`; returns it and whether the page
    /// should check the run now.
    fn slice(&mut self, driver: &mut Driver) -> (Slice, bool);
    /// Fills the report's place in the run and the lesson's extras; returns the snapshot, whole
    /// or (`full` false) the weights only.
    fn report(&mut self, progress: &mut Progress, check_due: bool, full: bool) -> Vec<u8>;
    /// Whose loss diverged, in the lesson's words.
    fn who(&self) -> String;
    /// The run has taken all the steps it was asked for: it stops as if paused.
    fn finished(&self) -> bool {
        false
    }
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

pub(super) fn now() -> f64 {
    scope().performance().map(|p| p.now()).unwrap_or(0.0)
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
    let body = response.array_buffer().map_err(|_| "unreadable body".to_string())?;
    let buffer = JsFuture::from(body).await.map_err(|_| "the connection broke".to_string())?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// The dataset at `url` (`what`, in the learner's words: "digits", "reviews"), downloaded and
/// decoded once per worker.
pub(super) async fn dataset<T: 'static, E: std::fmt::Display>(url: &str, what: &str, decode: fn(&[u8]) -> Result<T, E>) -> Result<Rc<T>, String> {
    let cached = SETS.with(|t| t.borrow().iter().find(|(u, _)| u == url).map(|(_, s)| s.clone()));
    if let Some(set) = cached.and_then(|s| s.downcast::<T>().ok()) {
        return Ok(set);
    }
    let bytes = download(url).await.map_err(|e| format!("the training worker could not download the {what} ({e})"))?;
    let set = Rc::new(decode(&bytes).map_err(|e| format!("the training worker could not read the {what} ({e})"))?);
    SETS.with(|t| t.borrow_mut().push((url.to_string(), set.clone())));
    Ok(set)
}

/// A run's settings (the lesson's JSON) and its snapshot, read plainly or refused plainly.
pub(super) fn opening<S: serde::de::DeserializeOwned>(settings: &str, snapshot: &[u8]) -> Result<(S, Snapshot), String> {
    let settings = serde_json::from_str(settings).map_err(|e| format!("the training worker could not read the settings ({e})"))?;
    Ok((settings, Snapshot::from_bytes(snapshot)?))
}

/// The digits at `url`.
pub(super) async fn digits(url: &str) -> Result<Rc<MnistSet>, String> {
    dataset(url, "digits", MnistSet::decode).await
}

/// Runs `remote` until the page pauses run `run` or starts another.
async fn run_loop(run: u32, mut remote: impl Remote) {
    let mut driver = Driver::new(super::protocol::WORKER_SLICE_MILLISECONDS);
    let fresh = |run: u32| Progress {
        run,
        steps: 0,
        epoch: 0,
        position: 0,
        loss_sum: 0.0,
        loss_steps: 0,
        images: 0,
        milliseconds: 0.0,
        check_due: false,
        points: Vec::new(),
        correct: 0,
        predicted: None,
        validation: None,
        terms: [0.0; 2],
        checked: None,
        last: false,
        full: false,
        threads: crate::engine::cpu::threads() as u32,
    };
    let mut progress = fresh(run);
    let mut last_report = now();
    let mut last_full = now();
    loop {
        let playing = PLAYING.with(|p| p.get()) == Some(run) && !remote.finished();
        let mut check_due = false;
        if playing {
            let (slice, due) = remote.slice(&mut driver);
            check_due = due;
            progress.loss_sum += slice.loss_sum;
            progress.loss_steps += slice.steps - u32::from(slice.diverged.is_some());
            progress.images += slice.samples;
            progress.milliseconds += slice.step_milliseconds;
            if let Some(d) = slice.diverged {
                PLAYING.with(|p| p.set(None));
                post(&FromWorker::Diverged { run, step: d.step, loss_bits: d.loss.to_bits(), who: remote.who() }, None);
                return;
            }
        }
        if !playing || check_due || now() - last_report >= REPORT_EVERY_MILLISECONDS {
            progress.check_due = check_due;
            progress.last = !playing;
            progress.full = !playing || check_due || now() - last_full >= FULL_EVERY_MILLISECONDS;
            if progress.full {
                last_full = now();
            }
            let full = progress.full;
            let snapshot = remote.report(&mut progress, check_due, full);
            post(&FromWorker::Progress(std::mem::replace(&mut progress, fresh(run))), Some(snapshot));
            if !playing {
                return;
            }
            last_report = now();
        }
        // Back to the event loop, so a pause or a new run is heard between slices.
        gloo::timers::future::TimeoutFuture::new(0).await;
    }
}

/// A lesson's run loop, boxed so every lesson's fits one `match`.
fn looping(run: u32, remote: impl Remote + 'static) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> {
    Box::pin(run_loop(run, remote))
}

async fn start_run(run: u32, lesson: Lesson, urls: Vec<String>, settings: String, snapshot: Vec<u8>) {
    let started = match lesson {
        Lesson::Digits => super::digits::remote(&urls, &settings, &snapshot).await.map(|r| looping(run, r)),
        Lesson::Gan => super::gan::remote(&urls, &settings, &snapshot).await.map(|r| looping(run, r)),
        Lesson::Text => super::text::remote(&urls, &settings, &snapshot).await.map(|r| looping(run, r)),
        Lesson::Gpt => super::gpt::remote(&urls, &settings, &snapshot).await.map(|r| looping(run, r)),
        Lesson::GptFineTune => super::gpt::fine_tune(&settings, &snapshot).map(|r| looping(run, r)),
        Lesson::Vae => super::vae::remote(&urls, &settings, &snapshot).await.map(|r| looping(run, r)),
    };
    match started {
        Ok(running) => running.await,
        Err(e) => fail(run, e),
    }
}

fn on_message(event: MessageEvent) {
    let (json, snapshot) = open(&event.data());
    let message: ToWorker = match serde_json::from_str(&json) {
        Ok(m) => m,
        Err(e) => return fail(0, format!("the training worker got a message it cannot read ({e})")),
    };
    match message {
        ToWorker::Start { run, lesson, urls, settings } => {
            PLAYING.with(|p| p.set(Some(run)));
            wasm_bindgen_futures::spawn_local(start_run(run, lesson, urls, settings, snapshot.unwrap_or_default()));
        }
        ToWorker::Probe { trial, threads } => wasm_bindgen_futures::spawn_local(async move {
            match super::probe::probe(trial, threads).await {
                Ok(answer) => post(&answer, None),
                Err(e) => fail(0, e),
            }
        }),
        ToWorker::Crash => panic!("the page asked the training worker to crash (a test of a worker that dies)"),
        ToWorker::Pause { run } => PLAYING.with(|p| {
            if p.get() == Some(run) {
                p.set(None);
            }
        }),
    }
}

/// The worker's entry point: listens for the page's messages, starts the helper threads in the
/// threaded build, then says it is ready.
pub fn start() {
    #[cfg(feature = "threads")]
    if !threads::is_the_trainer() {
        return; // a rayon helper: it runs the module's start too, and then rayon's loop
    }
    console_error_panic_hook::set_once();
    let handler = Closure::<dyn Fn(MessageEvent)>::new(on_message);
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget(); // lives as long as the worker
    #[cfg(feature = "threads")]
    wasm_bindgen_futures::spawn_local(async {
        threads::start_helpers().await;
        post(&FromWorker::Ready, None);
    });
    #[cfg(not(feature = "threads"))]
    post(&FromWorker::Ready, None);
}

/// The threaded build's helper Web Workers (wasm-bindgen-rayon), one per core.
#[cfg(feature = "threads")]
mod threads {
    use wasm_bindgen::JsValue;
    use wasm_bindgen_futures::JsFuture;

    /// Whether this is the worker the page started (its loader sets the flag), not a helper.
    pub fn is_the_trainer() -> bool {
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("stepwiseTrainer")).is_ok_and(|v| v.is_truthy())
    }

    /// Starts one helper per core the browser reports but one: this worker computes a part of
    /// each split itself (engine/cpu/threads.rs), so every core computes. If the helpers cannot
    /// start, training runs on this worker alone, and the reports say one thread.
    pub async fn start_helpers() {
        let cores = super::scope().navigator().hardware_concurrency() as usize;
        let helpers = cores.clamp(1, 16) - 1;
        if helpers == 0 {
            return;
        }
        if let Err(e) = JsFuture::from(wasm_bindgen_rayon::init_thread_pool(helpers)).await {
            web_sys::console::warn_2(&"Stepwise: the training threads did not start; training runs on one thread.".into(), &e);
        }
    }
}
