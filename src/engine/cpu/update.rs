//! Fused optimiser steps: each reads the gradient once and updates parameter and state together.

use crate::engine::backend::Update;

pub(super) fn update(rule: Update, param: &mut [f32], grad: &[f32], state: &mut [&mut [f32]]) {
    match rule {
        Update::Sgd { learning_rate } => {
            param.iter_mut().zip(grad).for_each(|(p, &g)| *p -= learning_rate * g);
        }
        Update::Momentum { learning_rate, momentum } => {
            let [velocity] = state else { panic!("momentum needs one state buffer") };
            for i in 0..param.len() {
                velocity[i] = momentum * velocity[i] + grad[i];
                param[i] -= learning_rate * velocity[i];
            }
        }
        Update::Nesterov { learning_rate, momentum } => {
            let [velocity] = state else { panic!("Nesterov needs one state buffer") };
            for i in 0..param.len() {
                velocity[i] = momentum * velocity[i] + grad[i];
                param[i] -= learning_rate * (grad[i] + momentum * velocity[i]);
            }
        }
        Update::RmsProp { learning_rate, decay, epsilon } => {
            let [mean_square] = state else { panic!("RMSProp needs one state buffer") };
            for i in 0..param.len() {
                let g = grad[i];
                mean_square[i] = decay * mean_square[i] + (1.0 - decay) * g * g;
                param[i] -= learning_rate * g / (mean_square[i].sqrt() + epsilon);
            }
        }
        Update::Adam { learning_rate, beta1, beta2, epsilon, step } => {
            let [first, second] = state else { panic!("Adam needs two state buffers") };
            let correction1 = 1.0 - (beta1 as f64).powi(step as i32);
            let correction2 = 1.0 - (beta2 as f64).powi(step as i32);
            let (correction1, correction2) = (correction1 as f32, correction2 as f32);
            for i in 0..param.len() {
                let g = grad[i];
                first[i] = beta1 * first[i] + (1.0 - beta1) * g;
                second[i] = beta2 * second[i] + (1.0 - beta2) * g * g;
                let m_hat = first[i] / correction1;
                let v_hat = second[i] / correction2;
                param[i] -= learning_rate * m_hat / (v_hat.sqrt() + epsilon);
            }
        }
    }
}
