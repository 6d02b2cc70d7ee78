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

#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// How many images the classifier reads as each digit.
    pub counts: [usize; CLASSES],
    /// Mean over images of the classifier's largest probability.
    pub mean_confidence: f64,
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
        Verdict { counts, mean_confidence: confidence / n.max(1) as f64 }
    }

    pub fn samples(&self) -> usize {
        self.counts.iter().sum()
    }

    /// The share of the rarest digit.
    pub fn smallest_share(&self) -> f64 {
        *self.counts.iter().min().unwrap() as f64 / self.samples().max(1) as f64
    }

    pub fn meets_target(&self) -> bool {
        self.mean_confidence >= TARGET_CONFIDENCE && self.smallest_share() >= TARGET_SHARE
    }
}

/// Classifies G's images (rows of 784 values in [−1, 1]); the classifier was trained on
/// intensities in [0, 1], so each pixel is mapped back by (v + 1) / 2.
pub fn judge_images<B: Backend>(classifier: &Sequential<B>, images: &[f32]) -> Verdict {
    let rows = images.len() / IMAGE_PIXELS;
    let backend = classifier.layers.first().map(|crate::engine::layers::Layer::Dense(d)| d.weights.backend().clone());
    let Some(backend) = backend else { return Verdict { counts: [0; CLASSES], mean_confidence: 0.0 } };
    let unit: Vec<f32> = images.iter().map(|v| (v + 1.0) * 0.5).collect();
    let logits = classifier.predict(&Tensor::from_values(&backend, &unit, &[rows, IMAGE_PIXELS]));
    Verdict::from_logits(&now_or_never(logits.to_vec()).expect("the judge runs on a synchronous backend"))
}

/// Share of the first `count` images of `set` (intensities in [0, 1]) the classifier reads as
/// their label: how far the judge itself can be trusted.
pub fn accuracy<B: Backend>(classifier: &Sequential<B>, set: &MnistSet, count: usize) -> f64 {
    let count = count.min(set.count);
    let Some(crate::engine::layers::Layer::Dense(first)) = classifier.layers.first() else { return 0.0 };
    let pixels: Vec<f32> = (0..count).flat_map(|i| set.image_f32(i)).collect();
    let x = Tensor::from_values(first.weights.backend(), &pixels, &[count, IMAGE_PIXELS]);
    let logits = now_or_never(classifier.predict(&x).to_vec()).unwrap_or_default();
    let correct = logits.chunks_exact(CLASSES).enumerate().filter(|(i, row)| {
        let best = row.iter().enumerate().fold(0, |b, (j, &v)| if v > row[b] { j } else { b });
        best == set.label(*i) as usize
    });
    correct.count() as f64 / count.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::layers::{Activation, Layer};
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
        let even = Verdict { counts: [100; 10], mean_confidence: 0.85 };
        assert!(even.meets_target());
        let unsure = Verdict { mean_confidence: 0.79, ..even.clone() };
        assert!(!unsure.meets_target());
        let mut counts = [104; 10];
        counts[3] = 30; // 30 of 966 images: 3.1%
        let collapsed = Verdict { counts, mean_confidence: 0.9 };
        assert!(collapsed.smallest_share() < 0.04 && !collapsed.meets_target());
    }

    #[test]
    fn accuracy_counts_images_read_as_their_label() {
        // Logit k = 0.01·k·Σ intensities: a blank image reads as 0 (ties go to the first), a
        // bright one as 9. Labels 0, 9, 3, 9: the first, second and fourth are right, 3 of 4.
        let cpu = CpuBackend::new();
        let model = Sequential::mlp(&cpu, &[IMAGE_PIXELS, CLASSES], Activation::Relu, &mut Pcg32::from_seed(0));
        let Layer::Dense(d) = &model.layers[0];
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
        let Layer::Dense(d) = &model.layers[0];
        let weights: Vec<f32> = (0..IMAGE_PIXELS * CLASSES).map(|k| (k % CLASSES) as f32 * 0.01).collect();
        d.weights.set_values(&weights);
        let dark = vec![-1.0; IMAGE_PIXELS];
        let v = judge_images(&model, &dark);
        assert_eq!((v.counts[0], v.mean_confidence), (1, 0.1));
        // All pixels 1 → intensities 1 → logit k = 7.84·k: digit 9 with softmax weight
        // e^{70.56} / Σ e^{7.84k}, computed here in f64.
        let v = judge_images(&model, &vec![1.0; IMAGE_PIXELS]);
        let want = 1.0 / (0..10).map(|k| (7.84 * (k as f64 - 9.0)).exp()).sum::<f64>();
        assert_eq!(v.counts[9], 1);
        assert!((v.mean_confidence - want).abs() < 1e-5, "{} vs {want}", v.mean_confidence);
    }
}
