//! A learning curve's points, kept bounded: a run that trains for an hour would otherwise keep
//! (and draw, every frame) tens of thousands of points. When a curve reaches `MAX_POINTS`, each
//! pair of neighbours becomes one point (the later step, the mean value), so the curve keeps its
//! shape at half the detail and later points arrive at the full rate again.

/// The most points a curve keeps before it halves (the charts are under 2,000 px wide).
pub const MAX_POINTS: usize = 2_000;

/// A point that can be merged with the one after it.
pub trait Mergeable: Copy {
    /// One point standing for `self` and the `later` one.
    fn merge(self, later: Self) -> Self;
}

/// A (step, value) point: the GPT's curves.
impl Mergeable for (u32, f64) {
    fn merge(self, later: Self) -> Self {
        (later.0, (self.1 + later.1) / 2.0)
    }
}

/// Adds `point`, first halving `points` if it is full.
pub fn push_bounded<P: Mergeable>(points: &mut Vec<P>, point: P) {
    if points.len() >= MAX_POINTS {
        let halved: Vec<P> = points.chunks(2).map(|pair| if let [a, b] = pair { a.merge(*b) } else { pair[0] }).collect();
        *points = halved;
    }
    points.push(point);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq)]
    struct Point {
        step: u32,
        loss: f64,
    }

    impl Mergeable for Point {
        fn merge(self, later: Self) -> Self {
            Point { step: later.step, loss: (self.loss + later.loss) / 2.0 }
        }
    }

    #[test]
    fn a_full_curve_halves_into_means_of_neighbours_and_never_passes_its_bound() {
        let mut points = Vec::new();
        for step in 1..=10_000u32 {
            push_bounded(&mut points, Point { step, loss: step as f64 });
            assert!(points.len() <= MAX_POINTS);
        }
        // Worked by hand for the first halving: points 1..=2000 become (2, 1.5), (4, 3.5), …,
        // (2000, 1999.5); then 2001 follows.
        let mut first = Vec::new();
        for step in 1..=2_001u32 {
            push_bounded(&mut first, Point { step, loss: step as f64 });
        }
        assert_eq!(first.len(), 1_001);
        assert_eq!((first[0], first[999], first[1000]), (Point { step: 2, loss: 1.5 }, Point { step: 2000, loss: 1999.5 }, Point { step: 2001, loss: 2001.0 }));
        // The last point is always the newest, and the steps stay in order.
        assert_eq!(points.last().unwrap().step, 10_000);
        assert!(points.windows(2).all(|w| w[0].step < w[1].step));
    }
}
