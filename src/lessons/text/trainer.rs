//! The training loop, one mini-batch at a time so the page can run a few steps per frame:
//! shuffled epochs over the 25,000 training reviews, binary cross-entropy on the logit, Adam.
//! Test loss and accuracy come from a host copy of the weights (`Evaluation`), worked through
//! in chunks so a check never holds a frame for long.

use crate::engine::layers::Module;
use crate::data::ImdbSet;
use crate::engine::optim::{Method, Optimiser};
use crate::engine::rng::Pcg32;
use crate::engine::training::{EpochCursor, Learner, OneOptimiserRun, Queued, QueuedLearner, Snapshot};
use crate::engine::{Backend, Tensor};

use super::model::{bags, logistic_loss, sigmoid, Scorer, TextModel, Weights};
use super::Settings;

/// What one step did: its mean loss and how many of its reviews it already had right.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepResult {
    pub loss: f64,
    pub correct: usize,
    pub reviews: usize,
}

impl StepResult {
    /// The step's report from its loss and logits, read back, and its labels. A loss that
    /// could not be read (an empty read) is NaN, which stops the run.
    pub fn from_numbers(loss: &[f32], logits: &[f32], labels: &[f32]) -> StepResult {
        let correct = logits.iter().zip(labels).filter(|&(&z, &t)| (z > 0.0) == (t > 0.5)).count();
        StepResult { loss: loss.first().map_or(f64::NAN, |&l| l as f64), correct, reviews: labels.len() }
    }
}

crate::engine::training::cross_entropy_outcome!(StepResult, loss, reviews);

/// A test check (all 25,000 test reviews) starts every this many steps.
pub const CHECK_EVERY: u32 = 150;

pub struct Trainer<B: Backend> {
    backend: B,
    pub settings: Settings,
    pub model: TextModel<B>,
    /// Its parameters, optimiser, generator and place in the epochs: what a snapshot copies.
    /// The trainer derefs to it, so `steps()`, `epoch()`, `snapshot()`… are read straight off.
    run: OneOptimiserRun<B>,
}

crate::one_optimiser_run_deref!(Trainer);

impl<B: Backend + Clone> Trainer<B> {
    /// Steps taken so far (here too, since `Learner` and `QueuedLearner` also name a `steps`).
    pub fn steps(&self) -> u32 {
        self.run.steps()
    }

    /// Fresh weights; the same seed gives the same weights and the same order of reviews.
    pub fn new(backend: &B, settings: Settings, set: &ImdbSet) -> Self {
        let mut rng = Pcg32::from_seed(settings.seed);
        let model = TextModel::new(backend, set.vocabulary.len(), &settings, &mut rng);
        // The validation tenth is never trained on: it chooses the model (see `ImdbSet::fit`).
        let cursor = EpochCursor::new(set.fit(), &mut rng);
        let optimiser = Optimiser::new(Method::adam(), settings.learning_rate).with_weight_decay(settings.weight_decay);
        Trainer {
            backend: backend.clone(),
            run: OneOptimiserRun { parameters: model.parameters(), optimiser, rng, cursor },
            settings,
            model,
        }
    }

    /// Goes on from loaded weights; `settings` must describe their shape (see `Weights::settings`).
    pub fn with_weights(backend: &B, settings: Settings, set: &ImdbSet, weights: &Weights) -> Self {
        let mut trainer = Trainer::new(backend, settings, set);
        trainer.model = TextModel::from_weights(backend, weights);
        trainer.run.parameters = trainer.model.parameters();
        trainer
    }



    /// A trainer on `backend` that continues the run in `snapshot`.
    pub fn from_snapshot(backend: &B, settings: Settings, set: &ImdbSet, snapshot: &Snapshot) -> Self {
        let mut trainer = Trainer::new(backend, settings, set);
        trainer.restore(snapshot);
        trainer
    }




    pub fn train_count(&self) -> usize {
        self.run.cursor.len()
    }

    /// One mini-batch step. After the last batch of an epoch (which may be smaller) a new
    /// shuffled epoch begins.
    pub fn step(&mut self, set: &ImdbSet) -> StepResult {
        let (labels, (loss, logits)) = self.queue_next(set);
        // The CPU backend's reads are complete at once; a device that must wait gives NaN.
        let read = |t: Tensor<B>| crate::engine::poll::now_or_never(t.to_vec()).unwrap_or_default();
        StepResult::from_numbers(&read(loss), &read(logits), &labels)
    }

    /// The next batch's step with its loss and logits left on the device, and its labels.
    fn queue_next(&mut self, set: &ImdbSet) -> (Vec<f32>, (Tensor<B>, Tensor<B>)) {
        let batch = self.run.cursor.next_batch(self.settings.batch_size, &mut self.run.rng);
        let reviews: Vec<&[u32]> = batch.iter().map(|&i| set.review_tokens(i)).collect();
        let labels: Vec<f32> = batch.iter().map(|&i| set.label(i) as f32).collect();
        let unread = self.queue_on(&reviews, &labels);
        (labels, unread)
    }

    /// One step on the given reviews and labels (0 or 1): training batches, and the learner's
    /// own sentences when they teach it.
    pub fn step_on(&mut self, reviews: &[&[u32]], labels: &[f32]) -> StepResult {
        let (loss, logits) = self.queue_on(reviews, labels);
        let read = |t: Tensor<B>| crate::engine::poll::now_or_never(t.to_vec()).unwrap_or_default();
        StepResult::from_numbers(&read(loss), &read(logits), labels)
    }

    /// [`Trainer::step_on`] with its loss and logits (before the update) left on the device.
    fn queue_on(&mut self, reviews: &[&[u32]], labels: &[f32]) -> (Tensor<B>, Tensor<B>) {
        let n = reviews.len();
        let bags = bags(&self.backend, reviews.iter().copied());
        let targets = Tensor::from_values(&self.backend, labels, &[n, 1]);
        self.run.optimiser.zero_grad(&self.run.parameters);
        let logits = self.model.forward(&bags);
        let loss = logits.binary_cross_entropy_with_logits(&targets);
        loss.backward();
        self.run.optimiser.step(&self.run.parameters);
        (loss, logits)
    }

    /// One step on the learner's own labelled sentences mixed with as many random training
    /// reviews (at least 16, never validation ones), so it learns them without forgetting what
    /// the reviews taught it.
    pub fn teach_step(&mut self, set: &ImdbSet, own: &[(Vec<u32>, f32)]) -> StepResult {
        let mut reviews: Vec<&[u32]> = own.iter().map(|(ids, _)| ids.as_slice()).collect();
        let mut labels: Vec<f32> = own.iter().map(|&(_, label)| label).collect();
        for _ in 0..own.len().max(16) {
            let i = self.run.rng.below(set.fit().len() as u32) as usize;
            reviews.push(set.review_tokens(i));
            labels.push(set.label(i) as f32);
        }
        self.step_on(&reviews, &labels)
    }

    pub async fn weights(&self) -> Weights {
        self.model.weights().await
    }
}

/// On a GPU the step's loss and logits stay on the device until the slice ends; the labels
/// wait on the host to count the reviews it had right. The slice ends at each check step.
impl<B: Backend + Clone> QueuedLearner<B> for Trainer<B> {
    type Data = ImdbSet;
    type Kept = Vec<f32>;

    fn queue_step(&mut self, set: &ImdbSet) -> Queued<B, Vec<f32>> {
        let (labels, (loss, logits)) = self.queue_next(set);
        Queued { read: vec![loss, logits], samples: labels.len(), end_slice: self.steps().is_multiple_of(CHECK_EVERY), kept: labels }
    }

    fn steps(&self) -> u32 {
        self.run.steps()
    }

    fn snapshot(&self) -> impl std::future::Future<Output = Snapshot> {
        self.run.snapshot()
    }
}

impl<B: Backend + Clone> Learner for Trainer<B> {
    type Data = ImdbSet;
    type Outcome = StepResult;

    fn step(&mut self, set: &ImdbSet) -> StepResult {
        Trainer::step(self, set)
    }

    fn steps(&self) -> u32 {
        self.run.steps()
    }
}

/// Test loss and accuracy of one copy of the weights, worked through a chunk at a time.
pub struct Evaluation {
    pub weights: Weights,
    scorer: Scorer,
    /// The step the weights were copied at (where the point goes on the curves).
    pub step: u32,
    /// Which reviews, and how far through them.
    reviews: std::ops::Range<usize>,
    next: usize,
    loss_sum: f64,
    correct: usize,
    /// Probability "positive" of each review done so far.
    pub probabilities: Vec<f32>,
}

/// A finished evaluation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Score {
    pub step: u32,
    pub loss: f64,
    pub accuracy: f64,
    pub reviews: usize,
}

impl Evaluation {
    pub fn new(weights: Weights, step: u32, reviews: std::ops::Range<usize>) -> Self {
        let next = reviews.start;
        Evaluation { scorer: weights.scorer(), weights, step, probabilities: Vec::with_capacity(reviews.len()), reviews, next, loss_sum: 0.0, correct: 0 }
    }

    /// Scores up to `count` more reviews; `Some(score)` once all are done.
    pub fn advance(&mut self, set: &ImdbSet, count: usize) -> Option<Score> {
        let end = (self.next + count).min(self.reviews.end);
        for i in self.next..end {
            let z = self.scorer.logit(&self.weights, set.review_tokens(i));
            let t = set.label(i) as f64;
            self.loss_sum += logistic_loss(z, t);
            self.correct += ((z > 0.0) == (t > 0.5)) as usize;
            self.probabilities.push(sigmoid(z) as f32);
        }
        self.next = end;
        self.done().then(|| self.score())
    }

    pub fn done(&self) -> bool {
        self.next == self.reviews.end
    }

    /// Share of the reviews done so far.
    pub fn progress(&self) -> f64 {
        (self.next - self.reviews.start) as f64 / self.reviews.len().max(1) as f64
    }

    fn score(&self) -> Score {
        let n = self.reviews.len().max(1) as f64;
        Score { step: self.step, loss: self.loss_sum / n, accuracy: self.correct as f64 / n, reviews: self.reviews.len() }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod real_reviews;
