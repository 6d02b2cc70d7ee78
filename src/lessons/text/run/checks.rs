//! The run's checks on all 25,000 test reviews: each takes a copy of the weights and is worked
//! through a few milliseconds a frame, so typing never waits; the panels that explain the model
//! get new weights and probabilities at most every 2 s while training.

use std::sync::Arc;

use leptos::prelude::*;

use super::super::trainer::Evaluation;
use super::{Run, Window};
use crate::engine::poll::now_or_never;
use crate::ui::training::now;

/// At most this long of each page slice goes to checking the test reviews.
pub(super) const CHECK_MILLISECONDS: f64 = 5.0;
/// While training, the panels below the curves are refreshed at most this often.
const SHOW_EVERY_MILLISECONDS: f64 = 2000.0;

impl Run {
    /// Copies the weights and queues a check of all test reviews with them.
    pub(super) fn start_check(self) {
        let Some(s) = self.set.get_untracked() else { return };
        let cell = self.trainer.get_value();
        let Ok(guard) = cell.try_borrow() else { return };
        let Some(t) = guard.as_ref() else { return };
        let Some(copy) = now_or_never(t.weights()) else { return };
        let copy = Arc::new(copy);
        if self.show(self.weights_shown) {
            self.weights.set(Some(copy.clone()));
            self.unshown.update_value(|u| u.0 = None);
        } else {
            self.unshown.update_value(|u| u.0 = Some(copy.clone()));
        }
        self.checks.get_value().borrow_mut().push_back((Evaluation::new((*copy).clone(), t.steps(), s.test()), self.seconds.get_untracked()));
    }

    /// Whether the panels that explain the model (the typed review, the word map, the
    /// mistakes) get the newest weights now: always when paused, at most every 2 s while
    /// training: each refresh recomputes them all in one task, and the worker reaches a check
    /// step several times a second. `last` is when this kind of refresh last happened.
    fn show(self, last: StoredValue<f64>) -> bool {
        let due = !self.running.get_untracked() || now() - last.get_value() >= SHOW_EVERY_MILLISECONDS;
        if due {
            last.set_value(now());
        }
        due
    }

    /// Works on the queued checks for up to `budget` ms; records each one done.
    pub(super) fn advance_checks(self, budget: f64) {
        let Some(s) = self.set.get_untracked() else { return };
        let queue = self.checks.get_value();
        let start = now();
        while now() - start < budget {
            let mut guard = queue.borrow_mut();
            let Some((evaluation, seconds)) = guard.front_mut() else { return };
            let Some(score) = evaluation.advance(&s, 500) else { continue };
            let probabilities = std::mem::take(&mut evaluation.probabilities);
            let seconds = *seconds;
            guard.pop_front();
            drop(guard);
            self.test_points.update(|p| p.push(score));
            if self.best.get_untracked().is_none_or(|(accuracy, _, _)| score.accuracy > accuracy) {
                self.best.set(Some((score.accuracy, score.step, seconds)));
            }
            if self.show(self.probabilities_shown) {
                self.test_probabilities.set(Some(Arc::new(probabilities)));
                self.unshown.update_value(|u| u.1 = None);
            } else {
                self.unshown.update_value(|u| u.1 = Some(Arc::new(probabilities)));
            }
        }
    }

    /// Checks the weights as they are now, at once (a loaded model, after teaching), so every
    /// figure on the page matches them.
    pub(in crate::lessons::text) fn check_now(self) {
        self.advance_checks(f64::INFINITY);
        if let Some((steps, epoch, position)) = self.trainer.get_value().borrow().as_ref().map(|t| (t.steps(), t.epoch(), t.position())) {
            self.place(steps, epoch, position);
        }
        self.start_check();
        self.advance_checks(f64::INFINITY);
    }

    /// After a run stops: finishes the checks under way, and checks the final weights unless
    /// the last check was of them.
    pub(super) fn check_after_stop(self) {
        // The newest copies not shown yet go first; the checks finished now (shown at once,
        // since training has stopped) are newer still.
        let (weights, probabilities) = self.unshown.try_update_value(std::mem::take).unwrap_or_default();
        if let Some(w) = weights {
            self.weights.set(Some(w));
        }
        if let Some(p) = probabilities {
            self.test_probabilities.set(Some(p));
        }
        self.advance_checks(f64::INFINITY);
        if self.test_points.with_untracked(|p| p.last().map(|p| p.step)) != Some(self.steps.get_untracked()) {
            self.start_check();
            self.advance_checks(f64::INFINITY);
        }
    }

    /// At a check step: the training point at `step` from `window`, and a check of the weights
    /// there; unless the page is still checking earlier weights, in which case the window goes
    /// on to the next check step. The worker can train faster than the page checks (measured
    /// with bench/training-pages.mjs: about 57,000 reviews a second, 12 check steps, while one
    /// check of 25,000 reviews takes several frames at 5 ms a frame), and a queue of checks
    /// would fall ever further behind the curves.
    pub(in crate::lessons::text) fn checkpoint(self, step: u32, window: &mut Window) {
        if !self.checks.get_value().borrow().is_empty() {
            return;
        }
        let Some(point) = std::mem::take(window).point(step) else { return };
        self.train_points.update(|p| p.push(point));
        self.start_check();
    }

    /// Works on the checks between frames while the worker trains.
    pub(in crate::lessons::text) async fn check_while(self, keep_going: impl Fn() -> bool) {
        while keep_going() {
            self.advance_checks(CHECK_MILLISECONDS);
            crate::ui::training::next_frame().await;
        }
    }
}
