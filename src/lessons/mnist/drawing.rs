//! A digit drawn by the learner, made to look like an MNIST digit before the network sees it,
//! the way MNIST itself was made: crop to the ink's bounding box, scale the longer side to 20
//! pixels keeping the aspect ratio (averaging the source pixels each target pixel covers, so
//! edges are anti-aliased), then place it in a 28×28 field so that its centre of mass sits at
//! the centre.

use crate::data::mnist::{IMAGE_COLS, IMAGE_PIXELS, IMAGE_ROWS};

/// Ink below this intensity counts as paper when finding the bounding box.
const INK: f32 = 0.05;
/// The longer side of the digit after scaling, as in MNIST.
const BOX: f64 = 20.0;

/// `ink`: `width × height` intensities in [0, 1], row by row (1 = full ink). `None` if nothing
/// is drawn.
pub fn to_mnist(ink: &[f32], width: usize, height: usize) -> Option<Vec<f32>> {
    assert_eq!(ink.len(), width * height);
    let (mut left, mut right, mut top, mut bottom) = (width, 0, height, 0);
    for y in 0..height {
        for x in 0..width {
            if ink[y * width + x] > INK {
                left = left.min(x);
                right = right.max(x);
                top = top.min(y);
                bottom = bottom.max(y);
            }
        }
    }
    if left > right {
        return None;
    }
    let (box_width, box_height) = ((right - left + 1) as f64, (bottom - top + 1) as f64);
    let scale = BOX / box_width.max(box_height);
    let (target_width, target_height) = (((box_width * scale).round() as usize).max(1), ((box_height * scale).round() as usize).max(1));

    // Area average: each target pixel takes the mean of the source pixels whose centres fall in it.
    let mut scaled = vec![0.0f32; target_width * target_height];
    let mut counts = vec![0u32; target_width * target_height];
    for y in top..=bottom {
        let ty = (((y - top) as f64 + 0.5) * scale).floor().min((target_height - 1) as f64) as usize;
        for x in left..=right {
            let tx = (((x - left) as f64 + 0.5) * scale).floor().min((target_width - 1) as f64) as usize;
            scaled[ty * target_width + tx] += ink[y * width + x];
            counts[ty * target_width + tx] += 1;
        }
    }
    for (value, &count) in scaled.iter_mut().zip(&counts) {
        if count > 0 {
            *value /= count as f32;
        }
    }

    // Centre of mass of the scaled digit, then the offset that puts it at the field's centre.
    let (mut mass, mut sum_x, mut sum_y) = (0.0f64, 0.0f64, 0.0f64);
    for y in 0..target_height {
        for x in 0..target_width {
            let m = scaled[y * target_width + x] as f64;
            mass += m;
            sum_x += m * x as f64;
            sum_y += m * y as f64;
        }
    }
    let centre = (IMAGE_COLS as f64 - 1.0) / 2.0;
    let offset_x = (centre - sum_x / mass).round() as i64;
    let offset_y = (centre - sum_y / mass).round() as i64;
    let mut field = vec![0.0f32; IMAGE_PIXELS];
    for y in 0..target_height {
        for x in 0..target_width {
            let (fx, fy) = (x as i64 + offset_x, y as i64 + offset_y);
            if (0..IMAGE_COLS as i64).contains(&fx) && (0..IMAGE_ROWS as i64).contains(&fy) {
                field[fy as usize * IMAGE_COLS + fx as usize] = scaled[y * target_width + x];
            }
        }
    }
    Some(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn centre_of_mass(field: &[f32]) -> (f64, f64) {
        let (mut m, mut sx, mut sy) = (0.0, 0.0, 0.0);
        for (i, &v) in field.iter().enumerate() {
            m += v as f64;
            sx += v as f64 * (i % 28) as f64;
            sy += v as f64 * (i / 28) as f64;
        }
        (sx / m, sy / m)
    }

    fn bounding_box(field: &[f32]) -> (usize, usize) {
        let inked: Vec<usize> = (0..784).filter(|&i| field[i] > INK).collect();
        let xs = inked.iter().map(|i| i % 28);
        let ys = inked.iter().map(|i| i / 28);
        (xs.clone().max().unwrap() - xs.min().unwrap() + 1, ys.clone().max().unwrap() - ys.min().unwrap() + 1)
    }

    #[test]
    fn an_empty_canvas_has_no_digit() {
        assert_eq!(to_mnist(&vec![0.0; 100 * 100], 100, 100), None);
    }

    #[test]
    fn a_tall_stroke_in_a_corner_becomes_20_pixels_high_and_centred() {
        // A 10-wide, 100-high bar near the top-left of a 280×280 canvas: aspect 1:10.
        let (w, h) = (280, 280);
        let mut ink = vec![0.0; w * h];
        for y in 5..105 {
            for x in 12..22 {
                ink[y * w + x] = 1.0;
            }
        }
        let field = to_mnist(&ink, w, h).unwrap();
        assert_eq!(bounding_box(&field), (2, 20), "20 high, 10 × 0.2 = 2 wide");
        let (cx, cy) = centre_of_mass(&field);
        assert!((cx - 13.5).abs() <= 0.5 && (cy - 13.5).abs() <= 0.5, "centre of mass ({cx}, {cy})");
        // Full ink stays full ink: averaging 5×5 fully inked source pixels gives 1.
        assert!(field.iter().all(|&v| v == 0.0 || (v - 1.0).abs() < 1e-6));
    }

    #[test]
    fn partly_covered_pixels_are_grey() {
        // A 7-pixel-wide bar scaled by 20/100 covers 1.4 target pixels: one full, one partial.
        let (w, h) = (100, 100);
        let mut ink = vec![0.0; w * h];
        for y in 0..100 {
            for x in 40..47 {
                ink[y * w + x] = 1.0;
            }
        }
        // The box is only the bar (7 × 100), so the scale is 20/100 and the bar is 1.4 → 1 pixel
        // wide after rounding; every source pixel lands in it, at full ink.
        let field = to_mnist(&ink, w, h).unwrap();
        assert_eq!(bounding_box(&field), (1, 20));
        // An L shape: the horizontal part's thin edge must average to grey.
        let mut ell = vec![0.0; w * h];
        for y in 0..100 {
            for x in 0..3 {
                ell[y * w + x] = 1.0; // 3 px of a 100 px box: 0.6 of a target pixel
            }
        }
        for x in 0..100 {
            ell[99 * w + x] = 1.0;
        }
        let field = to_mnist(&ell, w, h).unwrap();
        let greys = field.iter().filter(|&&v| v > 0.0 && v < 1.0).count();
        assert!(greys > 0, "anti-aliased edges");
    }
}
