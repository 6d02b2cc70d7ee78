//! The GAN trained on the page's own thread, when the background worker cannot start or
//! fails: a slice of phases per frame, from the mirror's last whole copy.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;

use super::super::curves::CurveSums;
use crate::lessons::shared::curve_points::push_bounded;
use super::super::model::{Phase, PhaseReport};
use super::super::run::{Run, Sets, JUDGE_EVERY};
use super::{GanLesson, GRID_EVERY_MILLISECONDS};
use crate::engine::training::{Driver, Flow, RateMeter, Slice};
use crate::ui::training::{now, play, Ended, Hooks, SLICE_MILLISECONDS};

impl GanLesson {
    /// Trains until paused or until the loss stops being a number; the judge's classifier
    /// trains a little after each phase, as it does beside the worker.
    pub(super) async fn train_on_page(self, sets: &Sets, cell: &Rc<RefCell<Option<Run>>>) {
        let GanLesson { judge, judging, running, iterations, epoch, curves, speed, training_seconds, .. } = self;
        let mut sums = CurveSums::default();
        let mut last_grid = now();
        let judge_due = Cell::new(false);
        let last_phase = Cell::new(Phase::DiscriminatorOnReal);
        // Speed counts the GAN's own phases only (the driver times its steps, not the
        // background classifier or the judge), averaged since Train was pressed.
        let mut driver = Driver::new(SLICE_MILLISECONDS);
        let hooks = Hooks {
            before_slice: || {},
            after_step: |r: &mut Run, report: &PhaseReport| {
                judge.get_value().borrow_mut().train_a_little(&sets, judging);
                last_phase.set(report.phase);
                if let Some(point) = sums.add(report, r.gan.iterations) {
                    curves.update(|c| push_bounded(c, point));
                }
                if report.phase == Phase::Generator && r.gan.iterations.is_multiple_of(JUDGE_EVERY) {
                    judge_due.set(true);
                }
                Flow::end_if(judge_due.get())
            },
            after_slice: |slice: &Slice, rate: &RateMeter| {
                if let Some(r) = cell.borrow().as_ref() {
                    iterations.set(r.gan.iterations);
                    epoch.set(r.gan.epoch());
                }
                training_seconds.update(|t| *t += slice.milliseconds / 1000.0);
                speed.set(rate.overall());
                if judge_due.replace(false) || judge.get_value().borrow().just_became_ready() {
                    self.judge_now();
                }
                if now() - last_grid > GRID_EVERY_MILLISECONDS {
                    self.redraw_grid();
                    last_grid = now();
                }
            },
        };
        if let Ended::Diverged(d) = play(cell, &sets.train, &mut driver, move || running.get_untracked(), hooks).await {
            self.stop_for(d.loss, last_phase.get(), d.step);
        }
    }
}
