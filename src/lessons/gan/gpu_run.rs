//! The GAN trained on the GPU (WebGPU), queued from the page (see `app::gpu_training`): each
//! slice's iterations come back as the three phases' reports and are summed into the same curve
//! points as on the CPU. The page's `Run` is the mirror, restored at every judging iteration,
//! at least every 2 s and on pause; the grid, the latent space, the step-through and the judge
//! read it as before.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::curves::{CurvePoint, CurveSums};
use super::model::{Gan, Phase, UnreadIteration};
use super::run::{Run, Sets};
use crate::ui::gpu_training::{play_on_gpu, GpuEnded, GpuHooks};
use crate::engine::training::{QueuedSlice, Snapshot, StepOutcome};
use crate::engine::webgpu::WebGpuBackend;

/// What the page does around the GPU's slices.
pub struct GpuPage<Current, Running, OnSlice, OnCopy, OnDiverged> {
    pub current: Current,
    pub running: Running,
    /// New curve points, iterations and epoch done, and GAN iterations per second since Train.
    pub on_slice: OnSlice,
    /// The mirror now holds the GPU's run; `true` at a judging iteration.
    pub on_copy: OnCopy,
    /// A phase's loss was not a number: (loss, phase, iteration).
    pub on_diverged: OnDiverged,
}

/// Trains the mirror's GAN on `backend` until paused, reset, diverged or the GPU is lost.
pub async fn train_on_gpu<Current, Running, OnSlice, OnCopy, OnDiverged>(
    sets: &Rc<Sets>,
    cell: &Rc<RefCell<Option<Run>>>,
    backend: &WebGpuBackend,
    page: GpuPage<Current, Running, OnSlice, OnCopy, OnDiverged>,
) -> GpuEnded
where
    Current: Fn() -> bool,
    Running: Fn() -> bool,
    OnSlice: FnMut(Vec<CurvePoint>, u32, usize, f64),
    OnCopy: FnMut(bool),
    OnDiverged: FnMut(f64, Phase, u32),
{
    let start = cell.borrow_mut().as_mut().and_then(|r| Some((r.whole_snapshot(&sets.train)?, r.gan.settings.clone())));
    let Some((snapshot, settings)) = start else { return GpuEnded::Stopped };
    let mut gan = Gan::new(backend, settings, sets.train.count);
    gan.restore(&snapshot);
    let (mut on_slice, mut on_copy, mut on_diverged) = (page.on_slice, page.on_copy, page.on_diverged);
    let mut sums = CurveSums::default();
    let (iterations, seconds) = (Cell::new(0usize), Cell::new(0.0f64));
    let hooks = GpuHooks {
        keep_going: page.running,
        current: page.current,
        after_slice: |g: &Gan<WebGpuBackend>, slice: QueuedSlice<()>, slice_seconds: f64| {
            let first = g.iterations - slice.steps.len() as u32;
            let mut points = Vec::new();
            for (i, step) in slice.steps.iter().enumerate() {
                let before = first + i as u32;
                for report in UnreadIteration::<WebGpuBackend>::phases(&step.values) {
                    let after = before + u32::from(report.phase == Phase::Generator);
                    if report.blown_up() {
                        on_diverged(report.loss, report.phase, after);
                        return false;
                    }
                    points.extend(sums.add(&report, after));
                }
            }
            iterations.set(iterations.get() + slice.steps.len());
            seconds.set(seconds.get() + slice_seconds);
            on_slice(points, g.iterations, g.epoch(), iterations.get() as f64 / seconds.get().max(1e-3));
            true
        },
        restore: |snapshot: &Snapshot, judge_due: bool| {
            if let Some(r) = cell.borrow_mut().as_mut() {
                r.gan.restore(snapshot);
            }
            on_copy(judge_due);
        },
    };
    play_on_gpu(&mut gan, backend, &sets.train, hooks).await
}
