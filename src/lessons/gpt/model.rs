//! The tiny GPT: a decoder-only Transformer over characters, as nanoGPT builds it. Tokens and
//! positions are looked up in learned tables and added; each block is pre-LayerNorm causal
//! self-attention then a pre-LayerNorm GELU MLP four times wider, each added back onto its
//! input (the residual stream); a final LayerNorm, then scores for the next character, read
//! off the token table itself when the weights are tied.
//!
//! Every step is one of the engine's differentiable ops (`engine/ops`), each checked by the
//! conformance suite on the CPU and on WebGPU, so the model runs on either backend.

use crate::engine::layers::Module;
use crate::engine::{one_hot, Bags};
use crate::engine::rng::Pcg32;
use crate::engine::{Backend, Tensor};

/// The network's shape. The default is nanoGPT's CPU configuration for Shakespeare, with
/// Moby-Dick's 83 characters: about 0.8 M numbers to learn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shape {
    pub vocabulary: usize,
    pub layers: usize,
    pub heads: usize,
    /// Numbers per position in the residual stream (nanoGPT's `n_embd`).
    pub width: usize,
    /// How many characters the model reads at once.
    pub context: usize,
    /// The scores are read off the token table (`wte`) instead of a separate output matrix.
    pub tied: bool,
}

impl Default for Shape {
    fn default() -> Self {
        Shape { vocabulary: 83, layers: 4, heads: 4, width: 128, context: 64, tied: true }
    }
}

impl Shape {
    pub fn head_size(&self) -> usize {
        self.width / self.heads
    }

    /// Numbers to learn, counted from the shape (the tests check it against the built model):
    /// the two tables; per block two LayerNorms, four width × width layers with biases and the
    /// MLP's two; the final LayerNorm; the output matrix when untied.
    pub fn parameter_count(&self) -> usize {
        let (c, v) = (self.width, self.vocabulary);
        let block = 4 * c + 4 * (c * c + c) + (c * 4 * c + 4 * c) + (4 * c * c + c);
        v * c + self.context * c + self.layers * block + 2 * c + if self.tied { 0 } else { c * v }
    }
}

/// A LayerNorm's gain and bias.
struct Norm<B: Backend> {
    gain: Tensor<B>,
    bias: Tensor<B>,
}

/// A dense layer: `x · weight + bias`.
struct Dense<B: Backend> {
    weight: Tensor<B>,
    bias: Tensor<B>,
}

struct Block<B: Backend> {
    attention_norm: Norm<B>,
    query: Dense<B>,
    key: Dense<B>,
    value: Dense<B>,
    /// Mixes the heads' outputs back into the stream (nanoGPT's `c_proj`).
    mix: Dense<B>,
    mlp_norm: Norm<B>,
    expand: Dense<B>,
    contract: Dense<B>,
}

pub struct Gpt<B: Backend> {
    pub shape: Shape,
    backend: B,
    tokens: Tensor<B>,
    positions: Tensor<B>,
    blocks: Vec<Block<B>>,
    final_norm: Norm<B>,
    /// Only when not tied: `[width, vocabulary]`.
    output: Option<Tensor<B>>,
}

/// A batch of character windows: `batch` rows of `context` ids, flattened row by row.
pub struct Windows {
    pub ids: Vec<u32>,
    pub batch: usize,
}

impl<B: Backend> Gpt<B> {
    /// Fresh weights, as nanoGPT draws them: normal with σ = 0.02 for every matrix and table,
    /// σ = 0.02/√(2·layers) for the two matrices that write into the residual stream (so it
    /// does not grow with depth), biases 0, LayerNorm gains 1.
    pub fn new(backend: &B, shape: Shape, seed: u64) -> Self {
        assert!(shape.width % shape.heads == 0, "the width must split evenly into heads");
        let mut rng = Pcg32::new(seed, 17);
        let (c, v) = (shape.width, shape.vocabulary);
        let mut normal = |rows: usize, cols: usize, sigma: f32| {
            let values: Vec<f32> = (0..rows * cols).map(|_| sigma * rng.normal()).collect();
            Tensor::parameter(backend, &values, &[rows, cols])
        };
        let residual_sigma = 0.02 / (2.0 * shape.layers as f32).sqrt();
        let dense = |normal: &mut dyn FnMut(usize, usize, f32) -> Tensor<B>, rows: usize, cols: usize, sigma: f32| Dense {
            weight: normal(rows, cols, sigma),
            bias: Tensor::parameter(backend, &vec![0.0; cols], &[cols]),
        };
        let norm = || Norm { gain: Tensor::parameter(backend, &vec![1.0; c], &[c]), bias: Tensor::parameter(backend, &vec![0.0; c], &[c]) };
        let tokens = normal(v, c, 0.02);
        let positions = normal(shape.context, c, 0.02);
        let blocks = (0..shape.layers)
            .map(|_| Block {
                attention_norm: norm(),
                query: dense(&mut normal, c, c, 0.02),
                key: dense(&mut normal, c, c, 0.02),
                value: dense(&mut normal, c, c, 0.02),
                mix: dense(&mut normal, c, c, residual_sigma),
                mlp_norm: norm(),
                expand: dense(&mut normal, c, 4 * c, 0.02),
                contract: dense(&mut normal, 4 * c, c, residual_sigma),
            })
            .collect();
        let output = (!shape.tied).then(|| normal(c, v, 0.02));
        Gpt { shape, backend: backend.clone(), tokens, positions, blocks, final_norm: norm(), output }
    }

    /// The mean cross-entropy of the next character at every position of every window, in nats.
    pub fn loss(&self, windows: &Windows, next: &[u32]) -> Tensor<B> {
        let v = self.shape.vocabulary;
        let labels: Vec<usize> = next.iter().map(|&id| id as usize).collect();
        let targets = Tensor::from_values(&self.backend, &one_hot(&labels, v), &[labels.len(), v]);
        self.forward(windows).softmax_cross_entropy(&targets)
    }
}

impl<B: Backend> Norm<B> {
    fn apply(&self, x: &Tensor<B>) -> Tensor<B> {
        x.layer_norm(&self.gain, &self.bias)
    }
}

impl<B: Backend> Dense<B> {
    fn apply(&self, x: &Tensor<B>) -> Tensor<B> {
        x.matmul(&self.weight).add(&self.bias)
    }
}

impl<B: Backend> Block<B> {
    /// `x + attention(norm(x))`, then `+ mlp(norm(·))`; x is `[batch · time, width]`.
    fn apply(&self, x: &Tensor<B>, shape: &Shape, batch: usize, time: usize) -> Tensor<B> {
        let (h, d) = (shape.heads, shape.head_size());
        let normed = self.attention_norm.apply(x);
        // [batch·time, width] → [batch, time, heads, d] → [batch·heads, time, d]: each head's
        // matrix stored whole, for the batched products.
        let split = |t: Tensor<B>| t.reshape(&[batch, time, h, d]).swap_middle_axes().reshape(&[batch * h, time, d]);
        let (q, k, v) = (split(self.query.apply(&normed)), split(self.key.apply(&normed)), split(self.value.apply(&normed)));
        let scores = q.batched_matmul(&k, true).scale(1.0 / (d as f32).sqrt());
        let weights = scores.reshape(&[batch * h * time, time]).causal_softmax().reshape(&[batch * h, time, time]);
        let heads = weights.batched_matmul(&v, false);
        let merged = heads.reshape(&[batch, h, time, d]).swap_middle_axes().reshape(&[batch * time, shape.width]);
        let x = x.add(&self.mix.apply(&merged));
        let hidden = self.expand.apply(&self.mlp_norm.apply(&x)).gelu();
        x.add(&self.contract.apply(&hidden))
    }

    fn parameters(&self) -> Vec<Tensor<B>> {
        let mut all = Vec::new();
        for norm in [&self.attention_norm, &self.mlp_norm] {
            all.extend([norm.gain.clone(), norm.bias.clone()]);
        }
        for dense in [&self.query, &self.key, &self.value, &self.mix, &self.expand, &self.contract] {
            all.extend([dense.weight.clone(), dense.bias.clone()]);
        }
        all
    }
}

impl<B: Backend> Module<B> for Gpt<B> {
    type Input = Windows;

    /// The scores (logits) for the next character after every position: `[batch · time, vocabulary]`.
    fn forward(&self, windows: &Windows) -> Tensor<B> {
        let (batch, c) = (windows.batch, self.shape.width);
        let time = windows.ids.len() / batch;
        assert!(time <= self.shape.context && time * batch == windows.ids.len(), "windows of at most {} characters", self.shape.context);
        // Looking a row up is an embedding bag of one id (its backward adds into that row).
        let lookup = |table: &Tensor<B>, ids: Vec<Vec<u32>>| table.embedding_bag(&Bags::new(&self.backend, &ids));
        let tokens = lookup(&self.tokens, windows.ids.iter().map(|&id| vec![id]).collect());
        let positions = lookup(&self.positions, (0..batch * time).map(|i| vec![(i % time) as u32]).collect());
        let mut x = tokens.add(&positions);
        for block in &self.blocks {
            x = block.apply(&x, &self.shape, batch, time);
        }
        let x = self.final_norm.apply(&x);
        match &self.output {
            Some(output) => x.matmul(output),
            // Tied: x · wteᵀ, the token table read transposed in place.
            None => x.reshape(&[1, batch * time, c]).batched_matmul(&self.tokens.reshape(&[1, self.shape.vocabulary, c]), true).reshape(&[batch * time, self.shape.vocabulary]),
        }
    }

    fn parameters(&self) -> Vec<Tensor<B>> {
        let mut all = vec![self.tokens.clone(), self.positions.clone()];
        for block in &self.blocks {
            all.extend(block.parameters());
        }
        all.extend([self.final_norm.gain.clone(), self.final_norm.bias.clone()]);
        all.extend(self.output.clone());
        all
    }
}

#[cfg(test)]
mod tests;
