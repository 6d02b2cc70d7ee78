//! The GPT read one character at a time on the host, from a copy of its weights: what the page
//! writes with and what its attention views show. The engine's forward pass (`model.rs`) reads
//! whole batches of windows at once and keeps a tape for training; writing needs neither, and
//! needs each new character's keys and values kept (a KV cache), so a new character costs one
//! position's work, not the whole window's: that is what makes 200 characters cheap. A test
//! checks that both passes give the same scores.

use std::sync::Arc;

use super::model::Shape;
use super::sampling::{draw, probabilities, Sampling};
use crate::engine::cpu::gelu;
use crate::engine::rng::Pcg32;
use crate::engine::LAYER_NORM_EPSILON;

/// One block's weights, in the engine's order (see `Block::parameters`). Matrices are
/// `[inputs, outputs]`, row by row.
#[derive(Debug)]
pub struct BlockWeights {
    pub attention_gain: Vec<f32>,
    pub attention_bias: Vec<f32>,
    pub mlp_gain: Vec<f32>,
    pub mlp_bias: Vec<f32>,
    pub query: (Vec<f32>, Vec<f32>),
    pub key: (Vec<f32>, Vec<f32>),
    pub value: (Vec<f32>, Vec<f32>),
    pub mix: (Vec<f32>, Vec<f32>),
    pub expand: (Vec<f32>, Vec<f32>),
    pub contract: (Vec<f32>, Vec<f32>),
}

/// The whole model's weights on the host.
#[derive(Debug)]
pub struct Weights {
    pub shape: Shape,
    pub tokens: Vec<f32>,
    pub positions: Vec<f32>,
    pub blocks: Vec<BlockWeights>,
    pub final_gain: Vec<f32>,
    pub final_bias: Vec<f32>,
    pub output: Option<Vec<f32>>,
}

impl Weights {
    /// The weights from a snapshot's parameters (the engine's order), checked against `shape`.
    pub fn from_parameters(shape: Shape, parameters: &[Vec<f32>]) -> Result<Weights, String> {
        let (c, v) = (shape.width, shape.vocabulary);
        let per_block = 16;
        let want = 2 + shape.layers * per_block + 2 + usize::from(!shape.tied);
        if parameters.len() != want {
            return Err(format!("a model of this shape has {want} weight tables, not {}", parameters.len()));
        }
        let mut sizes = vec![v * c, shape.context * c];
        for _ in 0..shape.layers {
            sizes.extend([c, c, c, c, c * c, c, c * c, c, c * c, c, c * c, c, c * 4 * c, 4 * c, 4 * c * c, c]);
        }
        sizes.extend([c, c]);
        if !shape.tied {
            sizes.push(c * v);
        }
        if let Some(i) = sizes.iter().zip(parameters).position(|(&n, p)| p.len() != n) {
            return Err(format!("weight table {i} holds {} numbers, not {}", parameters[i].len(), sizes[i]));
        }
        let mut p = parameters.iter().cloned();
        let mut next = || p.next().expect("counted above");
        let (tokens, positions) = (next(), next());
        let blocks = (0..shape.layers)
            .map(|_| BlockWeights {
                attention_gain: next(),
                attention_bias: next(),
                mlp_gain: next(),
                mlp_bias: next(),
                query: (next(), next()),
                key: (next(), next()),
                value: (next(), next()),
                mix: (next(), next()),
                expand: (next(), next()),
                contract: (next(), next()),
            })
            .collect();
        let (final_gain, final_bias) = (next(), next());
        let output = (!shape.tied).then(&mut next);
        Ok(Weights { shape, tokens, positions, blocks, final_gain, final_bias, output })
    }
}

/// `x · weight + bias` for one row: the weight's rows added in, scaled by x's entries (contiguous
/// reads, which the compiler turns into SIMD).
pub fn affine(x: &[f32], (weight, bias): &(Vec<f32>, Vec<f32>)) -> Vec<f32> {
    let mut out = bias.clone();
    let cols = bias.len();
    for (&xi, row) in x.iter().zip(weight.chunks_exact(cols)) {
        for (o, &w) in out.iter_mut().zip(row) {
            *o += xi * w;
        }
    }
    out
}

/// LayerNorm of one row, as the engine computes it (biased variance, ε inside the root).
pub fn layer_norm(x: &[f32], gain: &[f32], bias: &[f32]) -> Vec<f32> {
    let n = x.len() as f32;
    let mean = x.iter().sum::<f32>() / n;
    let variance = x.iter().map(|&v| (v - mean) * (v - mean)).sum::<f32>() / n;
    let r = 1.0 / (variance + LAYER_NORM_EPSILON).sqrt();
    x.iter().zip(gain).zip(bias).map(|((&v, &g), &b)| (v - mean) * r * g + b).collect()
}

/// The model reading a text one character at a time. It keeps every position's keys and
/// values, and what the attention views show: each head's weights for each position, and each
/// layer's normalised input rows (the x of the head step-through).
pub struct Reader {
    pub weights: Arc<Weights>,
    /// Per layer, the keys and the values of every position so far, `width` numbers each.
    keys: Vec<Vec<f32>>,
    values: Vec<Vec<f32>>,
    /// `attention[layer][head][t]`: how position t shares its attention over positions 0..=t.
    pub attention: Vec<Vec<Vec<Vec<f32>>>>,
    /// `normed[layer][t]`: position t's row after the layer's first LayerNorm.
    pub normed: Vec<Vec<Vec<f32>>>,
    pub ids: Vec<u8>,
}

impl Reader {
    pub fn new(weights: Arc<Weights>) -> Reader {
        let (l, h) = (weights.shape.layers, weights.shape.heads);
        Reader {
            keys: vec![Vec::new(); l],
            values: vec![Vec::new(); l],
            attention: vec![vec![Vec::new(); h]; l],
            normed: vec![Vec::new(); l],
            ids: Vec::new(),
            weights,
        }
    }

    /// Reads `id` at the next position and returns the scores for the character after it.
    /// Panics past the context: the caller starts a new reader (see [`Writer`]).
    pub fn push(&mut self, id: u8) -> Vec<f32> {
        let w = self.weights.clone();
        let Shape { width: c, heads, context, vocabulary, .. } = w.shape;
        let t = self.ids.len();
        assert!(t < context, "a reader holds at most {context} characters");
        let d = c / heads;
        let scale = 1.0 / (d as f32).sqrt();
        let mut x: Vec<f32> = (0..c).map(|j| w.tokens[id as usize * c + j] + w.positions[t * c + j]).collect();
        for (layer, b) in w.blocks.iter().enumerate() {
            let normed = layer_norm(&x, &b.attention_gain, &b.attention_bias);
            let q = affine(&normed, &b.query);
            self.keys[layer].extend(affine(&normed, &b.key));
            self.values[layer].extend(affine(&normed, &b.value));
            self.normed[layer].push(normed);
            let (keys, values) = (&self.keys[layer], &self.values[layer]);
            let mut merged = vec![0.0f32; c];
            for head in 0..heads {
                let span = head * d..(head + 1) * d;
                let scores: Vec<f32> = (0..=t).map(|j| scale * q[span.clone()].iter().zip(&keys[j * c..][span.clone()]).map(|(a, b)| a * b).sum::<f32>()).collect();
                let top = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let exps: Vec<f32> = scores.iter().map(|s| (s - top).exp()).collect();
                let total: f32 = exps.iter().sum();
                let shares: Vec<f32> = exps.iter().map(|e| e / total).collect();
                for (j, &a) in shares.iter().enumerate() {
                    for (m, &v) in merged[span.clone()].iter_mut().zip(&values[j * c..][span.clone()]) {
                        *m += a * v;
                    }
                }
                self.attention[layer][head].push(shares);
            }
            for (x, m) in x.iter_mut().zip(affine(&merged, &b.mix)) {
                *x += m;
            }
            let hidden: Vec<f32> = affine(&layer_norm(&x, &b.mlp_gain, &b.mlp_bias), &b.expand).into_iter().map(gelu).collect();
            for (x, m) in x.iter_mut().zip(affine(&hidden, &b.contract)) {
                *x += m;
            }
        }
        self.ids.push(id);
        let x = layer_norm(&x, &w.final_gain, &w.final_bias);
        match &w.output {
            Some(output) => affine(&x, &(output.clone(), vec![0.0; vocabulary])),
            None => w.tokens.chunks_exact(c).map(|row| row.iter().zip(&x).map(|(a, b)| a * b).sum()).collect(),
        }
    }

    /// Reads every id; the scores after the last (empty for no ids).
    pub fn read(&mut self, ids: &[u8]) -> Vec<f32> {
        ids.iter().fold(Vec::new(), |_, &id| self.push(id))
    }
}

/// Writes after a prompt, a character per call, so the page can spread the work over frames.
/// When the window is full it starts again from the last half of the text (positions are
/// learned per place in the window, so the cache cannot simply slide): each character is
/// still read with at least half a context before it.
pub struct Writer {
    reader: Reader,
    rng: Pcg32,
    sampling: Sampling,
    scores: Vec<f32>,
    pub text: Vec<u8>,
    pub written: usize,
}

impl Writer {
    /// `prompt` as ids, already cut to the context; an empty prompt starts from `start`.
    pub fn new(weights: Arc<Weights>, prompt: &[u8], start: u8, sampling: Sampling) -> Writer {
        let text = if prompt.is_empty() { vec![start] } else { prompt.to_vec() };
        let mut reader = Reader::new(weights);
        let scores = reader.read(&text[text.len().saturating_sub(reader.weights.shape.context)..]);
        Writer { reader, rng: Pcg32::new(sampling.seed, 31), sampling, scores, text, written: 0 }
    }

    /// Draws the next character and reads it.
    pub fn next(&mut self) -> u8 {
        let id = draw(&probabilities(&self.scores, &self.sampling), &mut self.rng) as u8;
        self.text.push(id);
        self.written += 1;
        let context = self.reader.weights.shape.context;
        if self.reader.ids.len() < context {
            self.scores = self.reader.push(id);
        } else {
            let keep = (context / 2).max(1);
            let mut fresh = Reader::new(self.reader.weights.clone());
            self.scores = fresh.read(&self.text[self.text.len() - keep..]);
            self.reader = fresh;
        }
        id
    }

    /// The characters written so far (not the prompt).
    pub fn written(&self) -> &[u8] {
        &self.text[self.text.len() - self.written..]
    }
}

#[cfg(test)]
mod tests;
