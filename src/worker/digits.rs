//! The Digits lesson's network in the worker: the shared driver's slices, and at each check
//! the digits the snapshot reads, so the page need not read 10,000 test images itself.

use std::rc::Rc;

use super::host::{opening, digits, now, Remote};
use super::protocol::Progress;
use crate::data::mnist::MnistSet;
use crate::engine::poll::now_or_never;
use crate::engine::training::{Driver, Flow, Slice};
use crate::engine::CpuBackend;
use crate::lessons::mnist::trainer::Trainer;
use crate::lessons::mnist::Settings;

pub(super) struct Digits {
    trainer: Trainer<CpuBackend>,
    train: Rc<MnistSet>,
    test: Rc<MnistSet>,
}

/// The run in `snapshot`, on the training and test digits at `urls`.
pub(super) async fn remote(urls: &[String], settings: &str, snapshot: &[u8]) -> Result<Digits, String> {
    let (settings, snapshot): (Settings, _) = opening(settings, snapshot)?;
    let [train_url, test_url] = urls else { return Err("the training worker needs the training and test digits".into()) };
    let (train, test) = (digits(train_url).await?, digits(test_url).await?);
    Ok(Digits { trainer: Trainer::from_snapshot(&CpuBackend::new(), settings, &snapshot), train, test })
}

impl Remote for Digits {
    fn slice(&mut self, driver: &mut Driver) -> (Slice, bool) {
        let mut check_due = false;
        let slice = driver.run_slice(&mut self.trainer, &self.train, &now, |_, step| {
            check_due = step.check_due;
            Flow::end_if(check_due)
        });
        (slice, check_due)
    }

    fn report(&mut self, progress: &mut Progress, check_due: bool, full: bool) -> Vec<u8> {
        let t = &self.trainer;
        (progress.steps, progress.epoch, progress.position) = (t.steps(), t.epoch(), t.position());
        if check_due {
            let images = if t.position() == 0 { self.test.count } else { 1000 };
            progress.predicted = now_or_never(t.predictions(&self.test, 0, images));
        }
        now_or_never(t.snapshot()).map(|s| if full { s.to_bytes() } else { s.weights().to_bytes() }).unwrap_or_default()
    }

    fn who(&self) -> String {
        "network".into()
    }
}
