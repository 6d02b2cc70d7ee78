//! Checks of the optimisers: a worked example, and each update rule over three steps against
//! the same rule written out in f64.

use super::{ensure_close, CheckResult, Tolerance};
use crate::engine::backend::Backend;
use crate::engine::optim::{Method, Optimiser};
use crate::engine::tensor::Tensor;

pub async fn hand_computed_linear_regression_step<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    // x = [1, 2], θ = [1, 2], b = 1, y = 3: ŷ = 1·1 + 2·2 + 1 = 6, loss = ½(y − ŷ)² = 4.5,
    // ∇θ = (ŷ − y)·x = [3, 6], ∇b = 3, and one SGD step with α = 0.1 gives θ = [0.7, 1.4], b = 0.7.
    let x = Tensor::from_values(backend, &[1.0, 2.0], &[1, 2]);
    let y = Tensor::from_values(backend, &[3.0], &[1, 1]);
    let theta = Tensor::parameter(backend, &[1.0, 2.0], &[2, 1]);
    let b = Tensor::parameter(backend, &[1.0], &[1]);
    let prediction = x.matmul(&theta).add(&b);
    let loss = prediction.mse(&y).scale(0.5);
    ensure_close("ŷ", &prediction.to_vec().await, &[6.0], tolerance)?;
    ensure_close("loss", &loss.to_vec().await, &[4.5], tolerance)?;
    loss.backward();
    ensure_close("∇θ", &theta.grad_to_vec().await.unwrap_or_default(), &[3.0, 6.0], tolerance)?;
    ensure_close("∇b", &b.grad_to_vec().await.unwrap_or_default(), &[3.0], tolerance)?;
    let mut sgd = Optimiser::new(Method::Sgd, 0.1);
    sgd.step(&[theta.clone(), b.clone()]);
    ensure_close("θ after one step", &theta.to_vec().await, &[0.7, 1.4], tolerance)?;
    ensure_close("b after one step", &b.to_vec().await, &[0.7], tolerance)
}

const START: [f32; 3] = [0.5, -1.0, 2.0];
const LEARNING_RATE: f32 = 0.1;
const STEPS: usize = 3;

/// Runs `method` for three steps on `L(θ) = ½ Σ θᵢ²` (so the gradient is θ itself and changes
/// every step), then compares θ and each named state buffer with `expected`.
async fn check_steps<B: Backend>(
    backend: &B,
    method: Method,
    expected: impl Fn(&mut [f64; 3], &mut [[f64; 3]; 2], usize),
    tolerance: Tolerance,
) -> CheckResult {
    check_optimiser_steps(backend, Optimiser::new(method, LEARNING_RATE), expected, tolerance).await
}

/// `check_steps` for an optimiser built with more than its method (AdamW's decay). θ is a
/// column, `[3, 1]`: a matrix, which AdamW decays.
async fn check_optimiser_steps<B: Backend>(
    backend: &B,
    mut optimiser: Optimiser<B>,
    expected: impl Fn(&mut [f64; 3], &mut [[f64; 3]; 2], usize),
    tolerance: Tolerance,
) -> CheckResult {
    let method = optimiser.config.method;
    let theta = Tensor::parameter(backend, &START, &[3, 1]);
    let mut want_theta = START.map(|v| v as f64);
    let mut want_state = [[0.0; 3]; 2];
    for step in 1..=STEPS {
        optimiser.zero_grad(std::slice::from_ref(&theta));
        theta.mul(&theta).sum().scale(0.5).backward();
        optimiser.step(std::slice::from_ref(&theta));
        expected(&mut want_theta, &mut want_state, step);
        ensure_close(&format!("{method:?}: θ after step {step}"), &theta.to_vec().await, &want_theta, tolerance)?;
        for (slot, name) in optimiser.state_names().iter().enumerate() {
            let got = optimiser.read_state(&theta, name).await.ok_or_else(|| format!("{method:?}: no {name}"))?;
            ensure_close(&format!("{method:?}: {name} after step {step}"), &got, &want_state[slot], tolerance)?;
        }
    }
    if optimiser.steps() as usize != STEPS {
        return Err(format!("{method:?}: counted {} steps, expected {STEPS}", optimiser.steps()));
    }
    Ok(())
}

pub async fn sgd_matches_hand_computed_steps<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    // θ ← θ − α·θ, so each step multiplies θ by 0.9.
    check_steps(backend, Method::Sgd, |theta, _, _| theta.iter_mut().for_each(|t| *t *= 0.9), tolerance).await
}

pub async fn momentum_matches_hand_computed_steps<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let method = Method::Momentum { momentum: 0.9 };
    let rule = |theta: &mut [f64; 3], state: &mut [[f64; 3]; 2], _| {
        for i in 0..3 {
            let g = theta[i];
            state[0][i] = 0.9 * state[0][i] + g;
            theta[i] -= 0.1 * state[0][i];
        }
    };
    check_steps(backend, method, rule, tolerance).await
}

pub async fn nesterov_matches_hand_computed_steps<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let method = Method::Nesterov { momentum: 0.9 };
    let rule = |theta: &mut [f64; 3], state: &mut [[f64; 3]; 2], _| {
        for i in 0..3 {
            let g = theta[i];
            state[0][i] = 0.9 * state[0][i] + g;
            theta[i] -= 0.1 * (g + 0.9 * state[0][i]);
        }
    };
    check_steps(backend, method, rule, tolerance).await
}

pub async fn rms_prop_matches_hand_computed_steps<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let method = Method::RmsProp { decay: 0.9, epsilon: 1e-6 };
    let rule = |theta: &mut [f64; 3], state: &mut [[f64; 3]; 2], _| {
        for i in 0..3 {
            let g = theta[i];
            state[0][i] = 0.9 * state[0][i] + 0.1 * g * g;
            theta[i] -= 0.1 * g / (state[0][i].sqrt() + 1e-6);
        }
    };
    check_steps(backend, method, rule, tolerance).await
}

/// Adam with β₁ = 0.9 and this β₂, written out in f64 (learning rate 0.1, ε = 1e-8); with a
/// `weight_decay` λ, AdamW as `torch.optim.AdamW` computes it: θ ← θ·(1 − lr·λ) first.
fn adam_reference(beta2: f64, weight_decay: f64) -> impl Fn(&mut [f64; 3], &mut [[f64; 3]; 2], usize) {
    move |theta, state, step| {
        for i in 0..3 {
            let g = theta[i];
            theta[i] *= 1.0 - 0.1 * weight_decay;
            state[0][i] = 0.9 * state[0][i] + 0.1 * g;
            state[1][i] = beta2 * state[1][i] + (1.0 - beta2) * g * g;
            let m_hat = state[0][i] / (1.0 - 0.9f64.powi(step as i32));
            let v_hat = state[1][i] / (1.0 - beta2.powi(step as i32));
            theta[i] -= 0.1 * m_hat / (v_hat.sqrt() + 1e-8);
        }
    }
}

pub async fn adam_matches_hand_computed_steps<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let method = Method::Adam { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
    check_steps(backend, method, adam_reference(0.999, 0.0), tolerance).await
}

/// AdamW (λ = 0.1) with GPT's β₂ = 0.99.
pub async fn adamw_matches_hand_computed_steps<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    let optimiser = Optimiser::new(Method::Adam { beta1: 0.9, beta2: 0.99, epsilon: 1e-8 }, LEARNING_RATE).with_weight_decay(0.1);
    check_optimiser_steps(backend, optimiser, adam_reference(0.99, 0.1), tolerance).await
}

/// Gradient clipping by the joint norm: gradients (3, 4) and (12) have norm 13; clipped at 6.5
/// they halve, and clipped at 20 they stay.
pub async fn clipping_scales_all_gradients_by_their_joint_norm<B: Backend>(backend: &B, tolerance: Tolerance) -> CheckResult {
    for (max_norm, factor) in [(6.5, 0.5), (20.0, 1.0)] {
        let (a, b) = (Tensor::parameter(backend, &[1.5, 2.0], &[2]), Tensor::parameter(backend, &[6.0], &[1]));
        // Σ θ² has gradient 2θ: (3, 4) and (12).
        a.mul(&a).sum().add(&b.mul(&b).sum()).backward();
        let parameters = [a.clone(), b.clone()];
        let squared = Optimiser::clip_gradients(&parameters, max_norm).ok_or("no gradients")?;
        ensure_close("squared norm", &backend.read(&squared, 1).await, &[169.0], tolerance)?;
        ensure_close(&format!("a's gradient clipped at {max_norm}"), &a.grad_to_vec().await.unwrap_or_default(), &[3.0 * factor, 4.0 * factor], tolerance)?;
        ensure_close(&format!("b's gradient clipped at {max_norm}"), &b.grad_to_vec().await.unwrap_or_default(), &[12.0 * factor], tolerance)?;
    }
    Ok(())
}
