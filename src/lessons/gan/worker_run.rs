//! The GAN trained in the page's training worker (see `src/worker/`): the worker runs the
//! phases; the page's `Run` becomes a mirror, restored from each report's snapshot (at least
//! every 250 ms, at every judging iteration and on pause), which the grid, the latent space,
//! the step-through and the judge read as before. The judge's own classifier trains on the
//! page meanwhile, a few milliseconds a frame.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;

use super::judge_view::{JudgeState, Judging};
use super::run::{Run, Sets};
use crate::ui::training::{next_frame, now};
use crate::ui::worker_client::{asset_url, follow, Follow, TrainingWorker};
use crate::data::MNIST_TRAIN_FILE;
use crate::engine::training::Snapshot;
use crate::lessons::gan::curves::CurvePoint;
use crate::worker::protocol::{Lesson, Progress};

/// Milliseconds per frame the judge's classifier trains on the page while the GAN trains in
/// the worker.
const JUDGE_MILLISECONDS: f64 = 6.0;

/// What the page does with each report.
pub struct GanPage<Current, Running, OnReport, OnDiverged> {
    pub current: Current,
    pub running: Running,
    /// New curve points, iterations and epoch done, GAN iterations per second since Train, and
    /// whether the judge should read the run now, and the worker's thread count.
    pub on_report: OnReport,
    pub on_diverged: OnDiverged,
}

/// Trains the GAN in `worker` from the mirror's state until paused or reset.
pub async fn train_in_worker<Current, Running, OnReport, OnDiverged>(
    sets: &Rc<Sets>,
    cell: &Rc<RefCell<Option<Run>>>,
    worker: &TrainingWorker,
    judge: Rc<RefCell<JudgeState>>,
    judging: RwSignal<Judging>,
    page: GanPage<Current, Running, OnReport, OnDiverged>,
) -> Result<(), String>
where
    Current: Fn() -> bool + Copy + 'static,
    Running: Fn() -> bool + Copy + 'static,
    OnReport: FnMut(Vec<CurvePoint>, u32, usize, f64, bool, u32),
    OnDiverged: FnMut(u32, f64, &str),
{
    let url = asset_url(MNIST_TRAIN_FILE).ok_or("the page has no address for the digits")?;
    let start = cell.borrow_mut().as_mut().map(|r| (r.whole_snapshot(&sets.train), r.gan.settings.clone()));
    let Some((snapshot, settings)) = start else { return Ok(()) };
    let snapshot = snapshot.ok_or("the GAN could not be copied")?;
    let settings = serde_json::to_string(&settings).map_err(|e| e.to_string())?;
    let (current, running) = (page.current, page.running);
    train_judge_alongside(sets, judge, judging, current, running);
    let (mut on_report, mut on_diverged) = (page.on_report, page.on_diverged);
    let (iterations, milliseconds) = (Cell::new(0usize), Cell::new(0.0f64));
    let follower = Follow {
        current,
        running,
        on_progress: |p: Progress, bytes: &[u8]| {
            let snapshot = Snapshot::from_bytes(bytes)?;
            if let Some(r) = cell.borrow_mut().as_mut() {
                r.gan.restore(&snapshot);
            }
            iterations.set(iterations.get() + p.images);
            milliseconds.set(milliseconds.get() + p.milliseconds);
            let speed = if milliseconds.get() > 0.0 { iterations.get() as f64 / (milliseconds.get() / 1000.0) } else { 0.0 };
            on_report(p.points, p.steps, p.epoch, speed, p.check_due, p.threads);
            Ok(())
        },
        on_diverged: |step: u32, loss: f64, who: &str| on_diverged(step, loss, who),
    };
    follow(worker, Lesson::Gan, vec![url], settings, snapshot.to_bytes(), follower).await.map_err(|(reason, last_full)| {
        // Resume from the last whole run, not from newer weights without their optimisers.
        if let (Some(r), Some(Ok(s))) = (cell.borrow_mut().as_mut(), last_full.map(|b| Snapshot::from_bytes(&b))) {
            r.gan.restore(&s);
        }
        reason
    })
}

/// The judge's own classifier trains on the page, a few milliseconds a frame, while the GAN
/// trains elsewhere (in the worker or on the GPU) and until it is ready.
pub fn train_judge_alongside(sets: &Rc<Sets>, judge: Rc<RefCell<JudgeState>>, judging: RwSignal<Judging>, current: impl Fn() -> bool + 'static, running: impl Fn() -> bool + 'static) {
    let sets = sets.clone();
    wasm_bindgen_futures::spawn_local(async move {
        while current() && running() && judge.borrow().training() {
            let start = now();
            while now() - start < JUDGE_MILLISECONDS && judge.borrow().training() {
                judge.borrow_mut().train_a_little(&sets, judging);
            }
            next_frame().await;
        }
    });
}
