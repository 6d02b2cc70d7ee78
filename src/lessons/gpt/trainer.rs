//! Training the tiny GPT as nanoGPT trains its character-level Shakespeare model: AdamW
//! (β₂ = 0.99, weight decay 0.1 on the matrices and tables), gradients clipped at norm 1, on
//! windows drawn at random from the training text.

use super::batches::{random_windows, spread_windows};
use super::model::{Gpt, Shape};
use crate::engine::layers::Module;
use crate::engine::optim::{Method, Optimiser};
use crate::engine::poll::now_or_never;
use crate::engine::rng::Pcg32;
use crate::engine::training::{EpochCursor, Learner, OneOptimiserRun, Snapshot};
use crate::engine::{Backend, CpuBackend, Tensor};

/// The validation loss is the mean over this many windows of the validation text, spread
/// evenly over it (3,072 characters scored at the default context): the same windows every
/// time, so the curve moves only with the model. nanoGPT averages 200 random batches; this is
/// about 15 times fewer characters, so a check costs about one training step.
pub const VALIDATION_WINDOWS: usize = 48;
/// The worker checks the validation loss every this many steps.
pub const CHECK_EVERY: u32 = 50;

/// How the GPT trains; the defaults are nanoGPT's CPU run (batch 12, learning rate 1e-3).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Training {
    pub batch: usize,
    pub learning_rate: f32,
    pub weight_decay: f32,
    /// The largest joint norm of the gradients; larger ones are scaled down to it.
    pub clip: f32,
    pub seed: u64,
}

impl Default for Training {
    fn default() -> Self {
        Training { batch: 12, learning_rate: 1e-3, weight_decay: 0.1, clip: 1.0, seed: 1 }
    }
}

/// The model and its run: the parameters, AdamW, and the generator that draws the windows
/// (the same seed gives the same batches on any backend). Windows are drawn at random, not
/// in epochs, so the run's epoch cursor stays empty.
pub struct GptTrainer<B: Backend> {
    pub gpt: Gpt<B>,
    pub training: Training,
    run: OneOptimiserRun<B>,
}

crate::one_optimiser_run_deref!(GptTrainer);

impl<B: Backend> GptTrainer<B> {
    /// Fresh weights from the seed, and an AdamW that has taken no step.
    pub fn new(backend: &B, shape: Shape, training: Training) -> Self {
        let gpt = Gpt::new(backend, shape, training.seed);
        let method = Method::Adam { beta1: 0.9, beta2: 0.99, epsilon: 1e-8 };
        let optimiser = Optimiser::new(method, training.learning_rate).with_weight_decay(training.weight_decay);
        let run = OneOptimiserRun { parameters: gpt.parameters(), optimiser, rng: Pcg32::new(training.seed, 29), cursor: EpochCursor::from_parts(Vec::new(), 0, 0) };
        GptTrainer { gpt, training, run }
    }

    /// A trainer on `backend` that continues the run in `snapshot`.
    pub fn from_snapshot(backend: &B, shape: Shape, training: Training, snapshot: &Snapshot) -> Self {
        let mut trainer = GptTrainer::new(backend, shape, training);
        trainer.restore(snapshot);
        trainer
    }

    /// Takes these weights (in the model's order) and keeps its own fresh optimiser: where
    /// fine-tuning starts.
    pub fn restore_weights(&self, parameters: &[Vec<f32>]) {
        crate::engine::training::write_weights(&self.run.parameters, parameters);
    }

    /// One step on a batch of random windows of `text`; returns the batch's loss (before the
    /// step), not yet read back.
    pub fn step(&mut self, text: &[u8]) -> Tensor<B> {
        let (windows, next) = random_windows(text, self.training.batch, self.gpt.shape.context, &mut self.run.rng);
        self.run.optimiser.zero_grad(&self.run.parameters);
        let loss = self.gpt.loss(&windows, &next);
        loss.backward();
        Optimiser::clip_gradients(&self.run.parameters, self.training.clip);
        self.run.optimiser.step(&self.run.parameters);
        loss
    }

    /// The mean loss, in nats per character, on [`VALIDATION_WINDOWS`] windows spread over
    /// `text` (the validation text), each the context long or, for a text shorter than that,
    /// all but one character of it.
    pub async fn validation_loss(&self, text: &[u8]) -> f64 {
        let time = self.gpt.shape.context.min(text.len() - 1);
        let (windows, next) = spread_windows(text, time, VALIDATION_WINDOWS);
        self.gpt.loss(&windows, &next).to_vec().await[0] as f64
    }
}

/// What one step reports to the driver: its mean loss, and the characters it predicted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GptStep {
    pub loss: f64,
    pub tokens: usize,
}

crate::engine::training::cross_entropy_outcome!(GptStep, loss, tokens);

/// On the CPU a step's loss is ready at once, so the driver reads every one. The training text
/// is the data.
impl Learner for GptTrainer<CpuBackend> {
    type Data = [u8];
    type Outcome = GptStep;

    fn step(&mut self, text: &[u8]) -> GptStep {
        let loss = GptTrainer::step(self, text);
        let loss = now_or_never(loss.to_vec()).map_or(f64::NAN, |v| v[0] as f64);
        GptStep { loss, tokens: self.training.batch * self.gpt.shape.context }
    }

    fn steps(&self) -> u32 {
        self.run.steps()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::training::{blown_up, Driver};

    /// The robustness the other lessons have: a learning rate far too large is stopped by the
    /// driver, at the step named, with a loss that is not a number or has blown up.
    #[test]
    fn a_learning_rate_far_too_large_stops_the_gpt_through_the_driver() {
        let text: Vec<u8> = (0..2_000u32).map(|i| (i * 7 % 83) as u8).collect();
        let shape = Shape { layers: 1, heads: 2, width: 16, context: 16, ..Shape::default() };
        let mut trainer = GptTrainer::new(&CpuBackend::new(), shape, Training { batch: 4, learning_rate: 1e4, clip: 1e30, ..Training::default() });
        let total = Driver::new(f64::INFINITY).run_steps(&mut trainer, &text[..], 100);
        let diverged = total.diverged.expect("the loss blows up");
        assert!(blown_up(diverged.loss) && diverged.step == total.steps && total.steps < 100, "{total:?}");
        assert_eq!(total.samples, total.steps as usize * 4 * 16);
    }

    /// A run copied to bytes and back (as it travels to and from the worker) takes the very
    /// steps the original takes next, and scores the validation text the same.
    #[test]
    fn a_run_resumed_from_its_snapshot_takes_the_same_next_steps() {
        let text: Vec<u8> = (0..3_000u32).map(|i| (i * i % 83) as u8).collect();
        let shape = Shape { layers: 1, heads: 2, width: 16, context: 16, ..Shape::default() };
        let training = Training { batch: 4, ..Training::default() };
        let mut first = GptTrainer::new(&CpuBackend::new(), shape, training);
        for _ in 0..3 {
            Learner::step(&mut first, &text[..]);
        }
        let bytes = now_or_never(first.snapshot()).unwrap().to_bytes();
        let mut second = GptTrainer::from_snapshot(&CpuBackend::new(), shape, training, &Snapshot::from_bytes(&bytes).unwrap());
        assert_eq!(second.steps(), 3);
        for _ in 0..3 {
            assert_eq!(Learner::step(&mut first, &text[..]), Learner::step(&mut second, &text[..]));
        }
        let scores = |t: &GptTrainer<CpuBackend>| now_or_never(t.validation_loss(&text[2_000..])).unwrap();
        assert_eq!(scores(&first), scores(&second));
        assert!(scores(&first).is_finite());
    }
}
