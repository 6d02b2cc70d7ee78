//! The conformance suite (see `src/engine/conformance/`) on the WebGPU backend, natively on
//! whatever Vulkan adapter wgpu finds (lavapipe on our machines and CI; set
//! XDG_RUNTIME_DIR=/tmp if the loader complains).
//!
//! Tolerance (`Tolerance::GPU`): GPU `exp`, `log` and `tanh` are not correctly rounded, and
//! reductions add in a different order than the CPU, so we allow relative error 1e-3 and
//! absolute error 1e-4 (the CPU backend is held to 1e-4 and 1e-5).

use stepwise::engine::layers::Module;
use stepwise::engine::conformance::Tolerance;
use stepwise::engine::webgpu::WebGpuBackend;

fn gpu() -> WebGpuBackend {
    pollster::block_on(WebGpuBackend::new()).expect("a WebGPU adapter (install mesa-vulkan-drivers for lavapipe)")
}

stepwise::backend_conformance_suite!(gpu(), Tolerance::GPU);

/// Twenty Adam steps of a small tanh network from the same seed: the GPU's losses follow the
/// CPU's step for step.
#[test]
fn training_on_the_gpu_follows_the_cpu_step_for_step() {
    use stepwise::engine::layers::{Activation, Sequential};
    use stepwise::engine::optim::{Method, Optimiser};
    use stepwise::engine::rng::Pcg32;
    use stepwise::engine::{one_hot, Backend, CpuBackend, Tensor};

    fn losses<B: Backend>(backend: &B) -> Vec<f32> {
        let mut rng = Pcg32::from_seed(8);
        let model = Sequential::mlp(backend, &[6, 16, 3], Activation::Tanh, &mut rng);
        let x: Vec<f32> = (0..32 * 6).map(|_| rng.normal()).collect();
        // The label is which of the first three features is largest: learnable.
        let labels: Vec<usize> = x.chunks(6).map(|r| (0..3).max_by(|&a, &b| r[a].total_cmp(&r[b])).unwrap()).collect();
        let (x, t) = (Tensor::from_values(backend, &x, &[32, 6]), Tensor::from_values(backend, &one_hot(&labels, 3), &[32, 3]));
        let parameters = model.parameters();
        let mut adam = Optimiser::new(Method::adam(), 0.01);
        (0..20)
            .map(|_| {
                adam.zero_grad(&parameters);
                let loss = model.forward(&x).softmax_cross_entropy(&t);
                loss.backward();
                adam.step(&parameters);
                pollster::block_on(loss.to_vec())[0]
            })
            .collect()
    }

    let (cpu, gpu) = (losses(&CpuBackend::new()), losses(&gpu()));
    assert!(cpu[19] < 0.8 * cpu[0], "the network learns: {cpu:?}");
    for (step, (c, g)) in cpu.iter().zip(&gpu).enumerate() {
        assert!((c - g).abs() <= 1e-3 * (1.0 + c.abs()), "step {step}: cpu loss {c}, gpu loss {g}");
    }
}
