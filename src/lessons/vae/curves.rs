//! The VAE's curves: the reconstruction term, the KL term and their sum (the negative ELBO),
//! on the training batches (averaged over the steps between points) and on test digits at each
//! check.

use super::model::{Terms, VaeStep};
use crate::lessons::shared::curve_points::Mergeable;

/// A check on the test digits every this many steps (20,000 images at batch 100).
pub const CHECK_EVERY: u32 = 200;
/// How many test digits a check reads (the first ones; the same ones every time).
pub const CHECK_IMAGES: usize = 1000;

/// Both terms at a step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub step: u32,
    pub terms: Terms,
}

impl Mergeable for Point {
    fn merge(self, later: Self) -> Self {
        let mean = |a: f64, b: f64| (a + b) / 2.0;
        Point {
            step: later.step,
            terms: Terms { reconstruction: mean(self.terms.reconstruction, later.terms.reconstruction), kl: mean(self.terms.kl, later.terms.kl) },
        }
    }
}

/// The training steps since the last point: their terms summed (finite ones only).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Window {
    pub sums: [f64; 2],
    pub steps: u32,
}

impl Window {
    pub fn add(&mut self, step: &VaeStep) {
        if step.terms.reconstruction.is_finite() && step.terms.kl.is_finite() {
            self.add_sums([step.terms.reconstruction, step.terms.kl], 1);
        }
    }

    /// Sums a worker reported.
    pub fn add_sums(&mut self, sums: [f64; 2], steps: u32) {
        self.sums[0] += sums[0];
        self.sums[1] += sums[1];
        self.steps += steps;
    }

    /// The mean of the window's steps at `step`, and an empty window; `None` if it had none.
    pub fn take_point(&mut self, step: u32) -> Option<Point> {
        let window = std::mem::take(self);
        (window.steps > 0).then(|| {
            let n = window.steps as f64;
            Point { step, terms: Terms { reconstruction: window.sums[0] / n, kl: window.sums[1] / n } }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_averages_its_steps_and_leaves_out_what_is_not_a_number() {
        let mut w = Window::default();
        let step = |r: f64, k: f64| VaeStep { terms: Terms { reconstruction: r, kl: k }, loss: r + k, images: 100 };
        w.add(&step(200.0, 4.0));
        w.add(&step(f64::NAN, 4.0));
        w.add(&step(180.0, 6.0));
        w.add_sums([190.0, 5.0], 1);
        let p = w.take_point(7).unwrap();
        assert_eq!(p, Point { step: 7, terms: Terms { reconstruction: 190.0, kl: 5.0 } });
        assert_eq!(p.terms.total(), 195.0);
        assert_eq!(w.take_point(8), None, "taking a point empties the window");
        let merged = p.merge(Point { step: 9, terms: Terms { reconstruction: 170.0, kl: 7.0 } });
        assert_eq!(merged, Point { step: 9, terms: Terms { reconstruction: 180.0, kl: 6.0 } });
    }
}
