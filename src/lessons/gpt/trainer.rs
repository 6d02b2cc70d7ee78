//! Training the tiny GPT as nanoGPT trains its character-level Shakespeare model: AdamW
//! (β₂ = 0.99, weight decay 0.1 on the matrices and tables), gradients clipped at norm 1, on
//! windows drawn at random from the training text.

use super::batches::random_windows;
use super::model::{Gpt, Shape};
use crate::engine::layers::Module;
use crate::engine::optim::{Method, Optimiser};
use crate::engine::poll::now_or_never;
use crate::engine::rng::Pcg32;
use crate::engine::training::Learner;
use crate::engine::{Backend, CpuBackend, Tensor};

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

pub struct GptTrainer<B: Backend> {
    pub gpt: Gpt<B>,
    pub training: Training,
    parameters: Vec<Tensor<B>>,
    optimiser: Optimiser<B>,
    /// Draws the windows: the same seed gives the same batches on any backend.
    rng: Pcg32,
}

impl<B: Backend> GptTrainer<B> {
    /// Fresh weights from the seed, and an AdamW that has taken no step.
    pub fn new(backend: &B, shape: Shape, training: Training) -> Self {
        let gpt = Gpt::new(backend, shape, training.seed);
        let method = Method::Adam { beta1: 0.9, beta2: 0.99, epsilon: 1e-8 };
        let optimiser = Optimiser::new(method, training.learning_rate).with_weight_decay(training.weight_decay);
        GptTrainer { parameters: gpt.parameters(), gpt, training, optimiser, rng: Pcg32::new(training.seed, 29) }
    }

    /// One step on a batch of random windows of `text`; returns the batch's loss (before the
    /// step), not yet read back.
    pub fn step(&mut self, text: &[u8]) -> Tensor<B> {
        let (windows, next) = random_windows(text, self.training.batch, self.gpt.shape.context, &mut self.rng);
        self.optimiser.zero_grad(&self.parameters);
        let loss = self.gpt.loss(&windows, &next);
        loss.backward();
        Optimiser::clip_gradients(&self.parameters, self.training.clip);
        self.optimiser.step(&self.parameters);
        loss
    }

    pub fn steps(&self) -> u32 {
        self.optimiser.steps()
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
        GptTrainer::steps(self)
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
}
