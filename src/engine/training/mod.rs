//! One training driver for every lesson (burn-train's `Learner` / Lightning's `Trainer` split):
//! a lesson's model says what one step is ([`Learner`]); [`Driver`] owns the loop around it —
//! a time budget per slice, the stop on a loss that is not a number, the rate meter — so the
//! page's time-sliced loop and a worker's loop are one piece of code. [`EpochCursor`] is the one
//! seeded, shuffled walk through a training set that every learner uses.
//!
//! Nothing here knows about clocks or threads: the caller passes the clock, so the same driver
//! runs natively in tests, on the page between frames and in a Web Worker.

use serde::{Deserialize, Serialize};

use super::rng::Pcg32;

pub(crate) mod queued;
mod snapshot;
pub use queued::{queued_slice, Queued, QueuedLearner, QueuedSlice, Stepped};
pub use snapshot::{read_weights, write_weights, OneOptimiserRun, Snapshot};

/// A shuffled walk through a training set, epoch after epoch. The shuffles draw from the
/// learner's own generator (passed in), so a seed gives the same batches on every backend and
/// a snapshot of (generator, cursor) resumes the walk exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochCursor {
    order: Vec<usize>,
    position: usize,
    epoch: usize,
}

impl EpochCursor {
    /// The walk over `items`, shuffled once now.
    pub fn new(items: impl IntoIterator<Item = usize>, rng: &mut Pcg32) -> Self {
        let mut order: Vec<usize> = items.into_iter().collect();
        rng.shuffle(&mut order);
        EpochCursor { order, position: 0, epoch: 0 }
    }

    /// The next `size` items. The last batch of an epoch is shorter when `size` does not divide
    /// the set; after it the order is shuffled again and the epoch count goes up.
    pub fn next_batch(&mut self, size: usize, rng: &mut Pcg32) -> Vec<usize> {
        let end = (self.position + size.max(1)).min(self.order.len());
        let batch = self.order[self.position..end].to_vec();
        self.position = end;
        if self.position == self.order.len() {
            self.wrap(rng);
        }
        batch
    }

    /// The next `size` items, running on into the next (reshuffled) epoch when this one ends, so
    /// every batch is full (the GAN's real batches).
    pub fn next_items(&mut self, size: usize, rng: &mut Pcg32) -> Vec<usize> {
        let mut items = Vec::with_capacity(size);
        for _ in 0..size {
            items.push(self.order[self.position]);
            self.position += 1;
            if self.position == self.order.len() {
                self.wrap(rng);
            }
        }
        items
    }

    fn wrap(&mut self, rng: &mut Pcg32) {
        self.position = 0;
        self.epoch += 1;
        rng.shuffle(&mut self.order);
    }

    /// Items seen in the current epoch.
    pub fn position(&self) -> usize {
        self.position
    }

    /// Completed epochs.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// Items in one epoch.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// This epoch's order.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// The order, the place in it and the epochs done: what a snapshot stores.
    pub fn parts(&self) -> (&[usize], usize, usize) {
        (&self.order, self.position, self.epoch)
    }

    /// A cursor at a place a snapshot stored (see [`EpochCursor::parts`]).
    pub fn from_parts(order: Vec<usize>, position: usize, epoch: usize) -> Self {
        EpochCursor { position: position.min(order.len()), order, epoch }
    }

    /// Steps in one epoch at this batch size (the last one may be short).
    pub fn steps_per_epoch(&self, size: usize) -> usize {
        self.order.len().div_ceil(size.max(1))
    }
}

/// What a step reports to the driver; a lesson's outcome carries more (scores, accuracy).
pub trait StepOutcome {
    /// The step's mean loss.
    fn loss(&self) -> f64;
    /// Training examples the step used (for the rate meter).
    fn samples(&self) -> usize;
    /// The run cannot recover: the loss is not a number (the default), or, for a lesson whose
    /// loss has a sane range, far outside it (see [`blown_up`]).
    fn blown_up(&self) -> bool {
        !self.loss().is_finite()
    }
}

/// A mean cross-entropy beyond this many nats means the weights have blown up: the model gives
/// the right answer a probability of e⁻¹⁰⁰ on average. Adam's steps are bounded by the
/// learning rate, so a learning rate far too large rarely reaches NaN with these losses (which
/// are computed stably): measured on the Digits, GAN and Text lessons, it sends the loss to
/// 10⁵–10⁹ at the first steps, where the weights are wrecked, and training would go on
/// drawing nonsense.
pub const BLOWN_UP_LOSS: f64 = 100.0;

/// Whether a cross-entropy loss says the run has blown up: not a number, or beyond
/// [`BLOWN_UP_LOSS`] either way.
pub fn blown_up(loss: f64) -> bool {
    !loss.is_finite() || loss.abs() > BLOWN_UP_LOSS
}

/// `impl StepOutcome` for a step report whose `$loss` field is a mean cross-entropy (so it
/// has a sane range, and beyond it has blown up: see [`blown_up`]) and whose `$samples` field
/// counts the examples the step used. (The light build has no training lesson to use it.)
#[allow(unused_macros)]
macro_rules! cross_entropy_outcome {
    ($report:ty, $loss:ident, $samples:ident) => {
        impl $crate::engine::training::StepOutcome for $report {
            fn loss(&self) -> f64 {
                self.$loss
            }
            fn samples(&self) -> usize {
                self.$samples
            }
            fn blown_up(&self) -> bool {
                $crate::engine::training::blown_up(self.$loss)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use cross_entropy_outcome;

/// A lesson's model as the driver sees it: one step on the next batch of `Data`.
pub trait Learner {
    /// The training set the steps read.
    type Data: ?Sized;
    type Outcome: StepOutcome;
    /// One step: the next batch, forward, loss, backward, update.
    fn step(&mut self, data: &Self::Data) -> Self::Outcome;
    /// Steps taken so far, counted by the learner (a snapshot carries it).
    fn steps(&self) -> u32;
}

/// A loss that is not a finite number: the run stops there, and says so plainly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Diverged {
    /// The learner's step count after the step that diverged.
    pub step: u32,
    pub loss: f64,
}

impl Diverged {
    /// "The {what}'s loss became NaN at {unit} 12: …" followed by the lesson's own advice.
    pub fn message(&self, what: &str, unit: &str, advice: &str) -> String {
        let value = if self.loss.is_nan() {
            "NaN".to_string()
        } else if self.loss.is_infinite() {
            if self.loss > 0.0 { "∞".into() } else { "−∞".into() }
        } else {
            format!("{:.0}", self.loss) // a number that blew up (see `blown_up`): whole is enough
        };
        format!("{what} became {value} at {unit} {}: {advice}", self.step)
    }
}

/// Whether the slice goes on after a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// End the slice after this step (a check is due, or the learner asked to pause).
    EndSlice,
}

impl Flow {
    /// `EndSlice` when `end` holds (a check is due), else `Continue`.
    pub fn end_if(end: bool) -> Flow {
        if end {
            Flow::EndSlice
        } else {
            Flow::Continue
        }
    }
}

/// What one slice did.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Slice {
    pub steps: u32,
    /// Sum of the finite losses of the slice's steps.
    pub loss_sum: f64,
    pub samples: usize,
    /// Time inside `Learner::step` only (not the caller's work between steps).
    pub step_milliseconds: f64,
    pub milliseconds: f64,
    /// The step whose loss was not a number, which ended the slice.
    pub diverged: Option<Diverged>,
}

/// Training examples per second: smoothed over slices (what a progress panel shows) and over
/// the whole run since it was last started (what a measurement reports).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RateMeter {
    smoothed: f64,
    samples: f64,
    milliseconds: f64,
}

impl RateMeter {
    /// Weight of the newest slice in the smoothed rate.
    const NEWEST: f64 = 0.1;

    pub fn add(&mut self, samples: usize, milliseconds: f64) {
        if milliseconds <= 0.0 || samples == 0 {
            return;
        }
        let rate = samples as f64 / (milliseconds / 1000.0);
        self.smoothed = if self.smoothed == 0.0 { rate } else { (1.0 - Self::NEWEST) * self.smoothed + Self::NEWEST * rate };
        self.samples += samples as f64;
        self.milliseconds += milliseconds;
    }

    pub fn smoothed(&self) -> f64 {
        self.smoothed
    }

    pub fn overall(&self) -> f64 {
        if self.milliseconds > 0.0 {
            self.samples / (self.milliseconds / 1000.0)
        } else {
            0.0
        }
    }
}

/// Owns the loop around a learner: runs slices of steps within a time budget, stops on a loss
/// that is not a number (or has blown up), and meters the rate. Play, pause and reset are the caller's: between
/// slices it decides whether to go on (the page: a signal; a worker: the last message).
#[derive(Clone, Debug, PartialEq)]
pub struct Driver {
    /// A slice stops starting steps after this long.
    pub budget_milliseconds: f64,
    pub rate: RateMeter,
    /// Set by the step that diverged; cleared by [`Driver::resume`].
    pub diverged: Option<Diverged>,
}

impl Driver {
    pub fn new(budget_milliseconds: f64) -> Self {
        Driver { budget_milliseconds, rate: RateMeter::default(), diverged: None }
    }

    /// Forgets a divergence so training may be tried again (after new settings or a reset).
    pub fn resume(&mut self) {
        self.diverged = None;
    }

    /// Steps until the budget is spent (at least one step), `after` asks to end the slice, or
    /// a loss is not a number. `clock` gives milliseconds. `after` sees each step's outcome.
    pub fn run_slice<L: Learner>(
        &mut self,
        learner: &mut L,
        data: &L::Data,
        clock: &dyn Fn() -> f64,
        mut after: impl FnMut(&mut L, &L::Outcome) -> Flow,
    ) -> Slice {
        let start = clock();
        let mut slice = Slice::default();
        if self.diverged.is_some() {
            return slice;
        }
        loop {
            let before = clock();
            let outcome = learner.step(data);
            slice.step_milliseconds += clock() - before;
            slice.steps += 1;
            slice.samples += outcome.samples();
            let loss = outcome.loss();
            if outcome.blown_up() {
                let diverged = Diverged { step: learner.steps(), loss };
                self.diverged = Some(diverged);
                slice.diverged = Some(diverged);
                after(learner, &outcome);
                break;
            }
            slice.loss_sum += loss;
            if after(learner, &outcome) == Flow::EndSlice || clock() - start >= self.budget_milliseconds {
                break;
            }
        }
        slice.milliseconds = clock() - start;
        self.rate.add(slice.samples, slice.step_milliseconds);
        slice
    }

    /// Exactly `count` steps (or fewer, if one diverges), ignoring the clock: a seeded run a
    /// test or a host command asks for.
    pub fn run_steps<L: Learner>(&mut self, learner: &mut L, data: &L::Data, count: u32) -> Slice {
        let mut left = count;
        let never = || 0.0;
        let mut total = Slice::default();
        while left > 0 && self.diverged.is_none() {
            let slice = self.run_slice(learner, data, &never, |_, _| {
                left -= 1;
                Flow::end_if(left == 0)
            });
            total.steps += slice.steps;
            total.loss_sum += slice.loss_sum;
            total.samples += slice.samples;
            total.diverged = slice.diverged;
            if slice.diverged.is_some() {
                break;
            }
        }
        total
    }
}

#[cfg(test)]
mod tests;
