//! The three phases of one iteration (D on real digits, D on G's fakes, G against D), and the
//! whole iteration queued on a device with its numbers read back later (`QueuedLearner`).

use super::*;

impl<B: Backend> Gan<B> {
    /// D's logits for a batch of images in training, with fresh dropout masks.
    pub(super) fn discriminate(&mut self, images: &Tensor<B>, digits: &[u8], learns: bool) -> Tensor<B> {
        let masks = self.dropout_masks(images.shape()[0] / self.settings.pack);
        self.discriminate_with(images, digits, learns, &masks)
    }

    /// D's logits with these dropout masks, gradients for D's weights only when D `learns`.
    /// Otherwise D's weights are read detached: the gradient still reaches the images through
    /// D's layers, but D's own weights get none. `digits` label the images when conditional.
    pub(crate) fn discriminate_with(&self, images: &Tensor<B>, digits: &[u8], learns: bool, masks: &[Option<Vec<f32>>]) -> Tensor<B> {
        let weights = |t: &Tensor<B>| if learns { t.clone() } else { t.detach() };
        let one_hots = self.label_rows(digits);
        let mut h = self.packed(images);
        let last = self.discriminator.layers.len() - 1;
        for (i, (d, mask)) in self.discriminator.layers.iter().map(Layer::dense).zip(masks).enumerate() {
            let (w, b) = (weights(&d.weights), weights(&d.bias));
            let mut z = h.matmul(&w).add(&b);
            // The label at the input: `one_hot · E`, as if the one-hot were ten more pixels.
            if let (0, Some(one_hots)) = (i, &one_hots) {
                z = z.add(&one_hots.matmul(&weights(&self.label_weights)));
            }
            // The projection: the logit gains `P[digit] · h`, the digit's row of P against D's
            // last features (summed by a product with a column of ones), so D asks "is this a
            // good picture of *that* digit", not only "is this a good picture".
            if let (true, Some(one_hots)) = (i == last, &one_hots) {
                let width = h.shape()[1];
                let ones = self.tensor(&vec![1.0; width], width, 1);
                z = z.add(&one_hots.matmul(&weights(&self.projection)).mul(&h).matmul(&ones));
            }
            if i == last && self.settings.minibatch_spread {
                z = z.add(&self.spread(&h).matmul(&weights(&self.spread_weight)));
            }
            h = d.activation.apply(&z);
            if let Some(mask) = mask {
                h = h.mul(&Tensor::from_values(&self.backend, mask, h.shape()));
            }
        }
        h
    }

    /// The batch's spread as one extra feature per row (`rows × 1`, every row the same): the
    /// variance over the batch of each of `h`'s features, averaged over the features. Built
    /// from matrix products with constant matrices, so autodiff needs no new operation:
    /// `M h` (M all 1/n) puts the batch mean in every row.
    pub(super) fn spread(&self, h: &Tensor<B>) -> Tensor<B> {
        let (rows, features) = (h.shape()[0], h.shape()[1]);
        let mean_of_batch = self.tensor(&vec![1.0 / rows as f32; rows * rows], rows, rows);
        let centred = h.sub(&mean_of_batch.matmul(h));
        let variance = mean_of_batch.matmul(&centred.mul(&centred));
        variance.matmul(&self.tensor(&vec![1.0 / features as f32; features], features, 1))
    }

    /// D's loss on `images`, all with the same label, and its gradient; then an Adam step,
    /// except after a real batch when both batches share one step (`OneForBoth`).
    pub(super) fn train_discriminator(&mut self, phase: Phase, x: Tensor<B>, images: Vec<f32>, label: f32) -> PhaseReport {
        let (loss, logits) = self.discriminator_step(phase, x, label);
        let scores = read(&logits).iter().map(|&l| sigmoid(l as f64)).collect();
        PhaseReport { phase, loss: read(&loss)[0] as f64, images, scores, digits: self.digits_of(phase) }
    }

    /// The digits of a phase's images when conditional: the real batch's labels, or the
    /// digits G was asked for.
    fn digits_of(&self, phase: Phase) -> Vec<u8> {
        if phase == Phase::DiscriminatorOnReal { self.real_digits.clone() } else { self.fake_digits.clone() }
    }

    /// D's loss and logits for this phase, after its gradient (and step), nothing read back.
    pub(super) fn discriminator_step(&mut self, phase: Phase, x: Tensor<B>, label: f32) -> (Tensor<B>, Tensor<B>) {
        let shared = self.settings.discriminator_steps == DiscriminatorSteps::OneForBoth;
        // Keep the real batch's gradient only when the fake batch comes straight after it.
        if !(shared && phase == Phase::DiscriminatorOnFake && self.real_gradient_waiting) {
            self.discriminator_adam.zero_grad(&self.discriminator_parameters);
        }
        let logits = self.discriminate(&x, &self.digits_of(phase), true);
        let loss = logits.binary_cross_entropy_with_logits(&self.labels(label));
        loss.backward();
        self.real_gradient_waiting = shared && phase == Phase::DiscriminatorOnReal;
        if !self.real_gradient_waiting {
            self.discriminator_adam.step(&self.discriminator_parameters);
        }
        (loss, logits)
    }

    /// Phase 1: `−E[log D(x)]` on a batch of real digits (labelled `real_label`).
    pub fn train_discriminator_on_real(&mut self, set: &MnistSet) -> PhaseReport {
        self.fake_waiting = None; // a new iteration: G's step will see the next fake batch
        let images = self.real_batch(set);
        let x = self.tensor(&images, self.batch(), IMAGE_PIXELS);
        self.next_phase = Phase::DiscriminatorOnFake;
        self.train_discriminator(Phase::DiscriminatorOnReal, x, images, self.settings.real_label)
    }

    /// G's images for a fresh batch of noise (and, when conditional, of digits asked for,
    /// kept in `fake_digits`), recording G's graph.
    pub(super) fn draw_fakes(&mut self) -> Tensor<B> {
        let (n, latent) = (self.batch(), self.settings.latent);
        let z = noise(&mut self.rng, n, latent);
        self.fake_digits = if self.settings.conditional { labels::random_digits(&mut self.rng, n) } else { Vec::new() };
        self.generator.forward(&self.generator_input(&z, &self.fake_digits))
    }

    /// Phase 2: `−E[log(1 − D(G(z)))]` on a batch of G's images; G does not change. D reads
    /// the images detached (no gradient reaches G here); the batch waits for G's step.
    pub fn train_discriminator_on_fake(&mut self) -> PhaseReport {
        let fakes = self.draw_fakes();
        let images = read(&fakes);
        self.next_phase = Phase::Generator;
        let report = self.train_discriminator(Phase::DiscriminatorOnFake, fakes.detach(), images, 0.0);
        self.fake_waiting = Some(fakes);
        report
    }

    /// Phase 3: one Adam step of G on the chosen generator loss; D does not change. G's images
    /// are phase 2's batch when one is waiting (its G has not changed since), else fresh ones.
    pub fn train_generator(&mut self) -> PhaseReport {
        self.real_gradient_waiting = false;
        let images = match self.fake_waiting.take() {
            Some(images) => images,
            None => self.draw_fakes(),
        };
        let (loss, logits) = self.generator_step(&images);
        let scores = read(&logits).iter().map(|&l| sigmoid(l as f64)).collect();
        PhaseReport { phase: Phase::Generator, loss: read(&loss)[0] as f64, images: read(&images), scores, digits: self.fake_digits.clone() }
    }

    /// G's loss and D's logits for G's images, after G's step, nothing read back.
    pub(super) fn generator_step(&mut self, images: &Tensor<B>) -> (Tensor<B>, Tensor<B>) {
        self.generator_adam.zero_grad(&self.generator_parameters);
        // `predict` reads D's weights detached: the gradient reaches G's images through D's
        // layers, but D's own weights get none and stay as they are.
        let digits = self.fake_digits.clone();
        let logits = self.discriminate(images, &digits, false);
        let loss = match self.settings.generator_loss {
            GeneratorLoss::NonSaturating => logits.binary_cross_entropy_with_logits(&self.labels(1.0)),
            // E[log(1 − D)] = −BCE(D, 0)
            GeneratorLoss::Minimax => logits.binary_cross_entropy_with_logits(&self.labels(0.0)).scale(-1.0),
        };
        loss.backward();
        self.generator_adam.step(&self.generator_parameters);
        self.iterations += 1;
        self.update_average();
        self.next_phase = Phase::DiscriminatorOnReal;
        (loss, logits)
    }

    /// Runs whichever phase comes next (for stepping through one at a time).
    pub fn run_phase(&mut self, phase: Phase, set: &MnistSet) -> PhaseReport {
        match phase {
            Phase::DiscriminatorOnReal => self.train_discriminator_on_real(set),
            Phase::DiscriminatorOnFake => self.train_discriminator_on_fake(),
            Phase::Generator => self.train_generator(),
        }
    }

    /// One whole iteration with nothing read back, as on a GPU, where a read waits for the
    /// device: G's loss, still on the device. The same arithmetic as [`Gan::iterate`] (the
    /// Lab times it on both backends).
    pub fn iterate_unread(&mut self, set: &MnistSet) -> Tensor<B> {
        self.iterate_queued(set).generator_loss
    }

    /// One whole iteration with what each phase reports left on the device: the same
    /// arithmetic as [`Gan::iterate`], whose reports [`UnreadIteration::phases`] rebuilds.
    pub fn iterate_queued(&mut self, set: &MnistSet) -> UnreadIteration<B> {
        self.fake_waiting = None;
        let real = self.real_batch(set);
        let x = self.tensor(&real, self.batch(), IMAGE_PIXELS);
        let (real_loss, real_logits) = self.discriminator_step(Phase::DiscriminatorOnReal, x, self.settings.real_label);
        let fakes = self.draw_fakes();
        let (fake_loss, fake_logits) = self.discriminator_step(Phase::DiscriminatorOnFake, fakes.detach(), 0.0);
        self.real_gradient_waiting = false;
        let (generator_loss, generator_logits) = self.generator_step(&fakes);
        UnreadIteration { real_loss, real_logits, fake_loss, fake_logits, generator_loss, generator_logits }
    }
}

/// One iteration's losses and D's logits (before each phase's update), still on the device.
pub struct UnreadIteration<B: Backend> {
    pub real_loss: Tensor<B>,
    pub real_logits: Tensor<B>,
    pub fake_loss: Tensor<B>,
    pub fake_logits: Tensor<B>,
    pub generator_loss: Tensor<B>,
    pub generator_logits: Tensor<B>,
}

impl<B: Backend> UnreadIteration<B> {
    /// The tensors to read, in the order [`UnreadIteration::phases`] expects their numbers.
    pub(super) fn into_reads(self) -> Vec<Tensor<B>> {
        vec![self.generator_loss, self.real_loss, self.real_logits, self.fake_loss, self.fake_logits, self.generator_logits]
    }

    /// The three phases' reports from the numbers read back (in [`UnreadIteration::into_reads`]'s
    /// order), as [`Gan::run_phase`] makes them but without the images (the curves need none).
    pub fn phases(values: &[Vec<f32>]) -> [PhaseReport; 3] {
        let number = |i: usize| values.get(i).and_then(|v| v.first()).map_or(f64::NAN, |&l| l as f64);
        let scores = |i: usize| values.get(i).map(|v| v.iter().map(|&l| sigmoid(l as f64)).collect()).unwrap_or_default();
        let report = |phase, loss, logits| PhaseReport { phase, loss: number(loss), images: Vec::new(), scores: scores(logits), digits: Vec::new() };
        [report(Phase::DiscriminatorOnReal, 1, 2), report(Phase::DiscriminatorOnFake, 3, 4), report(Phase::Generator, 0, 5)]
    }
}

/// On a GPU a whole iteration is queued, and its reports come back when the slice ends. The
/// slice ends at every judging iteration (the judge reads the run there).
impl<B: Backend> QueuedLearner<B> for Gan<B> {
    type Data = MnistSet;
    type Kept = ();

    fn queue_step(&mut self, set: &MnistSet) -> Queued<B, ()> {
        let read = self.iterate_queued(set).into_reads();
        Queued { read, kept: (), samples: 1, end_slice: self.iterations.is_multiple_of(crate::lessons::gan::curves::JUDGE_EVERY) }
    }

    fn steps(&self) -> u32 {
        self.iterations
    }

    fn snapshot(&self) -> impl std::future::Future<Output = Snapshot> {
        Gan::snapshot(self)
    }
}
