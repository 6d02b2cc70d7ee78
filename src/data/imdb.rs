//! IMDB movie reviews as token ids: the typed view the app trains on, and its payload codec.
//!
//! Payload layout (AssetKind::Imdb; dims = [train, test, vocabulary size, sample texts,
//! token cap or 0, 0]); "varint" is unsigned LEB128 (see `varint`):
//! ```text
//! vocabulary   for each id: varint byte length, UTF-8 word
//! labels       one byte per review (0 = negative, 1 = positive), train reviews first
//! lengths      one varint per review: how many token ids it stores (at most the cap)
//! tokens       the ids of all reviews, one varint each, review after review
//! samples      for each sample text: varint gap to the previous sample's review index
//!              (the first counts from 0), varint byte length, UTF-8 cleaned text
//! ```
//! Keeping the streams apart lets deflate model each on its own statistics.

use super::error::DataError;
use super::format::{decode_as, Asset, AssetKind};
use super::split::Split;
use super::varint;
use super::vocabulary::{EncodedText, Vocabulary};
use std::ops::Range;

/// The original text of one test review, for the learner to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleText {
    /// Index of the review in the set (always a test review).
    pub review: usize,
    /// The review after [`clean_text`](super::tokenizer::clean_text): newlines for `<br />`.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImdbSet {
    pub vocabulary: Vocabulary,
    pub train_count: usize,
    pub test_count: usize,
    /// One label per review, 0 = negative, 1 = positive; reviews `0..train_count` are training.
    pub labels: Vec<u8>,
    /// Review `i` holds `tokens[offsets[i]..offsets[i + 1]]`.
    pub offsets: Vec<usize>,
    pub tokens: Vec<u32>,
    /// Sorted by review index.
    pub samples: Vec<SampleText>,
    /// Reviews longer than this many tokens were cut to their first `token_cap` tokens.
    pub token_cap: Option<usize>,
}

impl ImdbSet {
    /// A small set for tests: these reviews, encoded with `vocabulary`, the first `train_count`
    /// of them for training; no samples and no cap.
    #[cfg(test)]
    pub(crate) fn from_texts(vocabulary: Vocabulary, reviews: &[(&str, u8)], train_count: usize) -> ImdbSet {
        let mut offsets = vec![0];
        let mut tokens = Vec::new();
        for (text, _) in reviews {
            vocabulary.encode_into(text, &mut tokens);
            offsets.push(tokens.len());
        }
        ImdbSet {
            vocabulary,
            train_count,
            test_count: reviews.len() - train_count,
            labels: reviews.iter().map(|&(_, label)| label).collect(),
            offsets,
            tokens,
            samples: Vec::new(),
            token_cap: None,
        }
    }

    /// Verifies and unpacks the `imdb-reviews.bin` asset.
    pub fn decode(bytes: &[u8]) -> Result<ImdbSet, DataError> {
        ImdbSet::from_asset(decode_as(bytes, AssetKind::Imdb)?)
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn train(&self) -> Range<usize> {
        0..self.train_count
    }

    /// The training reviews held out to choose the model: the last tenth of them (2,500 of
    /// 25,000). The converter stores each side sorted by a hash of the review's text, so this
    /// is a random tenth, fixed for every seed; near-duplicates share a hash and stay together.
    pub fn validation(&self) -> Range<usize> {
        self.train_count - self.train_count / 10..self.train_count
    }

    /// The training reviews the model learns from: all but the validation tenth.
    pub fn fit(&self) -> Range<usize> {
        0..self.validation().start
    }

    pub fn test(&self) -> Range<usize> {
        self.train_count..self.len()
    }

    pub fn split(&self, review: usize) -> Split {
        if review < self.train_count {
            Split::Train
        } else {
            Split::Test
        }
    }

    pub fn label(&self, review: usize) -> u8 {
        self.labels[review]
    }

    /// The token ids of one review, in reading order.
    pub fn review_tokens(&self, review: usize) -> &[u32] {
        &self.tokens[self.offsets[review]..self.offsets[review + 1]]
    }

    /// The readable text of a review, if it is one of the stored samples.
    pub fn sample_text(&self, review: usize) -> Option<&str> {
        let at = self
            .samples
            .binary_search_by_key(&review, |s| s.review)
            .ok()?;
        Some(&self.samples[at].text)
    }

    /// Tokenizes the learner's text with the training vocabulary, cut to the token cap like
    /// the training reviews.
    pub fn encode_text(&self, text: &str) -> EncodedText {
        let mut encoded = self.vocabulary.encode(text);
        if let Some(cap) = self.token_cap {
            encoded.ids.truncate(cap);
        }
        encoded
    }

    pub fn to_asset(&self) -> Asset {
        let mut out = Vec::new();
        for word in self.vocabulary.words() {
            varint::write(&mut out, word.len() as u32);
            out.extend_from_slice(word.as_bytes());
        }
        out.extend_from_slice(&self.labels);
        for w in self.offsets.windows(2) {
            varint::write(&mut out, (w[1] - w[0]) as u32);
        }
        for &id in &self.tokens {
            varint::write(&mut out, id);
        }
        let mut previous = 0;
        for sample in &self.samples {
            varint::write(&mut out, (sample.review - previous) as u32);
            previous = sample.review;
            varint::write(&mut out, sample.text.len() as u32);
            out.extend_from_slice(sample.text.as_bytes());
        }
        let dims = [
            self.train_count as u32,
            self.test_count as u32,
            self.vocabulary.len() as u32,
            self.samples.len() as u32,
            self.token_cap.unwrap_or(0) as u32,
            0,
        ];
        Asset {
            kind: AssetKind::Imdb,
            dims,
            payload: out,
        }
    }

    pub fn from_asset(asset: Asset) -> Result<ImdbSet, DataError> {
        if asset.kind != AssetKind::Imdb {
            return Err(DataError::malformed(
                "IMDB",
                format!("{} asset", asset.kind.name()),
            ));
        }
        let [train_count, test_count, vocab_size, sample_count, cap, _] =
            asset.dims.map(|d| d as usize);
        let mut r = Reader {
            bytes: &asset.payload,
            at: 0,
        };
        // Each word takes at least 1 byte, each review and sample at least 2: refuse counts
        // the payload cannot hold before allocating for them (the dims are not checksummed).
        let minimum =
            vocab_size as u64 + 2 * (train_count as u64 + test_count as u64 + sample_count as u64);
        if minimum > asset.payload.len() as u64 {
            return Err(r.error("the dimensions do not fit the payload"));
        }
        let mut words = Vec::with_capacity(vocab_size);
        for _ in 0..vocab_size {
            words.push(r.text()?);
        }
        let vocabulary = Vocabulary::from_words(words)?;
        let count = train_count + test_count;
        let labels = r.take(count)?.to_vec();
        if labels.iter().any(|&l| l > 1) {
            return Err(r.error("a label is neither 0 nor 1"));
        }
        let mut offsets = Vec::with_capacity(count + 1);
        offsets.push(0);
        for _ in 0..count {
            let len = r.varint()? as usize;
            if cap > 0 && len > cap {
                return Err(r.error("a review is longer than the token cap"));
            }
            offsets.push(offsets.last().unwrap() + len);
        }
        let total = *offsets.last().unwrap();
        // Every varint takes at least one byte: refuse impossible totals before allocating.
        if total > asset.payload.len() {
            return Err(r.error("more tokens than bytes"));
        }
        let mut tokens = Vec::with_capacity(total);
        for _ in 0..total {
            let id = r.varint()?;
            if id as usize >= vocab_size {
                return Err(r.error("a token id is outside the vocabulary"));
            }
            tokens.push(id);
        }
        let mut samples = Vec::with_capacity(sample_count);
        let mut review = 0;
        for i in 0..sample_count {
            let gap = r.varint()? as usize;
            review += gap;
            if (i > 0 && gap == 0) || review < train_count || review >= count {
                return Err(r.error("a sample text is not for a distinct test review"));
            }
            samples.push(SampleText {
                review,
                text: r.text()?,
            });
        }
        if r.at != asset.payload.len() {
            return Err(r.error("unexpected bytes after the samples"));
        }
        let token_cap = (cap > 0).then_some(cap);
        Ok(ImdbSet {
            vocabulary,
            train_count,
            test_count,
            labels,
            offsets,
            tokens,
            samples,
            token_cap,
        })
    }
}

/// Reads the payload front to back; every failure is a malformed-payload error.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn error(&self, detail: &str) -> DataError {
        DataError::malformed("IMDB", format!("{detail}, at byte {}", self.at))
    }

    fn varint(&mut self) -> Result<u32, DataError> {
        varint::read(self.bytes, &mut self.at).ok_or_else(|| self.error("bad or missing number"))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DataError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| self.error("the payload ends early"))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn text(&mut self) -> Result<String, DataError> {
        let len = self.varint()? as usize;
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| self.error("text is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Corruption, Problem};

    fn tiny() -> ImdbSet {
        let vocabulary = Vocabulary::from_counts([("good", 3), ("bad", 2), ("film", 1), ("!", 1)], 6);
        let reviews = [("good film !", 1), ("bad film", 0), ("good", 1), ("bad bad !", 0)];
        ImdbSet {
            samples: vec![SampleText { review: 3, text: "Bad, bad!\nÇa va.".into() }],
            token_cap: Some(3),
            ..ImdbSet::from_texts(vocabulary, &reviews, 2)
        }
    }

    #[test]
    fn a_set_survives_the_asset_round_trip() {
        let set = tiny();
        let back = ImdbSet::decode(&set.to_asset().encode()).unwrap();
        assert_eq!(back, set);
        assert_eq!(
            back.review_tokens(1),
            [back.vocabulary.id("bad"), back.vocabulary.id("film")]
        );
        assert_eq!((back.split(1), back.split(2)), (Split::Train, Split::Test));
        assert_eq!(back.sample_text(3), Some("Bad, bad!\nÇa va."));
        assert_eq!(back.sample_text(2), None);
    }

    #[test]
    fn typed_text_is_cut_to_the_token_cap() {
        let set = tiny();
        let encoded = set.encode_text("Good good good unseen");
        assert_eq!(encoded.ids, [2, 2, 2]);
        assert_eq!(encoded.unknown, 1);
    }

    #[test]
    fn inconsistent_payloads_are_malformed_not_panics() {
        let asset = tiny().to_asset();
        for cut in 0..asset.payload.len() {
            let mut short = asset.clone();
            short.payload.truncate(cut);
            let err = ImdbSet::from_asset(short).unwrap_err();
            assert!(matches!(err.problem, Problem::Malformed(_)), "{err}");
        }
        for (dim, value) in [(2, 99), (0, u32::MAX), (3, u32::MAX), (2, u32::MAX)] {
            let mut bad_dims = asset.clone();
            bad_dims.dims[dim] = value;
            assert!(
                ImdbSet::from_asset(bad_dims).is_err(),
                "dims[{dim}] = {value}"
            );
        }
        let mut flipped = asset.encode_with_level(0);
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        let err = ImdbSet::decode(&flipped).unwrap_err();
        assert!(matches!(
            err.problem,
            Problem::Corrupt(Corruption::ChecksumMismatch { .. })
        ));
    }
}
