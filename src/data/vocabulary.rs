//! Token ↔ id mapping. Ids are frequency ranks: after the two reserved ids, id 2 is the most
//! frequent training token, id 3 the next, and so on.

use super::error::DataError;
use super::tokenizer::for_each_token;
use std::collections::HashMap;

/// Fills sequences shorter than a batch's longest; models should ignore it.
pub const PAD_ID: u32 = 0;
/// Every token that is not in the vocabulary.
pub const UNKNOWN_ID: u32 = 1;
pub const PAD_WORD: &str = "<pad>";
/// The tokenizer never produces `<` followed by letters, so these cannot clash with real tokens.
pub const UNKNOWN_WORD: &str = "<unk>";
pub const RESERVED: usize = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vocabulary {
    words: Vec<String>,
    ids: HashMap<String, u32>,
}

/// A text turned into ids, with how many of its tokens were unknown.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EncodedText {
    pub ids: Vec<u32>,
    pub unknown: usize,
}

impl Vocabulary {
    /// The `size` most frequent tokens (including the two reserved ids) from `(token, count)`
    /// pairs; pairs for the same token add up. Equal counts are ordered by the token's UTF-8
    /// bytes, so the result never depends on the order of `counts`.
    pub fn from_counts<'a>(
        counts: impl IntoIterator<Item = (&'a str, u64)>,
        size: usize,
    ) -> Vocabulary {
        let mut ranked: Vec<(&str, u64)> = counts.into_iter().collect();
        ranked.sort_unstable_by_key(|&(token, _)| token);
        ranked.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += later.1;
            }
            same
        });
        ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let mut words = vec![PAD_WORD.to_owned(), UNKNOWN_WORD.to_owned()];
        words.extend(
            ranked
                .iter()
                .take(size.saturating_sub(RESERVED))
                .map(|(w, _)| w.to_string()),
        );
        Vocabulary::from_words(words).expect("ranked tokens are distinct")
    }

    /// Rebuilds a vocabulary from its words in id order (as stored in the IMDB asset).
    pub fn from_words(words: Vec<String>) -> Result<Vocabulary, DataError> {
        let bad = |detail: String| Err(DataError::malformed("IMDB", detail));
        if words.len() < RESERVED || words[0] != PAD_WORD || words[1] != UNKNOWN_WORD {
            return bad("the vocabulary does not start with <pad>, <unk>".into());
        }
        let mut ids = HashMap::with_capacity(words.len());
        for (id, word) in words.iter().enumerate() {
            if word.is_empty() || ids.insert(word.clone(), id as u32).is_some() {
                return bad(format!(
                    "vocabulary word {id} {word:?} is empty or repeated"
                ));
            }
        }
        Ok(Vocabulary { words, ids })
    }

    /// Number of ids, reserved ones included.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// All words in id order.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// The id of one token (already tokenized), or [`UNKNOWN_ID`].
    pub fn id(&self, token: &str) -> u32 {
        self.ids.get(token).copied().unwrap_or(UNKNOWN_ID)
    }

    /// The word of an id; out-of-range ids read as `<unk>`.
    pub fn word(&self, id: u32) -> &str {
        self.words
            .get(id as usize)
            .map_or(UNKNOWN_WORD, String::as_str)
    }

    /// Tokenizes `text` and appends its ids to `out`; returns how many were unknown.
    pub fn encode_into(&self, text: &str, out: &mut Vec<u32>) -> usize {
        let mut unknown = 0;
        for_each_token(text, |token| {
            let id = self.id(token);
            unknown += (id == UNKNOWN_ID) as usize;
            out.push(id);
        });
        unknown
    }

    /// Tokenizes `text` into ids: what the browser calls on the learner's typed review.
    pub fn encode(&self, text: &str) -> EncodedText {
        let mut ids = Vec::new();
        let unknown = self.encode_into(text, &mut ids);
        EncodedText { ids, unknown }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Vocabulary {
        let counts = [("the", 5), ("film", 3), ("bad", 3), (".", 4), ("rare", 1)];
        Vocabulary::from_counts(counts, 6)
    }

    #[test]
    fn ids_are_frequency_ranks_after_the_reserved_ones() {
        let v = small();
        assert_eq!(v.words(), ["<pad>", "<unk>", "the", ".", "bad", "film"]);
        assert_eq!((v.id("the"), v.id("film")), (2, 5));
        assert_eq!(v.word(3), ".");
    }

    #[test]
    fn equal_counts_are_ordered_by_bytes_whatever_the_input_order() {
        let forward = Vocabulary::from_counts([("b", 2), ("a", 2), ("c", 2)], 4);
        let backward = Vocabulary::from_counts([("c", 2), ("a", 2), ("b", 2)], 4);
        assert_eq!(forward.words(), ["<pad>", "<unk>", "a", "b"]);
        assert_eq!(forward, backward);
    }

    #[test]
    fn repeated_pairs_for_a_token_add_up() {
        let v = Vocabulary::from_counts([("a", 2), ("b", 3), ("a", 2)], 4);
        assert_eq!(v.words(), ["<pad>", "<unk>", "a", "b"]);
    }

    #[test]
    fn unknown_words_map_to_the_unknown_id_and_are_counted() {
        let v = small();
        let encoded = v.encode("The film was BAD<br />.");
        assert_eq!(encoded.ids, [2, 5, UNKNOWN_ID, 4, 3]);
        assert_eq!(encoded.unknown, 1);
        assert_eq!(v.word(999), "<unk>");
        assert_eq!(v.encode(""), EncodedText::default());
    }

    #[test]
    fn a_stored_word_list_must_start_with_the_reserved_words_and_be_distinct() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(Vocabulary::from_words(words(&["<pad>", "<unk>", "a"])).is_ok());
        assert!(Vocabulary::from_words(words(&["a", "<unk>"])).is_err());
        assert!(Vocabulary::from_words(words(&["<pad>", "<unk>", "a", "a"])).is_err());
    }
}
