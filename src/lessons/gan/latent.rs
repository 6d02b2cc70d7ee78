//! Walking through G's input space: straight lines between two noise vectors, and moves
//! along two fixed random directions from a starting point.

/// `steps` noise vectors evenly spaced from `a` to `b` (both included), one after another.
pub fn interpolate(a: &[f32], b: &[f32], steps: usize) -> Vec<f32> {
    let last = steps.saturating_sub(1).max(1) as f32;
    (0..steps).flat_map(|i| {
        let t = i as f32 / last;
        a.iter().zip(b).map(move |(&x, &y)| (1.0 - t) * x + t * y)
    }).collect()
}

/// `origin + x·u + y·v`.
pub fn along(origin: &[f32], u: &[f32], v: &[f32], x: f32, y: f32) -> Vec<f32> {
    origin.iter().zip(u).zip(v).map(|((&o, &u), &v)| o + x * u + y * v).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_starts_and_ends_at_the_two_vectors() {
        let z = interpolate(&[0.0, 2.0], &[1.0, -2.0], 5);
        // t = 0, ¼, ½, ¾, 1, worked by hand.
        assert_eq!(z, vec![0.0, 2.0, 0.25, 1.0, 0.5, 0.0, 0.75, -1.0, 1.0, -2.0]);
        assert_eq!(interpolate(&[3.0], &[5.0], 1), vec![3.0]);
    }

    #[test]
    fn moving_along_directions_adds_them_scaled() {
        assert_eq!(along(&[1.0, 1.0], &[1.0, 0.0], &[0.0, 2.0], 0.5, -1.0), vec![1.5, -1.0]);
    }
}
