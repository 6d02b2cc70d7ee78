//! A run of gradient descent: the lesson's state (data, settings) and every step taken, kept
//! so the learner can go back. Stepping is deterministic: the same state gives the same run.

use serde::{Deserialize, Serialize};

use super::regression::{least_squares, loss, step, Point, Step};
use crate::engine::rng::Pcg32;
use crate::engine::training::EpochCursor;
use crate::lessons::shared::url_state::{Query, QueryWriter};
use super::csv::MAX_POINTS;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Mode {
    /// Every point in every step.
    Batch,
    /// One point per step.
    Stochastic,
    /// `batch_size` points per step.
    MiniBatch,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Preset {
    CleanLine,
    NoisyLine,
    Outlier,
    ThreePoints,
}

pub const PRESETS: [(Preset, &str); 4] = [
    (Preset::CleanLine, "clean line"),
    (Preset::NoisyLine, "noisy line"),
    (Preset::Outlier, "line with an outlier"),
    (Preset::ThreePoints, "three points"),
];

impl Preset {
    pub fn points(self) -> Vec<Point> {
        // y = 1 + 0.8x at x = 0.5, 1.0, …, 4.0, plus fixed noise (written out, so the preset
        // never changes between versions).
        const NOISE: [f64; 8] = [0.31, -0.42, 0.18, 0.55, -0.27, -0.6, 0.36, -0.12];
        let line = |noise: bool| -> Vec<Point> {
            (0..8).map(|i| {
                let x = 0.5 + 0.5 * i as f64;
                (x, 1.0 + 0.8 * x + if noise { NOISE[i] } else { 0.0 })
            }).collect()
        };
        match self {
            Preset::CleanLine => line(false),
            Preset::NoisyLine => line(true),
            Preset::Outlier => {
                let mut points = line(false);
                points[5].1 += 3.0;
                points
            }
            Preset::ThreePoints => vec![(1.0, 1.0), (2.0, 2.5), (3.0, 2.9)],
        }
    }
}

/// The lesson's settings: one serialisable struct (its URL state, later).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub points: Vec<Point>,
    pub start: [f64; 2],
    pub learning_rate: f64,
    pub mode: Mode,
    pub batch_size: usize,
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { points: Preset::NoisyLine.points(), start: [0.0, 0.0], learning_rate: 0.1, mode: Mode::Batch, batch_size: 3, seed: 1 }
    }
}

pub const LEARNING_RATE_RANGE: (f64, f64) = (1e-4, 10.0);

/// Why a run stopped by itself.
#[derive(Clone, Debug, PartialEq)]
pub enum Stopped {
    /// The loss or θ is no longer a finite number (or beyond 1e12: on its way there).
    Diverged { step: usize },
}

#[derive(Clone)]
pub struct Run {
    pub settings: Settings,
    /// `steps[i]` took θ from `thetas[i]` to `thetas[i + 1]`.
    pub steps: Vec<Step>,
    pub thetas: Vec<[f64; 2]>,
    pub stopped: Option<Stopped>,
    rng: Pcg32,
    cursor: EpochCursor,
}

impl Run {
    pub fn new(settings: Settings) -> Run {
        let mut rng = Pcg32::from_seed(settings.seed);
        let cursor = EpochCursor::new(0..settings.points.len(), &mut rng);
        Run { thetas: vec![settings.start], steps: Vec::new(), stopped: None, rng, cursor, settings }
    }

    pub fn theta(&self) -> [f64; 2] {
        *self.thetas.last().expect("a run has its start")
    }

    /// The points the next step uses: all of them, or the next ones in a shuffled order that
    /// is reshuffled (from the seed) after each pass.
    fn next_batch(&mut self) -> Vec<usize> {
        let n = self.settings.points.len();
        let size = match self.settings.mode {
            Mode::Batch => return (0..n).collect(),
            Mode::Stochastic => 1,
            Mode::MiniBatch => self.settings.batch_size.clamp(1, n),
        };
        self.cursor.next_batch(size, &mut self.rng)
    }

    /// A new run with `steps` steps taken (fewer if it stops first): how a link restores a run.
    pub fn replayed(settings: Settings, steps: usize) -> Run {
        let mut run = Run::new(settings);
        for _ in 0..steps {
            if run.step().is_none() || run.stopped.is_some() {
                break;
            }
        }
        run
    }

    /// One step, unless the run has stopped or has no points. Returns the step taken.
    pub fn step(&mut self) -> Option<&Step> {
        if self.stopped.is_some() || self.settings.points.is_empty() {
            return None;
        }
        let batch = self.next_batch();
        let s = step(&self.settings.points, &batch, self.theta(), self.settings.learning_rate);
        let broken = |v: f64| !v.is_finite() || v.abs() > 1e12;
        if broken(s.loss) || s.next.iter().any(|&t| broken(t)) {
            self.stopped = Some(Stopped::Diverged { step: self.steps.len() + 1 });
        }
        self.thetas.push(s.next);
        self.steps.push(s);
        self.steps.last()
    }

    /// J(θ) over all points at each θ of the run.
    pub fn losses(&self) -> Vec<f64> {
        self.thetas.iter().map(|&t| loss(t, &self.settings.points)).collect()
    }

    /// ‖θ − θ*‖ at each θ of the run, θ* the least-squares line; `None` when there is no
    /// unique best line (fewer than two different x).
    pub fn distances(&self) -> Option<Vec<f64>> {
        let best = least_squares(&self.settings.points)?;
        Some(self.thetas.iter().map(|t| distance(*t, best)).collect())
    }

    /// Time travel: a new run that keeps this run's first `at` steps and continues from θ after
    /// step `at` with other settings (same points). The batches of the kept steps are replayed
    /// through the new run's shuffler, so a branch is as repeatable as a fresh run.
    pub fn branch(&self, at: usize, settings: Settings) -> Run {
        let at = at.min(self.steps.len());
        let mut run = Run::new(Settings { start: self.settings.start, ..settings });
        for _ in 0..at {
            run.next_batch();
        }
        run.steps = self.steps[..at].to_vec();
        run.thetas = self.thetas[..=at].to_vec();
        run
    }
}

/// The straight-line distance between two points of (θ₀, θ₁).
pub fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Most steps a link can ask to replay (each is recomputed when the link opens).
pub const MAX_LINK_STEPS: usize = 2000;
const MODES: [(&str, Mode); 3] = [("batch", Mode::Batch), ("stochastic", Mode::Stochastic), ("mini", Mode::MiniBatch)];

/// The settings and the number of steps taken, as a link:
/// `?x=0.5,1&y=1.7,1.4&t0=0&t1=0&a=0.1&m=batch&b=3&s=1&n=12`. The run itself is not stored:
/// it is replayed from the seed, so the link restores it exactly.
impl Settings {
    pub fn to_query(&self, steps: usize) -> String {
        let xs: Vec<f64> = self.points.iter().map(|p| p.0).collect();
        let ys: Vec<f64> = self.points.iter().map(|p| p.1).collect();
        let mode = MODES.iter().find(|(_, m)| *m == self.mode).map(|(n, _)| *n).unwrap_or("batch");
        QueryWriter::new()
            .numbers("x", &xs)
            .numbers("y", &ys)
            .number("t0", self.start[0])
            .number("t1", self.start[1])
            .number("a", self.learning_rate)
            .text("m", mode)
            .number("b", self.batch_size as f64)
            .number("s", self.seed as f64)
            .number("n", steps as f64)
            .finish()
    }

    /// The settings a link describes, the steps to replay, and a note per value it replaced.
    pub fn from_query(search: &str) -> (Settings, usize, Vec<String>) {
        let mut q = Query::parse(search);
        let d = Settings::default();
        let (dx, dy): (Vec<f64>, Vec<f64>) = d.points.iter().cloned().unzip();
        const SPAN: (f64, f64) = (-1e6, 1e6);
        let mut xs = q.numbers("x", &dx, (0, MAX_POINTS), SPAN);
        let mut ys = q.numbers("y", &dy, (0, MAX_POINTS), SPAN);
        if xs.len() != ys.len() {
            q.notes.push(format!("x has {} values but y has {}; using the default points.", xs.len(), ys.len()));
            (xs, ys) = (dx, dy);
        }
        let settings = Settings {
            points: xs.into_iter().zip(ys).collect(),
            start: [q.number("t0", d.start[0], -1e3, 1e3), q.number("t1", d.start[1], -1e3, 1e3)],
            learning_rate: q.number("a", d.learning_rate, LEARNING_RATE_RANGE.0, LEARNING_RATE_RANGE.1),
            mode: q.choice("m", d.mode, &MODES),
            batch_size: q.integer("b", d.batch_size, 1, MAX_POINTS),
            seed: q.integer("s", d.seed as usize, 0, u32::MAX as usize) as u64,
        };
        let steps = q.integer("n", 0, 0, MAX_LINK_STEPS);
        (settings, steps, q.notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_restores_settings_and_steps() {
        let settings = Settings {
            points: vec![(0.5, 1.25), (-2.0, 3.0), (1.0 / 3.0, 7.0)],
            start: [0.5, -1.5],
            learning_rate: 0.031622776601683794,
            mode: Mode::MiniBatch,
            batch_size: 2,
            seed: 99,
        };
        let (back, steps, notes) = Settings::from_query(&settings.to_query(17));
        assert_eq!((back, steps), (settings, 17));
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn a_bad_link_keeps_what_it_can_and_says_what_it_changed() {
        let (s, steps, notes) = Settings::from_query("x=1,2&y=3&a=50&m=adam&b=0&n=99999&s=-1");
        assert_eq!(s.points, Settings::default().points);
        assert_eq!(s.learning_rate, LEARNING_RATE_RANGE.1);
        assert_eq!(s.mode, Mode::Batch);
        assert_eq!(s.batch_size, 1);
        assert_eq!(s.seed, 0);
        assert_eq!(steps, MAX_LINK_STEPS);
        assert_eq!(notes.len(), 6, "{notes:?}");
    }

    #[test]
    fn n_batch_steps_equal_the_update_computed_here() {
        let settings = Settings::default();
        let mut run = Run::new(settings.clone());
        for _ in 0..25 {
            run.step();
        }
        // Independently: θ ← θ − α ∇J with ∇J written out again.
        let (points, alpha) = (&settings.points, settings.learning_rate);
        let m = points.len() as f64;
        let mut theta = [0.0f64, 0.0];
        for _ in 0..25 {
            let g0: f64 = points.iter().map(|&(x, y)| theta[0] + theta[1] * x - y).sum::<f64>() / m;
            let g1: f64 = points.iter().map(|&(x, y)| (theta[0] + theta[1] * x - y) * x).sum::<f64>() / m;
            theta = [theta[0] - alpha * g0, theta[1] - alpha * g1];
        }
        assert!((run.theta()[0] - theta[0]).abs() < 1e-6 && (run.theta()[1] - theta[1]).abs() < 1e-6);
    }

    #[test]
    fn mini_batches_visit_every_point_once_per_pass_and_repeat_with_the_seed() {
        let settings = Settings { mode: Mode::MiniBatch, batch_size: 3, ..Settings::default() };
        let mut run = Run::new(settings.clone());
        let mut seen = Vec::new();
        for _ in 0..3 {
            seen.extend(run.step().unwrap().terms.iter().map(|t| t.index));
        }
        seen.sort();
        assert_eq!(seen, (0..8).collect::<Vec<_>>(), "3 + 3 + 2 = one pass over 8 points");
        let mut again = Run::new(settings);
        for _ in 0..3 {
            again.step();
        }
        assert_eq!(again.theta(), run.theta(), "same seed, same run");
    }

    #[test]
    fn a_small_learning_rate_converges_to_the_least_squares_line() {
        let mut run = Run::new(Settings::default());
        for _ in 0..3000 {
            run.step();
        }
        let best = least_squares(&run.settings.points).unwrap();
        assert!((run.theta()[0] - best[0]).abs() < 1e-6 && (run.theta()[1] - best[1]).abs() < 1e-6, "{:?} vs {best:?}", run.theta());
    }

    #[test]
    fn the_distance_to_the_least_squares_line_is_measured_at_every_step() {
        let mut run = Run::new(Settings::default());
        for _ in 0..50 {
            run.step();
        }
        let best = least_squares(&run.settings.points).unwrap();
        let distances = run.distances().unwrap();
        assert_eq!(distances.len(), 51);
        // Step 0 is θ = (0, 0): the distance is the length of θ* itself.
        assert!((distances[0] - (best[0] * best[0] + best[1] * best[1]).sqrt()).abs() < 1e-12);
        for (t, d) in run.thetas.iter().zip(&distances) {
            assert!((d - ((t[0] - best[0]).powi(2) + (t[1] - best[1]).powi(2)).sqrt()).abs() < 1e-12);
        }
        assert!(distances[50] < distances[0], "batch descent with a small α gets closer");
        let vertical = Settings { points: vec![(1.0, 1.0), (1.0, 2.0)], ..Settings::default() };
        assert_eq!(Run::new(vertical).distances(), None);
    }

    #[test]
    fn a_branch_keeps_the_past_and_continues_with_the_new_setting() {
        let mut run = Run::new(Settings::default());
        for _ in 0..10 {
            run.step();
        }
        let faster = Settings { learning_rate: 0.3, ..Settings::default() };
        let mut branch = run.branch(4, faster.clone());
        assert_eq!(branch.steps.len(), 4);
        assert_eq!(branch.thetas, run.thetas[..5].to_vec(), "steps 0–4 are shared");
        let next = branch.step().unwrap().clone();
        let by_hand = step(&faster.points, &(0..8).collect::<Vec<_>>(), run.thetas[4], 0.3);
        assert_eq!(next.next, by_hand.next, "step 5 starts from θ after step 4, with α = 0.3");
        assert_eq!(run.steps.len(), 10, "the old run is untouched");
        // Branching a mini-batch run replays its shuffles: the same branch twice is the same run.
        let mini = Settings { mode: Mode::MiniBatch, batch_size: 3, ..Settings::default() };
        let mut original = Run::new(mini.clone());
        for _ in 0..6 {
            original.step();
        }
        let (mut a, mut b) = (original.branch(2, mini.clone()), original.branch(2, mini));
        a.step();
        b.step();
        assert_eq!(a.theta(), b.theta());
        assert_eq!(a.steps[2], original.steps[2], "same settings and seed: the branch retraces the run");
    }

    #[test]
    fn a_huge_learning_rate_diverges_and_the_run_stops_itself() {
        let mut run = Run::new(Settings { learning_rate: 10.0, ..Settings::default() });
        let mut taken = 0;
        while run.step().is_some() && taken < 1000 {
            taken += 1;
        }
        assert!(matches!(run.stopped, Some(Stopped::Diverged { .. })));
        assert!(run.step().is_none(), "no steps after stopping");
        assert!(taken < 100, "stopped after {taken} steps");
    }
}
