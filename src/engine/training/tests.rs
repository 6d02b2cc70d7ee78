use std::cell::Cell;

use super::*;

/// A learner whose losses are given in advance: the driver's behaviour, with nothing else.
struct Scripted {
    losses: Vec<f64>,
    taken: u32,
}

struct Outcome(f64);

impl StepOutcome for Outcome {
    fn loss(&self) -> f64 {
        self.0
    }
    fn samples(&self) -> usize {
        4
    }
}

impl Learner for Scripted {
    type Data = ();
    type Outcome = Outcome;
    fn step(&mut self, _: &()) -> Outcome {
        let loss = self.losses[self.taken as usize % self.losses.len()];
        self.taken += 1;
        Outcome(loss)
    }
    fn steps(&self) -> u32 {
        self.taken
    }
}

fn scripted(losses: &[f64]) -> Scripted {
    Scripted { losses: losses.to_vec(), taken: 0 }
}

#[test]
fn a_cursor_visits_every_item_once_per_epoch_with_a_short_last_batch() {
    let mut rng = Pcg32::from_seed(7);
    let mut cursor = EpochCursor::new(0..10, &mut rng);
    assert_eq!(cursor.steps_per_epoch(4), 3);
    let first_order = cursor.order().to_vec();
    let mut seen: Vec<usize> = Vec::new();
    let sizes: Vec<usize> = (0..3).map(|_| {
        let batch = cursor.next_batch(4, &mut rng);
        seen.extend(&batch);
        batch.len()
    }).collect();
    assert_eq!(sizes, vec![4, 4, 2]);
    assert_eq!(seen, first_order, "the batches walk this epoch's order");
    seen.sort();
    assert_eq!(seen, (0..10).collect::<Vec<_>>());
    assert_eq!((cursor.epoch(), cursor.position()), (1, 0));
    assert_ne!(cursor.order(), first_order.as_slice(), "a new epoch is shuffled again");
}

#[test]
fn a_cursor_shuffles_exactly_as_the_generator_says() {
    // Reference: the same generator shuffling a plain list by hand.
    let mut reference_rng = Pcg32::from_seed(3);
    let mut reference: Vec<usize> = (0..6).collect();
    reference_rng.shuffle(&mut reference);
    let first = reference.clone();
    reference_rng.shuffle(&mut reference);
    let mut rng = Pcg32::from_seed(3);
    let mut cursor = EpochCursor::new(0..6, &mut rng);
    assert_eq!(cursor.next_batch(6, &mut rng), first);
    assert_eq!(cursor.order(), reference.as_slice());
    assert_eq!(rng, reference_rng, "the cursor draws nothing more than the two shuffles");
}

#[test]
fn full_batches_run_on_into_the_next_epoch() {
    let mut rng = Pcg32::from_seed(1);
    let mut cursor = EpochCursor::new(0..5, &mut rng);
    let first_order = cursor.order().to_vec();
    let batch = cursor.next_items(3, &mut rng);
    assert_eq!(batch, first_order[..3]);
    let second = cursor.next_items(3, &mut rng);
    assert_eq!(second[..2], first_order[3..]);
    assert_eq!(second[2], cursor.order()[0], "the third item opens the reshuffled epoch");
    assert_eq!((cursor.epoch(), cursor.position()), (1, 1));
}

#[test]
fn a_slice_spends_its_budget_then_hands_back() {
    let time = Cell::new(0.0);
    // Each step takes 3 ms on this clock.
    let clock = || time.get();
    let mut learner = scripted(&[0.5]);
    let mut driver = Driver::new(10.0);
    let slice = driver.run_slice(&mut learner, &(), &clock, |_, _| {
        time.set(time.get() + 3.0);
        Flow::Continue
    });
    // After steps 1..4 the clock reads 3, 6, 9, 12: the fourth passes the 10 ms budget.
    assert_eq!(slice.steps, 4);
    assert_eq!(slice.loss_sum, 2.0);
    assert_eq!(slice.samples, 16);
    assert_eq!(slice.milliseconds, 12.0);
    assert_eq!(slice.diverged, None);
}

#[test]
fn a_slice_ends_early_when_asked_and_always_takes_one_step() {
    let mut learner = scripted(&[0.5]);
    let mut driver = Driver::new(0.0);
    assert_eq!(driver.run_slice(&mut learner, &(), &|| 0.0, |_, _| Flow::Continue).steps, 1, "a zero budget still steps once");
    let slice = driver.run_slice(&mut learner, &(), &|| 0.0, |l, _| if l.steps() == 2 { Flow::EndSlice } else { Flow::Continue });
    assert_eq!(slice.steps, 1);
}

#[test]
fn a_loss_that_is_not_a_number_stops_the_run_with_a_plain_message() {
    for bad in [f64::NAN, f64::INFINITY] {
        let mut learner = scripted(&[1.0, 2.0, bad, 3.0]);
        let mut driver = Driver::new(f64::INFINITY);
        let slice = driver.run_slice(&mut learner, &(), &|| 0.0, |_, _| Flow::Continue);
        assert_eq!((slice.steps, slice.loss_sum), (3, 3.0), "the bad loss is not summed");
        let diverged = slice.diverged.expect("stopped");
        assert_eq!(diverged.step, 3);
        assert_eq!(diverged.loss.to_bits(), bad.to_bits());
        assert_eq!(driver.diverged.map(|d| (d.step, d.loss.to_bits())), Some((3, bad.to_bits())));
        assert_eq!(driver.run_slice(&mut learner, &(), &|| 0.0, |_, _| Flow::Continue).steps, 0, "no more steps until resumed");
        let word = if bad.is_nan() { "NaN" } else { "∞" };
        assert_eq!(diverged.message("The loss", "step", "lower the learning rate."), format!("The loss became {word} at step 3: lower the learning rate."));
        driver.resume();
        assert_eq!(driver.run_slice(&mut learner, &(), &|| 0.0, |_, _| Flow::EndSlice).steps, 1);
    }
}

#[test]
fn a_cross_entropy_beyond_100_nats_has_blown_up_and_its_message_shows_the_number() {
    assert!(!blown_up(2.303) && !blown_up(100.0) && !blown_up(-100.0));
    assert!(blown_up(100.5) && blown_up(-512_745.1) && blown_up(f64::NAN) && blown_up(f64::NEG_INFINITY));
    let diverged = Diverged { step: 2, loss: 28_931.12 };
    assert_eq!(diverged.message("The loss", "step", "lower it."), "The loss became 28931 at step 2: lower it.");
}

#[test]
fn run_steps_takes_exactly_that_many_steps() {
    let mut learner = scripted(&[0.25, 0.75]);
    let mut driver = Driver::new(1e9);
    let total = driver.run_steps(&mut learner, &(), 5);
    assert_eq!((total.steps, learner.steps(), total.loss_sum), (5, 5, 0.25 * 3.0 + 0.75 * 2.0));
}

#[test]
fn the_rate_meter_smooths_slices_and_averages_the_run() {
    let mut meter = RateMeter::default();
    meter.add(100, 1000.0); // 100/s
    assert_eq!(meter.smoothed(), 100.0);
    meter.add(300, 1000.0); // 300/s: smoothed 0.9·100 + 0.1·300 = 120
    assert!((meter.smoothed() - 120.0).abs() < 1e-12);
    assert_eq!(meter.overall(), 200.0, "400 samples in 2 s");
    meter.add(0, 5.0);
    assert_eq!(meter.overall(), 200.0, "an empty slice changes nothing");
}
