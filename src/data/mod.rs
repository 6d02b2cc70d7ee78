//! Dataset assets: the compact binary format written by `make-datasets` and read by the app.
//!
//! The app fetches `www/data/*.bin`, then calls [`MnistSet::decode`] or [`ImdbSet::decode`];
//! both verify the container (magic, version, lengths, CRC-32) before trusting a byte. For
//! the learner's own review, [`Vocabulary::encode`] (or [`ImdbSet::encode_text`]) runs the same
//! tokenizer the converter used. Formats and numbers: `www/data/README.md`.

pub mod book;
pub mod convert;
mod error;
pub mod format;
pub mod imdb;
pub mod mnist;
pub mod split;
pub mod tokenizer;
mod varint;
pub mod vocabulary;

pub use error::{Corruption, DataError, Problem};
pub use format::{decode, decode_as, Asset, AssetKind, Header, FORMAT_VERSION};
pub use book::BookSet;
pub use imdb::{ImdbSet, SampleText};
pub use mnist::MnistSet;
pub use split::Split;
pub use tokenizer::{clean_text, for_each_token, for_each_token_span, tokenize};
pub use vocabulary::{EncodedText, Vocabulary, PAD_ID, UNKNOWN_ID};

/// File names under `www/data/`, shared by the converter, the tests and the app.
pub const MNIST_TRAIN_FILE: &str = "mnist-train.bin";
pub const MNIST_TEST_FILE: &str = "mnist-test.bin";
pub const IMDB_FILE: &str = "imdb-reviews.bin";
pub const BOOK_FILE: &str = "moby-dick.bin";
pub const MANIFEST_FILE: &str = "manifest.json";
/// Size budgets for the files as served (they are already compressed).
pub const MNIST_BUDGET_BYTES: u64 = 12_000_000;
pub const IMDB_BUDGET_BYTES: u64 = 12_000_000;
pub const BOOK_BUDGET_BYTES: u64 = 1_000_000;
