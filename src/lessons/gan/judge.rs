//! The judge: a digit classifier (the MNIST lesson's network) reads generated images. Which
//! digits come out, and how sure the classifier is, tells whether G draws all ten digits
//! clearly or has collapsed onto a few.

use crate::data::mnist::{MnistSet, CLASSES, IMAGE_PIXELS};
use crate::engine::layers::Sequential;
use crate::engine::poll::now_or_never;
use crate::engine::{Backend, Tensor};
use crate::lessons::mnist::trainer::probabilities;

/// The targets: mean top-class confidence at least 0.8, every digit at least 4%.
pub const TARGET_CONFIDENCE: f64 = 0.8;
pub const TARGET_SHARE: f64 = 0.04;
/// The conditional GAN's targets: the judge reads the digit asked for in at least 90% of the
/// samples, averaged over the ten digits, and in at least 75% for every digit.
pub const TARGET_ASKED_MEAN: f64 = 0.9;
pub const TARGET_ASKED_WORST: f64 = 0.75;

/// How often the judge reads the digit a conditional G was asked for, digit by digit.
#[derive(Clone, Debug, PartialEq)]
pub struct Asked {
    /// Images the judge read as the digit asked for.
    pub hits: [usize; CLASSES],
    /// Images asked for, per digit.
    pub asked: [usize; CLASSES],
}

impl Asked {
    /// The share of images asked to be digit `d` that the judge reads as `d`.
    pub fn share(&self, d: usize) -> f64 {
        self.hits[d] as f64 / self.asked[d].max(1) as f64
    }

    /// The shares' mean over the digits asked for (each digit counts the same).
    pub fn mean_share(&self) -> f64 {
        let asked: Vec<usize> = (0..CLASSES).filter(|&d| self.asked[d] > 0).collect();
        asked.iter().map(|&d| self.share(d)).sum::<f64>() / asked.len().max(1) as f64
    }

    /// The digit read as asked least often, and its share.
    pub fn worst(&self) -> (usize, f64) {
        (0..CLASSES).filter(|&d| self.asked[d] > 0).map(|d| (d, self.share(d))).fold((0, f64::INFINITY), |w, x| if x.1 < w.1 { x } else { w })
    }

    pub fn meets_target(&self) -> bool {
        self.mean_share() >= TARGET_ASKED_MEAN && self.worst().1 >= TARGET_ASKED_WORST
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// How many images the classifier reads as each digit.
    pub counts: [usize; CLASSES],
    /// Mean over images of the classifier's largest probability.
    pub mean_confidence: f64,
    /// For a conditional G: how often each digit asked for was read as that digit.
    pub asked: Option<Asked>,
}

impl Verdict {
    /// From rows of 10 logits, one row per image.
    pub fn from_logits(logits: &[f32]) -> Verdict {
        let mut counts = [0; CLASSES];
        let mut confidence = 0.0;
        let rows = logits.chunks_exact(CLASSES);
        let n = rows.len();
        for row in rows {
            let p = probabilities(row);
            let (best, top) = p.iter().enumerate().fold((0, f64::MIN), |b, (i, &v)| if v > b.1 { (i, v) } else { b });
            counts[best] += 1;
            confidence += top;
        }
        Verdict { counts, mean_confidence: confidence / n.max(1) as f64, asked: None }
    }

    /// From rows of 10 logits and the digit each image was asked to be.
    pub fn from_asked(logits: &[f32], digits: &[u8]) -> Verdict {
        let mut asked = Asked { hits: [0; CLASSES], asked: [0; CLASSES] };
        for (row, &d) in logits.chunks_exact(CLASSES).zip(digits) {
            asked.asked[d as usize] += 1;
            asked.hits[d as usize] += usize::from(top_class(row) == d as usize);
        }
        Verdict { asked: Some(asked), ..Verdict::from_logits(logits) }
    }

    pub fn samples(&self) -> usize {
        self.counts.iter().sum()
    }

    /// The share of the rarest digit.
    pub fn smallest_share(&self) -> f64 {
        *self.counts.iter().min().unwrap() as f64 / self.samples().max(1) as f64
    }

    /// The conditional target when G was asked for digits, else the confidence and variety one.
    pub fn meets_target(&self) -> bool {
        match &self.asked {
            Some(asked) => asked.meets_target(),
            None => self.mean_confidence >= TARGET_CONFIDENCE && self.smallest_share() >= TARGET_SHARE,
        }
    }
}

/// The class with the largest logit (the first of equals).
fn top_class(row: &[f32]) -> usize {
    row.iter().enumerate().fold(0, |b, (j, &v)| if v > row[b] { j } else { b })
}

/// Classifies G's images (rows of 784 values in [−1, 1]); the classifier was trained on
/// intensities in [0, 1], so each pixel is mapped back by (v + 1) / 2. With `digits` (one per
/// image, from a conditional G), the verdict also says how often each was read as asked.
pub fn judge_images<B: Backend>(classifier: &Sequential<B>, images: &[f32], digits: &[u8]) -> Verdict {
    let rows = images.len() / IMAGE_PIXELS;
    let backend = classifier.layers.first().map(|layer| layer.dense().weights.backend().clone());
    let Some(backend) = backend else { return Verdict::from_logits(&[]) };
    let unit: Vec<f32> = images.iter().map(|v| (v + 1.0) * 0.5).collect();
    let logits = classifier.predict(&Tensor::from_values(&backend, &unit, &[rows, IMAGE_PIXELS]));
    let logits = now_or_never(logits.to_vec()).expect("the judge runs on a synchronous backend");
    if digits.is_empty() { Verdict::from_logits(&logits) } else { Verdict::from_asked(&logits, digits) }
}

/// Share of the first `count` images of `set` (intensities in [0, 1]) the classifier reads as
/// their label: how far the judge itself can be trusted.
pub fn accuracy<B: Backend>(classifier: &Sequential<B>, set: &MnistSet, count: usize) -> f64 {
    let count = count.min(set.count);
    let Some(crate::engine::layers::Layer::Dense(first)) = classifier.layers.first() else { return 0.0 };
    let pixels: Vec<f32> = (0..count).flat_map(|i| set.image_f32(i)).collect();
    let x = Tensor::from_values(first.weights.backend(), &pixels, &[count, IMAGE_PIXELS]);
    let logits = now_or_never(classifier.predict(&x).to_vec()).unwrap_or_default();
    let correct = logits.chunks_exact(CLASSES).enumerate().filter(|(i, row)| top_class(row) == set.label(*i) as usize);
    correct.count() as f64 / count.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::layers::Activation;
    use crate::engine::rng::Pcg32;
    use crate::engine::CpuBackend;

    #[test]
    fn counts_and_confidence_match_softmax_worked_by_hand() {
        // Row 1: logits ln 1, ln 3 on digits 0, 1 (others −∞-ish): p = 1/4, 3/4 → digit 1, 0.75.
        // Row 2: all equal: p = 1/10 each, argmax is the first → digit 0, 0.1.
        let mut logits = vec![-1e4f32; 20];
        logits[0] = 0.0;
        logits[1] = 3f32.ln();
        logits[10..20].fill(0.0);
        let v = Verdict::from_logits(&logits);
        assert_eq!(v.counts, [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert!((v.mean_confidence - (0.75 + 0.1) / 2.0).abs() < 1e-6, "{}", v.mean_confidence);
        assert_eq!(v.samples(), 2);
        assert_eq!(v.smallest_share(), 0.0);
        assert!(!v.meets_target());
    }

    #[test]
    fn the_target_needs_both_confidence_and_every_digit() {
        let even = Verdict { counts: [100; 10], mean_confidence: 0.85, asked: None };
        assert!(even.meets_target());
        let unsure = Verdict { mean_confidence: 0.79, ..even.clone() };
        assert!(!unsure.meets_target());
        let mut counts = [104; 10];
        counts[3] = 30; // 30 of 966 images: 3.1%
        let collapsed = Verdict { counts, mean_confidence: 0.9, asked: None };
        assert!(collapsed.smallest_share() < 0.04 && !collapsed.meets_target());
    }

    #[test]
    fn shares_read_as_asked_are_counted_per_digit_and_averaged_over_digits() {
        // Five images, each row's largest logit marks the digit read: 3, 3, 7, 7, 0.
        // Asked: 3, 3, 7, 1, 0. Digit 3: 2 of 2; 7: 1 of 1; 1: 0 of 1; 0: 1 of 1.
        let mut logits = vec![0.0f32; 50];
        for (row, read) in [3, 3, 7, 7, 0].into_iter().enumerate() {
            logits[row * 10 + read] = 5.0;
        }
        let v = Verdict::from_asked(&logits, &[3, 3, 7, 1, 0]);
        let asked = v.asked.clone().unwrap();
        assert_eq!((asked.share(3), asked.share(7), asked.share(1), asked.share(0)), (1.0, 1.0, 0.0, 1.0));
        // Mean over the four digits asked for (not over images): (1 + 1 + 0 + 1) / 4.
        assert_eq!(asked.mean_share(), 0.75);
        assert_eq!(asked.worst(), (1, 0.0));
        assert!(!v.meets_target());
        assert_eq!(v.counts[7], 2, "the plain counts are kept too");
        // 91% everywhere but one digit at 80%: mean 0.899, below 0.9; all at 90% and one at
        // 75%: mean 0.885; 95% and one at 76%: both targets met.
        let at = |shares: [usize; 10]| Asked { hits: shares, asked: [100; 10] };
        assert!(!at([91, 91, 91, 91, 91, 91, 91, 91, 91, 80]).meets_target());
        assert!(!at([90, 90, 90, 90, 90, 90, 90, 90, 90, 75]).meets_target());
        assert!(at([95, 95, 95, 95, 95, 95, 95, 95, 95, 76]).meets_target());
    }

    #[test]
    fn accuracy_counts_images_read_as_their_label() {
        // Logit k = 0.01·k·Σ intensities: a blank image reads as 0 (ties go to the first), a
        // bright one as 9. Labels 0, 9, 3, 9: the first, second and fourth are right, 3 of 4.
        let cpu = CpuBackend::new();
        let model = Sequential::mlp(&cpu, &[IMAGE_PIXELS, CLASSES], Activation::Relu, &mut Pcg32::from_seed(0));
        let d = model.layers[0].dense();
        d.weights.set_values(&(0..IMAGE_PIXELS * CLASSES).map(|k| (k % CLASSES) as f32 * 0.01).collect::<Vec<_>>());
        let mut images = vec![0u8; 4 * IMAGE_PIXELS];
        images[IMAGE_PIXELS..2 * IMAGE_PIXELS].fill(255);
        images[3 * IMAGE_PIXELS..].fill(255);
        let set = MnistSet { images, labels: vec![0, 9, 3, 9], count: 4 };
        assert_eq!(accuracy(&model, &set, 4), 0.75);
        assert_eq!(accuracy(&model, &set, 2), 1.0);
    }

    #[test]
    fn images_are_mapped_from_minus_one_one_to_the_classifiers_zero_one() {
        // A one-layer classifier whose digit-k logit is the sum of the pixels times k: only the
        // mapping decides the answer. All pixels −1 → intensities 0 → all logits 0 → digit 0.
        let cpu = CpuBackend::new();
        let model = Sequential::mlp(&cpu, &[IMAGE_PIXELS, CLASSES], Activation::Relu, &mut Pcg32::from_seed(0));
        let d = model.layers[0].dense();
        let weights: Vec<f32> = (0..IMAGE_PIXELS * CLASSES).map(|k| (k % CLASSES) as f32 * 0.01).collect();
        d.weights.set_values(&weights);
        let dark = vec![-1.0; IMAGE_PIXELS];
        let v = judge_images(&model, &dark, &[]);
        assert_eq!((v.counts[0], v.mean_confidence), (1, 0.1));
        // All pixels 1 → intensities 1 → logit k = 7.84·k: digit 9 with softmax weight
        // e^{70.56} / Σ e^{7.84k}, computed here in f64.
        let v = judge_images(&model, &vec![1.0; IMAGE_PIXELS], &[]);
        let want = 1.0 / (0..10).map(|k| (7.84 * (k as f64 - 9.0)).exp()).sum::<f64>();
        assert_eq!(v.counts[9], 1);
        assert!((v.mean_confidence - want).abs() < 1e-5, "{} vs {want}", v.mean_confidence);
    }
}
