//! MNIST handwritten digits: the IDX reader (converter side) and the typed view (app side).
//!
//! Payload layout (AssetKind::Mnist, pixel layout 0): `count` label bytes (0..=9), then
//! `count × 28 × 28` pixel bytes, image after image, row-major, 0 = background, 255 = ink.
//! The pixels are exactly those of the IDX files. Plain deflate of this layout was the
//! smallest of the lossless layouts we measured (see www/data/README.md), so there is no
//! transform to undo.

use super::error::DataError;
use super::format::{decode_as, Asset, AssetKind};

pub const IMAGE_ROWS: usize = 28;
pub const IMAGE_COLS: usize = 28;
pub const IMAGE_PIXELS: usize = IMAGE_ROWS * IMAGE_COLS;
pub const CLASSES: usize = 10;
/// dims[3]: how pixels are ordered in the payload. Only image-major exists.
pub const PIXEL_LAYOUT_IMAGE_MAJOR: u32 = 0;

const IDX_IMAGES_MAGIC: u32 = 0x0000_0803; // unsigned bytes, 3 dimensions
const IDX_LABELS_MAGIC: u32 = 0x0000_0801; // unsigned bytes, 1 dimension

fn be_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn idx_body<'a>(
    bytes: &'a [u8],
    what: &str,
    magic: u32,
    dims: usize,
) -> Result<(Vec<usize>, &'a [u8]), DataError> {
    let header = 4 + 4 * dims;
    if bytes.len() < header {
        return Err(DataError::bad_input(
            "MNIST",
            format!(
                "{what}: {} bytes is too short for an IDX header",
                bytes.len()
            ),
        ));
    }
    let found = be_u32(bytes, 0);
    if found != magic {
        return Err(DataError::bad_input(
            "MNIST",
            format!("{what}: IDX magic {found:#010x}, expected {magic:#010x}"),
        ));
    }
    let shape: Vec<usize> = (0..dims)
        .map(|i| be_u32(bytes, 4 + 4 * i) as usize)
        .collect();
    let expected = shape.iter().product::<usize>();
    let body = &bytes[header..];
    if body.len() != expected {
        return Err(DataError::bad_input(
            "MNIST",
            format!(
                "{what}: shape {shape:?} needs {expected} bytes, file has {}",
                body.len()
            ),
        ));
    }
    Ok((shape, body))
}

/// Reads an IDX3 image file; returns (count, pixels) after checking the images are 28×28.
pub fn parse_idx_images(bytes: &[u8]) -> Result<(usize, &[u8]), DataError> {
    let (shape, body) = idx_body(bytes, "image file", IDX_IMAGES_MAGIC, 3)?;
    if shape[1..] != [IMAGE_ROWS, IMAGE_COLS] {
        return Err(DataError::bad_input(
            "MNIST",
            format!("images are {}×{}, expected 28×28", shape[1], shape[2]),
        ));
    }
    Ok((shape[0], body))
}

/// Reads an IDX1 label file.
pub fn parse_idx_labels(bytes: &[u8]) -> Result<&[u8], DataError> {
    Ok(idx_body(bytes, "label file", IDX_LABELS_MAGIC, 1)?.1)
}

/// A set of MNIST images with their labels, decoded and ready for training.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MnistSet {
    /// `count × 784` bytes, image-major, row-major inside an image.
    pub images: Vec<u8>,
    /// One digit 0..=9 per image.
    pub labels: Vec<u8>,
    pub count: usize,
}

impl MnistSet {
    /// Builds a set from the original IDX files, checking that they agree.
    pub fn from_idx(image_file: &[u8], label_file: &[u8]) -> Result<MnistSet, DataError> {
        let (count, pixels) = parse_idx_images(image_file)?;
        let labels = parse_idx_labels(label_file)?;
        if labels.len() != count {
            return Err(DataError::bad_input(
                "MNIST",
                format!("{count} images but {} labels", labels.len()),
            ));
        }
        if let Some(bad) = labels.iter().find(|&&l| l as usize >= CLASSES) {
            return Err(DataError::bad_input(
                "MNIST",
                format!("label {bad} is not a digit"),
            ));
        }
        Ok(MnistSet {
            images: pixels.to_vec(),
            labels: labels.to_vec(),
            count,
        })
    }

    /// Verifies and unpacks an `mnist-*.bin` asset.
    pub fn decode(bytes: &[u8]) -> Result<MnistSet, DataError> {
        MnistSet::from_asset(decode_as(bytes, AssetKind::Mnist)?)
    }

    pub fn from_asset(asset: Asset) -> Result<MnistSet, DataError> {
        let bad = |detail: String| Err(DataError::malformed("MNIST", detail));
        if asset.kind != AssetKind::Mnist {
            return bad(format!("{} asset", asset.kind.name()));
        }
        let [count, rows, cols, layout, ..] = asset.dims.map(|d| d as usize);
        if (rows, cols) != (IMAGE_ROWS, IMAGE_COLS) || layout != PIXEL_LAYOUT_IMAGE_MAJOR as usize {
            return bad(format!("{rows}×{cols} images in layout {layout}"));
        }
        if count.checked_mul(1 + IMAGE_PIXELS) != Some(asset.payload.len()) {
            return bad(format!("{} bytes for {count} images", asset.payload.len()));
        }
        let mut labels = asset.payload;
        let images = labels.split_off(count);
        if labels.iter().any(|&l| l as usize >= CLASSES) {
            return bad("a label is not a digit".into());
        }
        Ok(MnistSet {
            images,
            labels,
            count,
        })
    }

    pub fn to_asset(&self) -> Asset {
        let mut payload = Vec::with_capacity(self.labels.len() + self.images.len());
        payload.extend_from_slice(&self.labels);
        payload.extend_from_slice(&self.images);
        let dims = [
            self.count as u32,
            IMAGE_ROWS as u32,
            IMAGE_COLS as u32,
            PIXEL_LAYOUT_IMAGE_MAJOR,
            0,
            0,
        ];
        Asset {
            kind: AssetKind::Mnist,
            dims,
            payload,
        }
    }

    /// The 784 pixels of image `i`, row by row.
    pub fn image(&self, i: usize) -> &[u8] {
        &self.images[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS]
    }

    pub fn label(&self, i: usize) -> u8 {
        self.labels[i]
    }

    /// Image `i` as intensities in [0, 1] (pixel / 255).
    pub fn image_f32(&self, i: usize) -> Vec<f32> {
        let mut out = vec![0.0; IMAGE_PIXELS];
        self.write_image_f32(i, &mut out);
        out
    }

    /// Writes image `i` as intensities in [0, 1] into `out` (784 floats), e.g. one row of a batch.
    pub fn write_image_f32(&self, i: usize, out: &mut [f32]) {
        for (o, &p) in out[..IMAGE_PIXELS].iter_mut().zip(self.image(i)) {
            *o = p as f32 * (1.0 / 255.0);
        }
    }

    /// Fills a batch: `pixels` gets `indices.len() × 784` intensities, `labels` the digits.
    pub fn write_batch_f32(&self, indices: &[usize], pixels: &mut [f32], labels: &mut [u8]) {
        for (row, &i) in indices.iter().enumerate() {
            self.write_image_f32(i, &mut pixels[row * IMAGE_PIXELS..(row + 1) * IMAGE_PIXELS]);
            labels[row] = self.labels[i];
        }
    }

    /// How many images of each digit.
    pub fn class_counts(&self) -> [usize; CLASSES] {
        let mut counts = [0; CLASSES];
        for &l in &self.labels {
            counts[l as usize] += 1;
        }
        counts
    }

    /// Ten synthetic "digits" for tests that need a set but not real data: image i has pixels
    /// (j·37 + i·11) mod 256 and label i.
    #[cfg(test)]
    pub fn synthetic_ten() -> MnistSet {
        let images = (0..10 * IMAGE_PIXELS).map(|k| ((k % IMAGE_PIXELS) * 37 + (k / IMAGE_PIXELS) * 11) as u8).collect();
        MnistSet { images, labels: (0..10).collect(), count: 10 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes IDX bytes the way the original files are laid out (big-endian header).
    fn idx(magic: u32, shape: &[u32], body: &[u8]) -> Vec<u8> {
        let mut out = magic.to_be_bytes().to_vec();
        for d in shape {
            out.extend_from_slice(&d.to_be_bytes());
        }
        out.extend_from_slice(body);
        out
    }

    fn tiny_set() -> (Vec<u8>, Vec<u8>) {
        let pixels: Vec<u8> = (0..3 * IMAGE_PIXELS).map(|i| (i % 256) as u8).collect();
        (
            idx(0x803, &[3, 28, 28], &pixels),
            idx(0x801, &[3], &[7, 0, 9]),
        )
    }

    #[test]
    fn idx_files_become_a_set_and_survive_the_asset_round_trip() {
        let (images, labels) = tiny_set();
        let set = MnistSet::from_idx(&images, &labels).unwrap();
        assert_eq!(set.count, 3);
        assert_eq!(set.labels, [7, 0, 9]);
        assert_eq!(
            set.image(1),
            &images[16 + IMAGE_PIXELS..16 + 2 * IMAGE_PIXELS]
        );
        assert_eq!(MnistSet::decode(&set.to_asset().encode()).unwrap(), set);
    }

    #[test]
    fn pixels_become_floats_from_zero_to_one() {
        let (images, labels) = tiny_set();
        let set = MnistSet::from_idx(&images, &labels).unwrap();
        let f = set.image_f32(0);
        assert_eq!((f[0], f[255]), (0.0, 1.0));
        assert!((f[128] - 128.0 / 255.0).abs() < 1e-7);
        let (mut batch, mut batch_labels) = (vec![0.0; 2 * IMAGE_PIXELS], [0u8; 2]);
        set.write_batch_f32(&[2, 0], &mut batch, &mut batch_labels);
        assert_eq!(batch_labels, [9, 7]);
        assert_eq!(&batch[IMAGE_PIXELS..], &f[..]);
    }

    #[test]
    fn bad_idx_files_are_refused_with_the_reason() {
        let (images, labels) = tiny_set();
        let swapped = MnistSet::from_idx(&labels, &images).unwrap_err();
        assert!(
            swapped.to_string().contains("too short for an IDX header"),
            "{swapped}"
        );
        let wrong_magic = idx(0x801, &[3, 28, 28], &images[16..]);
        let err = parse_idx_images(&wrong_magic).unwrap_err();
        assert!(
            err.to_string()
                .contains("IDX magic 0x00000801, expected 0x00000803"),
            "{err}"
        );
        let short = MnistSet::from_idx(&images[..images.len() - 1], &labels).unwrap_err();
        assert!(short.to_string().contains("needs 2352 bytes"), "{short}");
        let wide = idx(0x803, &[1, 28, 29], &[0; 28 * 29]);
        assert!(parse_idx_images(&wide).is_err());
        let mismatch = MnistSet::from_idx(&images, &idx(0x801, &[2], &[1, 2])).unwrap_err();
        assert!(
            mismatch.to_string().contains("3 images but 2 labels"),
            "{mismatch}"
        );
        let not_digit = MnistSet::from_idx(&images, &idx(0x801, &[3], &[1, 2, 10])).unwrap_err();
        assert!(not_digit.to_string().contains("not a digit"));
    }

    #[test]
    fn an_asset_whose_dims_disagree_with_its_payload_is_malformed() {
        let (images, labels) = tiny_set();
        let mut asset = MnistSet::from_idx(&images, &labels).unwrap().to_asset();
        asset.dims[0] = 4;
        let err = MnistSet::decode(&asset.encode()).unwrap_err();
        assert!(
            matches!(err.problem, crate::data::Problem::Malformed(_)),
            "{err}"
        );
    }
}
