//! The long target: the digits lesson's default network (784-500-10 ReLU, Adam 0.001,
//! batch 64, seed 1) reads at least 98% of the 10,000 MNIST test digits after 10 epochs.
//! It runs with every `cargo test` (about 30 s natively on the CPU), so the claim is checked in
//! CI; see the figures with `cargo test --test mnist_ten_epochs -- --nocapture`.

use std::time::Instant;

mod common;

use stepwise::engine::poll::now_or_never;
use stepwise::engine::CpuBackend;
use stepwise::lessons::mnist::trainer::Trainer;
use stepwise::lessons::mnist::Settings;

#[test]
fn ten_epochs_of_the_default_network_read_98_percent_of_the_test_digits() {
    let train = common::mnist_train();
    let test = common::mnist_test();
    let cpu = CpuBackend::new();
    let mut trainer = Trainer::new(&cpu, Settings::default(), train.count);
    let start = Instant::now();
    let mut accuracies = Vec::new();
    while trainer.epoch() < 10 {
        let epoch = trainer.epoch();
        trainer.step(&train);
        if trainer.epoch() > epoch {
            accuracies.push(now_or_never(trainer.accuracy(&test, 0, test.count)).unwrap());
        }
    }
    let percent: Vec<String> = accuracies.iter().map(|a| format!("{:.2}", 100.0 * a)).collect();
    eprintln!("test accuracy after each epoch (%): {}; {:.0} s in all", percent.join(", "), start.elapsed().as_secs_f64());
    assert_eq!(trainer.steps(), 9380);
    assert!(accuracies[2] >= 0.975, "after 3 epochs: {}", accuracies[2]);
    assert!(accuracies[9] >= 0.98, "after 10 epochs: {}", accuracies[9]);
}
