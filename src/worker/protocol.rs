//! The messages between the page and the training worker. Scalars travel as a small JSON
//! string; a run's snapshot travels beside it as raw bytes (a transferred `ArrayBuffer`), so
//! no float is ever written as text.

use serde::{Deserialize, Serialize};

use crate::lessons::gan::curves::CurvePoint;

/// Which lesson's model a run trains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lesson {
    /// `urls`: the training and test digits.
    Digits,
    /// `urls`: the training digits.
    Gan,
    /// `urls`: the reviews.
    Text,
    /// `urls`: the book.
    Gpt,
    /// No `urls`: the learner's own text travels in the settings (`lessons::gpt::your_text::FineTune`).
    GptFineTune,
    /// `urls`: the training and test digits.
    Vae,
}

/// The worker sends progress at least this often while it trains (and at every check and on
/// pause), so the page's mirror is never older than this.
pub const REPORT_EVERY_MILLISECONDS: f64 = 250.0;
/// A whole snapshot (with the optimisers' state, to resume from) goes at least this often, at
/// every check and on pause; the reports between carry the weights only.
pub const FULL_EVERY_MILLISECONDS: f64 = 2000.0;
/// A worker's slice of steps between looks at its message queue.
pub const WORKER_SLICE_MILLISECONDS: f64 = 40.0;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ToWorker {
    /// Train `lesson`'s model from the snapshot sent beside this message, with these settings
    /// (the lesson's JSON), on the data at `urls` (absolute addresses; see [`Lesson`]).
    Start { run: u32, lesson: Lesson, urls: Vec<String>, settings: String },
    /// Stop after the current slice and send a last progress report.
    Pause { run: u32 },
    /// Panic, as a bug would: the e2e test of a worker that dies (`window.__stepwiseCrashWorker()`).
    Crash,
    /// For tests, benchmarks and the Lab: run `trial` on at most `threads` threads (0: all the
    /// worker has), and answer [`FromWorker::Probed`].
    Probe { trial: Trial, threads: u32 },
}

/// What a probe runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "trial", rename_all = "snake_case")]
pub enum Trial {
    /// `steps` steps of a fresh, seeded Digits network (the lesson's defaults, batch
    /// `batch_size`) on the digits at `url` (`window.__stepwiseProbeWorker`).
    Training { url: String, steps: u32, batch_size: usize },
    /// `repeats` products of two seeded `size` × `size` matrices.
    Matmul { size: usize, repeats: u32 },
}

/// What the worker did since its previous report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub run: u32,
    /// The run's step count, epoch and place in the epoch at the snapshot beside this report.
    pub steps: u32,
    pub epoch: usize,
    pub position: usize,
    /// Sum of the finite losses of the steps since the last report, and how many there were.
    pub loss_sum: f64,
    pub loss_steps: u32,
    pub images: usize,
    /// Time inside training steps since the last report.
    pub milliseconds: f64,
    /// The page checks the snapshot now: the Digits run ended an epoch or reached a check
    /// step; the GAN reached a judging iteration; the Text run reached a check step.
    pub check_due: bool,
    /// The GAN's curve points completed since the last report.
    pub points: Vec<CurvePoint>,
    /// Of the `images` (reviews, for Text) trained on since the last report, how many the
    /// model already had right before its step: the training accuracy.
    pub correct: usize,
    /// At a check, the digit the snapshot reads for each of the first 1,000 test images (all
    /// 10,000 at the end of an epoch), so the page need not compute them itself.
    pub predicted: Option<Vec<u8>>,
    /// The GPT's validation loss at the check this report ends on (nats per character).
    #[serde(default)]
    pub validation: Option<f64>,
    /// The VAE's reconstruction and KL terms summed over the `loss_steps` steps since the last
    /// report (nats per image), and at a check, both terms on the first test digits.
    #[serde(default)]
    pub terms: [f64; 2],
    #[serde(default)]
    pub checked: Option<[f64; 2]>,
    /// The worker has stopped (paused, or after a loss that is not a number).
    pub last: bool,
    /// The snapshot beside this report is whole (else weights only).
    pub full: bool,
    /// Threads the worker trains on.
    pub threads: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker's wasm is loaded and it listens. Messages sent before this would be lost
    /// (a worker drops events that arrive before its handler is set), so the page waits for it.
    Ready,
    /// A report, with the run's snapshot beside it.
    Progress(Progress),
    /// A loss was not a number (its bits, since JSON has no NaN); the worker has stopped.
    /// `who`: whose loss, in the lesson's words (the GAN's "generator" or "discriminator").
    Diverged { run: u32, step: u32, loss_bits: u64, who: String },
    /// The worker could not train (the data did not download, a snapshot was unreadable).
    Failed { run: u32, message: String },
    /// The answer to [`ToWorker::Probe`]: what the trial computed, as bits, so runs compare
    /// exactly (each training step's loss; for a matmul, a checksum of the product's bits), the
    /// time inside the trial's work, and the threads it ran on.
    Probed { bits: Vec<u32>, milliseconds: f64, threads: u32 },
}

impl FromWorker {
    pub fn run(&self) -> u32 {
        match self {
            FromWorker::Progress(p) => p.run,
            FromWorker::Diverged { run, .. } | FromWorker::Failed { run, .. } => *run,
            FromWorker::Ready | FromWorker::Probed { .. } => 0,
        }
    }
}

/// A message as the browser carries it: `{ json, snapshot }`, the snapshot's buffer transferred
/// (moved, not copied) to the other side.
#[cfg(target_arch = "wasm32")]
pub fn envelope(message: &impl Serialize, snapshot: Option<Vec<u8>>) -> (js_sys::Object, js_sys::Array) {
    use js_sys::{Array, Object, Reflect, Uint8Array};
    let object = Object::new();
    let json = serde_json::to_string(message).expect("messages serialise");
    let _ = Reflect::set(&object, &"json".into(), &json.into());
    let transfer = Array::new();
    if let Some(bytes) = snapshot {
        let buffer = Uint8Array::from(bytes.as_slice()).buffer();
        let _ = Reflect::set(&object, &"snapshot".into(), &buffer);
        transfer.push(&buffer);
    }
    (object, transfer)
}

/// The JSON text and the snapshot bytes of a received `{ json, snapshot }`.
#[cfg(target_arch = "wasm32")]
pub fn open(data: &wasm_bindgen::JsValue) -> (String, Option<Vec<u8>>) {
    use js_sys::{Reflect, Uint8Array};
    let json = Reflect::get(data, &"json".into()).ok().and_then(|j| j.as_string()).unwrap_or_default();
    let snapshot = Reflect::get(data, &"snapshot".into()).ok().filter(|b| !b.is_undefined()).map(|b| Uint8Array::new(&b).to_vec());
    (json, snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_survive_json_with_a_nan_loss_intact() {
        let diverged = FromWorker::Diverged { run: 3, step: 41, loss_bits: f64::NAN.to_bits(), who: "generator".into() };
        let back: FromWorker = serde_json::from_str(&serde_json::to_string(&diverged).unwrap()).unwrap();
        assert_eq!(back, diverged);
        let FromWorker::Diverged { loss_bits, .. } = back else { unreachable!() };
        assert!(f64::from_bits(loss_bits).is_nan());
        let start = ToWorker::Start { run: 1, lesson: Lesson::Gan, urls: vec!["https://x/data/mnist-train.bin".into()], settings: "{}".into() };
        let text = serde_json::to_string(&start).unwrap();
        assert!(text.contains(r#""kind":"start""#) && text.contains(r#""lesson":"gan""#), "{text}");
        assert_eq!(serde_json::from_str::<ToWorker>(&text).unwrap(), start);
    }
}
