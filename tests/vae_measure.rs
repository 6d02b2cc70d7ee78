//! A measurement, not a check (ignored by default): the VAE trained natively on the CPU for a
//! while, with the negative ELBO on a validation split (the last 10,000 training digits, which
//! this run does not train on) and on the test set printed as it goes.
//!
//! `VAE_SECONDS=120 VAE_LATENT=2 VAE_BETA=1 VAE_LR=0.001 cargo test --release --test vae_measure -- --ignored --nocapture`

mod common;

use std::time::Instant;

use stepwise::data::mnist::MnistSet;
use stepwise::engine::poll::now_or_never;
use stepwise::engine::training::Driver;
use stepwise::engine::CpuBackend;
use stepwise::lessons::vae::model::Vae;
use stepwise::lessons::vae::Settings;

fn number(name: &str, default: f64) -> f64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
#[ignore]
fn measure_the_vae() {
    let all = common::mnist_train();
    let (train, validation) = split(&all, 50_000);
    let test = common::mnist_test();
    let settings = Settings {
        latent: number("VAE_LATENT", 2.0) as usize,
        beta: number("VAE_BETA", 1.0) as f32,
        learning_rate: number("VAE_LR", 1e-3) as f32,
        ..Settings::default()
    };
    let seconds = number("VAE_SECONDS", 120.0);
    let mut vae = Vae::new(&CpuBackend::new(), settings.clone(), train.count);
    let mut driver = Driver::new(f64::INFINITY);
    let start = Instant::now();
    let (validation_ids, test_ids): (Vec<usize>, Vec<usize>) = ((0..validation.count).collect(), (0..test.count).collect());
    let mut next = 10.0;
    while start.elapsed().as_secs_f64() < seconds {
        driver.run_steps(&mut vae, &train, 50);
        if let Some(d) = driver.diverged {
            eprintln!("diverged: {}", d.message("The loss", "step", "…"));
            return;
        }
        let at = start.elapsed().as_secs_f64();
        if at >= next {
            next += 10.0;
            let v = now_or_never(vae.evaluate(&validation, &validation_ids)).unwrap();
            eprintln!("{at:6.1} s, step {:6}: validation {:.2} (reconstruction {:.2}, KL {:.2})", vae.steps(), v.total(), v.reconstruction, v.kl);
        }
    }
    let t = now_or_never(vae.evaluate(&test, &test_ids)).unwrap();
    eprintln!("latent {}, β {}: after {seconds} s and {} steps, test negative ELBO {:.2} nats per image (reconstruction {:.2}, KL {:.2})", settings.latent, settings.beta, vae.steps(), t.total(), t.reconstruction, t.kl);
}

fn split(all: &MnistSet, at: usize) -> (MnistSet, MnistSet) {
    let part = |from: usize, to: usize| MnistSet { images: all.images[from * 784..to * 784].to_vec(), labels: all.labels[from..to].to_vec(), count: to - from };
    (part(0, at), part(at, all.count))
}
