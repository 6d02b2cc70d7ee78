use super::*;
use crate::data::imdb::ImdbSet;
use crate::data::vocabulary::Vocabulary;
use crate::engine::poll::now_or_never;
use crate::engine::CpuBackend;

/// A tiny set where "good" means positive and "bad" negative.
pub(crate) fn toy_set() -> ImdbSet {
    let vocabulary = Vocabulary::from_counts([("good", 9), ("bad", 8), ("film", 7), ("the", 6), ("plot", 5)], 7);
    let texts = [
        ("good film", 1), ("bad film", 0), ("the good plot", 1), ("the bad plot", 0), ("good good", 1), ("bad", 0),
        ("film good", 1), ("plot bad the", 0), ("good the film", 1), ("bad bad film", 0),
    ];
    ImdbSet::from_texts(vocabulary, &texts, 6)
}

/// A model trained `steps` steps on the toy set, in batches of 3 at a learning rate of 0.05.
fn trained_on_toys(cpu: &CpuBackend, set: &ImdbSet, steps: usize) -> Trainer<CpuBackend> {
    let mut trainer = Trainer::new(cpu, Settings { batch_size: 3, learning_rate: 0.05, ..Settings::default() }, set);
    for _ in 0..steps {
        trainer.step(set);
    }
    trainer
}

#[test]
fn an_epoch_wraps_round_and_reshuffles() {
    let set = toy_set();
    let cpu = CpuBackend::new();
    let mut trainer = Trainer::new(&cpu, Settings { batch_size: 4, ..Settings::default() }, &set);
    let sizes: Vec<usize> = (0..2).map(|_| trainer.step(&set).reviews).collect();
    assert_eq!(sizes, [4, 2]);
    assert_eq!((trainer.epoch(), trainer.position(), trainer.steps()), (1, 0, 2));
    let mut sorted = trainer.cursor.order().to_vec();
    sorted.sort();
    assert_eq!(sorted, (0..6).collect::<Vec<_>>(), "only training reviews are trained on");
}

#[test]
fn the_driver_takes_the_same_steps_as_a_bare_loop_bit_for_bit() {
    use crate::engine::training::{Driver, Flow};
    let set = toy_set();
    let cpu = CpuBackend::new();
    let settings = Settings { batch_size: 4, ..Settings::default() };
    let mut bare = Trainer::new(&cpu, settings.clone(), &set);
    let bare_losses: Vec<u64> = (0..7).map(|_| bare.step(&set).loss.to_bits()).collect();
    let mut driven = Trainer::new(&cpu, settings, &set);
    let mut driven_losses = Vec::new();
    let mut driver = Driver::new(f64::INFINITY);
    while driven_losses.len() < 7 {
        // One step a slice, as a page whose every slice ends at a check.
        driver.run_slice(&mut driven, &set, &|| 0.0, |_, result| {
            driven_losses.push(result.loss.to_bits());
            Flow::EndSlice
        });
    }
    assert_eq!(driven_losses, bare_losses);
    assert_eq!((driven.epoch(), driven.position()), (bare.epoch(), bare.position()));
}

#[test]
fn queued_slices_read_back_the_plain_steps_bit_for_bit() {
    let set = toy_set();
    let cpu = CpuBackend::new();
    let settings = Settings { batch_size: 4, hidden: 3, ..Settings::default() };
    let mut plain = Trainer::new(&cpu, settings.clone(), &set);
    let want: Vec<StepResult> = (0..6).map(|_| plain.step(&set)).collect();
    let mut queued = Trainer::new(&cpu, settings, &set);
    let got = crate::engine::training::queued::slices_on_cpu(&mut queued, &set, 2, 3);
    let got: Vec<StepResult> = got.iter().map(|s| StepResult::from_numbers(&s.values[0], &s.values[1], &s.kept)).collect();
    assert_eq!(got, want);
    assert_eq!(now_or_never(queued.snapshot()).unwrap().to_bytes(), now_or_never(plain.snapshot()).unwrap().to_bytes());
}

#[test]
fn the_largest_learning_rate_a_link_allows_blows_the_model_up_and_the_driver_stops_it() {
    use crate::engine::training::Driver;
    let set = toy_set();
    let settings = Settings { batch_size: 4, learning_rate: 10.0, ..Settings::default() };
    let mut trainer = Trainer::new(&CpuBackend::new(), settings, &set);
    let total = Driver::new(f64::INFINITY).run_steps(&mut trainer, &set, 200);
    let diverged = total.diverged.expect("the loss blows up");
    assert!(diverged.loss.abs() > crate::engine::training::BLOWN_UP_LOSS, "{total:?}");
}

#[test]
fn a_snapshot_through_bytes_resumes_the_run_bit_for_bit() {
    // The worker and the page hand the run to each other this way.
    let set = toy_set();
    let cpu = CpuBackend::new();
    let settings = Settings { batch_size: 4, hidden: 3, ..Settings::default() };
    let mut original = Trainer::new(&cpu, settings.clone(), &set);
    for _ in 0..3 {
        original.step(&set); // into the second epoch (2 steps per epoch)
    }
    let bytes = now_or_never(original.snapshot()).unwrap().to_bytes();
    let mut copy = Trainer::from_snapshot(&cpu, settings, &set, &Snapshot::from_bytes(&bytes).unwrap());
    assert_eq!((copy.steps(), copy.epoch(), copy.position()), (3, 1, 4));
    for _ in 0..5 {
        assert_eq!(original.step(&set).loss.to_bits(), copy.step(&set).loss.to_bits());
    }
    assert_eq!(now_or_never(copy.snapshot()).unwrap().to_bytes(), now_or_never(original.snapshot()).unwrap().to_bytes());
}

#[test]
fn a_learning_rate_far_too_large_stops_the_text_run_through_the_driver() {
    use crate::engine::training::Driver;
    let set = toy_set();
    let cpu = CpuBackend::new();
    let mut trainer = Trainer::new(&cpu, Settings { batch_size: 4, learning_rate: 1e38, ..Settings::default() }, &set);
    let total = Driver::new(f64::INFINITY).run_steps(&mut trainer, &set, 200);
    let diverged = total.diverged.expect("the loss stops being a number");
    assert!(!diverged.loss.is_finite() && total.steps < 200, "{total:?}");
}

#[test]
fn teaching_a_sentence_moves_its_prediction_toward_the_label() {
    let (cpu, set) = (CpuBackend::new(), toy_set());
    let mut trainer = trained_on_toys(&cpu, &set, 100);
    // "the plot" is neutral in the data; teach it as negative.
    let ids = set.encode_text("the plot").ids;
    let before = now_or_never(trainer.weights()).unwrap().logit(&ids);
    for _ in 0..30 {
        trainer.teach_step(&set, &[(ids.clone(), 0.0)]);
    }
    let after = now_or_never(trainer.weights()).unwrap().logit(&ids);
    assert!(after < before - 1.0 && after < 0.0, "{before} -> {after}");
}

#[test]
fn the_toy_set_is_learned_and_the_evaluation_counts_it_right() {
    let (cpu, set) = (CpuBackend::new(), toy_set());
    let trainer = trained_on_toys(&cpu, &set, 200);
    let weights = now_or_never(trainer.weights()).unwrap();
    let mut evaluation = Evaluation::new(weights.clone(), trainer.steps(), set.test());
    assert_eq!(evaluation.advance(&set, 3), None, "three of four done");
    let score = evaluation.advance(&set, 3).unwrap();
    assert_eq!(score.accuracy, 1.0);
    // Reference: the loss worked out review by review from the engine's own forward pass.
    let reviews: Vec<&[u32]> = set.test().map(|i| set.review_tokens(i)).collect();
    let logits = now_or_never(trainer.model.forward(&bags(&cpu, reviews)).to_vec()).unwrap();
    let loss: f64 = logits
        .iter()
        .zip(set.test())
        .map(|(&z, i)| {
            let p = 1.0 / (1.0 + (-(z as f64)).exp());
            if set.label(i) == 1 { -p.ln() } else { -(1.0 - p).ln() }
        })
        .sum::<f64>()
        / 4.0;
    assert!((score.loss - loss).abs() < 1e-5, "{} vs {loss}", score.loss);
    assert_eq!(evaluation.probabilities.len(), 4);
}
