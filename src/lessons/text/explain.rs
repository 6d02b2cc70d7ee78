//! Why the model says what it says about one review: each word's share of the logit.
//!
//! With no hidden layer the logit is `b + (1/n) Σₜ vector(wₜ)·v`, so word t's share is exactly
//! `vector(wₜ)·v / n` and the shares add up to the logit minus the bias.
//!
//! With a hidden ReLU layer there is no such exact split, so the shares are **integrated
//! gradients** (Sundararajan et al., 2017) of the mean vector x̄, from the empty review (x̄ = 0)
//! to this one: share(t) = vector(wₜ)·ḡ / n, where ḡ is the gradient of the logit averaged
//! along the straight path α·x̄, α from 0 to 1. Along that path hidden unit j's input is
//! `α·aⱼ + cⱼ`, a straight line, so each ReLU is on for a fraction of the path that can be
//! worked out exactly: ḡ = Σⱼ vⱼ·Wⱼ·(fraction j is on). The shares then add up exactly to the
//! logit minus the logit of an empty review; with no hidden layer this is the same formula.

use crate::data::{for_each_token_span, Vocabulary, UNKNOWN_ID};
use std::ops::Range;

use super::model::{sigmoid, Weights};

/// Only this much of a pasted text is read, so a huge paste cannot freeze the page.
pub const MAX_TEXT_BYTES: usize = 100_000;
/// Only the first this many tokens count (a 1,000-word review has about 1,400).
pub const MAX_TOKENS: usize = 2_000;

/// The averaged gradient ḡ of the logit with respect to the mean vector, from 0 to `x`.
pub fn path_gradient(weights: &Weights, x: &[f64]) -> Vec<f64> {
    let Some(hidden) = &weights.hidden else {
        return weights.output.iter().map(|&v| v as f64).collect();
    };
    let mut a = vec![0.0f64; hidden.units];
    for (i, &xi) in x.iter().enumerate() {
        let row = &hidden.weights[i * hidden.units..][..hidden.units];
        a.iter_mut().zip(row).for_each(|(a, &w)| *a += xi * w as f64);
    }
    let on: Vec<f64> = a.iter().zip(&hidden.bias).map(|(&a, &c)| fraction_on(a, c as f64)).collect();
    (0..weights.dim)
        .map(|i| {
            let row = &hidden.weights[i * hidden.units..][..hidden.units];
            (0..hidden.units).map(|j| weights.output[j] as f64 * row[j] as f64 * on[j]).sum()
        })
        .collect()
}

/// The share of α ∈ [0, 1] for which `α·a + c > 0`.
pub fn fraction_on(a: f64, c: f64) -> f64 {
    if a == 0.0 {
        return if c > 0.0 { 1.0 } else { 0.0 };
    }
    let crossing = (-c / a).clamp(0.0, 1.0);
    if a > 0.0 {
        1.0 - crossing
    } else {
        crossing
    }
}

/// The share of the logit of each token of a review given as ids, and the baseline (the logit
/// of an empty review) they are measured from.
pub fn shares(weights: &Weights, ids: &[u32]) -> (Vec<f64>, f64) {
    let baseline = weights.logit_of_mean(&vec![0.0; weights.dim]);
    if ids.is_empty() {
        return (Vec::new(), baseline);
    }
    let gradient = path_gradient(weights, &weights.mean_vector(ids));
    let n = ids.len() as f64;
    let shares = ids
        .iter()
        .map(|&id| weights.vector(id).iter().zip(&gradient).map(|(&e, g)| e as f64 * g).sum::<f64>() / n)
        .collect();
    (shares, baseline)
}

/// A word's own pull: the logit of a review of just that word, minus that of an empty review.
/// With no hidden layer this is `vector(w)·v`.
pub fn word_score(weights: &Weights, id: u32) -> f64 {
    let x: Vec<f64> = weights.vector(id).iter().map(|&v| v as f64).collect();
    weights.logit_of_mean(&x) - weights.logit_of_mean(&vec![0.0; weights.dim])
}

/// One token of the learner's text.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// Bytes of the text it came from.
    pub span: Range<usize>,
    pub id: u32,
    pub share: f64,
}

/// A word's total share over all its occurrences.
#[derive(Clone, Debug, PartialEq)]
pub struct WordShare {
    pub word: String,
    pub count: usize,
    pub share: f64,
}

/// What the model makes of a typed review.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    pub tokens: Vec<Token>,
    pub unknown: usize,
    /// Tokens or bytes left unread because the text is longer than the caps.
    pub cut: bool,
    /// Where reading stopped in the text (bytes).
    pub read_to: usize,
    pub logit: f64,
    pub baseline: f64,
    pub probability: f64,
}

/// Why there is nothing (or little) to say about a text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Problem {
    /// No tokens at all.
    Empty,
    /// Every token is outside the vocabulary: the model only sees "unknown word".
    OnlyUnknown,
}

impl Problem {
    pub fn message(self) -> &'static str {
        match self {
            Problem::Empty => "Type a review (in English, as the training reviews are) to see what the model makes of it.",
            Problem::OnlyUnknown => {
                "None of these words is among the 20,000 the model knows (it learned from English movie reviews), so it sees only \
                 \"unknown word\" and its answer means little."
            }
        }
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
pub fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Tokenizes the learner's text as the training reviews were, and explains the model's answer.
pub fn read(weights: &Weights, vocabulary: &Vocabulary, text: &str) -> Result<Reading, (Problem, Option<Reading>)> {
    let head = prefix(text, MAX_TEXT_BYTES);
    let mut tokens = Vec::new();
    let mut more = head.len() < text.len();
    for_each_token_span(head, |token, span| {
        if tokens.len() < MAX_TOKENS {
            tokens.push(Token { span, id: vocabulary.id(token), share: 0.0 });
        } else {
            more = true;
        }
    });
    if tokens.is_empty() {
        return Err((Problem::Empty, None));
    }
    let ids: Vec<u32> = tokens.iter().map(|t| t.id).collect();
    let (token_shares, baseline) = shares(weights, &ids);
    tokens.iter_mut().zip(token_shares).for_each(|(t, s)| t.share = s);
    let logit = weights.logit(&ids);
    let unknown = ids.iter().filter(|&&id| id == UNKNOWN_ID).count();
    let reading = Reading {
        read_to: tokens.last().map_or(0, |t| t.span.end),
        cut: more,
        unknown,
        logit,
        baseline,
        probability: sigmoid(logit),
        tokens,
    };
    if unknown == reading.tokens.len() {
        return Err((Problem::OnlyUnknown, Some(reading)));
    }
    Ok(reading)
}

/// Each distinct word's total share, strongest (by size) first.
pub fn strongest(reading: &Reading, vocabulary: &Vocabulary, text: &str, limit: usize) -> Vec<WordShare> {
    let mut by_id: std::collections::HashMap<u32, WordShare> = std::collections::HashMap::new();
    for token in &reading.tokens {
        let entry = by_id.entry(token.id).or_insert_with(|| WordShare {
            word: if token.id == UNKNOWN_ID { format!("{} (unknown)", &text[token.span.clone()]) } else { vocabulary.word(token.id).to_owned() },
            count: 0,
            share: 0.0,
        });
        entry.count += 1;
        entry.share += token.share;
    }
    let mut words: Vec<WordShare> = by_id.into_values().collect();
    words.sort_by(|a, b| b.share.abs().total_cmp(&a.share.abs()).then_with(|| a.word.cmp(&b.word)));
    words.truncate(limit);
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::poll::now_or_never;
    use crate::engine::rng::Pcg32;
    use crate::engine::CpuBackend;
    use crate::lessons::text::model::TextModel;
    use crate::lessons::text::Settings;

    fn weights(hidden: usize, seed: u64) -> Weights {
        let cpu = CpuBackend::new();
        let settings = Settings { embedding_dim: 5, hidden, ..Settings::default() };
        let model = TextModel::new(&cpu, 8, &settings, &mut Pcg32::from_seed(seed));
        let mut rng = Pcg32::from_seed(seed + 100);
        let table: Vec<f32> = (0..40).map(|_| rng.uniform_between(-1.0, 1.0)).collect();
        model.embedding.set_values(&table);
        if let Some(h) = &model.hidden {
            // Biases of both signs, so some units switch on or off along the path.
            let bias: Vec<f32> = (0..hidden).map(|_| rng.uniform_between(-0.5, 0.5)).collect();
            h.bias.set_values(&bias);
        }
        now_or_never(model.weights()).unwrap()
    }

    fn vocabulary() -> Vocabulary {
        Vocabulary::from_counts([("great", 6), ("awful", 5), ("film", 4), ("plot", 3), ("!", 2), ("the", 1)], 8)
    }

    #[test]
    fn without_a_hidden_layer_a_words_share_is_its_vector_dot_v_over_n() {
        let w = weights(0, 1);
        let ids = [2, 3, 3, 7];
        let (shares, baseline) = shares(&w, &ids);
        assert_eq!(baseline, w.output_bias as f64);
        for (&id, share) in ids.iter().zip(&shares) {
            // Reference: the dot product written out, in f64.
            let e = w.vector(id);
            let dot: f64 = (0..5).map(|i| e[i] as f64 * w.output[i] as f64).sum();
            assert!((share - dot / 4.0).abs() < 1e-12);
        }
        assert!((shares.iter().sum::<f64>() + baseline - w.logit(&ids)).abs() < 1e-12);
    }

    #[test]
    fn with_a_hidden_layer_the_shares_add_up_to_the_logit_minus_an_empty_reviews() {
        for seed in 0..20 {
            let w = weights(6, seed);
            let ids = [2, 4, 4, 5, 1];
            let (shares, baseline) = shares(&w, &ids);
            let total: f64 = shares.iter().sum();
            assert!((total - (w.logit(&ids) - baseline)).abs() < 1e-9, "seed {seed}");
        }
    }

    #[test]
    fn the_exact_path_gradient_matches_a_riemann_sum_of_finite_differences() {
        // Reference: the gradient at 20,000 points along the path, each by central differences.
        let w = weights(6, 3);
        let x = w.mean_vector(&[2, 3, 6, 6]);
        let exact = path_gradient(&w, &x);
        let steps = 20_000;
        let h = 1e-6;
        let mut sum = vec![0.0; 5];
        for s in 0..steps {
            let alpha = (s as f64 + 0.5) / steps as f64;
            let point: Vec<f64> = x.iter().map(|v| alpha * v).collect();
            for i in 0..5 {
                let (mut up, mut down) = (point.clone(), point.clone());
                up[i] += h;
                down[i] -= h;
                sum[i] += (w.logit_of_mean(&up) - w.logit_of_mean(&down)) / (2.0 * h) / steps as f64;
            }
        }
        for i in 0..5 {
            assert!((exact[i] - sum[i]).abs() < 1e-3, "component {i}: {} vs {}", exact[i], sum[i]);
        }
    }

    #[test]
    fn fraction_on_worked_by_hand() {
        assert_eq!(fraction_on(2.0, -0.5), 0.75); // on from α = 0.25
        assert_eq!(fraction_on(-2.0, 0.5), 0.25); // off from α = 0.25
        assert_eq!(fraction_on(1.0, 1.0), 1.0);
        assert_eq!(fraction_on(1.0, -3.0), 0.0);
        assert_eq!((fraction_on(0.0, 0.1), fraction_on(0.0, -0.1)), (1.0, 0.0));
    }

    #[test]
    fn a_word_score_is_a_one_word_reviews_share() {
        for hidden in [0, 6] {
            let w = weights(hidden, 4);
            let (shares, _) = shares(&w, &[5]);
            assert!((word_score(&w, 5) - shares[0]).abs() < 1e-12);
        }
    }

    #[test]
    fn a_typed_review_is_read_with_spans_shares_and_the_strongest_words() {
        let w = weights(0, 2);
        let v = vocabulary();
        let text = "Great film! GREAT plot, zzz.";
        let reading = read(&w, &v, text).unwrap();
        let words: Vec<&str> = reading.tokens.iter().map(|t| &text[t.span.clone()]).collect();
        assert_eq!(words, ["Great", "film", "!", "GREAT", "plot", ",", "zzz", "."]);
        assert_eq!(reading.unknown, 3); // ",", "zzz", "."
        let ids: Vec<u32> = reading.tokens.iter().map(|t| t.id).collect();
        assert!((reading.logit - w.logit(&ids)).abs() < 1e-12);
        let top = strongest(&reading, &v, text, 10);
        let great = top.iter().find(|s| s.word == "great").unwrap();
        assert_eq!(great.count, 2);
        assert!((great.share - 2.0 * reading.tokens[0].share).abs() < 1e-12);
        assert!(top.windows(2).all(|p| p[0].share.abs() >= p[1].share.abs()));
    }

    #[test]
    fn bad_input_gets_a_message_not_a_panic() {
        let w = weights(0, 2);
        let v = vocabulary();
        assert_eq!(read(&w, &v, "").unwrap_err().0, Problem::Empty);
        assert_eq!(read(&w, &v, "  \n<br />").unwrap_err().0, Problem::Empty);
        let (problem, reading) = read(&w, &v, "映画 👍🏽 Фильм").unwrap_err();
        assert_eq!(problem, Problem::OnlyUnknown);
        assert_eq!(reading.unwrap().tokens.len(), 4);
        // A megabyte paste: only the first MAX_TEXT_BYTES and MAX_TOKENS are read.
        let huge = "great é ".repeat(140_000);
        let reading = read(&w, &v, &huge).unwrap();
        assert_eq!(reading.tokens.len(), MAX_TOKENS);
        assert!(reading.cut && reading.read_to < MAX_TEXT_BYTES);
        // Cutting never splits a character.
        assert_eq!(prefix("aé", 2), "a");
    }
}
