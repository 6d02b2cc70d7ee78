//! The engine's `.safetensors` export, checked by another program: a model trained on real
//! digits is exported, and `tests/reference/export_check.py` rebuilds it with numpy alone (in
//! f64, reading the file by hand) and must reproduce the engine's logits on 100 test digits
//! within 1e-4. Needs Python 3 with numpy (scripts/setup.sh installs Debian's python3-numpy).

mod common;

use std::process::Command;

use stepwise::engine::layers::Module;
use stepwise::engine::layers::{Activation, Sequential};
use stepwise::engine::optim::{Method, Optimiser};
use stepwise::engine::poll::now_or_never;
use stepwise::engine::rng::Pcg32;
use stepwise::engine::{one_hot, CpuBackend, Tensor};

const PIXELS: usize = 28 * 28;
const CLASSES: usize = 10;

fn floats(set: &stepwise::data::mnist::MnistSet, count: usize) -> Vec<f32> {
    set.images[..count * PIXELS].iter().map(|&p| p as f32 / 255.0).collect()
}

fn little_endian(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// A Python 3 that has numpy: Debian's (where setup installs it) or the first on PATH.
fn python_with_numpy() -> Option<&'static str> {
    ["/usr/bin/python3", "python3"].into_iter().find(|python| {
        Command::new(python).args(["-c", "import numpy"]).output().is_ok_and(|out| out.status.success())
    })
}

#[test]
fn numpy_reproduces_the_exported_models_logits_on_100_test_digits() {
    let (train, test) = (common::mnist_train(), common::mnist_test());
    let cpu = CpuBackend::new();
    let mut rng = Pcg32::from_seed(7);
    let model = Sequential::mlp(&cpu, &[PIXELS, 64, 32, CLASSES], Activation::Relu, &mut rng);
    let parameters = model.parameters();
    let mut adam = Optimiser::new(Method::adam(), 0.001);
    // 100 steps of 64 real digits: trained enough that its weights and biases are its own.
    let (x, y) = (floats(&train, 6400), train.labels[..6400].iter().map(|&l| usize::from(l)).collect::<Vec<_>>());
    for step in 0..100 {
        let batch = Tensor::from_values(&cpu, &x[step * 64 * PIXELS..][..64 * PIXELS], &[64, PIXELS]);
        let targets = Tensor::from_values(&cpu, &one_hot(&y[step * 64..][..64], CLASSES), &[64, CLASSES]);
        adam.zero_grad(&parameters);
        let loss = model.forward(&batch).softmax_cross_entropy(&targets);
        loss.backward();
        adam.step(&parameters);
    }
    let digits = floats(&test, 100);
    let logits = now_or_never(model.predict(&Tensor::from_values(&cpu, &digits, &[100, PIXELS])).to_vec()).unwrap();

    let folder = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("export-check");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("model.safetensors"), now_or_never(model.to_safetensors()).unwrap()).unwrap();
    std::fs::write(folder.join("digits.f32"), little_endian(&digits)).unwrap();
    std::fs::write(folder.join("logits.f32"), little_endian(&logits)).unwrap();

    let python = python_with_numpy().expect("this test needs Python 3 with numpy: run scripts/setup.sh (it installs python3-numpy)");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/export_check.py");
    let out = Command::new(python).arg(script).arg(&folder).output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    eprintln!("{said}");
    assert!(out.status.success(), "numpy does not reproduce the engine's logits:\n{said}");
}
