//! "One sample, two weights": the smallest complete gradient-descent step, small enough to do
//! by hand. ŷ = θ·x + b, loss ½(y − ŷ)², θ ← θ − α∇θ, b ← b − α∂b.

/// The example's inputs and every number of one step.
#[derive(Clone, Debug, PartialEq)]
pub struct OneSample {
    pub x: [f64; 2],
    pub theta: [f64; 2],
    pub bias: f64,
    pub target: f64,
    pub learning_rate: f64,
    /// ŷ = θ₁x₁ + θ₂x₂ + b
    pub prediction: f64,
    /// ½(y − ŷ)²
    pub loss: f64,
    /// ∂loss/∂θ = (ŷ − y)·x
    pub grad_theta: [f64; 2],
    /// ∂loss/∂b = ŷ − y
    pub grad_bias: f64,
    pub next_theta: [f64; 2],
    pub next_bias: f64,
}

impl OneSample {
    pub fn step(x: [f64; 2], theta: [f64; 2], bias: f64, target: f64, learning_rate: f64) -> OneSample {
        let prediction = theta[0] * x[0] + theta[1] * x[1] + bias;
        let error = prediction - target;
        let loss = 0.5 * error * error;
        let grad_theta = [error * x[0], error * x[1]];
        let next_theta = [theta[0] - learning_rate * grad_theta[0], theta[1] - learning_rate * grad_theta[1]];
        OneSample {
            x,
            theta,
            bias,
            target,
            learning_rate,
            prediction,
            loss,
            grad_theta,
            grad_bias: error,
            next_theta,
            next_bias: bias - learning_rate * error,
        }
    }

    /// The example as the lesson shows it: x = [1, 2], θ = [1, 2], b = 1, y = 3, α = 0.1.
    pub fn example() -> OneSample {
        OneSample::step([1.0, 2.0], [1.0, 2.0], 1.0, 3.0, 0.1)
    }

    /// The step after this one, from the updated θ and b.
    pub fn next(&self) -> OneSample {
        OneSample::step(self.x, self.next_theta, self.next_bias, self.target, self.learning_rate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn near(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn one_sample_two_weights_by_hand() {
        // x = [1, 2], θ = [1, 2], b = 1, y = 3, α = 0.1, loss ½(y − ŷ)²:
        let s = OneSample::example();
        assert!(near(s.prediction, 6.0), "ŷ = 1·1 + 2·2 + 1 = 6");
        assert!(near(s.loss, 4.5), "½(3 − 6)² = 4.5");
        assert!(near(s.grad_theta[0], 3.0) && near(s.grad_theta[1], 6.0), "∇θ = (6 − 3)·[1, 2] = [3, 6]");
        assert!(near(s.grad_bias, 3.0));
        assert!(near(s.next_theta[0], 0.7) && near(s.next_theta[1], 1.4), "θ' = [1, 2] − 0.1·[3, 6] = [0.7, 1.4]");
        assert!(near(s.next_bias, 0.7));
        // The next step starts there: ŷ = 0.7 + 2.8 + 0.7 = 4.2, a smaller loss.
        let t = s.next();
        assert!(near(t.prediction, 4.2) && near(t.loss, 0.72));
    }

    #[test]
    fn the_engines_autodiff_gives_the_same_gradient() {
        use crate::engine::poll::now_or_never;
        use crate::engine::{CpuBackend, Tensor};
        let cpu = CpuBackend::new();
        // ŷ = [x₁, x₂, 1]·[θ₁, θ₂, b]; loss = ½(ŷ − y)².
        let x = Tensor::from_values(&cpu, &[1.0, 2.0, 1.0], &[1, 3]);
        let w = Tensor::parameter(&cpu, &[1.0, 2.0, 1.0], &[3, 1]);
        let y = Tensor::from_values(&cpu, &[3.0], &[1, 1]);
        let error = x.matmul(&w).sub(&y);
        let loss = error.mul(&error).sum().scale(0.5);
        loss.backward();
        assert_eq!(now_or_never(loss.to_vec()).unwrap(), vec![4.5]);
        assert_eq!(now_or_never(w.grad_to_vec()).unwrap().unwrap(), vec![3.0, 6.0, 3.0]);
    }
}
