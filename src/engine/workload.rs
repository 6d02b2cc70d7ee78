//! The standard training workload every speed comparison uses (the Lab page, `bench/`): one
//! Adam step of a 784-500-10 ReLU network with softmax cross-entropy, on a fixed batch of
//! MNIST-shaped inputs. The data is random (seeded): speed does not depend on the pixels.

use crate::engine::layers::Module;
use super::layers::{Activation, Sequential};
use super::optim::{Method, Optimiser};
use super::rng::Pcg32;
use super::{one_hot, Backend, Tensor};

pub const LAYER_SIZES: [usize; 3] = [784, 500, 10];

pub struct TrainingStep<B: Backend> {
    model: Sequential<B>,
    parameters: Vec<Tensor<B>>,
    adam: Optimiser<B>,
    inputs: Tensor<B>,
    targets: Tensor<B>,
    pub batch: usize,
}

impl<B: Backend> TrainingStep<B> {
    pub fn new(backend: &B, batch: usize, seed: u64) -> Self {
        let mut rng = Pcg32::from_seed(seed);
        let model = Sequential::mlp(backend, &LAYER_SIZES, Activation::Relu, &mut rng);
        let parameters = model.parameters();
        let pixels: Vec<f32> = (0..batch * LAYER_SIZES[0]).map(|_| rng.uniform()).collect();
        let labels: Vec<usize> = (0..batch).map(|_| (rng.uniform() * 10.0) as usize % 10).collect();
        TrainingStep {
            inputs: Tensor::from_values(backend, &pixels, &[batch, LAYER_SIZES[0]]),
            targets: Tensor::from_values(backend, &one_hot(&labels, 10), &[batch, 10]),
            model,
            parameters,
            adam: Optimiser::new(Method::adam(), 0.001),
            batch,
        }
    }

    /// One full step: forward, loss, backward, Adam update. Returns the loss (still on the
    /// device: reading it is what waits for a GPU to finish).
    pub fn step(&mut self) -> Tensor<B> {
        self.adam.zero_grad(&self.parameters);
        let loss = self.model.forward(&self.inputs).softmax_cross_entropy(&self.targets);
        loss.backward();
        self.adam.step(&self.parameters);
        loss
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::poll::now_or_never;
    use crate::engine::CpuBackend;

    #[test]
    fn repeated_steps_on_one_batch_drive_its_loss_down() {
        let cpu = CpuBackend::new();
        let mut workload = TrainingStep::new(&cpu, 16, 5);
        let first = now_or_never(workload.step().to_vec()).unwrap()[0];
        // Random labels start near ln 10 = 2.303.
        assert!((first - 10f32.ln()).abs() < 0.5, "first loss {first}");
        let mut last = first;
        for _ in 0..30 {
            last = now_or_never(workload.step().to_vec()).unwrap()[0];
        }
        assert!(last < first * 0.5, "{first} → {last}");
    }
}
