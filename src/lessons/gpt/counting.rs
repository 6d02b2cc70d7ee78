//! What simple counting achieves on the book: the unigram and bigram character models, counted
//! on the training text and scored on the validation text. The GPT lesson draws them as
//! reference lines under the Transformer's validation loss, so the learner sees it pass them.
//!
//! Both are smoothed by adding one to every count (Laplace): a character, or a pair, never seen
//! in training still gets a small probability, so no validation loss is infinite. Add-one is
//! the textbook choice and is not tuned on the validation text.

use crate::data::BookSet;

/// Character counts of a training text over a vocabulary of `size` characters.
#[derive(Clone, Debug, PartialEq)]
pub struct Counts {
    size: usize,
    /// How often each character occurs.
    single: Vec<u64>,
    /// `pairs[a * size + b]`: how often `b` follows `a`.
    pairs: Vec<u64>,
    /// `follows[a]`: how often `a` is followed by anything (the pairs that start with `a`).
    follows: Vec<u64>,
    total: u64,
}

impl Counts {
    pub fn of(train: &[u8], size: usize) -> Counts {
        let mut counts = Counts { size, single: vec![0; size], pairs: vec![0; size * size], follows: vec![0; size], total: train.len() as u64 };
        for &c in train {
            counts.single[c as usize] += 1;
        }
        for pair in train.windows(2) {
            let (a, b) = (pair[0] as usize, pair[1] as usize);
            counts.pairs[a * size + b] += 1;
            counts.follows[a] += 1;
        }
        counts
    }

    /// P(c) = (count of c + 1) / (characters + vocabulary size).
    pub fn unigram(&self, c: u8) -> f64 {
        (self.single[c as usize] + 1) as f64 / (self.total + self.size as u64) as f64
    }

    /// P(b | a) = (count of a then b + 1) / (count of a followed by anything + vocabulary size).
    pub fn bigram(&self, a: u8, b: u8) -> f64 {
        let a = a as usize;
        (self.pairs[a * self.size + b as usize] + 1) as f64 / (self.follows[a] + self.size as u64) as f64
    }
}

/// The two reference losses, in nats per character of validation text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Baselines {
    pub unigram: f64,
    pub bigram: f64,
}

/// Mean −ln P over the characters `text[from..]`; the bigram model reads each one's previous
/// character, so the first validation character is predicted from the last training one.
pub fn baselines_on(counts: &Counts, text: &[u8], from: usize) -> Baselines {
    let scored = (text.len() - from) as f64;
    let unigram = text[from..].iter().map(|&c| -counts.unigram(c).ln()).sum::<f64>() / scored;
    let bigram = (from.max(1)..text.len()).map(|i| -counts.bigram(text[i - 1], text[i]).ln()).sum::<f64>() / (text.len() - from.max(1)) as f64;
    Baselines { unigram, bigram }
}

/// The book's reference lines: counted on its training text, scored on its validation text.
pub fn baselines(book: &BookSet) -> Baselines {
    baselines_on(&Counts::of(book.train(), book.vocabulary_size()), &book.ids, book.train_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tiny_book_scores_as_counted_by_hand() {
        // "aabba": ids a = 0, b = 1; 90% of 5 characters rounds down to 4, so "aabb" trains
        // and the last "a" validates.
        let book = BookSet::from_text("aabba").unwrap();
        assert_eq!((book.train(), book.validation()), (&[0, 0, 1, 1][..], &[0][..]));
        // Unigram: a twice, b twice in 4 characters; with one added to each of 2 characters,
        // P(a) = 3/6.
        // Bigram: the training pairs are aa, ab, bb; b is followed once (by b), so
        // P(a | b) = (0 + 1) / (1 + 2) = 1/3.
        let b = baselines(&book);
        assert!((b.unigram - 2f64.ln()).abs() < 1e-15, "{}", b.unigram);
        assert!((b.bigram - 3f64.ln()).abs() < 1e-15, "{}", b.bigram);
    }

    #[test]
    fn the_probabilities_of_each_model_sum_to_one() {
        let counts = Counts::of(&[0, 2, 2, 1, 0, 2], 4);
        let unigram: f64 = (0..4).map(|c| counts.unigram(c)).sum();
        assert!((unigram - 1.0).abs() < 1e-12);
        for a in 0..4 {
            let row: f64 = (0..4).map(|b| counts.bigram(a, b)).sum();
            assert!((row - 1.0).abs() < 1e-12, "after {a}: {row}");
        }
    }
}
