//! The training loop of the digits lesson, step by step so the page can run a few steps per
//! animation frame and stay responsive: shuffled epochs over the training set, mini-batches,
//! Adam, and accuracy on test images.

use crate::engine::layers::Module;
use crate::data::mnist::{MnistSet, CLASSES, IMAGE_PIXELS};
use crate::engine::layers::Sequential;
use crate::engine::optim::Optimiser;
use crate::engine::rng::Pcg32;
use crate::engine::poll::now_or_never;
use crate::engine::training::{EpochCursor, Learner, OneOptimiserRun, Queued, QueuedLearner};
use crate::engine::{one_hot, Backend, CpuBackend, Tensor};

use super::Settings;

/// Everything it takes to go on training elsewhere (on the CPU when the GPU is lost, in the
/// training worker): the weights, Adam's state, and where in which shuffled epoch the run is.
pub use crate::engine::training::Snapshot;

pub struct Trainer<B: Backend> {
    backend: B,
    pub settings: Settings,
    pub model: Sequential<B>,
    /// Its parameters, optimiser, generator and place in the epochs: what a snapshot copies.
    /// The trainer derefs to it, so `steps()`, `epoch()`, `snapshot()`… are read straight off.
    run: OneOptimiserRun<B>,
    pixels: Vec<f32>,
    labels: Vec<u8>,
}

crate::one_optimiser_run_deref!(Trainer);

impl<B: Backend + Clone> Trainer<B> {
    /// Steps taken so far (here too, since `Learner` and `QueuedLearner` also name a `steps`).
    pub fn steps(&self) -> u32 {
        self.run.steps()
    }

    /// A freshly initialised network; the same seed gives the same weights and the same order.
    pub fn new(backend: &B, settings: Settings, train_count: usize) -> Self {
        let mut rng = Pcg32::from_seed(settings.seed);
        let model = Sequential::new(backend, &settings.specs(), &mut rng);
        let parameters = model.parameters();
        let cursor = EpochCursor::new(0..train_count, &mut rng);
        Trainer {
            backend: backend.clone(),
            run: OneOptimiserRun { parameters, optimiser: Optimiser::new(settings.optimiser, settings.learning_rate), rng, cursor },
            settings,
            model,
            pixels: Vec::new(),
            labels: Vec::new(),
        }
    }

    /// Continues from a model loaded from a file or this browser's storage; the settings say
    /// how to go on training it (their layer sizes must match the model's).
    pub fn with_model(backend: &B, settings: Settings, model: Sequential<B>, train_count: usize) -> Self {
        let mut trainer = Trainer::new(backend, Settings { convolutions: vec![], hidden: vec![], ..settings.clone() }, train_count);
        trainer.run.parameters = model.parameters();
        trainer.model = model;
        trainer.settings = settings;
        trainer
    }



    /// A trainer on `backend` that continues the run in `snapshot`.
    pub fn from_snapshot(backend: &B, settings: Settings, snapshot: &Snapshot) -> Self {
        let mut trainer = Trainer::new(backend, settings, snapshot.cursor.len());
        trainer.restore(snapshot);
        trainer
    }




    pub fn steps_per_epoch(&self) -> usize {
        self.run.cursor.steps_per_epoch(self.settings.batch_size)
    }

    /// One mini-batch step; returns the loss tensor (read it to wait for the device). The last
    /// batch of an epoch may be smaller; then a new shuffled epoch begins.
    pub fn step(&mut self, train: &MnistSet) -> Tensor<B> {
        let (_, x, targets) = self.next_batch(train);
        self.zero_grad();
        let loss = self.model.forward(&x).softmax_cross_entropy(&targets);
        loss.backward();
        self.apply_update();
        loss
    }

    /// The next mini-batch: its image indices, pixels and one-hot targets. Moves through the
    /// epoch; after its last batch (which may be smaller) a new shuffled epoch begins.
    pub(super) fn next_batch(&mut self, train: &MnistSet) -> (Vec<usize>, Tensor<B>, Tensor<B>) {
        let indices = self.run.cursor.next_batch(self.settings.batch_size, &mut self.run.rng);
        let n = indices.len();
        self.pixels.resize(n * IMAGE_PIXELS, 0.0);
        self.labels.resize(n, 0);
        train.write_batch_f32(&indices, &mut self.pixels, &mut self.labels);
        let labels: Vec<usize> = self.labels.iter().map(|&l| l as usize).collect();
        let x = Tensor::from_values(&self.backend, &self.pixels, &[n, IMAGE_PIXELS]);
        let targets = Tensor::from_values(&self.backend, &one_hot(&labels, CLASSES), &[n, CLASSES]);
        (indices, x, targets)
    }

    pub(super) fn zero_grad(&self) {
        self.run.optimiser.zero_grad(&self.run.parameters);
    }

    pub(super) fn apply_update(&mut self) {
        self.run.optimiser.step(&self.run.parameters);
    }

    /// The predicted digit for test images `first..first + count` (probabilities' argmax),
    /// evaluated in chunks so memory stays small.
    pub async fn predictions(&self, test: &MnistSet, first: usize, count: usize) -> Vec<u8> {
        const CHUNK: usize = 1000;
        let mut out = Vec::with_capacity(count);
        let mut pixels = vec![0.0; CHUNK * IMAGE_PIXELS];
        let mut labels = vec![0u8; CHUNK];
        let mut start = first;
        while start < first + count {
            let n = CHUNK.min(first + count - start);
            let indices: Vec<usize> = (start..start + n).collect();
            test.write_batch_f32(&indices, &mut pixels[..n * IMAGE_PIXELS], &mut labels[..n]);
            let x = Tensor::from_values(&self.backend, &pixels[..n * IMAGE_PIXELS], &[n, IMAGE_PIXELS]);
            let logits = self.model.predict(&x).to_vec().await;
            out.extend(logits.chunks_exact(CLASSES).map(argmax));
            start += n;
        }
        out
    }

    /// The ten probabilities for each of the given test images (say, the ones it misreads).
    pub async fn probabilities_of(&self, test: &MnistSet, indices: &[usize]) -> Vec<Vec<f64>> {
        if indices.is_empty() {
            return Vec::new();
        }
        let mut pixels = vec![0.0; indices.len() * IMAGE_PIXELS];
        let mut labels = vec![0u8; indices.len()];
        test.write_batch_f32(indices, &mut pixels, &mut labels);
        let x = Tensor::from_values(&self.backend, &pixels, &[indices.len(), IMAGE_PIXELS]);
        let logits = self.model.predict(&x).to_vec().await;
        logits.chunks_exact(CLASSES).map(probabilities).collect()
    }

    /// Fraction of test images `first..first + count` classified correctly.
    pub async fn accuracy(&self, test: &MnistSet, first: usize, count: usize) -> f64 {
        let predicted = self.predictions(test, first, count).await;
        let correct = predicted.iter().enumerate().filter(|&(i, &p)| p == test.label(first + i)).count();
        correct as f64 / count as f64
    }
}

/// One step as the training driver sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DigitsStep {
    pub loss: f64,
    pub images: usize,
    /// The step ended an epoch (the page checks all test images then).
    pub epoch_ended: bool,
    /// The page checks the test accuracy after this step: an epoch ended, or a check step.
    pub check_due: bool,
}

/// Test accuracy on the first 1,000 test images every this many steps.
pub const CHECK_EVERY: u32 = 200;

crate::engine::training::cross_entropy_outcome!(DigitsStep, loss, images);

impl<B: Backend> Trainer<B> {
    /// One step, its loss still on the device, with what the page counts: the images it used,
    /// whether it ended an epoch, whether a check is due after it.
    fn counted_step(&mut self, train: &MnistSet) -> (Tensor<B>, DigitsStep) {
        let epoch = self.epoch();
        let images = (self.settings.batch_size).min(self.run.cursor.len() - self.position());
        let loss = Trainer::step(self, train);
        let epoch_ended = self.epoch() > epoch;
        (loss, DigitsStep { loss: f64::NAN, images, epoch_ended, check_due: epoch_ended || self.steps().is_multiple_of(CHECK_EVERY) })
    }
}

/// On the CPU a step's loss is ready at once, so the driver can read every one.
impl Learner for Trainer<CpuBackend> {
    type Data = MnistSet;
    type Outcome = DigitsStep;

    fn step(&mut self, train: &MnistSet) -> DigitsStep {
        let (loss, step) = self.counted_step(train);
        DigitsStep { loss: now_or_never(loss.to_vec()).map_or(f64::NAN, |v| v[0] as f64), ..step }
    }

    fn steps(&self) -> u32 {
        self.run.steps()
    }
}

/// On a GPU the losses stay on the device until the slice ends (see `engine::training::queued`).
impl<B: Backend> QueuedLearner<B> for Trainer<B> {
    type Data = MnistSet;
    type Kept = DigitsStep;

    fn queue_step(&mut self, train: &MnistSet) -> Queued<B, DigitsStep> {
        let (loss, step) = self.counted_step(train);
        Queued { read: vec![loss], samples: step.images, end_slice: step.check_due, kept: step }
    }

    fn steps(&self) -> u32 {
        self.run.steps()
    }

    fn snapshot(&self) -> impl std::future::Future<Output = Snapshot> {
        self.run.snapshot()
    }
}

/// Loss no better than guessing one of ten digits at random: ln 10 = 2.303, less a margin.
pub const GUESSING_LOSS: f64 = 2.25;
/// Steps before "not learning" is judged: a slow but healthy run is well below guessing by then.
pub const JUDGE_AFTER_STEPS: u32 = 300;

/// Whether a run that has taken `steps` steps with recent mean loss `loss` has stopped learning.
/// Measured (native, real MNIST, 784-64-10 ReLU): Adam at learning rate 10 and SGD at 10 sit at
/// 2.3–3.4 after 300 steps, SGD at 100 near 40; the default run is near 0.3 by step 300.
pub fn not_learning(steps: u32, loss: f64) -> bool {
    steps >= JUDGE_AFTER_STEPS && loss >= GUESSING_LOSS
}

/// Softmax in f64, shifted by the largest logit so large logits cannot overflow.
pub fn probabilities(logits: &[f32]) -> Vec<f64> {
    let max = logits.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b)) as f64;
    let exps: Vec<f64> = logits.iter().map(|&z| (z as f64 - max).exp()).collect();
    let sum: f64 = exps.iter().sum();
    exps.iter().map(|e| e / sum).collect()
}

pub(super) use crate::lessons::shared::probability::argmax;

/// Synthetic digits for tests: image i's pixels are (k·37) mod 256 over the whole set.
#[cfg(test)]
fn toy_digits(count: usize) -> MnistSet {
    MnistSet { images: (0..count * IMAGE_PIXELS).map(|i| (i * 37 % 256) as u8).collect(), labels: (0..count).map(|i| (i % 10) as u8).collect(), count }
}

#[cfg(test)]
mod tests;
