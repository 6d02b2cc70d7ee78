//! Training the tiny GPT as nanoGPT trains its character-level Shakespeare model: AdamW
//! (β₂ = 0.99, weight decay 0.1 on the matrices and tables), gradients clipped at norm 1, on
//! windows drawn at random from the training text.

use super::batches::random_windows;
use super::model::{Gpt, Shape};
use crate::engine::layers::Module;
use crate::engine::optim::{Method, Optimiser};
use crate::engine::rng::Pcg32;
use crate::engine::{Backend, Tensor};

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
