use crate::engine::layers::Module;
use super::*;
use crate::data::mnist::IMAGE_PIXELS;
use crate::engine::CpuBackend;
use crate::lessons::shared::reference::{binary_cross_entropy, forward, host_layers};

fn tiny_set() -> MnistSet {
    MnistSet::synthetic_ten()
}

/// Small networks; no dropout and no spread feature, so D's numbers can be recomputed from its
/// layers alone (dropout and the spread have their own tests).
fn tiny_settings() -> Settings {
    Settings { latent: 3, generator_hidden: vec![5], discriminator_hidden: vec![6], batch_size: 4, seed: 3, discriminator_dropout: 0.0, minibatch_spread: false, ..Settings::default() }
}

fn to_f64(values: &[f32]) -> Vec<f64> {
    values.iter().map(|&v| v as f64).collect()
}

fn close(got: f64, want: f64, tolerance: f64, what: &str) {
    assert!((got - want).abs() <= tolerance * (1.0 + want.abs()), "{what}: got {got}, want {want}");
}

/// Four of the stabilisers a learner can switch on: the averaged generator, packs, dropout and
/// the batch's spread, each against an f64 recomputation.
mod stabilisers;

/// The conditional GAN's labels, against f64 and finite differences.
mod conditional;

#[test]
fn the_generator_draws_784_pixels_in_minus_one_to_one() {
    let cpu = CpuBackend::new();
    let gan = Gan::new(&cpu, Settings::default(), 10);
    let z = noise(&mut Pcg32::from_seed(9), 5, 100);
    let images = gan.generate(&z, &[]);
    assert_eq!(images.len(), 5 * 784);
    assert!(images.iter().all(|v| (-1.0..=1.0).contains(v)));
    let spread = images.iter().fold(0f32, |m, v| m.max(v.abs()));
    assert!(spread > 0.05, "an untrained G still varies its pixels ({spread})");
    assert_eq!(gan.judge_real(&images, &[]).len(), 5);
}

#[test]
fn each_phases_loss_and_scores_equal_an_f64_recomputation() {
    let cpu = CpuBackend::new();
    let set = tiny_set();
    for loss_kind in [GeneratorLoss::NonSaturating, GeneratorLoss::Minimax] {
        let mut gan = Gan::new(&cpu, Settings { generator_loss: loss_kind, ..tiny_settings() }, set.count);

        // Phase 1 on real images: the images are the dataset's pixels / 127.5 − 1.
        let d = host_layers(&gan.discriminator);
        let real = gan.train_discriminator_on_real(&set);
        let logits = forward(&d, &to_f64(&real.images), 4);
        close(real.loss, binary_cross_entropy(&logits, gan.settings.real_label as f64), 1e-5, "real loss");
        for (s, l) in real.scores.iter().zip(&logits) {
            close(*s, 1.0 / (1.0 + (-l).exp()), 1e-5, "D(x)");
        }
        let first = gan.cursor.order()[0];
        close(real.images[100] as f64, set.image(first)[100] as f64 / 127.5 - 1.0, 1e-6, "pixel scaling");

        // Phase 2 on fakes: the images are G's for the noise drawn; D was updated in phase 1.
        let d = host_layers(&gan.discriminator);
        let fake = gan.train_discriminator_on_fake();
        let logits = forward(&d, &to_f64(&fake.images), 4);
        close(fake.loss, binary_cross_entropy(&logits, 0.0), 1e-5, "fake loss");

        // Phase 3: G's loss from D's (now fixed) weights on G's images before G's step: the
        // very batch of phase 2, which G (unchanged since) drew.
        let d = host_layers(&gan.discriminator);
        let g_before = host_layers(&gan.generator);
        let generated = gan.train_generator();
        assert_eq!(generated.images, fake.images, "G's step reuses phase 2's batch");
        let logits = forward(&d, &to_f64(&generated.images), 4);
        let want = match loss_kind {
            GeneratorLoss::NonSaturating => binary_cross_entropy(&logits, 1.0),
            GeneratorLoss::Minimax => -binary_cross_entropy(&logits, 0.0),
        };
        close(generated.loss, want, 1e-5, "generator loss");
        // D did not move in G's phase; G did.
        assert_eq!(host_layers(&gan.discriminator)[0].weights, d[0].weights);
        assert_ne!(host_layers(&gan.generator)[0].weights, g_before[0].weights);
        assert_eq!((gan.iterations, gan.next_phase), (1, Phase::DiscriminatorOnReal));
    }
}

#[test]
fn d_takes_one_step_per_batch_or_one_for_both_as_chosen() {
    let cpu = CpuBackend::new();
    let set = tiny_set();
    for (steps, moves_after_real) in [(DiscriminatorSteps::OnePerBatch, true), (DiscriminatorSteps::OneForBoth, false)] {
        let mut gan = Gan::new(&cpu, Settings { discriminator_steps: steps, ..tiny_settings() }, set.count);
        let before = host_layers(&gan.discriminator)[0].weights.clone();
        gan.train_discriminator_on_real(&set);
        let after_real = host_layers(&gan.discriminator)[0].weights.clone();
        assert_eq!(after_real != before, moves_after_real, "{steps:?}");
        gan.train_discriminator_on_fake();
        assert_ne!(host_layers(&gan.discriminator)[0].weights, after_real, "{steps:?}: D steps after the fake batch");
        // Adam's first step moves each weight by at most the learning rate (|m̂/√v̂| = 1); a second
        // one with β₁ = 0.5 by at most √2·‖(1/3, 2/3)‖ = 1.054 times it (Cauchy–Schwarz).
        let largest = host_layers(&gan.discriminator)[0].weights.iter().zip(&before).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        let most = if moves_after_real { 2.054 } else { 1.0 } * 2e-4;
        assert!(largest <= most * 1.001 && largest > 2e-4 * 0.9, "{steps:?}: largest move {largest}");
    }
}

#[test]
fn a_seeded_run_repeats_exactly_and_another_seed_differs() {
    let cpu = CpuBackend::new();
    let set = tiny_set();
    let run = |seed| {
        let mut gan = Gan::new(&cpu, Settings { seed, ..tiny_settings() }, set.count);
        (0..6).map(|_| gan.iterate(&set)).map(|r| (r.discriminator_loss.to_bits(), r.generator_loss.to_bits())).collect::<Vec<_>>()
    };
    assert_eq!(run(5), run(5));
    assert_ne!(run(5), run(6));
}

#[test]
fn ds_gradient_with_respect_to_its_input_matches_finite_differences() {
    let cpu = CpuBackend::new();
    let gan = Gan::new(&cpu, tiny_settings(), 10);
    let d = host_layers(&gan.discriminator);
    let mut rng = Pcg32::from_seed(11);
    let x: Vec<f32> = (0..2 * IMAGE_PIXELS).map(|_| rng.uniform_between(-1.0, 1.0)).collect();
    // The input as a leaf that wants a gradient, as G's image is inside the generator phase.
    let input = Tensor::parameter(&cpu, &x, &[2, IMAGE_PIXELS]);
    let targets = Tensor::from_values(&cpu, &[1.0, 1.0], &[2, 1]);
    gan.discriminator.predict(&input).binary_cross_entropy_with_logits(&targets).backward();
    let grad = now_or_never(input.grad_to_vec()).unwrap().unwrap();
    let loss = |x: &[f64]| binary_cross_entropy(&forward(&d, x, 2), 1.0);
    let mut x64 = to_f64(&x);
    let h = 1e-6;
    for i in [0, 1, 77, 400, 783, 784, 1000, 1567] {
        let keep = x64[i];
        x64[i] = keep + h;
        let up = loss(&x64);
        x64[i] = keep - h;
        let down = loss(&x64);
        x64[i] = keep;
        let want = (up - down) / (2.0 * h);
        assert!((grad[i] as f64 - want).abs() < 1e-5 + 1e-3 * want.abs(), "∂L/∂x[{i}]: engine {}, finite differences {want}", grad[i]);
    }
}

#[test]
fn the_generators_gradient_through_a_frozen_d_matches_finite_differences() {
    let cpu = CpuBackend::new();
    let gan = Gan::new(&cpu, tiny_settings(), 10);
    let (g, d) = (host_layers(&gan.generator), host_layers(&gan.discriminator));
    let z = noise(&mut Pcg32::from_seed(12), 2, 3);
    let targets = Tensor::from_values(&cpu, &[1.0, 1.0], &[2, 1]);
    let images = gan.generator.forward(&Tensor::from_values(&cpu, &z, &[2, 3]));
    gan.discriminator.predict(&images).binary_cross_entropy_with_logits(&targets).backward();
    let first = gan.generator.layers[0].dense();
    let grad = now_or_never(first.weights.grad_to_vec()).unwrap().unwrap();
    let d_first = gan.discriminator.layers[0].dense();
    assert!(d_first.weights.grad().is_none(), "D's weights get no gradient in G's phase");

    let z64 = to_f64(&z);
    let loss = |g: &[crate::lessons::shared::reference::HostLayer]| binary_cross_entropy(&forward(&d, &forward(g, &z64, 2), 2), 1.0);
    let mut g = g;
    let h = 1e-6;
    for i in [0, 4, 7, 14] {
        let keep = g[0].weights[i];
        g[0].weights[i] = keep + h;
        let up = loss(&g);
        g[0].weights[i] = keep - h;
        let down = loss(&g);
        g[0].weights[i] = keep;
        let want = (up - down) / (2.0 * h);
        assert!((grad[i] as f64 - want).abs() < 1e-5 + 1e-3 * want.abs(), "∂L/∂W[{i}]: engine {}, finite differences {want}", grad[i]);
    }
}

#[test]
fn with_no_fake_batch_waiting_gs_step_draws_fresh_images_from_g() {
    let cpu = CpuBackend::new();
    let set = tiny_set();
    let mut gan = Gan::new(&cpu, tiny_settings(), set.count);
    let first = gan.train_generator();
    let second = gan.train_generator();
    assert_ne!(first.images, second.images, "a second G step draws its own batch");
    // A new iteration forgets a batch left waiting: G's step after it uses the new fakes.
    gan.train_discriminator_on_fake();
    gan.train_discriminator_on_real(&set);
    let fake = gan.train_discriminator_on_fake();
    assert_eq!(gan.train_generator().images, fake.images);
}

#[test]
fn an_unread_iteration_does_the_same_arithmetic_as_a_read_one() {
    let cpu = CpuBackend::new();
    let set = tiny_set();
    let settings = Settings { minibatch_spread: true, discriminator_dropout: 0.3, ..tiny_settings() };
    let (mut read_back, mut unread) = (Gan::new(&cpu, settings.clone(), set.count), Gan::new(&cpu, settings, set.count));
    for _ in 0..3 {
        let report = read_back.iterate(&set);
        let loss = read(&unread.iterate_unread(&set))[0] as f64;
        assert_eq!(loss.to_bits(), report.generator_loss.to_bits());
    }
    assert_eq!(unread.iterations, 3);
    assert_eq!(host_layers(&unread.generator)[0].weights, host_layers(&read_back.generator)[0].weights);
    assert_eq!(host_layers(&unread.averaged_generator)[1].weights, host_layers(&read_back.averaged_generator)[1].weights);
    assert_eq!(host_layers(&unread.discriminator)[0].weights, host_layers(&read_back.discriminator)[0].weights);
}

#[test]
fn the_driver_runs_the_same_phases_as_a_bare_loop_bit_for_bit() {
    use crate::engine::training::{Driver, Flow};
    let cpu = CpuBackend::new();
    let set = tiny_set();
    let mut bare = Gan::new(&cpu, tiny_settings(), set.count);
    let bare_losses: Vec<u64> = (0..12).map(|_| bare.run_phase(bare.next_phase, &set).loss.to_bits()).collect();
    let mut driven = Gan::new(&cpu, tiny_settings(), set.count);
    let mut driven_losses = Vec::new();
    let mut driver = Driver::new(f64::INFINITY);
    // Slices of 5 phases: a slice may end mid-iteration and the next goes on from there.
    for _ in 0..3 {
        let mut left = 5.min(12 - driven_losses.len());
        if left == 0 {
            break;
        }
        driver.run_slice(&mut driven, &set, &|| 0.0, |_, report| {
            driven_losses.push(report.loss.to_bits());
            left -= 1;
            if left == 0 { Flow::EndSlice } else { Flow::Continue }
        });
    }
    assert_eq!(driven_losses, bare_losses);
    assert_eq!((driven.iterations, driven.epoch(), driver.rate.overall() > 0.0 || driver.rate.overall() == 0.0), (4, bare.epoch(), true));
}

#[test]
fn a_learning_rate_far_too_large_stops_the_gan_through_the_driver() {
    use crate::engine::training::Driver;
    let cpu = CpuBackend::new();
    let set = tiny_set();
    let settings = Settings { generator_learning_rate: 1e30, discriminator_learning_rate: 1e30, ..tiny_settings() };
    let mut gan = Gan::new(&cpu, settings, set.count);
    let total = Driver::new(f64::INFINITY).run_steps(&mut gan, &set, 300);
    let diverged = total.diverged.expect("a loss that is not a number stops the run");
    assert!(!diverged.loss.is_finite());
    assert!(total.steps < 300, "stopped at phase {}", total.steps);
}

#[test]
fn a_snapshot_through_bytes_resumes_the_gan_bit_for_bit() {
    use crate::engine::poll::now_or_never;
    use crate::engine::training::Snapshot;
    let cpu = CpuBackend::new();
    let set = tiny_set();
    // Dropout, the spread feature and averaging on: every piece of state is in the copy.
    let settings = Settings { discriminator_dropout: 0.3, minibatch_spread: true, average_decay: 0.9, ..tiny_settings() };
    let mut original = Gan::new(&cpu, settings.clone(), set.count);
    for _ in 0..7 {
        original.iterate(&set); // past an epoch of the ten images
    }
    assert!(original.at_iteration_start());
    let bytes = now_or_never(original.snapshot()).unwrap().to_bytes();
    let mut copy = Gan::new(&cpu, settings, set.count);
    copy.restore(&Snapshot::from_bytes(&bytes).unwrap());
    assert_eq!((copy.iterations, copy.epoch()), (original.iterations, original.epoch()));
    for _ in 0..9 {
        let a = original.run_phase(original.next_phase, &set);
        let b = copy.run_phase(copy.next_phase, &set);
        assert_eq!(a.loss.to_bits(), b.loss.to_bits(), "{:?}", a.phase);
        assert_eq!(a.images, b.images);
    }
    let z = noise(&mut Pcg32::from_seed(5), 2, 3);
    assert_eq!(original.generate_averaged(&z, &[]), copy.generate_averaged(&z, &[]), "the averaged generator came along");
    let mut mid = original;
    mid.run_phase(Phase::DiscriminatorOnReal, &set);
    assert!(!mid.at_iteration_start());
}

/// The default GAN (layers of hundreds, batch 64) on 1 and 2 threads: the CPU backend splits
/// its big matmuls and Adam by blocks of output, so 20 seeded phases and the whole run
/// (weights, Adam, generator state) are the same bit for bit.
#[test]
fn twenty_seeded_phases_are_the_same_bit_for_bit_on_one_and_two_threads() {
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(|| {
            let cpu = CpuBackend::new();
            let set = tiny_set();
            let mut gan = Gan::new(&cpu, Settings::default(), set.count);
            let losses: Vec<u64> = (0..20).map(|_| gan.run_phase(gan.next_phase, &set).loss.to_bits()).collect();
            (losses, futures_now(gan.snapshot()).to_bytes())
        })
    };
    assert_eq!(run(2), run(1));
}

fn futures_now<T>(future: impl std::future::Future<Output = T>) -> T {
    crate::engine::poll::now_or_never(future).expect("the CPU backend never waits")
}

#[test]
fn queued_iterations_read_back_the_reports_of_the_phases_bit_for_bit() {
    let cpu = CpuBackend::new();
    let set = tiny_set();
    let settings = Settings { minibatch_spread: true, discriminator_dropout: 0.3, ..tiny_settings() };
    let (mut phases, mut queued) = (Gan::new(&cpu, settings.clone(), set.count), Gan::new(&cpu, settings, set.count));
    let stepped = crate::engine::training::queued::slices_on_cpu(&mut queued, &set, 2, 3);
    assert_eq!((stepped.len(), queued.iterations), (6, 6));
    for step in &stepped {
        for got in UnreadIteration::<CpuBackend>::phases(&step.values) {
            let want = phases.run_phase(got.phase, &set);
            assert_eq!((got.loss.to_bits(), &got.scores), (want.loss.to_bits(), &want.scores), "{:?}", got.phase);
        }
    }
    assert_eq!(host_layers(&queued.averaged_generator)[1].weights, host_layers(&phases.averaged_generator)[1].weights);
}

#[test]
fn the_largest_learning_rates_a_link_allows_blow_the_gan_up_and_the_driver_stops_it() {
    use crate::engine::training::Driver;
    let cpu = CpuBackend::new();
    let set = tiny_set();
    let settings = Settings { generator_learning_rate: 1.0, discriminator_learning_rate: 1.0, batch_size: 8, ..Settings::default() };
    let mut gan = Gan::new(&cpu, settings, set.count);
    let total = Driver::new(f64::INFINITY).run_steps(&mut gan, &set, 60);
    let diverged = total.diverged.expect("the losses blow up within 20 iterations");
    assert!(diverged.loss.abs() > crate::engine::training::BLOWN_UP_LOSS && total.steps < 60, "{total:?}");
}
