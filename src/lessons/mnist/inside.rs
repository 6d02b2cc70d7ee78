//! What the page shows of the network's inside: the first layer's weights as 28×28 pictures,
//! and where it goes wrong (confusion matrix, misread test digits). Plain data, tested here;
//! drawn by `inside_view.rs`.

use crate::data::mnist::{MnistSet, CLASSES};

/// Unit `unit`'s incoming weights, from a first-layer weight matrix stored `inputs × units`
/// row-major (input-major, as `Dense` keeps it, x · W, and as a convolution keeps its kernels).
pub fn unit_weights(weights: &[f32], units: usize, unit: usize) -> Vec<f32> {
    (0..weights.len() / units.max(1)).map(|pixel| weights[pixel * units + unit]).collect()
}

/// One tile's colours: positive weights blue, negative orange, zero white, each scaled by the
/// tile's largest |weight| so every unit's pattern is visible whatever its size.
pub fn weight_tile_rgba(weights: &[f32]) -> Vec<u8> {
    const BLUE: [f32; 3] = [36.0, 87.0, 214.0];
    const ORANGE: [f32; 3] = [217.0, 115.0, 13.0];
    let scale = weights.iter().fold(0.0f32, |m, w| m.max(w.abs())).max(1e-12);
    let mut out = Vec::with_capacity(weights.len() * 4);
    for &w in weights {
        let t = (w / scale).clamp(-1.0, 1.0);
        let colour = if t >= 0.0 { BLUE } else { ORANGE };
        let amount = t.abs();
        for channel in colour {
            out.push((255.0 + (channel - 255.0) * amount).round() as u8);
        }
        out.push(255);
    }
    out
}

/// `counts[true digit][predicted digit]` over the first `predicted.len()` test images.
pub fn confusion(test: &MnistSet, predicted: &[u8]) -> [[u32; CLASSES]; CLASSES] {
    let mut counts = [[0; CLASSES]; CLASSES];
    for (i, &p) in predicted.iter().enumerate() {
        counts[test.label(i) as usize][p as usize] += 1;
    }
    counts
}

/// The first `limit` test images read wrongly: (index, true digit, predicted digit).
pub fn mistakes(test: &MnistSet, predicted: &[u8], limit: usize) -> Vec<(usize, u8, u8)> {
    predicted
        .iter()
        .enumerate()
        .filter(|&(i, &p)| p != test.label(i))
        .take(limit)
        .map(|(i, &p)| (i, test.label(i), p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::mnist::IMAGE_PIXELS;

    #[test]
    fn a_units_weights_are_its_column() {
        // 784 × 3 matrix whose entry (pixel, unit) is pixel * 10 + unit.
        let units = 3;
        let w: Vec<f32> = (0..IMAGE_PIXELS * units).map(|i| ((i / units) * 10 + i % units) as f32).collect();
        let column = unit_weights(&w, units, 2);
        assert_eq!(column.len(), 784);
        assert_eq!((column[0], column[1], column[783]), (2.0, 12.0, 7832.0));
    }

    #[test]
    fn tile_colours_run_from_orange_through_white_to_blue() {
        let rgba = weight_tile_rgba(&[-2.0, 0.0, 1.0, 2.0]);
        assert_eq!(&rgba[0..4], &[217, 115, 13, 255], "most negative: full orange");
        assert_eq!(&rgba[4..8], &[255, 255, 255, 255], "zero: white");
        // Half of the largest: half-way from white to blue: 255 + (36 − 255)/2 = 145.5 → 146.
        assert_eq!(&rgba[8..12], &[146, 171, 235, 255]);
        assert_eq!(&rgba[12..16], &[36, 87, 214, 255]);
    }

    #[test]
    fn confusion_and_mistakes_count_by_true_and_predicted_digit() {
        let test = MnistSet { images: vec![0; 4 * IMAGE_PIXELS], labels: vec![7, 7, 2, 1], count: 4 };
        let predicted = [7, 2, 2, 7];
        let counts = confusion(&test, &predicted);
        assert_eq!((counts[7][7], counts[7][2], counts[2][2], counts[1][7]), (1, 1, 1, 1));
        assert_eq!(counts.iter().flatten().sum::<u32>(), 4);
        assert_eq!(mistakes(&test, &predicted, 10), vec![(1, 7, 2), (3, 1, 7)]);
        assert_eq!(mistakes(&test, &predicted, 1), vec![(1, 7, 2)]);
    }
}
