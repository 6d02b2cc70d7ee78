//! A book as a character-level dataset: the GPT lesson reads Moby-Dick one character at a time.
//! Each distinct character gets an id (in code-point order), the text becomes one id byte per
//! character, and the text is split by position: the first 90% for training, the last 10% for
//! validation, never trained on.
//!
//! Payload layout (AssetKind::Book; dims = [characters, distinct characters, their UTF-8
//! bytes, training characters, 0, 0]): the distinct characters as UTF-8, in id order, then one
//! id byte per character of the text.

use super::format::{decode_as, Asset, AssetKind};
use super::DataError;

/// The share of the text, in tenths from its start, that is for training.
pub const TRAIN_TENTHS: usize = 9;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookSet {
    /// Character `i` has id `i`; sorted, each once.
    pub characters: Vec<char>,
    /// The whole text, one id per character.
    pub ids: Vec<u8>,
    /// `ids[..train_len]` is the training text, the rest the validation text.
    pub train_len: usize,
}

/// What a learner's text lost on its way into the book's characters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dropped {
    /// Each character not in the book, once, in the order it first appears.
    pub characters: Vec<char>,
    /// How many characters were dropped in all.
    pub count: usize,
}

impl BookSet {
    /// The book `text`, split by position into training and validation text.
    pub fn from_text(text: &str) -> Result<BookSet, String> {
        let mut characters: Vec<char> = text.chars().collect();
        characters.sort_unstable();
        characters.dedup();
        if characters.is_empty() {
            return Err("the book is empty".into());
        }
        if characters.len() > 256 {
            return Err(format!("{} distinct characters; one byte holds at most 256", characters.len()));
        }
        let ids: Vec<u8> = text.chars().map(|c| characters.binary_search(&c).expect("every character is listed") as u8).collect();
        let train_len = ids.len() * TRAIN_TENTHS / 10;
        Ok(BookSet { characters, ids, train_len })
    }

    pub fn train(&self) -> &[u8] {
        &self.ids[..self.train_len]
    }

    pub fn validation(&self) -> &[u8] {
        &self.ids[self.train_len..]
    }

    pub fn vocabulary_size(&self) -> usize {
        self.characters.len()
    }

    pub fn id_of(&self, c: char) -> Option<u8> {
        self.characters.binary_search(&c).ok().map(|i| i as u8)
    }

    /// The characters of `ids` (ids outside the book's characters are skipped).
    pub fn text_of(&self, ids: &[u8]) -> String {
        ids.iter().filter_map(|&id| self.characters.get(id as usize)).collect()
    }

    /// A learner's text in the book's characters, and what had to be dropped (emoji, other
    /// scripts, any character the book never uses). Windows line ends count as one newline.
    pub fn encode(&self, text: &str) -> (Vec<u8>, Dropped) {
        let mut dropped = Dropped::default();
        let mut ids = Vec::with_capacity(text.len());
        for c in text.chars().filter(|&c| c != '\r') {
            match self.id_of(c) {
                Some(id) => ids.push(id),
                None => {
                    dropped.count += 1;
                    if !dropped.characters.contains(&c) {
                        dropped.characters.push(c);
                    }
                }
            }
        }
        (ids, dropped)
    }

    pub fn decode(bytes: &[u8]) -> Result<BookSet, DataError> {
        BookSet::from_asset(decode_as(bytes, AssetKind::Book)?)
    }

    pub fn from_asset(asset: Asset) -> Result<BookSet, DataError> {
        let bad = |detail: String| Err(DataError::malformed("Moby-Dick", detail));
        if asset.kind != AssetKind::Book {
            return bad(format!("{} asset", asset.kind.name()));
        }
        let [count, distinct, character_bytes, train_len, ..] = asset.dims.map(|d| d as usize);
        if character_bytes.checked_add(count) != Some(asset.payload.len()) || train_len > count {
            return bad(format!("{} bytes for {count} characters", asset.payload.len()));
        }
        let Ok(listed) = std::str::from_utf8(&asset.payload[..character_bytes]) else {
            return bad("the character list is not UTF-8".into());
        };
        let characters: Vec<char> = listed.chars().collect();
        if characters.len() != distinct || distinct > 256 || characters.windows(2).any(|w| w[0] >= w[1]) {
            return bad("the character list is not sorted and distinct".into());
        }
        let ids = asset.payload[character_bytes..].to_vec();
        if ids.iter().any(|&id| id as usize >= distinct) {
            return bad("an id names no character".into());
        }
        Ok(BookSet { characters, ids, train_len })
    }

    pub fn to_asset(&self) -> Asset {
        let listed: String = self.characters.iter().collect();
        let mut payload = listed.into_bytes();
        let character_bytes = payload.len();
        payload.extend_from_slice(&self.ids);
        let dims = [self.ids.len() as u32, self.characters.len() as u32, character_bytes as u32, self.train_len as u32, 0, 0];
        Asset { kind: AssetKind::Book, dims, payload }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Problem;

    #[test]
    fn a_text_gets_ids_in_code_point_order_and_a_ninety_ten_split() {
        let book = BookSet::from_text("abba—cab\nba").unwrap();
        assert_eq!(book.characters, vec!['\n', 'a', 'b', 'c', '—']);
        assert_eq!(book.ids, vec![1, 2, 2, 1, 4, 3, 1, 2, 0, 2, 1]);
        // 11 characters: the first 9 (floor of 90%) train, the last 2 validate.
        assert_eq!((book.train().len(), book.validation()), (9, &[2, 1][..]));
        assert_eq!(book.text_of(&book.ids), "abba—cab\nba");
    }

    #[test]
    fn a_learners_text_drops_what_the_book_never_uses_and_says_what() {
        let book = BookSet::from_text("ab c\n").unwrap();
        let (ids, dropped) = book.encode("a🐳b\r\nxa🐳");
        assert_eq!(book.text_of(&ids), "ab\na");
        assert_eq!(dropped, Dropped { characters: vec!['🐳', 'x'], count: 3 });
    }

    #[test]
    fn a_book_survives_the_asset_round_trip_and_a_damaged_one_is_refused() {
        let book = BookSet::from_text("Call me Ishmael. Some years ago—never mind how long").unwrap();
        let bytes = book.to_asset().encode();
        assert_eq!(BookSet::decode(&bytes).unwrap(), book);
        let mut asset = book.to_asset();
        asset.payload[3] = b'a'; // the character list is no longer sorted
        let error = BookSet::from_asset(asset).unwrap_err();
        assert!(matches!(error.problem, Problem::Malformed(_)), "{error}");
        let mut asset = book.to_asset();
        *asset.payload.last_mut().unwrap() = 200;
        assert!(BookSet::from_asset(asset).is_err(), "an id past the list");
    }
}
