//! The GAN in the worker: phases through the shared driver, slices that end between
//! iterations (a snapshot is taken only there), and the curve points, summed as on the page.

use std::rc::Rc;

use super::host::{opening, digits, now, Remote};
use super::protocol::{Progress, WORKER_SLICE_MILLISECONDS};
use crate::data::mnist::MnistSet;
use crate::engine::poll::now_or_never;
use crate::engine::training::{Driver, Flow, Slice};
use crate::engine::CpuBackend;
use crate::lessons::gan::curves::{CurvePoint, CurveSums, JUDGE_EVERY};
use crate::lessons::gan::model::{Gan, Phase};
use crate::lessons::gan::Settings;

pub(super) struct GanRun {
    gan: Gan<CpuBackend>,
    train: Rc<MnistSet>,
    sums: CurveSums,
    points: Vec<CurvePoint>,
    last_phase: Phase,
}

/// The GAN in `snapshot` (taken between iterations), on the training digits at `urls[0]`.
pub(super) async fn remote(urls: &[String], settings: &str, snapshot: &[u8]) -> Result<GanRun, String> {
    let (settings, snapshot): (Settings, _) = opening(settings, snapshot)?;
    let [train_url] = urls else { return Err("the training worker needs the training digits".into()) };
    let train = digits(train_url).await?;
    let mut gan = Gan::new(&CpuBackend::new(), settings, train.count);
    gan.restore(&snapshot);
    Ok(GanRun { gan, train, sums: CurveSums::default(), points: Vec::new(), last_phase: Phase::DiscriminatorOnReal })
}

impl Remote for GanRun {
    fn slice(&mut self, driver: &mut Driver) -> (Slice, bool) {
        // The slice ends only after a G phase (between iterations), so the driver's own clock
        // is off and this one decides.
        driver.budget_milliseconds = f64::INFINITY;
        let start = now();
        let mut judge_due = false;
        let (sums, points, last_phase) = (&mut self.sums, &mut self.points, &mut self.last_phase);
        let slice = driver.run_slice(&mut self.gan, &self.train, &now, |gan, report| {
            *last_phase = report.phase;
            points.extend(sums.add(report, gan.iterations));
            if report.phase != Phase::Generator {
                return Flow::Continue;
            }
            judge_due = gan.iterations.is_multiple_of(JUDGE_EVERY);
            Flow::end_if(judge_due || now() - start >= WORKER_SLICE_MILLISECONDS)
        });
        (slice, judge_due)
    }

    fn report(&mut self, progress: &mut Progress, _: bool, full: bool) -> Vec<u8> {
        (progress.steps, progress.epoch, progress.position) = (self.gan.iterations, self.gan.epoch(), 0);
        progress.points = std::mem::take(&mut self.points);
        now_or_never(self.gan.snapshot()).map(|s| if full { s.to_bytes() } else { s.weights().to_bytes() }).unwrap_or_default()
    }

    fn who(&self) -> String {
        if self.last_phase == Phase::Generator { "generator" } else { "discriminator" }.into()
    }
}
