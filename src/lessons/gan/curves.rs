//! The GAN's curves: each point is the mean over ten iterations of D's loss (real + fake),
//! G's loss, mean D(x) and mean D(G(z)). Summed the same way on the page and in the training
//! worker, so a curve does not depend on where the GAN trained.

use serde::{Deserialize, Serialize};

use super::model::{Phase, PhaseReport};

/// Iterations averaged into one point of the curves.
pub const POINT_EVERY: u32 = 10;
/// The judge reads 1,000 samples every this many iterations.
pub const JUDGE_EVERY: u32 = 200;

/// One point of the curves: means over the iterations since the previous point.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    pub iteration: u32,
    pub d_loss: f64,
    pub g_loss: f64,
    pub real: f64,
    pub fake: f64,
}

impl crate::lessons::shared::curve_points::Mergeable for CurvePoint {
    fn merge(self, later: Self) -> Self {
        let mean = |a: f64, b: f64| (a + b) / 2.0;
        CurvePoint { iteration: later.iteration, d_loss: mean(self.d_loss, later.d_loss), g_loss: mean(self.g_loss, later.g_loss), real: mean(self.real, later.real), fake: mean(self.fake, later.fake) }
    }
}

/// Running sums of the point being built.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CurveSums {
    d_loss: f64,
    g_loss: f64,
    real: f64,
    fake: f64,
    count: u32,
}

impl CurveSums {
    /// Adds a phase's report; `iteration` is the GAN's count after it. Every tenth G phase
    /// completes a point.
    pub fn add(&mut self, report: &PhaseReport, iteration: u32) -> Option<CurvePoint> {
        match report.phase {
            Phase::DiscriminatorOnReal => {
                self.d_loss += report.loss;
                self.real += report.mean_score();
            }
            Phase::DiscriminatorOnFake => {
                self.d_loss += report.loss;
                self.fake += report.mean_score();
            }
            Phase::Generator => {
                self.g_loss += report.loss;
                self.count += 1;
                if self.count == POINT_EVERY {
                    let n = self.count as f64;
                    let point = CurvePoint { iteration, d_loss: self.d_loss / n, g_loss: self.g_loss / n, real: self.real / n, fake: self.fake / n };
                    *self = CurveSums::default();
                    return Some(point);
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(phase: Phase, loss: f64, score: f64) -> PhaseReport {
        PhaseReport { phase, loss, images: Vec::new(), scores: vec![score, score], digits: Vec::new() }
    }

    #[test]
    fn ten_iterations_make_one_point_of_their_means() {
        let mut sums = CurveSums::default();
        let mut points = Vec::new();
        for i in 1..=20u32 {
            // D's real loss i, fake loss 1, G's loss 2i; D(x) 0.5, D(G(z)) 0.25.
            assert_eq!(sums.add(&report(Phase::DiscriminatorOnReal, i as f64, 0.5), i - 1), None);
            assert_eq!(sums.add(&report(Phase::DiscriminatorOnFake, 1.0, 0.25), i - 1), None);
            points.extend(sums.add(&report(Phase::Generator, 2.0 * i as f64, 0.0), i));
        }
        // By hand: iterations 1..10 have mean i 5.5, so D's loss 5.5 + 1 and G's 11.
        assert_eq!(points[0], CurvePoint { iteration: 10, d_loss: 6.5, g_loss: 11.0, real: 0.5, fake: 0.25 });
        assert_eq!(points[1], CurvePoint { iteration: 20, d_loss: 16.5, g_loss: 31.0, real: 0.5, fake: 0.25 });
        assert_eq!(points.len(), 2);
    }
}
