//! The run's checks. While it trains, each check takes a copy of the run and scores the 2,500
//! validation reviews with it, a few milliseconds a frame, so typing never waits: the best check
//! is kept, and an epoch without a better one stops training (`choosing.rs`). When training
//! stops, the model kept is scored once on all 25,000 test reviews. The panels that explain the
//! model get new weights at most every 2 s while training.

use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use super::super::choosing::{judge, steps_per_epoch, Verdict};
use super::super::trainer::Evaluation;
use super::{Check, Run, Window};
use crate::engine::poll::now_or_never;
use crate::lessons::shared::curve_points::push_bounded;
use crate::ui::training::now;

/// At most this long of each page slice goes to checking the validation reviews.
pub(super) const CHECK_MILLISECONDS: f64 = 5.0;
/// While training, the panels below the curves are refreshed at most this often.
const SHOW_EVERY_MILLISECONDS: f64 = 2000.0;

impl Run {
    /// Copies the run and queues a check of the validation reviews with its weights.
    pub(super) fn start_check(self) {
        let Some(s) = self.set.get_untracked() else { return };
        let cell = self.trainer.get_value();
        let Ok(guard) = cell.try_borrow() else { return };
        let Some(t) = guard.as_ref() else { return };
        let (Some(copy), Some(snapshot)) = (now_or_never(t.weights()), now_or_never(t.snapshot())) else { return };
        let copy = Arc::new(copy);
        if self.show() {
            self.weights.set(Some(copy.clone()));
            self.unshown.set_value(None);
        } else {
            self.unshown.set_value(Some(copy.clone()));
        }
        let evaluation = Evaluation::new((*copy).clone(), t.steps(), s.validation());
        self.checks.get_value().borrow_mut().push_back(Check { evaluation, seconds: self.seconds.get_untracked(), snapshot });
    }

    /// Whether the panels that explain the model (the typed review, the word map, teaching)
    /// get the newest weights now: always when paused, at most every 2 s while training: each
    /// refresh recomputes them all in one task, and the worker reaches a check step several
    /// times a second.
    fn show(self) -> bool {
        let due = !self.running.get_untracked() || now() - self.weights_shown.get_value() >= SHOW_EVERY_MILLISECONDS;
        if due {
            self.weights_shown.set_value(now());
        }
        due
    }

    /// Works on the queued checks for up to `budget` ms; records each one done, keeps the best
    /// and stops training when it is an epoch old.
    pub(super) fn advance_checks(self, budget: f64) {
        let Some(s) = self.set.get_untracked() else { return };
        let queue = self.checks.get_value();
        let start = now();
        while now() - start < budget {
            let mut guard = queue.borrow_mut();
            let Some(check) = guard.front_mut() else { return };
            let Some(score) = check.evaluation.advance(&s, 500) else { continue };
            let Some(Check { evaluation, seconds, snapshot }) = guard.pop_front() else { return };
            drop(guard);
            self.validation_points.update(|p| p.push(score));
            let patience = steps_per_epoch(s.fit().len(), self.settings.with_untracked(|s| s.batch_size));
            let mut best = self.best.get_untracked();
            match judge(&mut best, &score, seconds, patience, self.keep_training.get_untracked()) {
                Verdict::NewBest => {
                    self.best.set(best);
                    self.best_model.set_value(Some(Rc::new((snapshot, Arc::new(evaluation.weights)))));
                }
                Verdict::StopEarly if self.running.get_untracked() => {
                    self.stopped_early.set(Some(score.step));
                    self.running.set(false);
                }
                Verdict::StopEarly | Verdict::TrainOn => {}
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
        self.score_on_test();
    }

    /// After a run stops: finishes the checks under way, checks the final weights unless the
    /// last check was of them, goes back to the best model if training stopped early, and
    /// scores the model kept on the test reviews.
    pub(super) fn check_after_stop(self) {
        // The newest copy not shown yet goes first; the checks finished now (shown at once,
        // since training has stopped) are newer still.
        if let Some(w) = self.unshown.try_update_value(std::mem::take).flatten() {
            self.weights.set(Some(w));
        }
        self.advance_checks(f64::INFINITY);
        if self.validation_points.with_untracked(|p| p.last().map(|p| p.step)) != Some(self.steps.get_untracked()) {
            self.start_check();
            self.advance_checks(f64::INFINITY);
        }
        if self.stopped_early.get_untracked().is_some() {
            self.restore_best();
        }
        self.score_on_test();
    }

    /// Puts the run back where its best validation check was (the learner's button after
    /// training on past it), and scores that model on the test reviews.
    pub(in crate::lessons::text) fn go_back_to_best(self) {
        if !self.running.get_untracked() && !self.busy.get_untracked() && self.restore_best() {
            self.score_on_test();
        }
    }

    /// The run as it was at the best check: weights, optimiser and place in the epochs.
    fn restore_best(self) -> bool {
        let Some(model) = self.best_model.get_value() else { return false };
        let cell = self.trainer.get_value();
        let Some(place) = cell.borrow_mut().as_mut().map(|t| {
            t.restore(&model.0);
            (t.steps(), t.epoch(), t.position())
        }) else {
            return false;
        };
        self.place(place.0, place.1, place.2);
        self.weights.set(Some(model.1.clone()));
        true
    }

    /// The one test check: the model the page now holds, on all 25,000 test reviews. It only
    /// reports; nothing is chosen by it.
    fn score_on_test(self) {
        let Some(s) = self.set.get_untracked() else { return };
        let Some(weights) = self.trainer.get_value().borrow().as_ref().and_then(|t| now_or_never(t.weights())) else { return };
        let mut evaluation = Evaluation::new(weights, self.steps.get_untracked(), s.test());
        if let Some(score) = evaluation.advance(&s, s.len()) {
            self.test_score.set(Some(score));
            self.test_probabilities.set(Some(Arc::new(evaluation.probabilities)));
        }
    }

    /// At a check step: the training point at `step` from `window`, and a check of the weights
    /// there; unless the page is still checking earlier weights, in which case the window goes
    /// on to the next check step. The worker can train faster than the page checks (measured
    /// with bench/training-pages.mjs: about 57,000 reviews a second, 12 check steps a second),
    /// and a queue of checks would fall ever further behind the curves.
    pub(in crate::lessons::text) fn checkpoint(self, step: u32, window: &mut Window) {
        if !self.checks.get_value().borrow().is_empty() {
            return;
        }
        let Some(point) = std::mem::take(window).point(step) else { return };
        self.train_points.update(|p| push_bounded(p, point));
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
