//! The page's handle on the training worker (`src/worker/`): starts it once per visit, sends
//! it runs, and turns its messages into a stream the lesson's loop awaits. A worker that cannot
//! start (an old browser, a strict Content-Security-Policy) or that crashes is reported as such,
//! and the lesson trains on the page's thread instead.

use std::cell::RefCell;
use std::rc::Rc;

use futures_channel::mpsc::{unbounded, UnboundedReceiver, UnboundedSender};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

use futures_util::StreamExt;

use crate::worker::protocol::{envelope, open, FromWorker, Lesson, Progress, ToWorker, Trial};

/// What the lesson's loop receives: a message with its snapshot bytes, or the worker's death.
pub enum Heard {
    Message(FromWorker, Option<Vec<u8>>),
    /// The worker stopped with an error (a panic, or it could not load).
    Crashed(String),
}

#[derive(Clone)]
pub struct TrainingWorker {
    /// The Web Worker: the threaded one on an isolated page, replaced by the one-thread worker
    /// if it fails before it is ready.
    worker: Rc<RefCell<Option<Worker>>>,
    /// Where messages go: the loop of the newest run (an older loop's stream then ends).
    sink: Rc<RefCell<Option<UnboundedSender<Heard>>>>,
    /// Messages waiting for the worker to say it is ready; `None` once it has.
    waiting: Rc<RefCell<Option<Vec<Envelope>>>>,
}

/// A message as posted: the object and the buffers it transfers.
type Envelope = (js_sys::Object, js_sys::Array);

/// Whether this page is cross-origin isolated: only then can Web Workers share a wasm memory
/// (SharedArrayBuffer), which the threaded training worker needs.
pub fn isolated() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false)
}

/// How the lessons say where the worker trains: " (1 thread: this page is not cross-origin
/// isolated)" or " (2 threads)".
pub fn threads_phrase(threads: u32) -> String {
    match threads {
        0 | 1 if !isolated() => " (1 thread: this page is not cross-origin isolated, so it cannot share memory between threads)".into(),
        0 | 1 => " (1 thread)".into(),
        n => format!(" ({n} threads)"),
    }
}

/// The worker script to start, relative to `<base href>` so a sub-path host works: on an
/// isolated page the threaded build (`threads/loader.js`, a module worker; see
/// scripts/build-threads.sh), otherwise the one-thread worker Trunk writes beside the app
/// (`trainer_loader.js` loads `trainer.js` and its wasm).
fn script_url(threaded: bool) -> Result<String, String> {
    let base = web_sys::window().and_then(|w| w.document()).and_then(|d| d.base_uri().ok().flatten()).ok_or("the page has no address")?;
    let script = if threaded { "threads/loader.js" } else { "trainer_loader.js" };
    web_sys::Url::new_with_base(script, &base).map(|u| u.href()).map_err(|_| "the worker's address is not valid".to_string())
}

/// An asset's absolute address (a worker resolves relative ones against its own script).
pub fn asset_url(name: &str) -> Option<String> {
    let base = web_sys::window()?.document()?.base_uri().ok()??;
    web_sys::Url::new_with_base(&format!("data/{name}"), &base).ok().map(|u| u.href())
}

impl TrainingWorker {
    pub fn start() -> Result<TrainingWorker, String> {
        if !js_sys::Reflect::has(&js_sys::global(), &"Worker".into()).unwrap_or(false) {
            return Err("this browser cannot run Web Workers".into());
        }
        let started = TrainingWorker { worker: Rc::new(RefCell::new(None)), sink: Rc::new(RefCell::new(None)), waiting: Rc::new(RefCell::new(Some(Vec::new()))) };
        let worker = started.spawn(isolated())?;
        *started.worker.borrow_mut() = Some(worker);
        // The e2e test of a worker that dies mid-training calls `window.__stepwiseCrashWorker()`.
        let crash = {
            let w = started.clone();
            Closure::<dyn Fn()>::new(move || w.send(&ToWorker::Crash, None))
        };
        if let Some(window) = web_sys::window() {
            let _ = Reflect::set(&window, &"__stepwiseCrashWorker".into(), crash.as_ref());
        }
        crash.forget(); // one small closure per worker
        Ok(started)
    }

    /// Starts the threaded or the one-thread worker script, wired to this handle.
    fn spawn(&self, threaded: bool) -> Result<Worker, String> {
        let options = web_sys::WorkerOptions::new();
        if threaded {
            options.set_type(web_sys::WorkerType::Module);
        }
        let worker = Worker::new_with_options(&script_url(threaded)?, &options).map_err(|e| format!("the browser refused to start it ({})", describe(&e)))?;
        let send = {
            let sink = self.sink.clone();
            move |heard: Heard| {
                if let Some(s) = sink.borrow().as_ref() {
                    let _ = s.unbounded_send(heard);
                }
            }
        };
        let on_message = {
            let send = send.clone();
            let (worker, waiting) = (worker.clone(), self.waiting.clone());
            Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
                let (json, snapshot) = open(&event.data());
                match serde_json::from_str::<FromWorker>(&json) {
                    Ok(FromWorker::Ready) => {
                        for (object, transfer) in waiting.borrow_mut().take().unwrap_or_default() {
                            let _ = worker.post_message_with_transfer(&object, &transfer);
                        }
                    }
                    Ok(message) => send(Heard::Message(message, snapshot)),
                    Err(e) => send(Heard::Crashed(format!("it sent a message the page cannot read ({e})"))),
                }
            })
        };
        let on_error = {
            let this = self.clone();
            // A plain `Event`, not an `ErrorEvent`, when the script itself fails to load: its
            // message is read without assuming the type.
            Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
                event.prevent_default();
                let message = Reflect::get(&event, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_default();
                let message = if message.is_empty() {
                    if this.waiting.borrow().is_some() { "its script did not load" } else { "it stopped with an error" }.to_string()
                } else {
                    message
                };
                // A threaded worker that fails to load (an old browser, a host without the
                // threads/ files) is replaced by the one-thread worker; the messages queued for
                // it (their buffers not yet transferred) go to the new one.
                if threaded && this.waiting.borrow().is_some() {
                    web_sys::console::warn_1(&format!("Stepwise: the threaded training worker did not start ({message}); using the one-thread worker.").into());
                    match this.spawn(false) {
                        Ok(plain) => {
                            if let Some(old) = this.worker.borrow_mut().replace(plain) {
                                old.terminate();
                            }
                        }
                        Err(e) => send(Heard::Crashed(e)),
                    }
                    return;
                }
                send(Heard::Crashed(message));
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // One pair of closures per worker, which lives as long as the page.
        on_message.forget();
        on_error.forget();
        Ok(worker)
    }

    /// Sends a message (with a snapshot, transferred) and returns the stream of what the worker
    /// says from now on; the stream of any earlier call ends.
    pub fn send_and_listen(&self, message: &ToWorker, snapshot: Option<Vec<u8>>) -> UnboundedReceiver<Heard> {
        let (sender, receiver) = unbounded();
        *self.sink.borrow_mut() = Some(sender);
        self.send(message, snapshot);
        receiver
    }

    pub fn send(&self, message: &ToWorker, snapshot: Option<Vec<u8>>) {
        let (object, transfer) = envelope(message, snapshot);
        if let Some(queue) = self.waiting.borrow_mut().as_mut() {
            queue.push((object, transfer));
            return;
        }
        if let Some(worker) = self.worker.borrow().as_ref() {
            let _ = worker.post_message_with_transfer(&object, &transfer);
        }
    }

    /// Ends the worker at once (a crashed worker is replaced by a new one on the next run).
    pub fn terminate(&self) {
        if let Some(worker) = self.worker.borrow().as_ref() {
            worker.terminate();
        }
        self.sink.borrow_mut().take();
    }
}

fn describe(error: &JsValue) -> String {
    error.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).or_else(|| error.as_string()).unwrap_or_else(|| "unknown error".into())
}

/// The page's training worker, started the first time a lesson needs it and kept for the visit
/// (its datasets stay downloaded). A crashed worker is dropped from `store` by the lesson.
pub fn worker_for(store: leptos::prelude::StoredValue<Option<TrainingWorker>, leptos::prelude::LocalStorage>) -> Result<TrainingWorker, String> {
    use leptos::prelude::*;
    if let Some(w) = store.get_value() {
        return Ok(w);
    }
    let w = TrainingWorker::start()?;
    store.set_value(Some(w.clone()));
    Ok(w)
}

/// Trains in the page's worker (`train`, given the worker); if the worker cannot start or
/// fails, returns why, in words the lesson shows as it goes on on the page's thread. After a
/// failure, `resumed_at` rewinds the page to the mirror's last whole copy and says where that
/// is ("step 1,200", "iteration 300").
pub async fn train_in_worker_or_say_why<Run: std::future::Future<Output = Result<(), String>>>(
    store: leptos::prelude::StoredValue<Option<TrainingWorker>, leptos::prelude::LocalStorage>,
    train: impl FnOnce(TrainingWorker) -> Run,
    resumed_at: impl FnOnce() -> String,
) -> Option<String> {
    use leptos::prelude::*;
    let why = match worker_for(store) {
        Ok(w) => match train(w.clone()).await {
            Ok(()) => return None,
            Err(reason) => {
                w.terminate();
                store.set_value(None); // a new worker starts on the next run
                let at = resumed_at();
                format!(
                    "the training worker stopped ({reason}); training goes on on this page's thread from {at}, the last whole copy \
                     it sent (one at least every 2 seconds): the work since then is done again"
                )
            }
        },
        Err(reason) => format!("the training worker could not start ({reason}), so training runs on this page's thread"),
    };
    web_sys::console::warn_1(&format!("stepwise: {why}").into());
    Some(why)
}

/// What a lesson's page does with the worker's reports.
pub struct Follow<Current, Running, OnProgress, OnDiverged> {
    /// False once the run was replaced (reset, a loaded model): stop at once, write nothing.
    pub current: Current,
    /// False once the learner paused: the worker is asked to stop and its last report is read.
    pub running: Running,
    /// A report and its snapshot: restore the mirror, update the page.
    pub on_progress: OnProgress,
    /// The step, the loss that was not a number, and whose loss it was.
    pub on_diverged: OnDiverged,
}

/// Why the worker failed, and the last whole snapshot it sent (if any): the page resumes from
/// it (its mirror may hold newer weights without the optimiser state that goes with them).
pub type Failed = (String, Option<Vec<u8>>);

/// Starts `lesson` in the worker from `snapshot` and follows it until it stops.
pub async fn follow<Current, Running, OnProgress, OnDiverged>(
    worker: &TrainingWorker,
    lesson: Lesson,
    urls: Vec<String>,
    settings: String,
    snapshot: Vec<u8>,
    mut page: Follow<Current, Running, OnProgress, OnDiverged>,
) -> Result<(), Failed>
where
    Current: Fn() -> bool,
    Running: Fn() -> bool,
    OnProgress: FnMut(Progress, &[u8]) -> Result<(), String>,
    OnDiverged: FnMut(u32, f64, &str),
{
    let run = NEXT_RUN.with(|n| n.replace(n.get() + 1));
    let snapshot_sent = snapshot.clone();
    let mut heard = worker.send_and_listen(&ToWorker::Start { run, lesson, urls, settings }, Some(snapshot));
    let mut pause_sent = false;
    let mut last_full = Some(snapshot_sent);
    while let Some(h) = heard.next().await {
        if !(page.current)() {
            worker.send(&ToWorker::Pause { run }, None);
            return Ok(());
        }
        let (message, bytes) = match h {
            Heard::Crashed(reason) => return Err((reason, last_full)),
            Heard::Message(message, bytes) => (message, bytes),
        };
        if message.run() != run {
            continue;
        }
        match message {
            FromWorker::Ready | FromWorker::Probed { .. } => {}
            FromWorker::Failed { message, .. } => return Err((message, last_full)),
            FromWorker::Diverged { step, loss_bits, who, .. } => {
                (page.on_diverged)(step, f64::from_bits(loss_bits), &who);
                return Ok(());
            }
            FromWorker::Progress(p) => {
                let (last, full) = (p.last, p.full);
                let bytes = bytes.unwrap_or_default();
                (page.on_progress)(p, &bytes).map_err(|e| (e, last_full.clone()))?;
                if full {
                    last_full = Some(bytes);
                }
                if last {
                    return Ok(());
                }
                if !(page.running)() && !pause_sent {
                    worker.send(&ToWorker::Pause { run }, None);
                    pause_sent = true;
                }
            }
        }
    }
    Ok(())
}

thread_local! {
    /// Each run sent to a worker gets a new number; reports of older runs are ignored.
    static NEXT_RUN: std::cell::Cell<u32> = const { std::cell::Cell::new(1) };
}

/// What a probe measured (see `ToWorker::Probe`).
pub struct Probed {
    pub bits: Vec<u32>,
    pub milliseconds: f64,
    pub threads: u32,
}

/// Starts a fresh training worker (threaded on an isolated page), runs `trial` there on at most
/// `threads` threads (0: all), then ends that worker.
pub async fn probe_worker(trial: Trial, threads: u32) -> Result<Probed, String> {
    let worker = TrainingWorker::start()?;
    let mut heard = worker.send_and_listen(&ToWorker::Probe { trial, threads }, None);
    let answer = loop {
        match heard.next().await {
            Some(Heard::Message(FromWorker::Probed { bits, milliseconds, threads }, _)) => break Ok(Probed { bits, milliseconds, threads }),
            Some(Heard::Message(FromWorker::Failed { message, .. }, _)) | Some(Heard::Crashed(message)) => break Err(message),
            Some(_) => {}
            None => break Err("the worker went away".to_string()),
        }
    };
    worker.terminate();
    answer
}

/// A seeded Digits network trained `steps` steps at `batch_size` (see `Trial::Training`).
pub fn training_trial(steps: u32, batch_size: usize) -> Result<Trial, String> {
    let url = asset_url(crate::data::MNIST_TRAIN_FILE).ok_or("the page has no address")?;
    Ok(Trial::Training { url, steps, batch_size })
}

/// Installs `window.__stepwiseProbeWorker(steps, batchSize, threads)` for the e2e suite and
/// bench/threads.mjs: [`probe_worker`] on a [`training_trial`], resolved as JSON (`{kind:
/// "probed", bits, milliseconds, threads}`).
pub fn install_probe() {
    let probe = Closure::<dyn Fn(u32, u32, u32) -> js_sys::Promise>::new(|steps: u32, batch_size: u32, threads: u32| {
        wasm_bindgen_futures::future_to_promise(async move {
            let trial = training_trial(steps, batch_size as usize).map_err(JsValue::from)?;
            let Probed { bits, milliseconds, threads } = probe_worker(trial, threads).await.map_err(JsValue::from)?;
            serde_json::to_string(&FromWorker::Probed { bits, milliseconds, threads }).map(JsValue::from).map_err(|e| JsValue::from(e.to_string()))
        })
    });
    if let Some(window) = web_sys::window() {
        let _ = Reflect::set(&window, &"__stepwiseProbeWorker".into(), probe.as_ref());
    }
    probe.forget(); // one closure for the page's life
}
