//! One attention head worked through stage by stage on a short text, in f64 from the model's
//! own weights: the rows x, Q = xW_Q, K = xW_K, V = xW_V, the scores QKᵀ/√d, the causal mask,
//! the row softmax, the weighted sum of V's rows, and this head's part of the output
//! projection. Also what each head mostly looks at, read off its weights.

use super::inside::{BlockWeights, Reader};

/// The longest text the step-through shows (its tables stay readable).
pub const MAX_STEP_CHARACTERS: usize = 8;

#[derive(Clone, Debug, PartialEq)]
pub struct HeadSteps {
    /// The rows the head reads: each position after the block's first LayerNorm.
    pub x: Vec<Vec<f64>>,
    pub q: Vec<Vec<f64>>,
    pub k: Vec<Vec<f64>>,
    pub v: Vec<Vec<f64>>,
    /// `scores[i][j]` = q_i · k_j / √d, for every pair (the mask comes next).
    pub scores: Vec<Vec<f64>>,
    /// The scores with every later position hidden (`None` stands for −∞).
    pub masked: Vec<Vec<Option<f64>>>,
    /// Each row's softmax over the positions it may see (0 for the hidden ones).
    pub weights: Vec<Vec<f64>>,
    /// Each position's weighted sum of V's rows.
    pub mixed: Vec<Vec<f64>>,
    /// `mixed` times this head's rows of the output projection: what the head adds to the
    /// stream (the other heads add theirs, and the projection's bias is added once).
    pub projected: Vec<Vec<f64>>,
}

fn wide(rows: &[Vec<f32>]) -> Vec<Vec<f64>> {
    rows.iter().map(|r| r.iter().map(|&v| v as f64).collect()).collect()
}

/// Columns `span` of `x · weight + bias`, `weight` being `[inputs, outputs]` row by row.
fn project(x: &[Vec<f64>], (weight, bias): &(Vec<f32>, Vec<f32>), span: std::ops::Range<usize>) -> Vec<Vec<f64>> {
    let cols = bias.len();
    x.iter().map(|row| span.clone().map(|j| bias[j] as f64 + row.iter().enumerate().map(|(i, &xi)| xi * weight[i * cols + j] as f64).sum::<f64>()).collect()).collect()
}

/// The stages of head `head` (of `heads`) of a block, on the rows `x`.
pub fn steps_on(x: Vec<Vec<f64>>, block: &BlockWeights, head: usize, heads: usize) -> HeadSteps {
    let c = block.mix.1.len();
    let d = c / heads;
    let span = head * d..(head + 1) * d;
    let (q, k, v) = (project(&x, &block.query, span.clone()), project(&x, &block.key, span.clone()), project(&x, &block.value, span.clone()));
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(a, b)| a * b).sum::<f64>();
    let scores: Vec<Vec<f64>> = q.iter().map(|qi| k.iter().map(|kj| dot(qi, kj) / (d as f64).sqrt()).collect()).collect();
    let masked: Vec<Vec<Option<f64>>> = scores.iter().enumerate().map(|(i, row)| row.iter().enumerate().map(|(j, &s)| (j <= i).then_some(s)).collect()).collect();
    let weights: Vec<Vec<f64>> = masked
        .iter()
        .map(|row| {
            let top = row.iter().flatten().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
            let exps: Vec<f64> = row.iter().map(|s| s.map_or(0.0, |s| (s - top).exp())).collect();
            let total: f64 = exps.iter().sum();
            exps.iter().map(|e| e / total).collect()
        })
        .collect();
    let mixed: Vec<Vec<f64>> = weights.iter().map(|w| (0..d).map(|col| w.iter().zip(&v).map(|(a, vj)| a * vj[col]).sum()).collect()).collect();
    // This head's rows of the projection, with no bias: rows span of W_mix.
    let rows = &block.mix.0[span.start * c..span.end * c];
    let projected = project(&mixed, &(rows.to_vec(), vec![0.0; c]), 0..c);
    HeadSteps { x, q, k, v, scores, masked, weights, mixed, projected }
}

/// The stages of `head` in `layer` for the first `count` characters the reader has read
/// (what reading those alone gives: no position looks ahead).
pub fn head_steps(reader: &Reader, layer: usize, head: usize, count: usize) -> HeadSteps {
    let w = &reader.weights;
    let rows = &reader.normed[layer];
    steps_on(wide(&rows[..count.min(rows.len())]), &w.blocks[layer], head, w.shape.heads)
}

/// What a head does on a text, as shares of its attention averaged over the positions that
/// have a choice (all but the first).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Habits {
    pub previous: f64,
    pub itself: f64,
    pub first: f64,
    /// On the spaces before or at each position (over positions with one).
    pub space: Option<f64>,
    /// At each closing bracket, on the opening bracket it closes (when the text has a pair).
    pub bracket: Option<f64>,
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// The opening bracket each closing one closes, by position.
fn bracket_pairs(text: &[char]) -> Vec<(usize, usize)> {
    let mut open: Vec<(char, usize)> = Vec::new();
    let mut pairs = Vec::new();
    for (i, &c) in text.iter().enumerate() {
        match c {
            '(' | '[' | '{' => open.push((c, i)),
            ')' | ']' | '}' => {
                let opener = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                if let Some(at) = open.iter().rposition(|&(o, _)| o == opener) {
                    pairs.push((open[at].1, i));
                    open.truncate(at);
                }
            }
            _ => {}
        }
    }
    pairs
}

/// A head's habits from its weights on `text` (`weights[t]` covers positions 0..=t).
pub fn habits(weights: &[Vec<f32>], text: &[char]) -> Habits {
    let rows = || weights.iter().enumerate().skip(1);
    let spaces = |t: usize| (0..=t).filter(|&j| text[j] == ' ');
    Habits {
        previous: mean(rows().map(|(t, w)| w[t - 1] as f64)).unwrap_or(0.0),
        itself: mean(rows().map(|(t, w)| w[t] as f64)).unwrap_or(0.0),
        first: mean(rows().map(|(_, w)| w[0] as f64)).unwrap_or(0.0),
        space: mean(rows().filter(|&(t, _)| spaces(t).next().is_some()).map(|(t, w)| spaces(t).map(|j| w[j] as f64).sum())),
        bracket: mean(bracket_pairs(text).into_iter().filter(|&(_, close)| close < weights.len()).map(|(open, close)| weights[close][open] as f64)),
    }
}

impl Habits {
    /// The habit that takes the largest share, if it takes at least `at_least` of the
    /// attention, in the learner's words with the share.
    pub fn describe(&self, at_least: f64) -> Option<String> {
        let candidates = [
            (Some(self.previous), "the previous character"),
            (self.space, "the spaces"),
            (self.bracket, "the matching opening bracket"),
            (Some(self.itself), "its own character"),
            (Some(self.first), "the first character"),
        ];
        let (share, what) = candidates.iter().filter_map(|&(s, w)| s.map(|s| (s, w))).fold((0.0, ""), |best, c| if c.0 > best.0 { c } else { best });
        (share >= at_least).then(|| format!("looks at {what} ({:.0}% of its attention on average)", 100.0 * share))
    }
}

#[cfg(test)]
mod tests;
