//! What can go wrong when reading a dataset, worded for the learner who sees it.

use std::fmt;

/// A dataset could not be read. `Display` gives a sentence the app can show as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    /// The dataset's name as learners know it ("MNIST", "IMDB"), or "dataset" when unknown.
    pub dataset: &'static str,
    pub problem: Problem,
}

/// Why a dataset could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The bytes do not start with the asset magic: often an HTML error page instead of the file.
    NotAnAsset,
    UnsupportedVersion {
        found: u16,
        supported: u16,
    },
    UnknownKind(u16),
    WrongKind {
        expected: &'static str,
    },
    /// Fewer bytes arrived than the header announces.
    Truncated {
        expected_bytes: u64,
        actual_bytes: u64,
    },
    /// The bytes arrived but do not unpack to what the header promises.
    Corrupt(Corruption),
    /// The payload unpacked and passed its checksum but its structure is inconsistent:
    /// the file was written by a different converter than this app expects.
    Malformed(String),
    /// A converter input (IDX file, reviews JSON) is not what it should be.
    BadInput(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Corruption {
    ChecksumMismatch { expected: u32, actual: u32 },
    InvalidCompressedData,
    LengthMismatch { expected: u64, actual: u64 },
    TrailingBytes(u64),
    ImplausibleLength(u64),
}

impl DataError {
    pub fn new(dataset: &'static str, problem: Problem) -> Self {
        DataError { dataset, problem }
    }

    pub fn corrupt(dataset: &'static str, corruption: Corruption) -> Self {
        DataError::new(dataset, Problem::Corrupt(corruption))
    }

    pub fn malformed(dataset: &'static str, detail: impl Into<String>) -> Self {
        DataError::new(dataset, Problem::Malformed(detail.into()))
    }

    pub fn bad_input(dataset: &'static str, detail: impl Into<String>) -> Self {
        DataError::new(dataset, Problem::BadInput(detail.into()))
    }

    /// True when downloading the file again may help (as opposed to reloading the app).
    pub fn retry_may_help(&self) -> bool {
        matches!(
            self.problem,
            Problem::NotAnAsset | Problem::Truncated { .. } | Problem::Corrupt(_)
        )
    }
}

impl fmt::Display for Corruption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Corruption::ChecksumMismatch { .. } => write!(f, "checksum mismatch"),
            Corruption::InvalidCompressedData => write!(f, "invalid compressed data"),
            Corruption::LengthMismatch { expected, actual } => {
                write!(f, "unpacked to {actual} bytes instead of {expected}")
            }
            Corruption::TrailingBytes(n) => write!(f, "{n} unexpected bytes after the end"),
            Corruption::ImplausibleLength(n) => write!(f, "implausible size of {n} bytes"),
        }
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.dataset;
        match &self.problem {
            Problem::NotAnAsset => write!(
                f,
                "the {d} download is not a Stepwise data file (the server may have sent an error page); retry"
            ),
            Problem::UnsupportedVersion { found, supported } => write!(
                f,
                "the {d} download uses data format version {found} but this page reads version {supported}; reload the page"
            ),
            Problem::UnknownKind(kind) => write!(
                f,
                "the {d} download holds an unknown kind of data ({kind}); reload the page"
            ),
            Problem::WrongKind { expected } => write!(
                f,
                "expected the {expected} data but the download holds {d} data; reload the page"
            ),
            Problem::Truncated { expected_bytes, actual_bytes } => write!(
                f,
                "the {d} download is incomplete ({actual_bytes} of {expected_bytes} bytes); retry"
            ),
            Problem::Corrupt(why) => write!(f, "the {d} download is corrupt ({why}); retry"),
            Problem::Malformed(detail) => write!(
                f,
                "the {d} data does not match this page ({detail}); reload the page"
            ),
            Problem::BadInput(detail) => write!(f, "the {d} input is not usable: {detail}"),
        }
    }
}

impl std::error::Error for DataError {}
