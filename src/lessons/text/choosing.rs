//! Choosing the model: every check on the validation reviews (a tenth of the training reviews,
//! never trained on; see `ImdbSet::validation`) may become the best; training stops early once a
//! whole epoch of steps passes without a better one, unless the learner keeps training. The test
//! reviews play no part in this: they are scored once for the model that is kept.

use super::trainer::Score;

/// The best validation check so far.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Best {
    pub accuracy: f64,
    pub step: u32,
    /// Seconds of training when its weights were copied.
    pub seconds: f64,
}

/// What a finished validation check means for the run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verdict {
    /// Better than every check before: this model is now the one kept.
    NewBest,
    /// Not better, and the best is less than an epoch old: train on.
    TrainOn,
    /// A whole epoch of steps since the best, and the learner did not ask to keep training.
    StopEarly,
}

/// Records `score` (copied after `seconds` of training) against `best`. Ties keep the earlier
/// model: it saw less of the training reviews for the same result. `patience` is the steps to
/// wait for a better check (an epoch: a noisy check or two cannot end the run).
pub fn judge(best: &mut Option<Best>, score: &Score, seconds: f64, patience: u32, keep_training: bool) -> Verdict {
    match best {
        Some(b) if score.accuracy <= b.accuracy => {
            if !keep_training && score.step >= b.step.saturating_add(patience) {
                Verdict::StopEarly
            } else {
                Verdict::TrainOn
            }
        }
        _ => {
            *best = Some(Best { accuracy: score.accuracy, step: score.step, seconds });
            Verdict::NewBest
        }
    }
}

/// The steps in one epoch over the reviews trained on.
pub fn steps_per_epoch(fit_reviews: usize, batch_size: usize) -> u32 {
    fit_reviews.div_ceil(batch_size.max(1)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(step: u32, accuracy: f64) -> Score {
        Score { step, loss: 0.3, accuracy, reviews: 2_500 }
    }

    #[test]
    fn the_best_check_is_kept_and_an_epoch_without_a_better_one_stops_the_run() {
        let mut best = None;
        // 22,500 reviews in batches of 32: 704 steps an epoch.
        let patience = steps_per_epoch(22_500, 32);
        assert_eq!(patience, 704);
        assert_eq!(judge(&mut best, &score(0, 0.50), 0.0, patience, false), Verdict::NewBest);
        assert_eq!(judge(&mut best, &score(700, 0.866), 0.4, patience, false), Verdict::NewBest);
        assert_eq!(judge(&mut best, &score(1400, 0.8856), 0.8, patience, false), Verdict::NewBest);
        // Equal is not better: the earlier model stays.
        assert_eq!(judge(&mut best, &score(1550, 0.8856), 0.9, patience, false), Verdict::TrainOn);
        assert_eq!(judge(&mut best, &score(2103, 0.88), 1.2, patience, false), Verdict::TrainOn);
        assert_eq!(best, Some(Best { accuracy: 0.8856, step: 1400, seconds: 0.8 }));
        // 1400 + 704 = 2104 steps: a whole epoch with nothing better.
        assert_eq!(judge(&mut best, &score(2104, 0.88), 1.2, patience, false), Verdict::StopEarly);
        // Keeping on training never stops, and a later better check still becomes the best.
        assert_eq!(judge(&mut best, &score(9000, 0.87), 5.0, patience, true), Verdict::TrainOn);
        assert_eq!(judge(&mut best, &score(9150, 0.89), 5.1, patience, true), Verdict::NewBest);
        assert_eq!(best.unwrap().step, 9150);
    }

    #[test]
    fn the_first_check_is_always_the_best_so_far() {
        let mut best = None;
        assert_eq!(judge(&mut best, &score(0, 0.0), 0.0, 1, false), Verdict::NewBest);
        assert_eq!(steps_per_epoch(10, 0), 10, "a batch size of 0 never divides by zero");
    }
}
