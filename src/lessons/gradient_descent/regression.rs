//! One gradient-descent step of linear regression, taken apart into the numbers a learner
//! sees: h(x) = θ₀ + θ₁x, J(θ) = 1/(2m) Σ (h(xᵢ) − yᵢ)², θ ← θ − α∇J(θ). All in f64, so the
//! digits shown are the digits of the maths, not of float32 rounding.

/// A point of the data set.
pub type Point = (f64, f64);

/// Everything about one point in one step.
#[derive(Clone, Debug, PartialEq)]
pub struct PointTerms {
    pub index: usize,
    pub x: f64,
    pub y: f64,
    /// h(x) = θ₀ + θ₁x
    pub prediction: f64,
    /// h(x) − y
    pub residual: f64,
    /// This point's share of ∂J/∂θ₀ = (h(x) − y) / m, and of ∂J/∂θ₁ = (h(x) − y)·x / m.
    pub d_theta0: f64,
    pub d_theta1: f64,
}

/// One step: the points used (the batch), the loss on the batch, the gradient, the update.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub theta: [f64; 2],
    pub learning_rate: f64,
    pub terms: Vec<PointTerms>,
    pub loss: f64,
    pub gradient: [f64; 2],
    pub next: [f64; 2],
}

pub fn predict(theta: [f64; 2], x: f64) -> f64 {
    theta[0] + theta[1] * x
}

/// J(θ) over `points` (the whole set or a batch): 1/(2m) Σ (h(x) − y)².
pub fn loss(theta: [f64; 2], points: &[Point]) -> f64 {
    let m = points.len() as f64;
    points.iter().map(|&(x, y)| (predict(theta, x) - y).powi(2)).sum::<f64>() / (2.0 * m)
}

/// The step from `theta` using the points at `batch` (indices into `points`).
pub fn step(points: &[Point], batch: &[usize], theta: [f64; 2], learning_rate: f64) -> Step {
    let m = batch.len() as f64;
    let terms: Vec<PointTerms> = batch
        .iter()
        .map(|&index| {
            let (x, y) = points[index];
            let prediction = predict(theta, x);
            let residual = prediction - y;
            PointTerms { index, x, y, prediction, residual, d_theta0: residual / m, d_theta1: residual * x / m }
        })
        .collect();
    let gradient = [terms.iter().map(|t| t.d_theta0).sum(), terms.iter().map(|t| t.d_theta1).sum()];
    let loss = terms.iter().map(|t| t.residual * t.residual).sum::<f64>() / (2.0 * m);
    let next = [theta[0] - learning_rate * gradient[0], theta[1] - learning_rate * gradient[1]];
    Step { theta, learning_rate, terms, loss, gradient, next }
}

/// The least-squares line (closed form), or `None` when every x is the same (no unique line).
pub fn least_squares(points: &[Point]) -> Option<[f64; 2]> {
    let m = points.len() as f64;
    if points.is_empty() {
        return None;
    }
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / m;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / m;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    if sxx < 1e-12 {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let slope = sxy / sxx;
    Some([mean_y - slope * mean_x, slope])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_worked_by_hand() {
        // Points (1, 2), (2, 3); θ = (0, 0); α = 0.1.
        // h = 0, 0; residuals −2, −3; J = (4 + 9)/4 = 3.25;
        // ∂J/∂θ₀ = (−2 − 3)/2 = −2.5; ∂J/∂θ₁ = (−2·1 − 3·2)/2 = −4;
        // θ' = (0.25, 0.4).
        let s = step(&[(1.0, 2.0), (2.0, 3.0)], &[0, 1], [0.0, 0.0], 0.1);
        assert_eq!(s.loss, 3.25);
        assert_eq!(s.gradient, [-2.5, -4.0]);
        assert!((s.next[0] - 0.25).abs() < 1e-15 && (s.next[1] - 0.4).abs() < 1e-15);
        assert_eq!((s.terms[1].residual, s.terms[1].d_theta1), (-3.0, -3.0));
    }

    #[test]
    fn the_gradient_matches_central_finite_differences() {
        let points = [(0.5, 1.0), (1.5, 2.9), (-2.0, -2.2), (3.0, 7.1)];
        let theta = [0.3, -0.7];
        let s = step(&points, &[0, 1, 2, 3], theta, 0.1);
        let h = 1e-6;
        for k in 0..2 {
            let mut up = theta;
            let mut down = theta;
            up[k] += h;
            down[k] -= h;
            let numeric = (loss(up, &points) - loss(down, &points)) / (2.0 * h);
            assert!((numeric - s.gradient[k]).abs() < 1e-7, "θ{k}: {numeric} vs {}", s.gradient[k]);
        }
        assert!((s.loss - loss(theta, &points)).abs() < 1e-15);
    }

    #[test]
    fn least_squares_recovers_an_exact_line_and_is_where_the_gradient_vanishes() {
        let line: Vec<Point> = (0..5).map(|i| (i as f64, 1.5 + 2.0 * i as f64)).collect();
        let fit = least_squares(&line).unwrap();
        assert!((fit[0] - 1.5).abs() < 1e-12 && (fit[1] - 2.0).abs() < 1e-12);
        let noisy = [(0.0, 1.0), (1.0, 2.5), (2.0, 2.9), (3.0, 4.8)];
        let fit = least_squares(&noisy).unwrap();
        let g = step(&noisy, &[0, 1, 2, 3], fit, 0.1).gradient;
        assert!(g[0].abs() < 1e-12 && g[1].abs() < 1e-12, "{g:?}");
        assert_eq!(least_squares(&[(1.0, 1.0), (1.0, 2.0)]), None, "a vertical set has no unique line");
    }

    #[test]
    fn the_engines_autodiff_agrees_with_the_hand_formulas() {
        use crate::engine::poll::now_or_never;
        use crate::engine::{CpuBackend, Tensor};
        let points = [(0.5, 1.0), (1.5, 2.9), (-2.0, -2.2)];
        let theta = [0.3f64, -0.7];
        let cpu = CpuBackend::new();
        // J = 1/(2m) Σ (θ₀ + θ₁x − y)², as MSE/2 on a [m, 2] design matrix [1, x].
        let design: Vec<f32> = points.iter().flat_map(|p| [1.0, p.0 as f32]).collect();
        let x = Tensor::from_values(&cpu, &design, &[3, 2]);
        let w = Tensor::parameter(&cpu, &[theta[0] as f32, theta[1] as f32], &[2, 1]);
        let y = Tensor::from_values(&cpu, &points.iter().map(|p| p.1 as f32).collect::<Vec<_>>(), &[3, 1]);
        let residual = x.matmul(&w).sub(&y);
        let j = residual.mul(&residual).mean().scale(0.5);
        j.backward();
        let engine = now_or_never(w.grad_to_vec()).unwrap().unwrap();
        let hand = step(&points, &[0, 1, 2], theta, 0.1).gradient;
        for k in 0..2 {
            assert!((engine[k] as f64 - hand[k]).abs() < 1e-5, "{engine:?} vs {hand:?}");
        }
    }
}
