//! The tiny GPT in the worker: the shared driver's slices of training steps, and at every check
//! the validation loss, which the page draws. On the book (`Lesson::Gpt`) a check comes every 50
//! steps and before the first; on the learner's own text (`Lesson::GptFineTune`) every 25, and
//! the run stops by itself after the steps it was given. A step of the default model takes
//! longer than a frame, which is why this lesson trains only here.

use std::rc::Rc;

use super::host::{dataset, now, opening, Remote};
use super::protocol::Progress;
use crate::data::BookSet;
use crate::engine::poll::now_or_never;
use crate::engine::training::{Driver, Flow, Slice, Snapshot};
use crate::engine::CpuBackend;
use crate::lessons::gpt::settings::Settings;
use crate::lessons::gpt::trainer::{GptTrainer, Texts, CHECK_EVERY};
use crate::lessons::gpt::your_text::{FineTune, FINE_TUNE_CHECK_EVERY};

pub(super) struct GptRun {
    trainer: GptTrainer<CpuBackend>,
    texts: Rc<Texts>,
    check_every: u32,
    /// The step the run stops at, if it has one.
    stop_at: Option<u32>,
    /// The validation loss at the last check, not yet reported.
    validation: Option<f64>,
}

impl GptRun {
    fn new(settings: &Settings, vocabulary: usize, snapshot: &Snapshot, texts: Rc<Texts>, check_every: u32, stop_at: Option<u32>) -> Result<GptRun, String> {
        if let Some(why) = settings.too_big(vocabulary) {
            return Err(why);
        }
        if texts.train.len() <= settings.context || texts.validation.len() < 2 {
            return Err(format!("the text is too short for a context of {} characters", settings.context));
        }
        let trainer = GptTrainer::from_snapshot(&CpuBackend::new(), settings.shape(vocabulary), settings.training(), snapshot);
        let validation = (trainer.steps() == 0).then(|| now_or_never(trainer.validation_loss(&texts.validation))).flatten();
        Ok(GptRun { trainer, texts, check_every, stop_at, validation })
    }
}

/// The run in `snapshot`, on the book at `urls[0]`.
pub(super) async fn remote(urls: &[String], settings: &str, snapshot: &[u8]) -> Result<GptRun, String> {
    let (settings, snapshot): (Settings, _) = opening(settings, snapshot)?;
    let [url] = urls else { return Err("the training worker needs the book".into()) };
    let book = dataset(url, "book", BookSet::decode).await?;
    let texts = Rc::new(Texts { train: book.train().to_vec(), validation: book.validation().to_vec() });
    GptRun::new(&settings, book.vocabulary_size(), &snapshot, texts, CHECK_EVERY, None)
}

/// The run in `snapshot` on the learner's text in `job` (see `lessons::gpt::your_text`).
pub(super) fn fine_tune(job: &str, snapshot: &[u8]) -> Result<GptRun, String> {
    let (job, snapshot): (FineTune, _) = opening(job, snapshot)?;
    let texts = Rc::new(Texts { train: job.text.train().to_vec(), validation: job.text.validation().to_vec() });
    let start = snapshot.optimisers.first().map_or(0, |o| o.steps);
    GptRun::new(&job.settings, job.vocabulary, &snapshot, texts, FINE_TUNE_CHECK_EVERY, Some(start + job.steps))
}

impl Remote for GptRun {
    fn slice(&mut self, driver: &mut Driver) -> (Slice, bool) {
        if self.validation.is_some() {
            return (Slice::default(), true); // the untrained model's check goes out at step 0
        }
        let (mut check_due, every, stop_at) = (false, self.check_every, self.stop_at);
        let slice = driver.run_slice(&mut self.trainer, &self.texts.train, &now, |t, _| {
            check_due = t.steps().is_multiple_of(every) || Some(t.steps()) == stop_at;
            Flow::end_if(check_due)
        });
        if check_due && slice.diverged.is_none() {
            self.validation = now_or_never(self.trainer.validation_loss(&self.texts.validation));
        }
        (slice, check_due)
    }

    fn report(&mut self, progress: &mut Progress, _: bool, full: bool) -> Vec<u8> {
        let t = &self.trainer;
        progress.steps = t.steps();
        progress.validation = self.validation.take();
        now_or_never(t.snapshot()).map(|s| if full { s.to_bytes() } else { s.weights().to_bytes() }).unwrap_or_default()
    }

    fn who(&self) -> String {
        "model".into()
    }

    fn finished(&self) -> bool {
        self.stop_at.is_some_and(|at| self.trainer.steps() >= at) && self.validation.is_none()
    }
}
