//! The Text lesson's model in the worker: the shared driver's slices, each ending at a check
//! step, and how many training reviews each step already had right (the training accuracy).
//! The page checks the weights on the 25,000 test reviews itself, between frames, while the
//! worker goes on.

use std::rc::Rc;

use super::host::{opening, dataset, now, Remote};
use super::protocol::Progress;
use crate::data::ImdbSet;
use crate::engine::poll::now_or_never;
use crate::engine::training::{Driver, Flow, Slice};
use crate::engine::CpuBackend;
use crate::lessons::text::trainer::{Trainer, CHECK_EVERY};
use crate::lessons::text::Settings;

pub(super) struct TextRun {
    trainer: Trainer<CpuBackend>,
    set: Rc<ImdbSet>,
    /// Reviews the steps since the last report had right before they stepped.
    correct: usize,
}

/// The run in `snapshot`, on the reviews at `urls[0]`.
pub(super) async fn remote(urls: &[String], settings: &str, snapshot: &[u8]) -> Result<TextRun, String> {
    let (settings, snapshot): (Settings, _) = opening(settings, snapshot)?;
    let [url] = urls else { return Err("the training worker needs the reviews".into()) };
    let set = dataset(url, "reviews", ImdbSet::decode).await?;
    let trainer = Trainer::from_snapshot(&CpuBackend::new(), settings, &set, &snapshot);
    Ok(TextRun { trainer, set, correct: 0 })
}

impl Remote for TextRun {
    fn slice(&mut self, driver: &mut Driver) -> (Slice, bool) {
        let (mut check_due, correct) = (false, &mut self.correct);
        let slice = driver.run_slice(&mut self.trainer, &self.set, &now, |t, result| {
            *correct += result.correct;
            check_due = t.steps().is_multiple_of(CHECK_EVERY);
            Flow::end_if(check_due)
        });
        (slice, check_due)
    }

    fn report(&mut self, progress: &mut Progress, _: bool, full: bool) -> Vec<u8> {
        let t = &self.trainer;
        (progress.steps, progress.epoch, progress.position) = (t.steps(), t.epoch(), t.position());
        progress.correct = std::mem::take(&mut self.correct);
        now_or_never(t.snapshot()).map(|s| if full { s.to_bytes() } else { s.weights().to_bytes() }).unwrap_or_default()
    }

    fn who(&self) -> String {
        "model".into()
    }
}
