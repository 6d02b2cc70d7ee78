//! The two-Gaussians section's state, which is also its link: every value read from a link
//! gets the same check (and note) a typed value gets.

use super::{checked_mean, checked_sd, checked_whole, monte_carlo_kl, Gaussian, MonteCarlo, DEFAULT_SAMPLES, DEFAULT_SEED, SAMPLES, SEEDS};
use crate::lessons::information::Units;
use crate::lessons::shared::url_state::{LinkState, Query, QueryWriter};

/// The section's state, which is also its link.
#[derive(Clone, Debug, PartialEq)]
pub struct GaussiansState {
    pub p: Gaussian,
    pub q: Gaussian,
    /// n, how many draws of P the Monte-Carlo estimate averages.
    pub samples: usize,
    pub seed: u64,
    pub units: Units,
}

/// P = N(0, 1), Q = N(1, 2²): unequal means and σs, and a KL worked by hand (ln 2 − ¼ nats).
impl Default for GaussiansState {
    fn default() -> Self {
        GaussiansState { p: Gaussian::new(0.0, 1.0), q: Gaussian::new(1.0, 2.0), samples: DEFAULT_SAMPLES, seed: DEFAULT_SEED, units: Units::Bits }
    }
}

impl GaussiansState {
    pub fn monte_carlo(&self) -> MonteCarlo {
        monte_carlo_kl(self.p, self.q, self.samples, self.seed, self.units)
    }
}

/// Every key the section writes: prefixed `g` so they share the page's address with the
/// lesson's own `p`, `q`, `u`, … (its units are `gu`, so the two can differ).
pub const KEYS: &[&str] = &["gmp", "gsp", "gmq", "gsq", "gn", "gseed", "gu"];
const UNITS: [(&str, Units); 2] = [("bits", Units::Bits), ("nats", Units::Nats)];

/// `?gmp=0&gsp=1&gmq=1&gsq=2&gn=1000&gseed=1&gu=nats`; only values off the defaults are written.
impl LinkState for GaussiansState {
    const KEYS: &'static [&'static str] = KEYS;

    fn to_query(&self) -> String {
        let d = GaussiansState::default();
        QueryWriter::new()
            .number_unless("gmp", self.p.mean, d.p.mean)
            .number_unless("gsp", self.p.sd, d.p.sd)
            .number_unless("gmq", self.q.mean, d.q.mean)
            .number_unless("gsq", self.q.sd, d.q.sd)
            .number_unless("gn", self.samples as f64, d.samples as f64)
            .number_unless("gseed", self.seed as f64, d.seed as f64)
            .text_unless("gu", self.units.name(), d.units.name())
            .finish()
    }

    fn from_query(search: &str) -> (Self, Vec<String>) {
        let mut link = Query::parse(search);
        let d = GaussiansState::default();
        let p = Gaussian::new(
            read(&mut link, "gmp", d.p.mean, |x| checked_mean("μ_P", x, d.p.mean)),
            read(&mut link, "gsp", d.p.sd, |x| checked_sd("σ_P", x, d.p.sd)),
        );
        let q = Gaussian::new(
            read(&mut link, "gmq", d.q.mean, |x| checked_mean("μ_Q", x, d.q.mean)),
            read(&mut link, "gsq", d.q.sd, |x| checked_sd("σ_Q", x, d.q.sd)),
        );
        let samples = read(&mut link, "gn", d.samples as f64, |x| checked_whole("n", x, d.samples as f64, SAMPLES));
        let seed = read(&mut link, "gseed", d.seed as f64, |x| checked_whole("seed", x, d.seed as f64, SEEDS));
        let units = link.choice("gu", d.units, &UNITS);
        (GaussiansState { p, q, samples: samples as usize, seed: seed as u64, units }, link.notes)
    }
}

/// The number a link holds for `key`, checked by `check` (the same check a typed value gets);
/// `default` when absent, or with a note when the text is not a number.
fn read(link: &mut Query, key: &str, default: f64, check: impl Fn(f64) -> (f64, Option<String>)) -> f64 {
    let Some(text) = link.raw(key).map(str::to_string) else { return default };
    match text.trim().parse::<f64>() {
        Ok(x) => {
            let (value, note) = check(x);
            link.notes.extend(note);
            value
        }
        Err(_) => {
            link.note(format!("{key} = “{}” is not a number; using the default.", text.chars().take(40).collect::<String>()));
            default
        }
    }
}
