//! The VAE in the worker: the shared driver's slices, the terms summed for the page's curves,
//! and at each check both terms on the first test digits (so the page need not read them).

use std::rc::Rc;

use super::host::{digits, now, opening, Remote};
use super::protocol::Progress;
use crate::data::mnist::MnistSet;
use crate::engine::poll::now_or_never;
use crate::engine::training::{Driver, Flow, Slice};
use crate::engine::CpuBackend;
use crate::lessons::vae::curves::{Window, CHECK_EVERY, CHECK_IMAGES};
use crate::lessons::vae::model::Vae;
use crate::lessons::vae::Settings;

pub(super) struct VaeRun {
    vae: Vae<CpuBackend>,
    train: Rc<MnistSet>,
    test: Rc<MnistSet>,
    window: Window,
}

/// The run in `snapshot`, on the training and test digits at `urls`.
pub(super) async fn remote(urls: &[String], settings: &str, snapshot: &[u8]) -> Result<VaeRun, String> {
    let (settings, snapshot): (Settings, _) = opening(settings, snapshot)?;
    let [train_url, test_url] = urls else { return Err("the training worker needs the training and test digits".into()) };
    let (train, test) = (digits(train_url).await?, digits(test_url).await?);
    let mut vae = Vae::new(&CpuBackend::new(), settings, train.count);
    vae.restore(&snapshot);
    Ok(VaeRun { vae, train, test, window: Window::default() })
}

impl Remote for VaeRun {
    fn slice(&mut self, driver: &mut Driver) -> (Slice, bool) {
        let mut check_due = false;
        let window = &mut self.window;
        let slice = driver.run_slice(&mut self.vae, &self.train, &now, |vae, step| {
            window.add(step);
            check_due = vae.steps().is_multiple_of(CHECK_EVERY);
            Flow::end_if(check_due)
        });
        (slice, check_due)
    }

    fn report(&mut self, progress: &mut Progress, check_due: bool, full: bool) -> Vec<u8> {
        (progress.steps, progress.epoch, progress.position) = (self.vae.steps(), self.vae.epoch(), self.vae.position());
        let window = std::mem::take(&mut self.window);
        progress.terms = window.sums;
        if check_due {
            let first: Vec<usize> = (0..CHECK_IMAGES.min(self.test.count)).collect();
            progress.checked = now_or_never(self.vae.evaluate(&self.test, &first)).map(|t| [t.reconstruction, t.kl]);
        }
        now_or_never(self.vae.snapshot()).map(|s| if full { s.to_bytes() } else { s.weights().to_bytes() }).unwrap_or_default()
    }

    fn who(&self) -> String {
        "VAE".into()
    }
}
