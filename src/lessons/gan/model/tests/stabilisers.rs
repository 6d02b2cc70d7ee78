use super::*;

#[test]
fn the_averaged_generator_is_an_exponential_moving_average_of_gs_weights() {
    // By hand: the decay after t steps is min(d, (1 + t)/(10 + t)): 2/11 after the first step,
    // 0.5 for d = 0.5 from t = 8 on ((1 + 8)/(10 + 8) = 0.5).
    assert_eq!(average_decay_at(0.999, 1), 2.0 / 11.0);
    assert_eq!(average_decay_at(0.5, 8), 0.5);
    assert_eq!(average_decay_at(0.999, 1_000_000), 0.999);

    let cpu = CpuBackend::new();
    let set = tiny_set();
    let mut gan = Gan::new(&cpu, Settings { average_decay: 0.5, ..tiny_settings() }, set.count);
    // The average starts as G's weights, then a ← d·a + (1 − d)·w after each G step, in f64.
    let mut average: Vec<Vec<f64>> = host_layers(&gan.generator).iter().map(|l| l.weights.clone()).collect();
    for t in 1..=12u32 {
        gan.iterate(&set);
        let decay = average_decay_at(0.5, t) as f64;
        for (a, layer) in average.iter_mut().zip(host_layers(&gan.generator)) {
            a.iter_mut().zip(&layer.weights).for_each(|(a, w)| *a = decay * *a + (1.0 - decay) * w);
        }
    }
    for (a, layer) in average.iter().zip(host_layers(&gan.averaged_generator)) {
        for (want, got) in a.iter().zip(&layer.weights) {
            close(*got, *want, 1e-6, "averaged weight");
        }
    }
    let z = noise(&mut Pcg32::from_seed(4), 2, 3);
    let drawn = gan.generate_averaged(&z, &[]);
    let want = forward(&host_layers(&gan.averaged_generator), &to_f64(&z), 2);
    drawn.iter().zip(&want).for_each(|(got, want)| close(*got as f64, *want, 1e-5, "averaged image"));
    assert_ne!(drawn, gan.generate(&z, &[]), "the average is not G itself");

    // With averaging off, "averaged" images are G's own.
    let off = Gan::new(&cpu, Settings { average_decay: 0.0, ..tiny_settings() }, set.count);
    assert_eq!(off.generate_averaged(&z, &[]), off.generate(&z, &[]));
}

#[test]
fn with_packs_of_two_d_reads_each_pair_of_images_as_one_input() {
    let cpu = CpuBackend::new();
    let set = tiny_set();
    let mut gan = Gan::new(&cpu, Settings { pack: 2, ..tiny_settings() }, set.count);
    assert_eq!(gan.settings.discriminator_sizes()[0], 2 * IMAGE_PIXELS);
    let d = host_layers(&gan.discriminator);
    let real = gan.train_discriminator_on_real(&set);
    // 4 images make 2 inputs of 1,568 pixels: images 0 and 1 side by side, then 2 and 3.
    assert_eq!(real.scores.len(), 2);
    let logits = forward(&d, &to_f64(&real.images), 2);
    close(real.loss, binary_cross_entropy(&logits, 1.0), 1e-5, "real loss on pairs");
    let d = host_layers(&gan.discriminator);
    let fake = gan.train_discriminator_on_fake();
    close(fake.loss, binary_cross_entropy(&forward(&d, &to_f64(&fake.images), 2), 0.0), 1e-5, "fake loss on pairs");
}

#[test]
fn dropout_zeroes_hidden_units_and_scales_the_rest_as_an_f64_recomputation_does() {
    let cpu = CpuBackend::new();
    let mut gan = Gan::new(&cpu, Settings { discriminator_dropout: 0.5, ..tiny_settings() }, 10);
    let masks = gan.dropout_masks(3);
    // One mask for the hidden layer (3 inputs × 6 units), none for the output; kept units are
    // scaled by 1/(1 − 0.5) = 2.
    let hidden = masks[0].as_ref().unwrap();
    assert_eq!((hidden.len(), masks[1].is_none()), (18, true));
    assert!(hidden.iter().all(|&m| m == 0.0 || m == 2.0) && hidden.contains(&0.0) && hidden.contains(&2.0));
    let mut rng = Pcg32::from_seed(13);
    let x: Vec<f32> = (0..3 * IMAGE_PIXELS).map(|_| rng.uniform_between(-1.0, 1.0)).collect();
    let logits = read(&gan.discriminate_with(&Tensor::from_values(&cpu, &x, &[3, IMAGE_PIXELS]), &[], false, &masks));
    // By hand in f64: layer 1, times the mask, then layer 2.
    let d = host_layers(&gan.discriminator);
    let mut h = forward(&d[..1], &to_f64(&x), 3);
    h.iter_mut().zip(hidden).for_each(|(h, &m)| *h *= m as f64);
    let want = forward(&d[1..], &h, 3);
    logits.iter().zip(&want).for_each(|(got, want)| close(*got as f64, *want, 1e-5, "logit with dropout"));
    // Without dropout there are no masks and D is the plain network.
    let mut plain = Gan::new(&cpu, tiny_settings(), 10);
    assert!(plain.dropout_masks(3).iter().all(Option::is_none));
}

/// D's logits with the spread feature, in f64 from the formulas: the hidden features h of the
/// batch, s = mean over features of the batch variance of each, and `h·W + b + w·s` at the end.
fn logits_with_spread(d: &[crate::lessons::shared::reference::HostLayer], weight: f64, x: &[f64], rows: usize) -> Vec<f64> {
    let (hidden, last) = d.split_at(d.len() - 1);
    let h = forward(hidden, x, rows);
    let features = last[0].inputs;
    let mut spread = 0.0;
    for j in 0..features {
        let column: Vec<f64> = (0..rows).map(|r| h[r * features + j]).collect();
        let mean = column.iter().sum::<f64>() / rows as f64;
        spread += column.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / rows as f64;
    }
    spread /= features as f64;
    forward(last, &h, rows).iter().map(|l| l + weight * spread).collect()
}

#[test]
fn the_spread_feature_adds_its_weight_times_the_batch_variance_and_learns_by_its_gradient() {
    let cpu = CpuBackend::new();
    let set = tiny_set();
    let mut gan = Gan::new(&cpu, Settings { minibatch_spread: true, ..tiny_settings() }, set.count);
    gan.spread_weight.set_values(&[0.7]);
    let d = host_layers(&gan.discriminator);
    // Phase 1 with one step for both batches: the gradient waits, unapplied, for phase 2.
    let real = gan.train_discriminator_on_real(&set);
    let x = to_f64(&real.images);
    let loss = |w: f64| binary_cross_entropy(&logits_with_spread(&d, w, &x, 4), 1.0);
    close(real.loss, loss(0.7), 1e-5, "real loss with the spread");
    // A single image has no spread: judging it alone is the plain network.
    let one = &real.images[..IMAGE_PIXELS];
    close(gan.judge_real(one, &[])[0], 1.0 / (1.0 + (-forward(&d, &to_f64(one), 1)[0]).exp()), 1e-5, "D(x) of one image");
    // ∂L/∂w by the engine against central differences in f64.
    let grad = now_or_never(gan.spread_weight.grad_to_vec()).unwrap().unwrap()[0] as f64;
    let h = 1e-6;
    let want = (loss(0.7 + h) - loss(0.7 - h)) / (2.0 * h);
    assert!((grad - want).abs() < 1e-5 + 1e-3 * want.abs(), "∂L/∂w: engine {grad}, finite differences {want}");
    assert!(want.abs() > 1e-4, "the test exercises a real gradient ({want})");
    // D's step moves the spread weight; G's step leaves it alone.
    gan.train_discriminator_on_fake();
    let after_d = read(&gan.spread_weight)[0];
    assert_ne!(after_d, 0.7);
    gan.train_generator();
    assert_eq!(read(&gan.spread_weight)[0], after_d);
}
