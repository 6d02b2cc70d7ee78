//! The GAN a page trains (with the noise it is shown and judged on) and the digits it trains
//! on: what the page, the judge, the latent space and the worker's mirror share.

use super::model::{noise, Gan, PhaseReport};
use super::Settings;
use crate::data::mnist::MnistSet;
use crate::engine::rng::Pcg32;
use crate::engine::training::{Learner, Snapshot};
use crate::engine::CpuBackend;

pub use super::curves::JUDGE_EVERY;
/// Samples in the grid: 8 × 8 fixed noise vectors.
const GRID_SAMPLES: usize = 64;
pub const JUDGED_SAMPLES: usize = 1000;
/// The ten digits, for a row that asks a conditional G for each.
pub const EVERY_DIGIT: [u8; 10] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

pub struct Sets {
    pub train: MnistSet,
    pub test: MnistSet,
}

/// The GAN being trained, with the noise it is shown and judged on.
pub struct Run {
    pub gan: Gan<CpuBackend>,
    pub grid_noise: Vec<f32>,
    pub judge_noise: Vec<f32>,
    /// Whether the grid, the latent space and the judge see the averaged generator or G itself.
    pub averaged: bool,
    /// The digit the grid and the latent space ask a conditional G for.
    pub digit: u8,
}

/// The driver trains the GAN a phase at a time.
impl Learner for Run {
    type Data = MnistSet;
    type Outcome = PhaseReport;

    fn step(&mut self, set: &MnistSet) -> PhaseReport {
        self.gan.step(set)
    }

    fn steps(&self) -> u32 {
        self.gan.iterations
    }
}

impl Run {
    pub(super) fn new(settings: Settings) -> Run {
        // Their own streams of the seed, so showing and judging never change the training.
        let grid_noise = noise(&mut Pcg32::new(settings.seed, 1), GRID_SAMPLES, settings.latent);
        let judge_noise = noise(&mut Pcg32::new(settings.seed, 2), JUDGED_SAMPLES, settings.latent);
        let digit = settings.digit;
        Run { gan: Gan::new(&CpuBackend::new(), settings, 60_000), grid_noise, judge_noise, averaged: true, digit }
    }

    /// A whole copy of the run, taken between iterations: one the step-through left half done
    /// is finished first. What the worker and the GPU start from.
    pub fn whole_snapshot(&mut self, set: &MnistSet) -> Option<Snapshot> {
        while !self.gan.at_iteration_start() {
            self.gan.run_phase(self.gan.next_phase, set);
        }
        crate::engine::poll::now_or_never(self.gan.snapshot())
    }

    /// The images drawn for these noise vectors by the generator being shown; a conditional
    /// G is asked for these digits (one per vector).
    pub fn draw_digits(&self, z: &[f32], digits: &[u8]) -> Vec<f32> {
        if self.averaged {
            self.gan.generate_averaged(z, digits)
        } else {
            self.gan.generate(z, digits)
        }
    }

    /// The images for these noise vectors, a conditional G asked for the chosen digit in each.
    pub fn draw(&self, z: &[f32]) -> Vec<f32> {
        let digits = vec![self.digit; z.len() / self.gan.settings.latent];
        self.draw_digits(z, &digits)
    }

    /// The digits the judge asks a conditional G for: 0–9 in turn, 100 of each (none when
    /// unconditional).
    pub fn judge_digits(&self) -> Vec<u8> {
        if !self.gan.settings.conditional {
            return Vec::new();
        }
        (0..self.judge_noise.len() / self.gan.settings.latent).map(|i| EVERY_DIGIT[i % 10]).collect()
    }

    /// The first grid vector drawn as each digit: style kept, class changed (conditional only).
    pub fn one_of_each(&self) -> Vec<f32> {
        if !self.gan.settings.conditional {
            return Vec::new();
        }
        let z = &self.grid_noise[..self.gan.settings.latent];
        self.draw_digits(&z.repeat(10), &EVERY_DIGIT)
    }
}

