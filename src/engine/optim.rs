//! Optimisers: how a parameter moves given its gradient. The arithmetic is one fused backend
//! kernel per step (`Backend::update`); this file keeps the per-parameter state (velocities,
//! moments) and the step count, and lets the UI read them.

use crate::engine::backend::{Backend, Update};
use crate::engine::tensor::Tensor;
use serde::{Deserialize, Serialize};

/// Which update rule, with its hyperparameters other than the learning rate.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Method {
    Sgd,
    Momentum { momentum: f32 },
    Nesterov { momentum: f32 },
    RmsProp { decay: f32, epsilon: f32 },
    Adam { beta1: f32, beta2: f32, epsilon: f32 },
}

impl Method {
    /// Momentum 0.9, as most courses use.
    pub fn momentum() -> Self {
        Method::Momentum { momentum: 0.9 }
    }
    pub fn nesterov() -> Self {
        Method::Nesterov { momentum: 0.9 }
    }
    /// PyTorch's defaults, so an exported model trains the same way there.
    pub fn rms_prop() -> Self {
        Method::RmsProp { decay: 0.99, epsilon: 1e-8 }
    }
    /// The defaults of Kingma & Ba (2015).
    pub fn adam() -> Self {
        Method::Adam { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }
    }
}

/// An optimiser's settings: what the UI stores and the URL carries.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptimiserConfig {
    pub method: Method,
    pub learning_rate: f32,
}

/// An optimiser's step count and per-parameter state copied to the host; see
/// [`Optimiser::snapshot`].
#[derive(Clone, Debug, PartialEq)]
pub struct OptimiserSnapshot {
    pub steps: u32,
    /// Per parameter, its state buffers in `state_names` order.
    pub state: Vec<Vec<Vec<f32>>>,
}

/// An optimiser with its state for each parameter it has updated.
pub struct Optimiser<B: Backend> {
    pub config: OptimiserConfig,
    steps: u32,
    /// One entry per parameter: the parameter and its state buffers (see `state_names`).
    state: Vec<(Tensor<B>, Vec<B::Buffer>)>,
    /// AdamW's λ (0: none); see `with_weight_decay`.
    weight_decay: f32,
}

impl<B: Backend> Optimiser<B> {
    pub fn new(method: Method, learning_rate: f32) -> Self {
        Self::from_config(OptimiserConfig { method, learning_rate })
    }

    pub fn from_config(config: OptimiserConfig) -> Self {
        Optimiser { config, steps: 0, state: Vec::new(), weight_decay: 0.0 }
    }

    /// Adam becomes AdamW: each step first shrinks the weights by `1 − lr·λ`. As in nanoGPT,
    /// only parameters with two or more axes decay (the matrices and embedding tables), never
    /// biases or LayerNorm gains. Only Adam takes it.
    pub fn with_weight_decay(mut self, weight_decay: f32) -> Self {
        assert!(matches!(self.config.method, Method::Adam { .. }), "weight decay is AdamW's; {:?} has none", self.config.method);
        self.weight_decay = weight_decay;
        self
    }

    /// How many steps have been taken (Adam's t).
    pub fn steps(&self) -> u32 {
        self.steps
    }

    /// The update for step number `step` (counted from 1), for a parameter that decays or not.
    fn rule(&self, step: u32, decays: bool) -> Update {
        let learning_rate = self.config.learning_rate;
        match self.config.method {
            Method::Sgd => Update::Sgd { learning_rate },
            Method::Momentum { momentum } => Update::Momentum { learning_rate, momentum },
            Method::Nesterov { momentum } => Update::Nesterov { learning_rate, momentum },
            Method::RmsProp { decay, epsilon } => Update::RmsProp { learning_rate, decay, epsilon },
            Method::Adam { beta1, beta2, epsilon } => {
                let weight_decay = if decays { self.weight_decay } else { 0.0 };
                Update::Adam { learning_rate, beta1, beta2, epsilon, weight_decay, step }
            }
        }
    }

    /// Names of the state each parameter carries: `["velocity"]`, `["first moment", "second moment"]`, ...
    pub fn state_names(&self) -> &'static [&'static str] {
        self.rule(1, false).state_names()
    }

    /// Moves every parameter that has a gradient one step. Does not clear the gradients.
    pub fn step(&mut self, parameters: &[Tensor<B>]) {
        self.steps += 1;
        for parameter in parameters {
            let Some(grad) = parameter.grad() else { continue };
            let rule = self.rule(self.steps, parameter.shape().len() >= 2);
            let state = self.state_for(parameter);
            parameter.backend().update(rule, parameter.value(), &grad, &state, parameter.len());
        }
    }

    /// Scales every gradient by `min(1, max_norm / ‖g‖)`, where ‖g‖ is the norm of all the
    /// gradients together, as PyTorch's `clip_grad_norm_` (nanoGPT clips at 1): a step that
    /// would blow the weights up is shortened, its direction kept. All on the device; the
    /// squared norm is returned, to be read only if wanted.
    pub fn clip_gradients(parameters: &[Tensor<B>], max_norm: f32) -> Option<B::Buffer> {
        let backend = parameters.first()?.backend().clone();
        let squared_norm = backend.zeros(1);
        let grads: Vec<(B::Buffer, usize)> = parameters.iter().filter_map(|p| Some((p.grad()?, p.len()))).collect();
        for (grad, len) in &grads {
            backend.add_sum_of_squares(grad, &squared_norm, *len);
        }
        for (grad, len) in &grads {
            backend.clip(grad, &squared_norm, max_norm, *len);
        }
        Some(squared_norm)
    }

    /// Clears the gradients of all the parameters, ready for the next `backward()`.
    pub fn zero_grad(&self, parameters: &[Tensor<B>]) {
        parameters.iter().for_each(Tensor::zero_grad);
    }

    fn state_for(&mut self, parameter: &Tensor<B>) -> Vec<B::Buffer> {
        if let Some((_, state)) = self.state.iter().find(|(p, _)| p.same_as(parameter)) {
            return state.clone();
        }
        let backend = parameter.backend();
        let state: Vec<B::Buffer> = self.state_names().iter().map(|_| backend.zeros(parameter.len())).collect();
        self.state.push((parameter.clone(), state.clone()));
        state
    }

    /// A copy of one named state buffer of a parameter, e.g. `"velocity"`; `None` before the
    /// parameter's first step or for a name this method does not keep.
    pub async fn read_state(&self, parameter: &Tensor<B>, name: &str) -> Option<Vec<f32>> {
        let slot = self.state_names().iter().position(|&n| n == name)?;
        let (_, state) = self.state.iter().find(|(p, _)| p.same_as(parameter))?;
        Some(parameter.backend().read(&state[slot], parameter.len()).await)
    }

    /// The step count and every parameter's state as plain numbers, in the order of
    /// `parameters` (an empty list for a parameter not yet stepped). With the parameters' values
    /// this is all it takes to go on training elsewhere, e.g. on the CPU when a GPU is lost.
    /// All reads start before the first is awaited, so a GPU answers them in one round trip.
    pub async fn snapshot(&self, parameters: &[Tensor<B>]) -> OptimiserSnapshot {
        let reads: Vec<Vec<_>> = parameters
            .iter()
            .map(|parameter| match self.state.iter().find(|(p, _)| p.same_as(parameter)) {
                Some((_, state)) => state.iter().map(|buffer| parameter.backend().read(buffer, parameter.len())).collect(),
                None => Vec::new(),
            })
            .collect();
        let mut state = Vec::with_capacity(reads.len());
        for buffers in reads {
            let mut values = Vec::with_capacity(buffers.len());
            for read in buffers {
                values.push(read.await);
            }
            state.push(values);
        }
        OptimiserSnapshot { steps: self.steps, state }
    }

    /// Takes over a snapshot's step count and state for `parameters` (the same parameters, in
    /// the same order, perhaps on another backend).
    pub fn restore(&mut self, snapshot: &OptimiserSnapshot, parameters: &[Tensor<B>]) {
        assert_eq!(snapshot.state.len(), parameters.len(), "one state entry per parameter");
        self.steps = snapshot.steps;
        self.state.clear();
        for (parameter, values) in parameters.iter().zip(&snapshot.state) {
            if !values.is_empty() {
                let buffers = values.iter().map(|v| parameter.backend().upload(v)).collect();
                self.state.push((parameter.clone(), buffers));
            }
        }
    }

    /// Forgets all state and the step count (for example when the learner presses reset).
    pub fn reset(&mut self) {
        self.steps = 0;
        self.state.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::poll::now_or_never;
    use crate::engine::CpuBackend;

    /// Three Adam steps on f(θ) = Σ θ², then a snapshot restored into a fresh optimiser and
    /// parameter: the next step lands on exactly the same numbers as an uninterrupted run.
    #[test]
    fn a_restored_snapshot_takes_the_same_next_step_bit_for_bit() {
        let cpu = CpuBackend::new();
        let step = |optimiser: &mut Optimiser<CpuBackend>, theta: &Tensor<CpuBackend>| {
            optimiser.zero_grad(std::slice::from_ref(theta));
            theta.mul(theta).sum().backward();
            optimiser.step(std::slice::from_ref(theta));
        };
        let theta = Tensor::parameter(&cpu, &[1.0, -2.0, 0.5], &[3]);
        let mut adam = Optimiser::new(Method::adam(), 0.1);
        for _ in 0..3 {
            step(&mut adam, &theta);
        }
        let snapshot = now_or_never(adam.snapshot(std::slice::from_ref(&theta))).unwrap();
        assert_eq!((snapshot.steps, snapshot.state[0].len()), (3, 2), "step count, first and second moments");

        let copy = Tensor::parameter(&cpu, &now_or_never(theta.to_vec()).unwrap(), &[3]);
        let mut restored = Optimiser::new(Method::adam(), 0.1);
        restored.restore(&snapshot, std::slice::from_ref(&copy));
        step(&mut adam, &theta);
        step(&mut restored, &copy);
        assert_eq!(restored.steps(), 4);
        assert_eq!(now_or_never(copy.to_vec()), now_or_never(theta.to_vec()));
        // A fresh optimiser would have restarted Adam's bias correction: a different step.
        let fresh_copy = Tensor::parameter(&cpu, &now_or_never(theta.to_vec()).unwrap(), &[3]);
        let mut fresh = Optimiser::new(Method::adam(), 0.1);
        step(&mut fresh, &fresh_copy);
        step(&mut adam, &theta);
        assert_ne!(now_or_never(fresh_copy.to_vec()), now_or_never(theta.to_vec()));
    }
}
