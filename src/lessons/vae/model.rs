//! The VAE: an encoder `x → h → (μ, log σ²)`, a point drawn as `z = μ + σ·ε` (the
//! reparameterisation: the randomness is an input ε, so gradients reach μ and σ), and a decoder
//! `z → h → logits` of the 784 pixels. Its loss per image is the negative ELBO:
//!
//! - reconstruction: the binary cross-entropy of the pixels (in [0, 1]) against σ(logits),
//!   summed over the 784 pixels;
//! - KL(N(μ, σ²) ‖ N(0, I)) in closed form, `½ Σⱼ (μⱼ² + σⱼ² − log σⱼ² − 1)`, times β.
//!
//! Both are built from the engine's ops (matmul, exp, mul, the BCE loss), so the model runs on
//! either backend. ε comes from the run's own seeded generator, so a snapshot resumes exactly.

use crate::data::mnist::{MnistSet, IMAGE_PIXELS};
use crate::engine::layers::{Activation, Dense, Module};
use crate::engine::optim::{Method, Optimiser};
use crate::engine::poll::now_or_never;
use crate::engine::rng::Pcg32;
use crate::engine::training::{blown_up, EpochCursor, Learner, OneOptimiserRun, StepOutcome};
use crate::engine::{Backend, CpuBackend, Tensor};

use super::Settings;

pub use crate::engine::training::Snapshot;

pub struct Vae<B: Backend> {
    backend: B,
    pub settings: Settings,
    /// `x → h`, ReLU.
    pub encoder: Dense<B>,
    /// `h → μ`.
    pub mean: Dense<B>,
    /// `h → log σ²` (the log keeps σ² positive without a constraint).
    pub log_variance: Dense<B>,
    /// `z → h`, ReLU.
    pub decoder: Dense<B>,
    /// `h → logits` of the 784 pixels.
    pub drawing: Dense<B>,
    run: OneOptimiserRun<B>,
    pixels: Vec<f32>,
    labels: Vec<u8>,
}

crate::one_optimiser_run_deref!(Vae);

/// One forward pass, every piece still in the graph (a test reads them; a step calls
/// `backward()` on `loss`).
pub struct Pass<B: Backend> {
    pub mean: Tensor<B>,
    pub log_variance: Tensor<B>,
    pub z: Tensor<B>,
    pub logits: Tensor<B>,
    /// The reconstruction term, nats per image (the batch's mean).
    pub reconstruction: Tensor<B>,
    /// `mean over the batch and j of (μⱼ² + σⱼ² − log σⱼ²)`: the KL term per image is
    /// `½·latent·(this − 1)` (see [`kl_per_image`]); the constant stays out of the graph.
    pub kl_sum: Tensor<B>,
    /// reconstruction + β·KL (up to the KL's constant): what training minimises.
    pub loss: Tensor<B>,
}

/// The KL term per image from a pass's `kl_sum` value.
pub fn kl_per_image(kl_sum: f64, latent: usize) -> f64 {
    0.5 * latent as f64 * (kl_sum - 1.0)
}

/// The two terms of the negative ELBO, nats per image.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Terms {
    pub reconstruction: f64,
    pub kl: f64,
}

impl Terms {
    /// The negative ELBO (β = 1): what "nats per image" means on the curves.
    pub fn total(&self) -> f64 {
        self.reconstruction + self.kl
    }
}

/// Evaluation draws its ε from this stream of the seed, the same at every check, so two checks
/// differ only because the model changed.
const EVALUATION_STREAM: u64 = 0x7ae;

impl<B: Backend> Vae<B> {
    /// A freshly initialised VAE; the same seed gives the same weights, batches and ε.
    pub fn new(backend: &B, settings: Settings, train_count: usize) -> Self {
        let mut rng = Pcg32::from_seed(settings.seed);
        let (latent, hidden) = (settings.latent, settings.hidden);
        let encoder = Dense::new(backend, IMAGE_PIXELS, hidden, Activation::Relu, &mut rng);
        let mean = Dense::new(backend, hidden, latent, Activation::Identity, &mut rng);
        let log_variance = Dense::new(backend, hidden, latent, Activation::Identity, &mut rng);
        let decoder = Dense::new(backend, latent, hidden, Activation::Relu, &mut rng);
        let drawing = Dense::new(backend, hidden, IMAGE_PIXELS, Activation::Identity, &mut rng);
        let parameters = [&encoder, &mean, &log_variance, &decoder, &drawing].iter().flat_map(|d| d.parameters()).collect();
        let cursor = EpochCursor::new(0..train_count, &mut rng);
        let optimiser = Optimiser::new(Method::adam(), settings.learning_rate);
        Vae {
            backend: backend.clone(),
            run: OneOptimiserRun { parameters, optimiser, rng, cursor },
            settings,
            encoder,
            mean,
            log_variance,
            decoder,
            drawing,
            pixels: Vec::new(),
            labels: Vec::new(),
        }
    }

    /// Steps taken so far (Adam's t).
    pub fn steps(&self) -> u32 {
        self.run.steps()
    }

    /// μ and log σ² of each row of `x` (`[rows, 784]`, pixels in [0, 1]).
    pub fn encode(&self, x: &Tensor<B>) -> (Tensor<B>, Tensor<B>) {
        let h = self.encoder.forward(x);
        (self.mean.forward(&h), self.log_variance.forward(&h))
    }

    /// The pixel logits the decoder draws for each row of `z` (`[rows, latent]`).
    pub fn decode(&self, z: &Tensor<B>) -> Tensor<B> {
        self.drawing.forward(&self.decoder.forward(z))
    }

    /// The whole forward pass of `x` (`[rows, 784]`) with the noise ε given (`rows × latent`).
    pub fn pass(&self, x: &Tensor<B>, noise: &[f32]) -> Pass<B> {
        let rows = x.shape()[0];
        let (mean, log_variance) = self.encode(x);
        let epsilon = Tensor::from_values(&self.backend, noise, &[rows, self.settings.latent]);
        let sigma = log_variance.scale(0.5).exp();
        let z = mean.add(&sigma.mul(&epsilon));
        let logits = self.decode(&z);
        // The loss op averages over every pixel; the term is a sum over an image's pixels.
        let reconstruction = logits.binary_cross_entropy_with_logits(x).scale(IMAGE_PIXELS as f32);
        let kl_sum = mean.mul(&mean).add(&log_variance.exp()).sub(&log_variance).mean();
        let loss = reconstruction.add(&kl_sum.scale(0.5 * self.settings.latent as f32 * self.settings.beta));
        Pass { mean, log_variance, z, logits, reconstruction, kl_sum, loss }
    }

    /// `rows × latent` draws of ε from the run's generator.
    fn noise(rng: &mut Pcg32, rows: usize, latent: usize) -> Vec<f32> {
        (0..rows * latent).map(|_| rng.normal()).collect()
    }

    /// The next batch's pixels and labels, from the shuffled epoch.
    fn batch(&mut self, set: &MnistSet, indices: &[usize]) -> Tensor<B> {
        self.pixels.resize(indices.len() * IMAGE_PIXELS, 0.0);
        self.labels.resize(indices.len(), 0);
        set.write_batch_f32(indices, &mut self.pixels, &mut self.labels);
        Tensor::from_values(&self.backend, &self.pixels, &[indices.len(), IMAGE_PIXELS])
    }

    /// One step on the next mini-batch: forward with fresh ε, backward, Adam. Returns the pass
    /// (read its terms to wait for the device) and how many images it used.
    pub fn train_step(&mut self, train: &MnistSet) -> (Pass<B>, usize) {
        let indices = self.run.cursor.next_batch(self.settings.batch_size, &mut self.run.rng);
        let x = self.batch(train, &indices);
        let noise = Self::noise(&mut self.run.rng, indices.len(), self.settings.latent);
        self.run.optimiser.zero_grad(&self.run.parameters);
        let pass = self.pass(&x, &noise);
        pass.loss.backward();
        self.run.optimiser.step(&self.run.parameters);
        (pass, indices.len())
    }

    /// The negative ELBO's two terms on `indices` of `set`, averaged per image, with ε from
    /// the evaluation stream (the same draws at every check), in chunks so memory stays small.
    pub async fn evaluate(&mut self, set: &MnistSet, indices: &[usize]) -> Terms {
        const CHUNK: usize = 1000;
        let mut rng = Pcg32::new(self.settings.seed, EVALUATION_STREAM);
        let mut sums = Terms::default();
        for chunk in indices.chunks(CHUNK) {
            let x = self.batch(set, chunk);
            let noise = Self::noise(&mut rng, chunk.len(), self.settings.latent);
            let pass = self.pass(&x, &noise);
            let (reconstruction, kl_sum) = (pass.reconstruction.to_vec(), pass.kl_sum.to_vec());
            let n = chunk.len() as f64;
            sums.reconstruction += reconstruction.await[0] as f64 * n;
            sums.kl += kl_per_image(kl_sum.await[0] as f64, self.settings.latent) * n;
        }
        let n = indices.len().max(1) as f64;
        Terms { reconstruction: sums.reconstruction / n, kl: sums.kl / n }
    }

    /// μ and log σ² of each of `indices` of `set`, row after row (`latent` numbers each).
    pub async fn encode_images(&mut self, set: &MnistSet, indices: &[usize]) -> (Vec<f32>, Vec<f32>) {
        let x = self.batch(set, indices);
        let (mean, log_variance) = self.encode(&x);
        let (mean, log_variance) = (mean.to_vec(), log_variance.to_vec());
        (mean.await, log_variance.await)
    }

    /// The decoder's pixel logits for each row of `z`.
    pub async fn logits(&self, z: &[f32]) -> Vec<f32> {
        let rows = z.len() / self.settings.latent;
        self.decode(&Tensor::from_values(&self.backend, z, &[rows, self.settings.latent])).to_vec().await
    }

    /// The pixels (σ of the logits, in [0, 1]) the decoder draws for each row of `z`.
    pub async fn draw(&self, z: &[f32]) -> Vec<f32> {
        let rows = z.len() / self.settings.latent;
        let logits = self.decode(&Tensor::from_values(&self.backend, z, &[rows, self.settings.latent]));
        logits.sigmoid().to_vec().await
    }
}

/// One step as the training driver sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VaeStep {
    pub terms: Terms,
    /// reconstruction + β·KL: what the step minimised.
    pub loss: f64,
    pub images: usize,
}

impl StepOutcome for VaeStep {
    fn loss(&self) -> f64 {
        self.loss
    }
    fn samples(&self) -> usize {
        self.images
    }
    /// Not a number, or a reconstruction beyond the cross-entropy's sane range per pixel.
    fn blown_up(&self) -> bool {
        !self.loss.is_finite() || blown_up(self.terms.reconstruction / IMAGE_PIXELS as f64)
    }
}

/// On the CPU a step's terms are ready at once.
impl Learner for Vae<CpuBackend> {
    type Data = MnistSet;
    type Outcome = VaeStep;

    fn step(&mut self, train: &MnistSet) -> VaeStep {
        let (pass, images) = self.train_step(train);
        let read = |t: &Tensor<CpuBackend>| now_or_never(t.to_vec()).map_or(f64::NAN, |v| v[0] as f64);
        let terms = Terms { reconstruction: read(&pass.reconstruction), kl: kl_per_image(read(&pass.kl_sum), self.settings.latent) };
        VaeStep { terms, loss: terms.reconstruction + self.settings.beta as f64 * terms.kl, images }
    }

    fn steps(&self) -> u32 {
        self.run.steps()
    }
}

#[cfg(test)]
mod tests;
