//! Training the tiny GPT as nanoGPT trains its character-level Shakespeare model: AdamW
//! (β₂ = 0.99, weight decay 0.1 on the matrices and tables), gradients clipped at norm 1, on
//! windows drawn at random from the training text.

use super::batches::{random_windows, spread_windows};
use super::model::{Gpt, Shape};
use crate::engine::layers::Module;
use crate::engine::optim::{Method, Optimiser};
use crate::engine::poll::now_or_never;
use crate::engine::rng::Pcg32;
use crate::engine::training::{EpochCursor, Learner, OneOptimiserRun, Queued, QueuedLearner, Snapshot};
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
    /// Steps over which the learning rate climbs to its full value (0: none).
    pub warmup: u32,
    /// Steps after the warm-up over which it falls, along half a cosine, to a tenth of its
    /// full value, and stays there (0: it stays full).
    pub decay: u32,
}

impl Default for Training {
    fn default() -> Self {
        Training { batch: 12, learning_rate: 1e-3, weight_decay: 0.1, clip: 1.0, seed: 1, warmup: 0, decay: 0 }
    }
}

impl Training {
    /// The learning rate of the step taken after `step` steps, as nanoGPT's `get_lr(it)`:
    /// during the warm-up lr·(it + 1)/(warmup + 1); then the cosine from lr down to lr/10
    /// (nanoGPT's `min_lr`, "learning_rate/10 per Chinchilla") over `decay` steps.
    pub fn learning_rate_at(&self, step: u32) -> f32 {
        let (lr, it) = (self.learning_rate as f64, step as f64);
        let (warmup, decay) = (self.warmup as f64, self.decay as f64);
        let rate = if it < warmup {
            lr * (it + 1.0) / (warmup + 1.0)
        } else if self.decay == 0 {
            lr
        } else {
            let ratio = ((it - warmup) / decay).min(1.0);
            let low = lr / 10.0;
            low + 0.5 * (1.0 + (std::f64::consts::PI * ratio).cos()) * (lr - low)
        };
        rate as f32
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
    /// Steps taken so far (here too, since `Learner` and `QueuedLearner` also name a `steps`).
    pub fn steps(&self) -> u32 {
        self.run.steps()
    }

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
        self.run.optimiser.config.learning_rate = self.training.learning_rate_at(self.run.steps());
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
        self.queue_validation(text).to_vec().await[0] as f64
    }

    /// [`GptTrainer::validation_loss`], queued: the mean loss, not yet read back.
    fn queue_validation(&self, text: &[u8]) -> Tensor<B> {
        let time = self.gpt.shape.context.min(text.len() - 1);
        let (windows, next) = spread_windows(text, time, VALIDATION_WINDOWS);
        self.gpt.loss(&windows, &next)
    }
}

/// What a run trains on and what it is checked on: the book's first 90% and last 10%, or the
/// two parts of the learner's own text.
pub struct Texts {
    pub train: Vec<u8>,
    pub validation: Vec<u8>,
}

/// On a GPU a step's loss stays on the device until the slice ends. A check step (every
/// [`CHECK_EVERY`], and before the first step) also queues the validation loss, read back
/// second; `Kept` is the step it was measured at. The slice ends at each check.
impl<B: Backend> QueuedLearner<B> for GptTrainer<B> {
    type Data = Texts;
    type Kept = Option<u32>;

    fn queue_step(&mut self, texts: &Texts) -> Queued<B, Option<u32>> {
        let before = (self.run.steps() == 0).then(|| self.queue_validation(&texts.validation));
        let loss = self.step(&texts.train);
        let steps = self.run.steps();
        let check = steps.is_multiple_of(CHECK_EVERY);
        let (validation, at) = match before {
            Some(v) => (Some(v), Some(0)),
            None if check => (Some(self.queue_validation(&texts.validation)), Some(steps)),
            None => (None, None),
        };
        let samples = self.training.batch * self.gpt.shape.context;
        Queued { read: std::iter::once(loss).chain(validation).collect(), kept: at, samples, end_slice: check }
    }

    fn steps(&self) -> u32 {
        self.run.steps()
    }

    fn snapshot(&self) -> impl std::future::Future<Output = Snapshot> {
        self.run.snapshot()
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
    use crate::engine::training::queued::slices_on_cpu;
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

    /// The schedule worked by hand for lr 1e-3, a warm-up of 3 steps and a decay of 4: the
    /// warm-up's 1/4, 2/4, 3/4 of lr; then 1e-4 + ½(1 + cos(πk/4))·9e-4 for k = 0…4, so
    /// 1e-3, 8.682e-4, 5.5e-4, 2.318e-4, 1e-4; and 1e-4 after.
    #[test]
    fn the_learning_rate_warms_up_then_falls_along_a_cosine_to_a_tenth() {
        let training = Training { warmup: 3, decay: 4, ..Training::default() };
        let half = std::f64::consts::FRAC_1_SQRT_2;
        let want = [2.5e-4, 5e-4, 7.5e-4, 1e-3, 1e-4 + 0.5 * (1.0 + half) * 9e-4, 5.5e-4, 1e-4 + 0.5 * (1.0 - half) * 9e-4, 1e-4, 1e-4, 1e-4];
        for (step, want) in want.iter().enumerate() {
            let got = training.learning_rate_at(step as u32) as f64;
            assert!((got - want).abs() < 1e-9, "step {step}: {got} ≠ {want}");
        }
        assert_eq!(Training::default().learning_rate_at(12_345), 1e-3, "no schedule: the rate stays");
        // A step takes the scheduled rate: the first of a 3-step warm-up moves the weights a
        // quarter as far as the full rate's does (Adam's first step is lr·sign(g), nearly).
        let text: Vec<u8> = (0..2_000u32).map(|i| (i * 7 % 83) as u8).collect();
        let shape = Shape { layers: 1, heads: 2, width: 16, context: 16, ..Shape::default() };
        let moved = |training: Training| {
            let mut t = GptTrainer::new(&CpuBackend::new(), shape, Training { weight_decay: 0.0, ..training });
            let before = now_or_never(t.snapshot()).unwrap().parameters;
            Learner::step(&mut t, &text[..]);
            let after = now_or_never(t.snapshot()).unwrap().parameters;
            before[0].iter().zip(&after[0]).map(|(a, b)| (a - b).abs() as f64).fold(0.0, f64::max)
        };
        let ratio = moved(training) / moved(Training::default());
        assert!((ratio - 0.25).abs() < 1e-3, "{ratio}");
    }

    /// Queued steps (as on a GPU) take the very steps the plain ones take, and measure the
    /// validation loss before the first step and at every check, as the worker does.
    #[test]
    fn queued_steps_match_the_plain_steps_and_check_at_step_0_and_every_50() {
        let book: Vec<u8> = (0..3_000u32).map(|i| (i * i % 83) as u8).collect();
        let texts = Texts { train: book[..2_500].to_vec(), validation: book[2_500..].to_vec() };
        let shape = Shape { layers: 1, heads: 2, width: 16, context: 16, ..Shape::default() };
        let training = Training { batch: 4, ..Training::default() };
        let mut plain = GptTrainer::new(&CpuBackend::new(), shape, training);
        let first_check = now_or_never(plain.validation_loss(&texts.validation)).unwrap();
        let mut plain_losses = Vec::new();
        let mut checks = vec![(0, first_check)];
        for _ in 0..2 * CHECK_EVERY {
            plain_losses.push(Learner::step(&mut plain, &texts.train[..]).loss);
            if plain.steps().is_multiple_of(CHECK_EVERY) {
                checks.push((plain.steps(), now_or_never(plain.validation_loss(&texts.validation)).unwrap()));
            }
        }
        let mut queued = GptTrainer::new(&CpuBackend::new(), shape, training);
        let steps = slices_on_cpu(&mut queued, &texts, 2, 2 * CHECK_EVERY);
        assert_eq!(steps.len(), 2 * CHECK_EVERY as usize, "each slice ends at a check");
        let queued_losses: Vec<f64> = steps.iter().map(|s| s.loss()).collect();
        assert_eq!(queued_losses, plain_losses);
        let queued_checks: Vec<(u32, f64)> = steps.iter().filter_map(|s| s.kept.map(|at| (at, s.values[1][0] as f64))).collect();
        assert_eq!(queued_checks, checks);
        assert!(steps.iter().all(|s| s.samples == 4 * 16));
    }
}
