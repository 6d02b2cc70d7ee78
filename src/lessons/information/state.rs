//! The lesson's state, which is also its link.

use super::*;
use crate::lessons::shared::url_state::{LinkState, Query, QueryWriter};

/// The lesson's state (and later its URL state).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InformationState {
    pub k: usize,
    pub p: Vec<f64>,
    pub q: Vec<f64>,
    pub units: Units,
    pub preset: Option<Preset>,
    /// How many rows of the term table have been added into the sums (k = all).
    pub step_row: usize,
    pub logits: Vec<f64>,
    pub true_class: usize,
}

impl Default for InformationState {
    fn default() -> Self {
        let preset = Preset::default();
        let (p, q) = preset.distributions();
        InformationState {
            k: p.len(),
            step_row: p.len(),
            p,
            q,
            units: Units::Bits,
            preset: Some(preset),
            logits: vec![2.0, 1.0, 0.1],
            true_class: 0,
        }
    }
}

/// Every key the lesson writes.
pub const KEYS: &[&str] = &["preset", "p", "q", "u", "row", "z", "t"];

/// The state in a link: `?p=0.9,0.1&q=0.5,0.5&u=bits&row=2&z=2,1,0.1&t=0`, or just `?preset=fair-die`.
/// Everything is optional; see `shared::url_state` for how bad values are handled.
impl LinkState for InformationState {
    const KEYS: &'static [&'static str] = KEYS;

    fn to_query(&self) -> String {
        let mut w = QueryWriter::new();
        w = match self.preset {
            Some(preset) => w.text("preset", preset.slug()),
            None => w.numbers("p", &self.p).numbers("q", &self.q),
        };
        let w = w.text("u", self.units.name_in_link());
        let w = if self.step_row < self.k { w.number("row", self.step_row as f64) } else { w };
        w.numbers("z", &self.logits).number("t", self.true_class as f64).finish()
    }

    /// The state a link describes, and a note for each value it had to replace.
    fn from_query(search: &str) -> (Self, Vec<String>) {
        let mut q = Query::parse(search);
        let default = InformationState::default();
        let options: Vec<(&str, Preset)> = Preset::ALL.iter().map(|p| (p.slug(), *p)).collect();
        let preset = if q.has("preset") { Some(q.choice("preset", Preset::default(), &options)) } else { None };
        let (mut p, mut q_dist) = preset.unwrap_or_default().distributions();
        let mut custom = false;
        if q.has("p") || q.has("q") {
            p = q.numbers("p", &p, (MIN_K, MAX_K), (0.0, 1.0));
            q_dist = q.numbers("q", &q_dist, (MIN_K, MAX_K), (0.0, 1.0));
            custom = true;
        }
        if p.len() != q_dist.len() {
            q.notes.push(format!("p has {} outcomes but q has {}; q was resized to match.", p.len(), q_dist.len()));
            q_dist = resize(&q_dist, p.len());
        }
        let k = p.len();
        let units = q.choice("u", Units::Bits, &[("bits", Units::Bits), ("nats", Units::Nats)]);
        let step_row = q.integer("row", k, 0, k);
        let logits = q.numbers("z", &default.logits, (3, 5), (-5.0, 5.0));
        let true_class = q.integer("t", 0, 0, logits.len() - 1);
        let state = InformationState {
            k,
            p,
            q: q_dist,
            units,
            preset: if custom { None } else { Some(preset.unwrap_or_default()) },
            step_row,
            logits,
            true_class,
        };
        (state, q.notes)
    }
}

impl Units {
    fn name_in_link(self) -> &'static str {
        match self {
            Units::Bits => "bits",
            Units::Nats => "nats",
        }
    }
}
