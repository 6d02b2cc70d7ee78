//! Loss functions: how far a prediction ŷ is from a target y, and the gradient ∂L/∂ŷ that
//! backpropagation starts from. The explorer looks at one example (a scalar ŷ); the vector
//! forms (means over the outputs) are what the worked-example checker and the tests use.

use serde::{Deserialize, Serialize};

/// Huber's threshold δ: quadratic inside |ŷ − y| ≤ δ, linear outside.
pub const HUBER_DELTA: f64 = 1.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Loss {
    #[default]
    Mse,
    Mae,
    Huber,
    BinaryCrossEntropy,
    CrossEntropy,
    Hinge,
}

impl Loss {
    pub const ALL: [Loss; 6] = [Self::Mse, Self::Mae, Self::Huber, Self::BinaryCrossEntropy, Self::CrossEntropy, Self::Hinge];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Mse => "mse",
            Self::Mae => "mae",
            Self::Huber => "huber",
            Self::BinaryCrossEntropy => "bce",
            Self::CrossEntropy => "cce",
            Self::Hinge => "hinge",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.slug() == slug)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Mse => "Mean squared error",
            Self::Mae => "Mean absolute error",
            Self::Huber => "Huber (δ = 1)",
            Self::BinaryCrossEntropy => "Binary cross-entropy",
            Self::CrossEntropy => "Categorical cross-entropy",
            Self::Hinge => "Hinge",
        }
    }

    /// What ŷ means for this loss, for the axis and the readouts.
    pub fn prediction_meaning(self) -> &'static str {
        match self {
            Self::BinaryCrossEntropy => "ŷ is the predicted probability of class 1, between 0 and 1.",
            Self::CrossEntropy => "ŷ is the probability the model gives the true class (the target is one-hot, so only that entry counts).",
            Self::Hinge => "ŷ is a raw score; the target y is −1 or +1.",
            _ => "ŷ is the predicted value; y is the target value.",
        }
    }

    /// The range of ŷ the chart shows for target `y`.
    pub fn prediction_range(self, y: f64) -> (f64, f64) {
        match self {
            Self::BinaryCrossEntropy | Self::CrossEntropy => (0.005, 0.995),
            Self::Hinge => (-3.0, 3.0),
            _ => (y - 3.0, y + 3.0),
        }
    }

    /// The target made valid for this loss: BCE needs y in [0, 1], hinge needs ±1, and the
    /// categorical cross-entropy explorer always looks at the true class (y = 1).
    pub fn valid_target(self, y: f64) -> f64 {
        let y = if y.is_finite() { y } else { 0.0 };
        match self {
            Self::BinaryCrossEntropy => y.clamp(0.0, 1.0),
            Self::CrossEntropy => 1.0,
            Self::Hinge => {
                if y < 0.0 {
                    -1.0
                } else {
                    1.0
                }
            }
            _ => y,
        }
    }

    /// L(y, ŷ) for one example. Cross-entropies take logs, so ŷ = 0 or 1 gives ∞ where the
    /// target disagrees: that is the true value, not an error.
    pub fn value(self, y: f64, p: f64) -> f64 {
        let r = p - y;
        match self {
            Self::Mse => r * r,
            Self::Mae => r.abs(),
            Self::Huber => huber(r),
            Self::BinaryCrossEntropy => -(xlogy(y, p) + xlogy(1.0 - y, 1.0 - p)),
            Self::CrossEntropy => -xlogy(y, p),
            Self::Hinge => (1.0 - y * p).max(0.0),
        }
    }

    /// ∂L/∂ŷ for one example. MAE at ŷ = y and hinge at yŷ = 1 take the subgradient 0.
    pub fn gradient(self, y: f64, p: f64) -> f64 {
        let r = p - y;
        match self {
            Self::Mse => 2.0 * r,
            Self::Mae => sign(r),
            Self::Huber => huber_gradient(r),
            Self::BinaryCrossEntropy => -y / p + (1.0 - y) / (1.0 - p),
            Self::CrossEntropy => -y / p,
            Self::Hinge => {
                if y * p < 1.0 {
                    -y
                } else {
                    0.0
                }
            }
        }
    }

    pub fn formula(self) -> &'static str {
        match self {
            Self::Mse => r"L = (\hat y - y)^2",
            Self::Mae => r"L = |\hat y - y|",
            Self::Huber => r"L = \begin{cases} \tfrac12(\hat y - y)^2 & |\hat y - y| \le \delta \\ \delta\,(|\hat y - y| - \tfrac12\delta) & \text{otherwise} \end{cases}",
            Self::BinaryCrossEntropy => r"L = -\left[y \ln \hat y + (1 - y)\ln(1 - \hat y)\right]",
            Self::CrossEntropy => r"L = -\sum_c y_c \ln \hat y_c = -\ln \hat y_{\text{true}}",
            Self::Hinge => r"L = \max(0,\; 1 - y\,\hat y)",
        }
    }

    pub fn gradient_formula(self) -> &'static str {
        match self {
            Self::Mse => r"\frac{\partial L}{\partial \hat y} = 2(\hat y - y)",
            Self::Mae => r"\frac{\partial L}{\partial \hat y} = \operatorname{sign}(\hat y - y)",
            Self::Huber => r"\frac{\partial L}{\partial \hat y} = \begin{cases} \hat y - y & |\hat y - y| \le \delta \\ \delta\,\operatorname{sign}(\hat y - y) & \text{otherwise} \end{cases}",
            Self::BinaryCrossEntropy => r"\frac{\partial L}{\partial \hat y} = -\frac{y}{\hat y} + \frac{1 - y}{1 - \hat y}",
            Self::CrossEntropy => r"\frac{\partial L}{\partial \hat y_{\text{true}}} = -\frac{1}{\hat y_{\text{true}}}",
            Self::Hinge => r"\frac{\partial L}{\partial \hat y} = \begin{cases} -y & y\,\hat y < 1 \\ 0 & \text{otherwise} \end{cases}",
        }
    }
}

fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// x·ln(y) with 0·ln(anything) = 0, the convention that makes absent classes contribute 0.
fn xlogy(x: f64, y: f64) -> f64 {
    if x == 0.0 {
        0.0
    } else {
        x * y.ln()
    }
}

fn huber(r: f64) -> f64 {
    if r.abs() <= HUBER_DELTA {
        0.5 * r * r
    } else {
        HUBER_DELTA * (r.abs() - 0.5 * HUBER_DELTA)
    }
}

fn huber_gradient(r: f64) -> f64 {
    if r.abs() <= HUBER_DELTA {
        r
    } else {
        HUBER_DELTA * sign(r)
    }
}

/// Mean squared error over a vector: (1/n) Σ (ŷᵢ − yᵢ)².
pub fn mean_squared_error(y: &[f64], p: &[f64]) -> f64 {
    y.iter().zip(p).map(|(y, p)| (p - y) * (p - y)).sum::<f64>() / y.len() as f64
}

/// Mean absolute error over a vector.
pub fn mean_absolute_error(y: &[f64], p: &[f64]) -> f64 {
    y.iter().zip(p).map(|(y, p)| (p - y).abs()).sum::<f64>() / y.len() as f64
}

/// Categorical cross-entropy in nats: −Σ y_c ln p_c.
pub fn cross_entropy(y: &[f64], p: &[f64]) -> f64 {
    -y.iter().zip(p).map(|(&y, &p)| xlogy(y, p)).sum::<f64>()
}

/// Its gradient with respect to each probability: −y_c / p_c.
pub fn cross_entropy_gradient(y: &[f64], p: &[f64]) -> Vec<f64> {
    y.iter().zip(p).map(|(&y, &p)| if y == 0.0 { 0.0 } else { -y / p }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_values_from_the_issue() {
        // (0.1² + 0.1² + 0.2²) / 3 = 0.06 / 3 = 0.02
        let mse = mean_squared_error(&[1.0, 2.0, 3.0], &[1.1, 1.9, 2.8]);
        assert!((mse - 0.02).abs() < 1e-15, "{mse}");
        assert_eq!(Loss::Hinge.value(1.0, 0.6), 1.0 - 0.6);
        assert!((Loss::Hinge.value(1.0, 0.6) - 0.4).abs() < 1e-15);
        let ce = cross_entropy(&[1.0, 0.0, 0.0], &[0.9, 0.05, 0.05]);
        // −ln 0.9 = ln(10/9)
        assert!((ce - (10.0f64 / 9.0).ln()).abs() < 1e-15);
        assert_eq!(format!("{ce:.4}"), "0.1054");
        assert!((Loss::CrossEntropy.value(1.0, 0.9) - ce).abs() < 1e-15);
        assert!((mean_absolute_error(&[1.0, 2.0, 3.0], &[1.1, 1.9, 2.8]) - 0.4 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn huber_is_quadratic_inside_delta_and_linear_outside() {
        assert_eq!(Loss::Huber.value(0.0, 0.5), 0.125);
        assert_eq!(Loss::Huber.value(0.0, 3.0), 2.5);
        assert_eq!(Loss::Huber.value(0.0, -3.0), 2.5);
        assert_eq!(Loss::Huber.gradient(0.0, -3.0), -1.0);
    }

    #[test]
    fn cross_entropy_edge_cases() {
        assert_eq!(Loss::BinaryCrossEntropy.value(1.0, 0.0), f64::INFINITY);
        assert_eq!(Loss::BinaryCrossEntropy.value(0.0, 0.0), 0.0);
        assert_eq!(cross_entropy(&[0.0, 1.0], &[0.0, 1.0]), 0.0);
        // BCE with y = 1 is −ln ŷ.
        assert!((Loss::BinaryCrossEntropy.value(1.0, 0.25) - 4f64.ln()).abs() < 1e-15);
    }

    #[test]
    fn every_gradient_matches_central_differences() {
        let h = 1e-6;
        for loss in Loss::ALL {
            for y in [-1.0, 0.0, 0.3, 1.0, 2.0] {
                let y = loss.valid_target(y);
                let (lo, hi) = loss.prediction_range(y);
                for i in 1..40 {
                    let p = lo + (hi - lo) * (i as f64 / 40.0) + 0.0037;
                    // Skip kinks (MAE at r = 0, Huber at |r| = δ, hinge at yŷ = 1).
                    let r = p - y;
                    if r.abs() < 1e-3 || (r.abs() - HUBER_DELTA).abs() < 1e-3 || (y * p - 1.0).abs() < 1e-3 || p >= 1.0 && matches!(loss, Loss::BinaryCrossEntropy | Loss::CrossEntropy) {
                        continue;
                    }
                    let numeric = (loss.value(y, p + h) - loss.value(y, p - h)) / (2.0 * h);
                    let exact = loss.gradient(y, p);
                    assert!((numeric - exact).abs() < 1e-5 * (1.0 + exact.abs()), "{loss:?} y={y} ŷ={p}: {exact} vs {numeric}");
                }
            }
        }
        let y = [0.0, 1.0, 0.0];
        let p = [0.2, 0.5, 0.3];
        let g = cross_entropy_gradient(&y, &p);
        for c in 0..3 {
            let mut up = p;
            up[c] += h;
            let mut down = p;
            down[c] -= h;
            let numeric = (cross_entropy(&y, &up) - cross_entropy(&y, &down)) / (2.0 * h);
            assert!((numeric - g[c]).abs() < 1e-6);
        }
    }

    #[test]
    fn formulas_render() {
        use crate::lessons::shared::math::{mathml, Layout};
        for loss in Loss::ALL {
            mathml(loss.formula(), Layout::Block).unwrap();
            mathml(loss.gradient_formula(), Layout::Block).unwrap();
        }
    }
}
