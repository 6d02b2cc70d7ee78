//! The classifier: each review becomes the mean of its word vectors (an embedding bag), then an
//! optional hidden ReLU layer, then one logit; `sigmoid(logit)` is the probability "positive".
//!
//! `TextModel` lives on the engine (it trains); `Weights` is a copy on the host that the page
//! reads between training slices, to explain a typed review or to map the embedding without
//! touching the training graph.

use crate::engine::layers::Module;
use crate::engine::init::Init;
use crate::engine::layers::{Activation, Dense};
use crate::engine::rng::Pcg32;
use crate::engine::{Backend, Bags, Tensor};

use super::Settings;

pub struct TextModel<B: Backend> {
    /// `[vocabulary, dim]`: one learned vector per word.
    pub embedding: Tensor<B>,
    pub hidden: Option<Dense<B>>,
    /// `[dim or hidden, 1]`: gives the logit.
    pub output: Dense<B>,
}

impl<B: Backend> TextModel<B> {
    pub fn new(backend: &B, vocabulary: usize, settings: &Settings, rng: &mut Pcg32) -> Self {
        let dim = settings.embedding_dim;
        // Small uniform word vectors, as Keras starts its embeddings: the mean of a review's
        // vectors begins near zero, so every review starts at a probability near one half.
        let table = Init::Uniform { low: -0.05, high: 0.05 }.sample(vocabulary * dim, vocabulary, dim, rng);
        let embedding = Tensor::parameter(backend, &table, &[vocabulary, dim]);
        let hidden = (settings.hidden > 0).then(|| Dense::new(backend, dim, settings.hidden, Activation::Relu, rng));
        let inputs = if settings.hidden > 0 { settings.hidden } else { dim };
        let output = Dense::new(backend, inputs, 1, Activation::Identity, rng);
        TextModel { embedding, hidden, output }
    }

    /// A model holding the given weights (loaded from a file or this browser's storage).
    pub fn from_weights(backend: &B, weights: &Weights) -> Self {
        let embedding = Tensor::parameter(backend, &weights.table, &[weights.vocabulary, weights.dim]);
        let dense = |w: &[f32], b: &[f32], inputs: usize, outputs: usize, activation| Dense {
            weights: Tensor::parameter(backend, w, &[inputs, outputs]),
            bias: Tensor::parameter(backend, b, &[outputs]),
            activation,
        };
        let hidden = weights.hidden.as_ref().map(|h| dense(&h.weights, &h.bias, weights.dim, h.units, Activation::Relu));
        let output = dense(&weights.output, &[weights.output_bias], weights.output.len(), 1, Activation::Identity);
        TextModel { embedding, hidden, output }
    }

}

impl<B: Backend> Module<B> for TextModel<B> {
    type Input = Bags<B>;

    /// Logits `[reviews, 1]`, recording the graph for `backward()`.
    fn forward(&self, bags: &Bags<B>) -> Tensor<B> {
        let mean = self.embedding.embedding_bag(bags);
        let features = match &self.hidden {
            Some(hidden) => hidden.forward(&mean),
            None => mean,
        };
        self.output.forward(&features)
    }

    fn parameters(&self) -> Vec<Tensor<B>> {
        let mut parameters = vec![self.embedding.clone()];
        if let Some(hidden) = &self.hidden {
            parameters.extend(hidden.parameters());
        }
        parameters.extend(self.output.parameters());
        parameters
    }
}

impl<B: Backend> TextModel<B> {
    /// A host copy of every weight.
    pub async fn weights(&self) -> Weights {
        let &[vocabulary, dim] = self.embedding.shape() else { unreachable!("the table is a matrix") };
        let hidden = match &self.hidden {
            Some(h) => Some(Hidden { weights: h.weights.to_vec().await, bias: h.bias.to_vec().await, units: h.outputs() }),
            None => None,
        };
        Weights {
            vocabulary,
            dim,
            table: self.embedding.to_vec().await,
            hidden,
            output: self.output.weights.to_vec().await,
            output_bias: self.output.bias.to_vec().await[0],
        }
    }
}

/// Uploads reviews (lists of token ids) as a batch of bags for the embedding op.
pub fn bags<'a, B: Backend>(backend: &B, reviews: impl IntoIterator<Item = &'a [u32]>) -> Bags<B> {
    let mut ids = Vec::new();
    let mut offsets = vec![0u32];
    for review in reviews {
        ids.extend_from_slice(review);
        offsets.push(ids.len() as u32);
    }
    let count = offsets.len() - 1;
    Bags { ids: backend.upload_indices(&ids), offsets: backend.upload_indices(&offsets), bags: count }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Hidden {
    /// `[dim, units]`, row-major, as `Dense` stores it.
    pub weights: Vec<f32>,
    pub bias: Vec<f32>,
    pub units: usize,
}

/// All the weights, on the host.
#[derive(Clone, Debug, PartialEq)]
pub struct Weights {
    pub vocabulary: usize,
    pub dim: usize,
    pub table: Vec<f32>,
    pub hidden: Option<Hidden>,
    /// `[dim or units]`: the output layer's weights.
    pub output: Vec<f32>,
    pub output_bias: f32,
}

impl Weights {
    /// The vector of one word.
    pub fn vector(&self, id: u32) -> &[f32] {
        &self.table[id as usize * self.dim..][..self.dim]
    }

    /// The mean of the word vectors of `ids` (zeros for no words, as the engine's op gives).
    pub fn mean_vector(&self, ids: &[u32]) -> Vec<f64> {
        let mut mean = vec![0.0f64; self.dim];
        for &id in ids {
            mean.iter_mut().zip(self.vector(id)).for_each(|(m, &v)| *m += v as f64);
        }
        let n = ids.len().max(1) as f64;
        mean.iter_mut().for_each(|m| *m /= n);
        mean
    }

    /// The hidden layer's inputs before ReLU, `Wᵀx + c`, for a mean vector `x`.
    pub fn hidden_inputs(&self, hidden: &Hidden, x: &[f64]) -> Vec<f64> {
        let mut z: Vec<f64> = hidden.bias.iter().map(|&c| c as f64).collect();
        for (i, &xi) in x.iter().enumerate() {
            let row = &hidden.weights[i * hidden.units..][..hidden.units];
            z.iter_mut().zip(row).for_each(|(z, &w)| *z += xi * w as f64);
        }
        z
    }

    /// The logit for a mean word vector `x`.
    pub fn logit_of_mean(&self, x: &[f64]) -> f64 {
        let features: Vec<f64> = match &self.hidden {
            Some(hidden) => self.hidden_inputs(hidden, x).into_iter().map(|z| z.max(0.0)).collect(),
            None => x.to_vec(),
        };
        features.iter().zip(&self.output).map(|(f, &v)| f * v as f64).sum::<f64>() + self.output_bias as f64
    }

    /// The logit of a review given as token ids.
    pub fn logit(&self, ids: &[u32]) -> f64 {
        self.logit_of_mean(&self.mean_vector(ids))
    }

    /// A scorer for many reviews: with no hidden layer the logit is the mean of per-word
    /// numbers `vector(w)·v` plus the bias, so those are worked out once for the vocabulary.
    pub fn scorer(&self) -> Scorer {
        let word_logits = self.hidden.is_none().then(|| {
            (0..self.vocabulary as u32)
                .map(|id| self.vector(id).iter().zip(&self.output).map(|(&e, &v)| e as f64 * v as f64).sum())
                .collect()
        });
        Scorer { word_logits }
    }
}

/// See [`Weights::scorer`]; made once per copy of the weights.
pub struct Scorer {
    word_logits: Option<Vec<f64>>,
}

impl Scorer {
    pub fn logit(&self, weights: &Weights, ids: &[u32]) -> f64 {
        match &self.word_logits {
            Some(word) => {
                let sum: f64 = ids.iter().map(|&id| word[id as usize]).sum();
                sum / ids.len().max(1) as f64 + weights.output_bias as f64
            }
            None => weights.logit(ids),
        }
    }
}

pub use crate::lessons::shared::probability::sigmoid;

/// Binary cross-entropy of `sigmoid(z)` against label `t` (0 or 1), stably from the logit.
pub fn logistic_loss(z: f64, t: f64) -> f64 {
    z.max(0.0) - z * t + (-z.abs()).exp().ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::poll::now_or_never;
    use crate::engine::CpuBackend;

    fn model(hidden: usize) -> (CpuBackend, TextModel<CpuBackend>) {
        let cpu = CpuBackend::new();
        let settings = Settings { embedding_dim: 4, hidden, ..Settings::default() };
        let model = TextModel::new(&cpu, 10, &settings, &mut Pcg32::from_seed(7));
        // Larger weights than the initial ones, so the numbers compared are not all near zero.
        let table: Vec<f32> = (0..40).map(|i| ((i * 37 % 23) as f32 - 11.0) / 10.0).collect();
        model.embedding.set_values(&table);
        (cpu, model)
    }

    #[test]
    fn host_logits_match_the_engines_forward_pass() {
        for hidden in [0, 5] {
            let (cpu, model) = model(hidden);
            let reviews: [&[u32]; 4] = [&[2, 3, 4], &[9], &[5, 5, 5, 1, 0], &[]];
            let engine = now_or_never(model.forward(&bags(&cpu, reviews)).to_vec()).unwrap();
            let weights = now_or_never(model.weights()).unwrap();
            let scorer = weights.scorer();
            for (review, &z) in reviews.iter().zip(&engine) {
                assert!((weights.logit(review) - z as f64).abs() < 1e-5, "hidden {hidden}: {review:?}");
                assert!((scorer.logit(&weights, review) - z as f64).abs() < 1e-5, "scorer, hidden {hidden}: {review:?}");
            }
        }
    }

    #[test]
    fn a_review_with_no_words_has_the_output_bias_as_logit_without_a_hidden_layer() {
        let (_, model) = model(0);
        let weights = now_or_never(model.weights()).unwrap();
        assert_eq!(weights.logit(&[]), weights.output_bias as f64);
    }

    #[test]
    fn sigmoid_and_loss_match_values_worked_by_hand() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert!((sigmoid(2f64.ln()) - 2.0 / 3.0).abs() < 1e-15);
        assert!((sigmoid(-800.0)).abs() < 1e-300 && sigmoid(800.0) == 1.0);
        // −ln σ(0) = ln 2; −ln(1 − σ(ln 3)) = ln 4.
        assert!((logistic_loss(0.0, 1.0) - 2f64.ln()).abs() < 1e-15);
        assert!((logistic_loss(3f64.ln(), 0.0) - 4f64.ln()).abs() < 1e-14);
        assert!(logistic_loss(1000.0, 0.0).is_finite());
    }
}
