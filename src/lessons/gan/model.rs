//! The two networks and the three phases of one training iteration, each a function of its
//! own so the page can run them one at a time:
//!
//! 1. `train_discriminator_on_real`: D sees a batch of real digits labelled 1.
//! 2. `train_discriminator_on_fake`: D sees a batch of G's images labelled 0.
//! 3. `train_generator`: G draws a batch, D (frozen) scores it, G takes one Adam step so that
//!    D scores its images higher. The gradient of D's loss flows back through D's layers into
//!    G's image, then through G.
//!
//! D takes one Adam step for both of its batches (the gradients add up), as the PyTorch DCGAN
//! tutorial does, or one step after each batch, as Keras GAN examples do: see
//! [`DiscriminatorSteps`]. As in that tutorial, G's step reuses the fake batch D has just seen:
//! G's forward pass runs once per iteration, its graph kept from phase 2 to phase 3.
//!
//! After each G step, an averaged copy of G follows it slowly (an exponential moving average
//! of the weights, Yazıcı et al. 2019): G's own weights keep oscillating in the game, the
//! average smooths the oscillation out, and draws cleaner digits.

use crate::engine::layers::Module;
use crate::data::mnist::{MnistSet, IMAGE_PIXELS};
use crate::engine::init::Init;
use crate::engine::layers::{Activation, Dense, Layer, Sequential};
use crate::engine::optim::{Method, Optimiser};
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports))] // native reads block (see `read`)
use crate::engine::poll::now_or_never;
use crate::engine::rng::Pcg32;
use crate::engine::training::{EpochCursor, Learner, Queued, QueuedLearner, Snapshot, StepOutcome};
use crate::engine::backend::Binary;
use crate::engine::{Backend, Tensor};

use super::{DiscriminatorSteps, GeneratorLoss, Settings};

/// Which phase of an iteration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    DiscriminatorOnReal,
    DiscriminatorOnFake,
    Generator,
}

/// What one phase did: its loss, the images involved (rows of 784 values in [−1, 1]) and
/// D's probability "real" for each, before the phase's update.
#[derive(Clone, Debug, PartialEq)]
pub struct PhaseReport {
    pub phase: Phase,
    pub loss: f64,
    pub images: Vec<f32>,
    pub scores: Vec<f64>,
    /// Each image's digit when conditional: a real digit's label, or the digit G was asked for.
    pub digits: Vec<u8>,
}

impl PhaseReport {
    /// Mean of D's probabilities: mean D(x) for real images, mean D(G(z)) for fakes.
    pub fn mean_score(&self) -> f64 {
        self.scores.iter().sum::<f64>() / self.scores.len().max(1) as f64
    }
}

/// The driver's view of a phase: its loss, and one sample per finished iteration, so the
/// driver's rate meter counts iterations per second.
impl StepOutcome for PhaseReport {
    fn loss(&self) -> f64 {
        self.loss
    }
    fn samples(&self) -> usize {
        usize::from(self.phase == Phase::Generator)
    }
    fn blown_up(&self) -> bool {
        crate::engine::training::blown_up(self.loss)
    }
}

/// A step of the driver is one phase (the page shows them one at a time); its step count is
/// whole iterations.
impl<B: Backend> Learner for Gan<B> {
    type Data = MnistSet;
    type Outcome = PhaseReport;

    fn step(&mut self, set: &MnistSet) -> PhaseReport {
        self.run_phase(self.next_phase, set)
    }

    fn steps(&self) -> u32 {
        self.iterations
    }
}

/// One whole iteration: D's loss is the sum of its two phases' losses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IterationReport {
    pub discriminator_loss: f64,
    pub generator_loss: f64,
    pub mean_real_score: f64,
    pub mean_fake_score: f64,
}

pub struct Gan<B: Backend> {
    backend: B,
    pub settings: Settings,
    pub generator: Sequential<B>,
    pub discriminator: Sequential<B>,
    generator_parameters: Vec<Tensor<B>>,
    discriminator_parameters: Vec<Tensor<B>>,
    generator_adam: Optimiser<B>,
    discriminator_adam: Optimiser<B>,
    rng: Pcg32,
    /// Where in which shuffled epoch of the real images the run is.
    cursor: EpochCursor,
    /// Completed generator steps: whole iterations.
    pub iterations: u32,
    /// The phase a "next phase" button would run.
    pub next_phase: Phase,
    /// D's gradients hold the real batch's share, waiting for the fake batch (`OneForBoth`).
    real_gradient_waiting: bool,
    /// G's images from phase 2, with G's graph, waiting for G's step in phase 3.
    fake_waiting: Option<Tensor<B>>,
    /// The exponential moving average of G's weights (a copy of G while averaging is off).
    pub averaged_generator: Sequential<B>,
    averaged_parameters: Vec<Tensor<B>>,
    /// D's weight for its batch's spread (`minibatch_spread`), one number, learnt with D.
    pub spread_weight: Tensor<B>,
    /// D's weights for the digit labels when conditional (see `labels.rs`), learnt with D.
    pub label_weights: Tensor<B>,
    /// D's label embedding for its last layer (the projection discriminator, Miyato and Koyama
    /// 2018): the logit gains the inner product of the digit's row with D's last features.
    pub projection: Tensor<B>,
    /// The labels of the real batch D is judging, when conditional.
    real_digits: Vec<u8>,
    /// The digits G was asked for in its latest batch, when conditional.
    fake_digits: Vec<u8>,
}

/// A stack of dense layers initialised as PyTorch's `nn.Linear` is (weights U(±1/√fan_in)),
/// the initialisation the known-good configuration was tuned with; biases start at zero.
fn network<B: Backend>(backend: &B, sizes: &[usize], hidden: Activation, last: Activation, rng: &mut Pcg32) -> Sequential<B> {
    let count = sizes.len() - 1;
    let layers = sizes
        .windows(2)
        .enumerate()
        .map(|(i, w)| {
            let bound = 1.0 / (w[0] as f32).sqrt();
            let activation = if i + 1 == count { last } else { hidden };
            Layer::Dense(Dense::with_init(backend, w[0], w[1], activation, Init::Uniform { low: -bound, high: bound }, rng))
        })
        .collect();
    Sequential { layers }
}

/// A copy of a network's weights, as data (no gradients): the averaged generator's start.
/// Made on the device (w scaled by 1), without reading the weights back: a WebGPU read must
/// be awaited.
pub(crate) fn copy<B: Backend>(backend: &B, model: &Sequential<B>) -> Sequential<B> {
    let layers = model
        .layers
        .iter()
        .map(Layer::dense).map(|d| {
            let data = |t: &Tensor<B>| {
                let copied = Tensor::zeros(backend, t.shape());
                backend.scale(t.value(), 1.0, copied.value(), t.len(), false);
                copied
            };
            Layer::Dense(Dense { weights: data(&d.weights), bias: data(&d.bias), activation: d.activation })
        })
        .collect();
    Sequential { layers }
}

/// The decay after `steps` G steps: it starts low and rises to `decay` as `(1 + t)/(10 + t)`
/// does (TensorFlow's `ExponentialMovingAverage` with `num_updates`), so the average is not
/// held back for long by G's random starting weights.
pub fn average_decay_at(decay: f32, steps: u32) -> f32 {
    let t = steps as f32;
    decay.min((1.0 + t) / (10.0 + t))
}

/// `a += (1 − decay)(w − a)` for each averaged tensor a and its network's tensor w.
pub fn move_average<B: Backend>(backend: &B, averaged: &[Tensor<B>], weights: &[Tensor<B>], decay: f32) {
    for (average, weights) in averaged.iter().zip(weights) {
        let len = weights.len();
        let difference = backend.zeros(len);
        backend.binary(Binary::Sub, weights.value(), average.value(), &difference, len, false);
        backend.scale(&difference, 1.0 - decay, average.value(), len, true);
    }
}

/// Standard-normal noise vectors, `count × latent` numbers.
pub fn noise(rng: &mut Pcg32, count: usize, latent: usize) -> Vec<f32> {
    (0..count * latent).map(|_| rng.normal()).collect()
}

/// The logistic function in f64: D's logit to its probability "real".
pub use crate::lessons::shared::probability::sigmoid;

impl<B: Backend> Gan<B> {
    /// Fresh networks; the same seed gives the same weights, batches and noise.
    pub fn new(backend: &B, settings: Settings, real_count: usize) -> Self {
        let mut rng = Pcg32::from_seed(settings.seed);
        let leaky = Activation::LeakyRelu { slope: settings.slope };
        let generator = network(backend, &settings.generator_sizes(), leaky, Activation::Tanh, &mut rng);
        let discriminator = network(backend, &settings.discriminator_sizes(), leaky, Activation::Identity, &mut rng);
        // Drawn only when conditional, so the unconditional GAN's stream is as it was.
        let label_weights = labels::discriminator_label_weights(backend, &settings, &mut rng);
        let projection = labels::projection_weights(backend, &settings, &mut rng);
        labels::embed_generator_labels(&generator, &settings, &mut rng);
        let averaged_generator = copy(backend, &generator);
        let adam = |learning_rate| Optimiser::new(Method::Adam { beta1: settings.beta1, beta2: 0.999, epsilon: 1e-8 }, learning_rate);
        let cursor = EpochCursor::new(0..real_count, &mut rng);
        let spread_weight = Tensor::parameter(backend, &[0.0], &[1, 1]);
        let mut discriminator_parameters = discriminator.parameters();
        if settings.minibatch_spread {
            discriminator_parameters.push(spread_weight.clone());
        }
        if settings.conditional {
            discriminator_parameters.push(label_weights.clone());
            discriminator_parameters.push(projection.clone());
        }
        Gan {
            backend: backend.clone(),
            generator_parameters: generator.parameters(),
            discriminator_parameters,
            spread_weight,
            label_weights,
            projection,
            real_digits: Vec::new(),
            fake_digits: Vec::new(),
            generator_adam: adam(settings.generator_learning_rate),
            discriminator_adam: adam(settings.discriminator_learning_rate),
            generator,
            discriminator,
            rng,
            cursor,
            iterations: 0,
            next_phase: Phase::DiscriminatorOnReal,
            real_gradient_waiting: false,
            fake_waiting: None,
            averaged_parameters: averaged_generator.parameters(),
            averaged_generator,
            settings,
        }
    }

    /// Completed epochs of the real images.
    pub fn epoch(&self) -> usize {
        self.cursor.epoch()
    }

    fn batch(&self) -> usize {
        self.settings.batch_size
    }

    fn tensor(&self, values: &[f32], rows: usize, cols: usize) -> Tensor<B> {
        Tensor::from_values(&self.backend, values, &[rows, cols])
    }

    /// One label per input of D: per image, or per pack of images.
    fn labels(&self, value: f32) -> Tensor<B> {
        let rows = self.batch() / self.settings.pack;
        self.tensor(&vec![value; rows], rows, 1)
    }

    /// Images (`rows × 784`) as D's inputs: each row holds `pack` images side by side, which
    /// row-major storage gives by a reshape alone.
    fn packed(&self, images: &Tensor<B>) -> Tensor<B> {
        let pack = self.settings.pack;
        if pack == 1 {
            return images.clone();
        }
        images.reshape(&[images.shape()[0] / pack, IMAGE_PIXELS * pack])
    }

    /// The next `batch` real images as values in [−1, 1] (pixel / 127.5 − 1), cycling through
    /// shuffled epochs; their labels wait in `real_digits` when conditional.
    fn real_batch(&mut self, set: &MnistSet) -> Vec<f32> {
        let n = self.batch();
        let mut pixels = Vec::with_capacity(n * IMAGE_PIXELS);
        self.real_digits.clear();
        for i in self.cursor.next_items(n, &mut self.rng) {
            pixels.extend(set.image(i).iter().map(|&p| p as f32 / 127.5 - 1.0));
            if self.settings.conditional {
                self.real_digits.push(set.label(i));
            }
        }
        pixels
    }

    /// G's input for these noise vectors (`rows × latent`) and, when conditional, the digits
    /// asked for (one per row; an unconditional G ignores them).
    fn generator_input(&self, z: &[f32], digits: &[u8]) -> Tensor<B> {
        let latent = self.settings.latent;
        let rows = z.len() / latent;
        if !self.settings.conditional {
            return self.tensor(z, rows, latent);
        }
        assert_eq!(digits.len(), rows, "a conditional G needs one digit per noise vector");
        self.tensor(&labels::with_digits(z, latent, digits), rows, latent + self.settings.label_inputs())
    }

    /// G's images for these noise vectors and digits, without recording a graph.
    pub fn generate(&self, z: &[f32], digits: &[u8]) -> Vec<f32> {
        read(&self.generator.predict(&self.generator_input(z, digits)))
    }

    /// The averaged generator's images for these noise vectors and digits; G's own while
    /// averaging is off.
    pub fn generate_averaged(&self, z: &[f32], digits: &[u8]) -> Vec<f32> {
        if !self.averaging() {
            return self.generate(z, digits);
        }
        read(&self.averaged_generator.predict(&self.generator_input(z, digits)))
    }

    /// D's label input for these digits, `pack` one-hots to a row, when conditional.
    pub(crate) fn label_rows(&self, digits: &[u8]) -> Option<Tensor<B>> {
        if !self.settings.conditional {
            return None;
        }
        let pack = self.settings.pack;
        Some(self.tensor(&labels::one_hot(digits), digits.len() / pack, crate::data::mnist::CLASSES * pack))
    }

    pub fn averaging(&self) -> bool {
        self.settings.average_decay > 0.0
    }

    /// Moves the averaged weights one step towards G's (see [`move_average`]).
    fn update_average(&mut self) {
        if self.averaging() {
            let decay = average_decay_at(self.settings.average_decay, self.iterations);
            move_average(&self.backend, &self.averaged_parameters, &self.generator_parameters, decay);
        }
    }

    /// D's probability "real" for each image (`rows × 784`) labelled with these digits (when
    /// conditional), without recording a graph.
    pub fn judge_real(&self, images: &[f32], digits: &[u8]) -> Vec<f64> {
        let rows = images.len() / IMAGE_PIXELS;
        let no_dropout = vec![None; self.discriminator.layers.len()];
        let logits = self.discriminate_with(&self.tensor(images, rows, IMAGE_PIXELS), digits, false, &no_dropout);
        read(&logits).iter().map(|&l| sigmoid(l as f64)).collect()
    }

    /// Dropout masks for D's hidden layers over `rows` inputs: each unit kept with probability
    /// 1 − p and then scaled by 1/(1 − p), so its expected value is unchanged; `None` for the
    /// output layer and when dropout is off. A fresh mask for every pass.
    pub(crate) fn dropout_masks(&mut self, rows: usize) -> Vec<Option<Vec<f32>>> {
        let p = self.settings.discriminator_dropout;
        let widths: Vec<usize> = self.discriminator.layers.iter().map(|layer| layer.dense().outputs()).collect();
        let last = widths.len() - 1;
        let keep = 1.0 / (1.0 - p);
        widths
            .into_iter()
            .enumerate()
            .map(|(i, width)| (p > 0.0 && i < last).then(|| (0..rows * width).map(|_| if self.rng.uniform() < p { 0.0 } else { keep }).collect()))
            .collect()
    }

    /// Every weight of the run, in a snapshot's order: G, D (with its spread weight when used),
    /// the averaged G.
    fn all_parameters(&self) -> Vec<&Tensor<B>> {
        self.generator_parameters.iter().chain(&self.discriminator_parameters).chain(&self.averaged_parameters).collect()
    }

    /// Whether the run is between iterations (a snapshot keeps only that state: D's waiting
    /// gradient and G's waiting batch are not copied).
    pub fn at_iteration_start(&self) -> bool {
        self.next_phase == Phase::DiscriminatorOnReal && self.fake_waiting.is_none() && !self.real_gradient_waiting
    }

    /// A copy of the run on the host, taken between iterations (see [`Gan::at_iteration_start`]).
    pub async fn snapshot(&self) -> Snapshot {
        let weights = crate::engine::training::read_weights(self.all_parameters());
        let optimisers = vec![self.generator_adam.snapshot(&self.generator_parameters).await, self.discriminator_adam.snapshot(&self.discriminator_parameters).await];
        Snapshot { parameters: weights.await, optimisers, rng: self.rng.clone(), cursor: self.cursor.clone(), count: self.iterations as u64 }
    }

    /// Becomes the run in `snapshot` (taken from a GAN with the same settings, on any backend):
    /// the next iteration is the one that run would have taken.
    pub fn restore(&mut self, snapshot: &Snapshot) {
        crate::engine::training::write_weights(self.all_parameters(), &snapshot.parameters);
        self.iterations = snapshot.count as u32;
        if !snapshot.is_full() {
            return; // weights only: the views' copy between full snapshots
        }
        self.generator_adam.restore(&snapshot.optimisers[0], &self.generator_parameters);
        self.discriminator_adam.restore(&snapshot.optimisers[1], &self.discriminator_parameters);
        self.rng = snapshot.rng.clone();
        self.cursor.clone_from(&snapshot.cursor);
        self.iterations = snapshot.count as u32;
        self.next_phase = Phase::DiscriminatorOnReal;
        self.real_gradient_waiting = false;
        self.fake_waiting = None;
    }

    /// The three phases in order: one iteration.
    pub fn iterate(&mut self, set: &MnistSet) -> IterationReport {
        let real = self.train_discriminator_on_real(set);
        let fake = self.train_discriminator_on_fake();
        let generator = self.train_generator();
        IterationReport {
            discriminator_loss: real.loss + fake.loss,
            generator_loss: generator.loss,
            mean_real_score: real.mean_score(),
            mean_fake_score: fake.mean_score(),
        }
    }
}

/// Values of a tensor. In the browser the lesson trains on the CPU, whose reads are complete at
/// once (a WebGPU read there would need awaiting). Natively any backend can be read by blocking,
/// so the cross-backend test (tests/gan_backends_agree.rs) runs this same model on WebGPU.
fn read<B: Backend>(tensor: &Tensor<B>) -> Vec<f32> {
    #[cfg(not(target_arch = "wasm32"))]
    return pollster::block_on(tensor.to_vec());
    #[cfg(target_arch = "wasm32")]
    now_or_never(tensor.to_vec()).expect("this lesson reads from a synchronous backend")
}

pub mod labels;
mod phases;

pub use phases::UnreadIteration;
#[cfg(test)]
mod measure;
#[cfg(test)]
mod tests;
