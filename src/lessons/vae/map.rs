//! The latent map as numbers: which square of the plane it shows (sized to the codes), the
//! manifold's grid of points across it, the colours of the ten digits, and where the plane was
//! never trained. Plain Rust, tested natively; `map_view.rs` draws it.

/// How many test digits the map shows (the first ones, the same every time).
pub const MAP_IMAGES: usize = 500;
/// The manifold is this many images on a side.
pub const MANIFOLD_SIDE: usize = 12;
/// Beyond this distance from 0 the decoder has never been asked to draw: under N(0, I) a
/// 2-D point lies this far out with probability e⁻¹⁸ (|z|² is χ² with 2 degrees of freedom).
pub const UNTRAINED: f32 = 6.0;
/// The smallest half-width the map shows (N(0, I) puts 99.97% of its mass within ±4 on each axis).
const SMALLEST: f32 = 4.0;

/// Ten colours for the digits: Paul Tol's "muted" scheme (nine colours chosen to stay apart for
/// colour-blind viewers) and its pale grey darkened. No ten colours stay apart for every colour
/// vision, so each point is also drawn as its digit's numeral: colour helps, it never has to.
pub const DIGIT_COLOURS: [(u8, u8, u8); 10] = [
    (0xCC, 0x66, 0x77), // rose
    (0x33, 0x22, 0x88), // indigo
    (0xDD, 0xCC, 0x77), // sand
    (0x11, 0x77, 0x33), // green
    (0x88, 0xCC, 0xEE), // cyan
    (0x88, 0x22, 0x55), // wine
    (0x44, 0xAA, 0x99), // teal
    (0x99, 0x99, 0x33), // olive
    (0xAA, 0x44, 0x99), // purple
    (0x77, 0x77, 0x77), // grey
];

/// The half-width of the square the map shows: every code of `points` (x, y pairs) inside
/// it with a margin, at least ±4, rounded up to a whole number so the axes read cleanly.
pub fn extent(points: &[f32]) -> f32 {
    let far = points.iter().filter(|v| v.is_finite()).fold(0.0f32, |m, v| m.max(v.abs()));
    (far * 1.1).max(SMALLEST).ceil()
}

/// The manifold's points: `side` × `side` centres of a grid over ±`extent`, row by row from
/// the top (largest z₂) down, left (smallest z₁) to right, as (z₁, z₂) pairs; further
/// coordinates (a latent space of more than 2) are 0.
pub fn grid(side: usize, extent: f32, latent: usize) -> Vec<f32> {
    let cell = 2.0 * extent / side as f32;
    let centre = |i: usize| -extent + (i as f32 + 0.5) * cell;
    let mut z = Vec::with_capacity(side * side * latent);
    for row in 0..side {
        for column in 0..side {
            let mut point = vec![0.0; latent];
            point[0] = centre(column);
            if latent > 1 {
                point[1] = centre(side - 1 - row);
            }
            z.extend(point);
        }
    }
    z
}

/// A point of the plane as a full latent vector (further coordinates 0).
pub fn latent_point(point: [f32; 2], latent: usize) -> Vec<f32> {
    let mut z = vec![0.0; latent];
    z[0] = point[0];
    if latent > 1 {
        z[1] = point[1];
    }
    z
}

/// Whether the decoder was never trained near `point`.
pub fn untrained(point: [f32; 2]) -> bool {
    point[0].hypot(point[1]) > UNTRAINED
}

/// The first two coordinates of each row of `latent` numbers (the plane the map shows).
pub fn plane(codes: &[f32], latent: usize) -> Vec<f32> {
    codes.chunks_exact(latent).flat_map(|c| [c[0], if latent > 1 { c[1] } else { 0.0 }]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_fits_its_codes_and_never_shrinks_below_four() {
        assert_eq!(extent(&[0.5, -1.0, 2.0, 0.0]), 4.0);
        assert_eq!(extent(&[9.2, -1.0, f32::NAN, f32::INFINITY]), 11.0);
        assert_eq!(extent(&[]), 4.0);
    }

    #[test]
    fn the_grid_runs_left_to_right_and_top_down_over_the_map() {
        let z = grid(4, 4.0, 2);
        assert_eq!(z.len(), 32);
        // Cells are 2 wide: centres at −3, −1, 1, 3.
        assert_eq!(&z[..2], &[-3.0, 3.0], "top left");
        assert_eq!(&z[6..8], &[3.0, 3.0], "top right");
        assert_eq!(&z[24..26], &[-3.0, -3.0], "bottom left");
        let wide = grid(2, 1.0, 3);
        assert_eq!(wide, vec![-0.5, 0.5, 0.0, 0.5, 0.5, 0.0, -0.5, -0.5, 0.0, 0.5, -0.5, 0.0]);
        assert_eq!(grid(2, 1.0, 1), vec![-0.5, 0.5, -0.5, 0.5]);
    }

    #[test]
    fn points_far_out_are_untrained_and_planes_take_the_first_two_coordinates() {
        assert!(!untrained([4.0, 4.0]) && untrained([5.0, 4.0]) && untrained([-7.0, 0.0]));
        assert_eq!(plane(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3), vec![1.0, 2.0, 4.0, 5.0]);
        assert_eq!(plane(&[1.0, 2.0], 1), vec![1.0, 0.0, 2.0, 0.0]);
        assert_eq!(latent_point([1.5, -2.0], 4), vec![1.5, -2.0, 0.0, 0.0]);
        assert_eq!(latent_point([1.5, -2.0], 1), vec![1.5]);
    }
}
