//! The asset container: a fixed header, then the deflate-compressed payload.
//!
//! ```text
//! offset size  field (little-endian)
//!  0      4    magic  b"SWDS"
//!  4      2    format version (FORMAT_VERSION)
//!  6      2    kind (AssetKind)
//!  8      8    payload length, uncompressed
//! 16      8    compressed length (bytes after the header)
//! 24      4    CRC-32 (IEEE) of the uncompressed payload
//! 28     24    six u32 dimensions; their meaning depends on the kind
//! 52      ..   raw deflate stream (no zlib/gzip wrapper)
//! ```
//! Both lengths are in the header so that a short download is reported as incomplete rather
//! than as corrupt, and so that the decoder can allocate the output once.

use super::error::{Corruption, DataError, Problem};
use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

pub const MAGIC: [u8; 4] = *b"SWDS";
/// Bump when any payload layout changes: old pages then refuse new files with a clear message.
pub const FORMAT_VERSION: u16 = 1;
pub const HEADER_LEN: usize = 52;
pub const DIMS: usize = 6;
/// zlib's default level. On MNIST, level 9 is 0.3% smaller but three times slower to write,
/// and level 10 is larger; on IMDB all levels from 6 up are within 0.05%.
pub const COMPRESSION_LEVEL: u8 = 6;
/// Deflate cannot expand data by more than about 1032:1, so a larger ratio means a bad header.
const MAX_DEFLATE_RATIO: u64 = 1032;
/// Far above the largest payload (MNIST train, 47 MB) yet an allocation any browser can make,
/// so a damaged length field gives an error rather than an out-of-memory abort.
const MAX_PAYLOAD: u64 = 1 << 28;

/// What a payload holds; fixes the meaning of `dims` and the payload layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum AssetKind {
    /// dims = [count, rows, cols, pixel layout (0 = image-major), 0, 0]; see `mnist`.
    Mnist = 1,
    /// dims = [train count, test count, vocabulary size, sample texts, token cap (0 = none), 0];
    /// see `imdb`.
    Imdb = 2,
    /// dims = [characters, distinct characters, their UTF-8 bytes, training characters, 0, 0];
    /// see `book`.
    Book = 3,
}

impl AssetKind {
    pub fn from_code(code: u16) -> Option<AssetKind> {
        match code {
            1 => Some(AssetKind::Mnist),
            2 => Some(AssetKind::Imdb),
            3 => Some(AssetKind::Book),
            _ => None,
        }
    }

    /// The name learners know the dataset by, used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            AssetKind::Mnist => "MNIST",
            AssetKind::Imdb => "IMDB",
            AssetKind::Book => "Moby-Dick",
        }
    }
}

/// A decoded asset: the kind, its dimensions and the verified, uncompressed payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub kind: AssetKind,
    pub dims: [u32; DIMS],
    pub payload: Vec<u8>,
}

/// The parsed header, available before the (slow) inflate step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub version: u16,
    pub kind: AssetKind,
    pub payload_len: u64,
    pub compressed_len: u64,
    pub crc32: u32,
    pub dims: [u32; DIMS],
}

impl Asset {
    /// Compresses the payload and prepends the header.
    pub fn encode(&self) -> Vec<u8> {
        self.encode_with_level(COMPRESSION_LEVEL)
    }

    /// Level 0 stores the payload uncompressed (deflate "stored" blocks); tests use it to
    /// corrupt a payload byte precisely.
    pub fn encode_with_level(&self, level: u8) -> Vec<u8> {
        let compressed = miniz_oxide::deflate::compress_to_vec(&self.payload, level);
        let mut out = Vec::with_capacity(HEADER_LEN + compressed.len());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(self.kind as u16).to_le_bytes());
        out.extend_from_slice(&(self.payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&(compressed.len() as u64).to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&self.payload).to_le_bytes());
        for d in self.dims {
            out.extend_from_slice(&d.to_le_bytes());
        }
        debug_assert_eq!(out.len(), HEADER_LEN);
        out.extend_from_slice(&compressed);
        out
    }
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

impl Header {
    /// Reads and checks the header; `expected` names the dataset in errors before the kind is known.
    pub fn parse(bytes: &[u8], expected: Option<AssetKind>) -> Result<Header, DataError> {
        let mut name = expected.map_or("dataset", AssetKind::name);
        let prefix = bytes.len().min(MAGIC.len());
        if bytes[..prefix] != MAGIC[..prefix] || bytes.is_empty() {
            return Err(DataError::new(name, Problem::NotAnAsset));
        }
        if bytes.len() < HEADER_LEN {
            return Err(DataError::new(
                name,
                Problem::Truncated {
                    expected_bytes: HEADER_LEN as u64,
                    actual_bytes: bytes.len() as u64,
                },
            ));
        }
        let version = u16_at(bytes, 4);
        let code = u16_at(bytes, 6);
        let kind = AssetKind::from_code(code);
        if let Some(kind) = kind {
            name = kind.name();
        }
        if version != FORMAT_VERSION {
            let problem = Problem::UnsupportedVersion {
                found: version,
                supported: FORMAT_VERSION,
            };
            return Err(DataError::new(name, problem));
        }
        let kind = kind.ok_or_else(|| DataError::new(name, Problem::UnknownKind(code)))?;
        if let Some(expected) = expected.filter(|&e| e != kind) {
            return Err(DataError::new(
                name,
                Problem::WrongKind {
                    expected: expected.name(),
                },
            ));
        }
        let mut dims = [0u32; DIMS];
        for (i, d) in dims.iter_mut().enumerate() {
            *d = u32_at(bytes, 28 + 4 * i);
        }
        Ok(Header {
            version,
            kind,
            payload_len: u64_at(bytes, 8),
            compressed_len: u64_at(bytes, 16),
            crc32: u32_at(bytes, 24),
            dims,
        })
    }
}

/// Verifies and unpacks an asset of any kind.
pub fn decode(bytes: &[u8]) -> Result<Asset, DataError> {
    decode_inner(bytes, None)
}

/// Like [`decode`], but names `expected` in errors and rejects other kinds.
pub fn decode_as(bytes: &[u8], expected: AssetKind) -> Result<Asset, DataError> {
    decode_inner(bytes, Some(expected))
}

fn decode_inner(bytes: &[u8], expected: Option<AssetKind>) -> Result<Asset, DataError> {
    let header = Header::parse(bytes, expected)?;
    let name = header.kind.name();
    let body = &bytes[HEADER_LEN..];
    let body_len = body.len() as u64;
    if body_len < header.compressed_len {
        let problem = Problem::Truncated {
            expected_bytes: HEADER_LEN as u64 + header.compressed_len,
            actual_bytes: bytes.len() as u64,
        };
        return Err(DataError::new(name, problem));
    }
    if body_len > header.compressed_len {
        let extra = body_len - header.compressed_len;
        return Err(DataError::corrupt(name, Corruption::TrailingBytes(extra)));
    }
    let len = header.payload_len;
    if len > MAX_PAYLOAD || len > header.compressed_len.saturating_mul(MAX_DEFLATE_RATIO) {
        return Err(DataError::corrupt(name, Corruption::ImplausibleLength(len)));
    }
    let payload = inflate_exact(body, len as usize).map_err(|c| DataError::corrupt(name, c))?;
    let actual = crc32fast::hash(&payload);
    if actual != header.crc32 {
        let why = Corruption::ChecksumMismatch {
            expected: header.crc32,
            actual,
        };
        return Err(DataError::corrupt(name, why));
    }
    Ok(Asset {
        kind: header.kind,
        dims: header.dims,
        payload,
    })
}

/// Inflates into a buffer allocated once at the announced size (large assets in wasm memory
/// should not be grown by doubling).
fn inflate_exact(compressed: &[u8], len: usize) -> Result<Vec<u8>, Corruption> {
    let mut out = vec![0u8; len];
    let mut state = Box::<DecompressorOxide>::default();
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let (status, _read, written) = decompress(&mut state, compressed, &mut out, 0, flags);
    match status {
        TINFLStatus::Done if written == len => Ok(out),
        TINFLStatus::Done => Err(Corruption::LengthMismatch {
            expected: len as u64,
            actual: written as u64,
        }),
        // The stream wants to write past the announced length.
        TINFLStatus::HasMoreOutput => Err(Corruption::LengthMismatch {
            expected: len as u64,
            actual: len as u64 + 1,
        }),
        _ => Err(Corruption::InvalidCompressedData),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Asset {
        let payload: Vec<u8> = (0..10_000u32).map(|i| (i * i % 251) as u8).collect();
        Asset {
            kind: AssetKind::Mnist,
            dims: [1, 2, 3, 4, 5, 6],
            payload,
        }
    }

    #[test]
    fn round_trip_preserves_kind_dims_and_payload() {
        let asset = sample();
        for level in [0, 1, 9] {
            assert_eq!(decode(&asset.encode_with_level(level)).unwrap(), asset);
        }
        let empty = Asset {
            kind: AssetKind::Imdb,
            dims: [0; DIMS],
            payload: vec![],
        };
        assert_eq!(decode(&empty.encode()).unwrap(), empty);
    }

    #[test]
    fn header_fields_are_where_the_layout_says() {
        let asset = sample();
        let bytes = asset.encode();
        let h = Header::parse(&bytes, None).unwrap();
        assert_eq!(&bytes[..4], b"SWDS");
        assert_eq!(h.payload_len, 10_000);
        assert_eq!(h.compressed_len as usize, bytes.len() - HEADER_LEN);
        assert_eq!(h.crc32, crc32fast::hash(&asset.payload));
        assert_eq!(h.dims, [1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn every_truncation_is_reported_as_incomplete() {
        let bytes = sample().encode();
        for cut in 4..bytes.len() {
            let err = decode(&bytes[..cut]).unwrap_err();
            assert!(
                matches!(err.problem, Problem::Truncated { .. }),
                "cut at {cut}: {err}"
            );
        }
        let err = decode_as(&bytes[..100], AssetKind::Mnist).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "the MNIST download is incomplete (100 of {} bytes); retry",
                bytes.len()
            )
        );
    }

    #[test]
    fn a_flipped_payload_byte_is_a_checksum_mismatch() {
        let mut bytes = sample().encode_with_level(0);
        // Stored deflate blocks start with a 5-byte block header, then the raw payload.
        bytes[HEADER_LEN + 5 + 1234] ^= 0x10;
        let err = decode_as(&bytes, AssetKind::Mnist).unwrap_err();
        assert!(matches!(
            err.problem,
            Problem::Corrupt(Corruption::ChecksumMismatch { .. })
        ));
        assert_eq!(
            err.to_string(),
            "the MNIST download is corrupt (checksum mismatch); retry"
        );
        assert!(err.retry_may_help());
    }

    #[test]
    fn any_flipped_byte_after_the_magic_is_an_error_never_a_panic() {
        let bytes = sample().encode();
        for at in 4..bytes.len() {
            let mut bad = bytes.clone();
            bad[at] ^= 0x41;
            // The dims are not checksummed: the typed views validate them against the payload.
            if (28..HEADER_LEN).contains(&at) {
                continue;
            }
            assert!(decode(&bad).is_err(), "flip at {at} went unnoticed");
        }
    }

    #[test]
    fn another_format_version_is_refused_with_a_reload_hint() {
        let mut bytes = sample().encode();
        bytes[4..6].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
        let err = decode(&bytes).unwrap_err();
        assert_eq!(
            err.problem,
            Problem::UnsupportedVersion {
                found: FORMAT_VERSION + 1,
                supported: FORMAT_VERSION
            }
        );
        assert!(err.to_string().ends_with("reload the page"), "{err}");
        assert!(!err.retry_may_help());
    }

    #[test]
    fn an_html_error_page_is_not_an_asset() {
        let err = decode_as(b"<!DOCTYPE html><title>404</title>", AssetKind::Imdb).unwrap_err();
        assert_eq!(err.problem, Problem::NotAnAsset);
        assert!(err
            .to_string()
            .starts_with("the IMDB download is not a Stepwise data file"));
        assert_eq!(decode(b"").unwrap_err().problem, Problem::NotAnAsset);
    }

    #[test]
    fn unknown_and_unexpected_kinds_are_refused() {
        let mut bytes = sample().encode();
        assert_eq!(
            decode_as(&bytes, AssetKind::Imdb).unwrap_err().problem,
            Problem::WrongKind { expected: "IMDB" }
        );
        bytes[6..8].copy_from_slice(&77u16.to_le_bytes());
        assert_eq!(
            decode(&bytes).unwrap_err().problem,
            Problem::UnknownKind(77)
        );
    }

    #[test]
    fn extra_bytes_and_wrong_lengths_are_corruption() {
        let mut longer = sample().encode();
        longer.extend_from_slice(b"junk");
        let err = decode(&longer).unwrap_err();
        assert_eq!(err.problem, Problem::Corrupt(Corruption::TrailingBytes(4)));

        for announced in [9_999u64, 10_001] {
            let mut bytes = sample().encode();
            bytes[8..16].copy_from_slice(&announced.to_le_bytes());
            let err = decode(&bytes).unwrap_err();
            assert!(matches!(
                err.problem,
                Problem::Corrupt(Corruption::LengthMismatch { .. })
            ));
        }
        let mut huge = sample().encode();
        huge[8..16].copy_from_slice(&(1u64 << 40).to_le_bytes());
        let err = decode(&huge).unwrap_err();
        assert!(matches!(
            err.problem,
            Problem::Corrupt(Corruption::ImplausibleLength(_))
        ));
    }
}
