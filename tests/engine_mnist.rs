//! Training on real data: a 784-500-10 ReLU network, Adam (learning rate 0.001), batches of 64,
//! one epoch over MNIST's 60,000 training images, must classify at least 96% of the 10,000 test
//! images correctly. Reads the original IDX files that `npm install` puts in node_modules.
//!
//! Run with timings: `cargo test --test engine_mnist -- --nocapture`
//! (the test profile builds with opt-level 2, see Cargo.toml).

mod common;

use stepwise::engine::layers::Module;
use std::time::Instant;

use stepwise::data::mnist::MnistSet;
use stepwise::engine::layers::{Activation, Sequential};
use stepwise::engine::optim::{Method, Optimiser};
use stepwise::engine::poll::now_or_never;
use stepwise::engine::rng::Pcg32;
use stepwise::engine::{one_hot, CpuBackend, Tensor};

const PIXELS: usize = 28 * 28;
const CLASSES: usize = 10;
const BATCH: usize = 64;

fn images(set: &MnistSet) -> Vec<f32> {
    set.images.iter().map(|&p| p as f32 / 255.0).collect()
}

fn labels(set: &MnistSet) -> Vec<usize> {
    set.labels.iter().map(|&l| usize::from(l)).collect()
}

fn accuracy(model: &Sequential<CpuBackend>, cpu: &CpuBackend, images: &[f32], labels: &[usize]) -> f64 {
    let mut correct = 0;
    for (chunk, truth) in images.chunks(1000 * PIXELS).zip(labels.chunks(1000)) {
        let x = Tensor::from_values(cpu, chunk, &[truth.len(), PIXELS]);
        let scores = now_or_never(model.predict(&x).to_vec()).unwrap();
        for (row, &label) in scores.chunks(CLASSES).zip(truth) {
            let guess = (0..CLASSES).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap();
            correct += usize::from(guess == label);
        }
    }
    correct as f64 / labels.len() as f64
}

#[test]
fn one_epoch_of_adam_classifies_96_percent_of_mnist_test_digits() {
    // A missing dataset is a failed setup, not a reason to pass quietly: the reader panics.
    let (train, test) = (common::mnist_train(), common::mnist_test());
    let (train_x, train_y) = (images(&train), labels(&train));
    let (test_x, test_y) = (images(&test), labels(&test));
    assert_eq!((train_y.len(), test_y.len()), (60_000, 10_000));

    let cpu = CpuBackend::new();
    let mut rng = Pcg32::from_seed(2024);
    let model = Sequential::mlp(&cpu, &[PIXELS, 500, CLASSES], Activation::Relu, &mut rng);
    let parameters = model.parameters();
    let mut adam = Optimiser::new(Method::adam(), 0.001);
    let mut order: Vec<usize> = (0..train_y.len()).collect();
    rng.shuffle(&mut order);

    let start = Instant::now();
    let (mut batch_x, mut batch_labels) = (Vec::with_capacity(BATCH * PIXELS), Vec::with_capacity(BATCH));
    let mut last_loss = f32::NAN;
    for indices in order.chunks(BATCH) {
        batch_x.clear();
        batch_labels.clear();
        for &i in indices {
            batch_x.extend_from_slice(&train_x[i * PIXELS..][..PIXELS]);
            batch_labels.push(train_y[i]);
        }
        let x = Tensor::from_values(&cpu, &batch_x, &[indices.len(), PIXELS]);
        let targets = Tensor::from_values(&cpu, &one_hot(&batch_labels, CLASSES), &[indices.len(), CLASSES]);
        adam.zero_grad(&parameters);
        let loss = model.forward(&x).softmax_cross_entropy(&targets);
        loss.backward();
        adam.step(&parameters);
        last_loss = now_or_never(loss.to_vec()).unwrap()[0];
    }
    let epoch = start.elapsed();

    let test_accuracy = accuracy(&model, &cpu, &test_x, &test_y);
    eprintln!(
        "MNIST 784-500-10, Adam 0.001, batch {BATCH}: one epoch ({} steps) in {:.2} s ({:.2} ms/step), last loss {last_loss:.4}, test accuracy {:.2}%",
        adam.steps(),
        epoch.as_secs_f64(),
        epoch.as_secs_f64() * 1000.0 / adam.steps() as f64,
        100.0 * test_accuracy
    );
    assert_eq!(adam.steps(), 938);
    assert!(test_accuracy >= 0.96, "test accuracy {test_accuracy}");
}
