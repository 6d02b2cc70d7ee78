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
use web_sys::{ErrorEvent, MessageEvent, Worker};

use crate::worker::protocol::{envelope, open, FromWorker, ToWorker};

/// What the lesson's loop receives: a message with its snapshot bytes, or the worker's death.
pub enum Heard {
    Message(FromWorker, Option<Vec<u8>>),
    /// The worker stopped with an error (a panic, or it could not load).
    Crashed(String),
}

#[derive(Clone)]
pub struct TrainingWorker {
    worker: Worker,
    /// Where messages go: the loop of the newest run (an older loop's stream then ends).
    sink: Rc<RefCell<Option<UnboundedSender<Heard>>>>,
    /// Messages waiting for the worker to say it is ready; `None` once it has.
    waiting: Rc<RefCell<Option<Vec<(js_sys::Object, js_sys::Array)>>>>,
}

/// The worker script Trunk writes beside the app (`trainer_loader.js` loads `trainer.js` and its
/// wasm), relative to `<base href>` so a sub-path host works.
fn script_url() -> Result<String, String> {
    let base = web_sys::window().and_then(|w| w.document()).and_then(|d| d.base_uri().ok().flatten()).ok_or("the page has no address")?;
    web_sys::Url::new_with_base("trainer_loader.js", &base).map(|u| u.href()).map_err(|_| "the worker's address is not valid".to_string())
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
        let worker = Worker::new(&script_url()?).map_err(|e| format!("the browser refused to start it ({})", describe(&e)))?;
        let sink: Rc<RefCell<Option<UnboundedSender<Heard>>>> = Rc::new(RefCell::new(None));
        let waiting: Rc<RefCell<Option<Vec<(js_sys::Object, js_sys::Array)>>>> = Rc::new(RefCell::new(Some(Vec::new())));
        let send = {
            let sink = sink.clone();
            move |heard: Heard| {
                if let Some(s) = sink.borrow().as_ref() {
                    let _ = s.unbounded_send(heard);
                }
            }
        };
        let on_message = {
            let send = send.clone();
            let (worker, waiting) = (worker.clone(), waiting.clone());
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
        let on_error = Closure::<dyn Fn(ErrorEvent)>::new(move |event: ErrorEvent| {
            event.prevent_default();
            let message = event.message();
            send(Heard::Crashed(if message.is_empty() { "it stopped with an error".into() } else { message }));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // One pair of closures per worker, which lives as long as the page.
        on_message.forget();
        on_error.forget();
        let started = TrainingWorker { worker, sink, waiting };
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
        let _ = self.worker.post_message_with_transfer(&object, &transfer);
    }

    /// Ends the worker at once (a crashed worker is replaced by a new one on the next run).
    pub fn terminate(&self) {
        self.worker.terminate();
        self.sink.borrow_mut().take();
    }
}

fn describe(error: &JsValue) -> String {
    error.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).or_else(|| error.as_string()).unwrap_or_else(|| "unknown error".into())
}
