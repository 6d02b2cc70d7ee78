//! `/information`: entropy, cross-entropy and KL divergence between two discrete
//! distributions, term by term, and the softmax + cross-entropy link to training. The maths and
//! the lesson's state live here (plain Rust, f64, tested natively); the page is `page.rs`.

use serde::{Deserialize, Serialize};
use crate::lessons::shared::url_state::{LinkState, Query, QueryWriter};

#[cfg(target_arch = "wasm32")]
pub mod page;
#[cfg(target_arch = "wasm32")]
pub mod softmax_view;

/// Fewest and most outcomes a distribution may have.
pub const MIN_K: usize = 2;
pub const MAX_K: usize = 10;
/// How far from 1 a sum may be and still count as a distribution (typed values have a few
/// decimals; the bars are rescaled exactly).
pub const SUM_TOLERANCE: f64 = 1e-9;

/// The unit information is measured in: bits use log base 2, nats the natural log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Units {
    #[default]
    Bits,
    Nats,
}

impl Units {
    pub fn log(self, x: f64) -> f64 {
        match self {
            Units::Bits => x.log2(),
            Units::Nats => x.ln(),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Units::Bits => "bits",
            Units::Nats => "nats",
        }
    }
    /// The log as TeX: `\log_2` or `\ln`.
    pub fn tex(self) -> &'static str {
        match self {
            Units::Bits => r"\log_2",
            Units::Nats => r"\ln",
        }
    }
}

/// One row of the term-by-term table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Term {
    pub p: f64,
    pub q: f64,
    /// −p log p, this outcome's share of H(P); 0 when p = 0 (the limit of p log p).
    pub entropy: f64,
    /// −p log q, its share of H(P, Q); 0 when p = 0, +∞ when q = 0 < p.
    pub cross: f64,
    /// p log(p/q), its share of D_KL(P‖Q); 0 when p = 0, +∞ when q = 0 < p.
    pub kl: f64,
}

/// The three terms for outcome probabilities p and q.
pub fn term(p: f64, q: f64, units: Units) -> Term {
    let (entropy, cross, kl) = if p == 0.0 {
        (0.0, 0.0, 0.0)
    } else if q == 0.0 {
        (-p * units.log(p), f64::INFINITY, f64::INFINITY)
    } else {
        (-p * units.log(p), -p * units.log(q), p * units.log(p / q))
    };
    Term { p, q, entropy, cross, kl }
}

/// Every row. `p` and `q` have the same length.
pub fn terms(p: &[f64], q: &[f64], units: Units) -> Vec<Term> {
    p.iter().zip(q).map(|(&p, &q)| term(p, q, units)).collect()
}

/// H(P) = −Σ p log p.
pub fn entropy(p: &[f64], units: Units) -> f64 {
    terms(p, p, units).iter().map(|t| t.entropy).sum()
}

/// H(P, Q) = −Σ p log q.
pub fn cross_entropy(p: &[f64], q: &[f64], units: Units) -> f64 {
    terms(p, q, units).iter().map(|t| t.cross).sum()
}

/// D_KL(P‖Q) = Σ p log(p/q).
pub fn kl(p: &[f64], q: &[f64], units: Units) -> f64 {
    terms(p, q, units).iter().map(|t| t.kl).sum()
}

/// Why D_KL(P‖Q) is infinite, if it is: the outcomes (1-based) where q = 0 but p > 0.
pub fn infinite_reason(p: &[f64], q: &[f64], p_name: &str, q_name: &str) -> Option<String> {
    let bad: Vec<String> =
        p.iter().zip(q).enumerate().filter(|(_, (&p, &q))| p > 0.0 && q == 0.0).map(|(i, _)| (i + 1).to_string()).collect();
    if bad.is_empty() {
        return None;
    }
    let which = if bad.len() == 1 { format!("outcome {}", bad[0]) } else { format!("outcomes {}", bad.join(", ")) };
    Some(format!(
        "{q_name} gives {which} probability 0 but {p_name} does not: {p_name} expects it to happen, and log 0 = −∞, \
         so the surprise under {q_name} is infinite."
    ))
}

pub fn sum(p: &[f64]) -> f64 {
    p.iter().sum()
}

pub fn sums_to_one(p: &[f64]) -> bool {
    (sum(p) - 1.0).abs() <= SUM_TOLERANCE
}

/// `p` divided by its sum; equal shares if the sum is 0.
pub fn normalise(p: &[f64]) -> Vec<f64> {
    let s = sum(p);
    if s > 0.0 {
        p.iter().map(|x| x / s).collect()
    } else {
        vec![1.0 / p.len() as f64; p.len()]
    }
}

/// The learner drags bar `i` to `v` (clamped to [0, 1]); the other bars are scaled in
/// proportion so they sum to 1 − v, or share 1 − v equally if they were all 0.
pub fn drag(p: &[f64], i: usize, v: f64) -> Vec<f64> {
    let v = if v.is_nan() { 0.0 } else { v.clamp(0.0, 1.0) };
    let rest: f64 = p.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, x)| x).sum();
    let others = (p.len() - 1) as f64;
    p.iter()
        .enumerate()
        .map(|(j, &x)| {
            if j == i {
                v
            } else if rest > 0.0 {
                x * (1.0 - v) / rest
            } else {
                (1.0 - v) / others
            }
        })
        .collect()
}

/// Resize to `k` outcomes: a new outcome gets probability 0 (the sum stays 1); removing the
/// last one gives its mass back proportionally (or equally) to the rest.
pub fn resize(p: &[f64], k: usize) -> Vec<f64> {
    let k = k.clamp(MIN_K, MAX_K);
    let mut out = p.to_vec();
    while out.len() < k {
        out.push(0.0);
    }
    if out.len() > k {
        out.truncate(k);
        let s = sum(&out);
        let lost = 1.0 - s;
        if lost > 0.0 && s > 0.0 {
            out = out.iter().map(|x| x + lost * x / s).collect();
        } else if s == 0.0 {
            out = vec![1.0 / k as f64; k];
        }
    }
    out
}

/// A typed probability: a number in [0, 1].
pub fn parse_probability(text: &str) -> Result<f64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("Type a probability between 0 and 1.".into());
    }
    let x: f64 = t.replace('−', "-").parse().map_err(|_| format!("“{t}” is not a number."))?;
    if !x.is_finite() {
        return Err("Must be a finite number.".into());
    }
    if !(0.0..=1.0).contains(&x) {
        return Err("A probability lies between 0 and 1.".into());
    }
    Ok(x)
}

/// The presets: name, P, Q.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Preset {
    FairCoin,
    #[default]
    BiasedCoin,
    FairDie,
    LoadedDie,
    OneHot,
    NearlyEqual,
}

impl Preset {
    pub const ALL: [Preset; 6] =
        [Preset::FairCoin, Preset::BiasedCoin, Preset::FairDie, Preset::LoadedDie, Preset::OneHot, Preset::NearlyEqual];

    pub fn label(self) -> &'static str {
        match self {
            Preset::FairCoin => "Fair coin",
            Preset::BiasedCoin => "Biased coin",
            Preset::FairDie => "Fair die",
            Preset::LoadedDie => "Loaded die",
            Preset::OneHot => "One-hot label vs prediction",
            Preset::NearlyEqual => "Two nearly equal",
        }
    }
    pub fn slug(self) -> &'static str {
        match self {
            Preset::FairCoin => "fair-coin",
            Preset::BiasedCoin => "biased-coin",
            Preset::FairDie => "fair-die",
            Preset::LoadedDie => "loaded-die",
            Preset::OneHot => "one-hot",
            Preset::NearlyEqual => "nearly-equal",
        }
    }
    pub fn describe(self) -> &'static str {
        match self {
            Preset::FairCoin => "P is a fair coin; Q is a model that thinks heads comes up 3 times in 4.",
            Preset::BiasedCoin => "P is a coin that lands heads 90% of the time; Q believes it is fair.",
            Preset::FairDie => "P is a fair six-sided die; Q believes six comes up half the time.",
            Preset::LoadedDie => "P is a die loaded towards six; Q believes it is fair.",
            Preset::OneHot => "P is a one-hot label (the true class is 1); Q is a classifier's prediction.",
            Preset::NearlyEqual => "P and Q differ by a few hundredths: the divergence is small but not zero.",
        }
    }
    pub fn distributions(self) -> (Vec<f64>, Vec<f64>) {
        match self {
            Preset::FairCoin => (vec![0.5, 0.5], vec![0.75, 0.25]),
            Preset::BiasedCoin => (vec![0.9, 0.1], vec![0.5, 0.5]),
            Preset::FairDie => (vec![1.0 / 6.0; 6], vec![0.1, 0.1, 0.1, 0.1, 0.1, 0.5]),
            Preset::LoadedDie => (vec![0.1, 0.1, 0.1, 0.1, 0.1, 0.5], vec![1.0 / 6.0; 6]),
            Preset::OneHot => (vec![1.0, 0.0, 0.0], vec![0.9, 0.05, 0.05]),
            Preset::NearlyEqual => (vec![0.25, 0.25, 0.25, 0.25], vec![0.27, 0.23, 0.26, 0.24]),
        }
    }
}

/// softmax(z)_i = e^{z_i} / Σ_j e^{z_j}, computed with the maximum subtracted so large logits
/// do not overflow.
pub fn softmax(z: &[f64]) -> Vec<f64> {
    let m = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|x| (x - m).exp()).collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|x| x / s).collect()
}

/// −ln softmax(z)_true in nats, as log-sum-exp minus the true logit (stable).
pub fn softmax_loss(z: &[f64], true_class: usize) -> f64 {
    let m = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let lse = m + z.iter().map(|x| (x - m).exp()).sum::<f64>().ln();
    lse - z[true_class]
}

/// ∂loss/∂z_i = q_i − p_i with p one-hot at the true class.
pub fn softmax_gradient(z: &[f64], true_class: usize) -> Vec<f64> {
    softmax(z).iter().enumerate().map(|(i, q)| q - if i == true_class { 1.0 } else { 0.0 }).collect()
}

/// A number for TeX: 4 decimals, `\infty` for +∞, a plain hyphen-minus.
pub fn tex_number(x: f64) -> String {
    if x == f64::INFINITY {
        r"\infty".to_string()
    } else {
        crate::lessons::shared::numbers::fixed_ascii(x, 4)
    }
}

/// The formulas, in the chosen units.
pub fn tex_entropy(units: Units) -> String {
    format!(r"H(P) = -\sum_x p(x)\,{}\,p(x)", units.tex())
}
pub fn tex_cross_entropy(units: Units) -> String {
    format!(r"H(P, Q) = -\sum_x p(x)\,{}\,q(x)", units.tex())
}
pub fn tex_kl(units: Units) -> String {
    format!(r"D_{{\mathrm{{KL}}}}(P \,\|\, Q) = \sum_x p(x)\,{}\frac{{p(x)}}{{q(x)}}", units.tex())
}
/// The identity with the current numbers substituted.
pub fn tex_identity(h: f64, ce: f64, d: f64) -> String {
    format!(
        r"\underbrace{{{}}}_{{H(P,\,Q)}} = \underbrace{{{}}}_{{H(P)}} + \underbrace{{{}}}_{{D_{{\mathrm{{KL}}}}(P \,\|\, Q)}}",
        tex_number(ce),
        tex_number(h),
        tex_number(d)
    )
}
pub const TEX_SOFTMAX: &str = r"q_i = \frac{e^{z_i}}{\sum_j e^{z_j}}, \qquad L = -\ln q_{\text{true}}, \qquad \frac{\partial L}{\partial z_i} = q_i - p_i";

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_restores_the_state_exactly() {
        let mut state = InformationState::default();
        state.p = vec![0.7, 0.2, 0.1];
        state.q = vec![1.0 / 3.0; 3];
        state.k = 3;
        state.preset = None;
        state.units = Units::Nats;
        state.step_row = 1;
        state.logits = vec![1.5, -2.0, 0.3, 4.0];
        state.true_class = 3;
        let (back, notes) = InformationState::from_query(&state.to_query());
        assert_eq!(back, state);
        assert!(notes.is_empty(), "{notes:?}");
        let (preset, notes) = InformationState::from_query(&InformationState::default().to_query());
        assert_eq!(preset, InformationState::default());
        assert!(notes.is_empty());
    }

    #[test]
    fn a_bad_link_opens_with_notes() {
        let (state, notes) = InformationState::from_query("?p=0.5,0.5,0&q=2,x&u=bytes&row=99&z=9,0,0&t=7&preset=nope");
        assert_eq!(state.p, vec![0.5, 0.5, 0.0]);
        assert_eq!(state.q.len(), 3, "q falls back to the preset's and is resized to p");
        assert_eq!(state.units, Units::Bits);
        assert_eq!(state.step_row, 3);
        assert_eq!(state.logits, vec![5.0, 0.0, 0.0]);
        assert_eq!(state.true_class, 2);
        assert_eq!(notes.len(), 7, "{notes:?}");
    }

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b}");
    }

    #[test]
    fn fair_coin_has_one_bit() {
        close(entropy(&[0.5, 0.5], Units::Bits), 1.0, 1e-15);
        close(entropy(&[0.5, 0.5], Units::Nats), std::f64::consts::LN_2, 1e-15);
    }

    #[test]
    fn fair_die_has_log2_6_bits() {
        let h = entropy(&[1.0 / 6.0; 6], Units::Bits);
        close(h, 2.584962500721156, 1e-12);
        assert_eq!(crate::lessons::shared::numbers::fixed(h, 6), "2.584963");
    }

    #[test]
    fn one_hot_cross_entropy_is_minus_log_q_true() {
        // Issue example: y = (1, 0, 0), p = (0.9, 0.05, 0.05): −ln 0.9 = 0.105361 nats.
        let h = cross_entropy(&[1.0, 0.0, 0.0], &[0.9, 0.05, 0.05], Units::Nats);
        close(h, 0.10536051565782628, 1e-15);
        assert_eq!(crate::lessons::shared::numbers::fixed(h, 6), "0.105361");
        // One-hot P has zero entropy, so the cross-entropy is all divergence.
        close(entropy(&[1.0, 0.0, 0.0], Units::Nats), 0.0, 0.0);
        close(kl(&[1.0, 0.0, 0.0], &[0.9, 0.05, 0.05], Units::Nats), 0.10536051565782628, 1e-15);
    }

    #[test]
    fn kl_is_asymmetric_on_a_hand_computed_pair() {
        // P = (0.9, 0.1), Q = (0.5, 0.5). By hand in bits:
        // D(P‖Q) = 0.9 log2 1.8 + 0.1 log2 0.2 = 1 − H(P); H(P) = 0.468995594.
        // D(Q‖P) = 0.5 log2(0.5/0.9) + 0.5 log2(0.5/0.1) = 0.5 log2(25/9) = log2(5/3).
        let p = [0.9, 0.1];
        let q = [0.5, 0.5];
        let hp = -(0.9f64 * 0.9f64.ln() + 0.1 * 0.1f64.ln()) / 2f64.ln();
        close(hp, 0.4689955935892812, 1e-15);
        close(kl(&p, &q, Units::Bits), 1.0 - hp, 1e-15);
        close(kl(&q, &p, Units::Bits), (5.0f64 / 3.0).log2(), 1e-15);
        close(kl(&q, &p, Units::Bits), 0.7369655941662062, 1e-15);
        assert!(kl(&p, &q, Units::Bits) < kl(&q, &p, Units::Bits));
    }

    #[test]
    fn cross_entropy_is_entropy_plus_kl() {
        for preset in Preset::ALL {
            let (p, q) = preset.distributions();
            for units in [Units::Bits, Units::Nats] {
                let h = entropy(&p, units);
                let ce = cross_entropy(&p, &q, units);
                let d = kl(&p, &q, units);
                close(ce, h + d, 1e-12);
                // And a different code path: direct sums with ln, then converted.
                let scale = if units == Units::Bits { 1.0 / 2f64.ln() } else { 1.0 };
                let ce_ref: f64 = p.iter().zip(&q).filter(|(a, _)| **a > 0.0).map(|(a, b)| -a * b.ln()).sum::<f64>() * scale;
                close(ce, ce_ref, 1e-12);
            }
        }
    }

    #[test]
    fn zero_p_contributes_nothing_and_zero_q_is_infinite() {
        let t = term(0.0, 0.0, Units::Nats);
        assert_eq!((t.entropy, t.cross, t.kl), (0.0, 0.0, 0.0));
        let t = term(0.0, 0.3, Units::Bits);
        assert_eq!((t.entropy, t.cross, t.kl), (0.0, 0.0, 0.0));
        let t = term(0.5, 0.0, Units::Bits);
        assert_eq!(t.entropy, 0.5);
        assert!(t.cross.is_infinite() && t.cross > 0.0);
        assert!(t.kl.is_infinite() && t.kl > 0.0);
        let p = [0.5, 0.5, 0.0];
        let q = [1.0, 0.0, 0.0];
        assert_eq!(kl(&p, &q, Units::Bits), f64::INFINITY);
        // The other way is finite: Q's mass sits where P has some.
        close(kl(&q, &p, Units::Bits), 1.0, 1e-15);
        let why = infinite_reason(&p, &q, "P", "Q").unwrap();
        assert!(why.contains("outcome 2"), "{why}");
        assert!(infinite_reason(&q, &p, "Q", "P").is_none());
    }

    #[test]
    fn a_non_distribution_is_flagged_but_its_terms_are_computed() {
        let p = [0.9, 0.1, 0.1];
        assert!(!sums_to_one(&p));
        close(sum(&p), 1.1, 1e-15);
        let t = term(0.9, 0.9, Units::Nats);
        // −log 0.9 = 0.105361 nats; the term −p log p is 0.9 times that.
        close(-(0.9f64.ln()), 0.105360516, 1e-9);
        close(t.entropy, 0.9 * 0.10536051565782628, 1e-15);
        let n = normalise(&p);
        for (a, b) in n.iter().zip([9.0 / 11.0, 1.0 / 11.0, 1.0 / 11.0]) {
            close(*a, b, 1e-15);
        }
        assert!(sums_to_one(&n));
        assert_eq!(normalise(&[0.0, 0.0]), vec![0.5, 0.5]);
    }

    #[test]
    fn dragging_a_bar_rescales_the_others_proportionally() {
        let p = drag(&[0.5, 0.3, 0.2], 0, 0.8);
        close(p[0], 0.8, 0.0);
        // The others keep their 3 : 2 ratio and share 0.2.
        close(p[1], 0.12, 1e-15);
        close(p[2], 0.08, 1e-15);
        close(sum(&p), 1.0, 1e-15);
        // Clamped to [0, 1].
        assert_eq!(drag(&[0.5, 0.5], 1, 1.7), vec![0.0, 1.0]);
        assert_eq!(drag(&[0.5, 0.5], 1, -0.2), vec![1.0, 0.0]);
        // Others all 0: they share equally.
        let p = drag(&[1.0, 0.0, 0.0], 0, 0.4);
        assert_eq!(p, vec![0.4, 0.3, 0.3]);
    }

    #[test]
    fn resizing_keeps_a_distribution() {
        assert_eq!(resize(&[0.5, 0.5], 3), vec![0.5, 0.5, 0.0]);
        let p = resize(&[0.5, 0.3, 0.2], 2);
        close(p[0], 0.625, 1e-15);
        close(p[1], 0.375, 1e-15);
        assert_eq!(resize(&[0.0, 0.0, 1.0], 2), vec![0.5, 0.5]);
        assert_eq!(resize(&[0.5, 0.5], 1).len(), MIN_K);
        assert_eq!(resize(&[0.1; 10], 11).len(), MAX_K);
    }

    #[test]
    fn typed_probabilities_are_checked() {
        assert_eq!(parse_probability(" 0.25 "), Ok(0.25));
        assert_eq!(parse_probability("1"), Ok(1.0));
        assert!(parse_probability("").is_err());
        assert!(parse_probability("abc").unwrap_err().contains("not a number"));
        assert!(parse_probability("1.5").is_err());
        assert!(parse_probability("-0.1").is_err());
        assert!(parse_probability("NaN").is_err());
    }

    #[test]
    fn softmax_matches_hand_values_and_the_gradient_matches_finite_differences() {
        let z = [2.0, 1.0, 0.1];
        let q = softmax(&z);
        let e: Vec<f64> = z.iter().map(|x: &f64| x.exp()).collect();
        let s: f64 = e.iter().sum();
        for i in 0..3 {
            close(q[i], e[i] / s, 1e-15);
        }
        close(q[0], 0.6590011388859679, 1e-12);
        // The loss equals −ln q_true, and equals the cross-entropy with a one-hot P in nats.
        close(softmax_loss(&z, 0), -(q[0].ln()), 1e-14);
        close(softmax_loss(&z, 0), cross_entropy(&[1.0, 0.0, 0.0], &q, Units::Nats), 1e-14);
        // Large logits do not overflow.
        let big = softmax(&[1000.0, 999.0]);
        close(big[0], 1.0 / (1.0 + (-1.0f64).exp()), 1e-15);
        for true_class in 0..3 {
            let g = softmax_gradient(&z, true_class);
            for i in 0..3 {
                let h = 1e-6;
                let mut up = z;
                up[i] += h;
                let mut down = z;
                down[i] -= h;
                // Direct −ln(e^{z_t}/Σ e^{z_j}) without the stable path.
                let f = |z: &[f64; 3]| -(z[true_class].exp() / z.iter().map(|x| x.exp()).sum::<f64>()).ln();
                close(g[i], (f(&up) - f(&down)) / (2.0 * h), 1e-8);
            }
            close(g.iter().sum::<f64>(), 0.0, 1e-15);
        }
    }

    #[test]
    fn state_defaults_and_round_trips() {
        let s = InformationState::default();
        assert_eq!(s.k, s.p.len());
        assert_eq!(s.p.len(), s.q.len());
        let json = serde_json::to_string(&s).unwrap();
        let back: InformationState = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        for preset in Preset::ALL {
            let (p, q) = preset.distributions();
            assert_eq!(p.len(), q.len());
            assert!(sums_to_one(&p) && sums_to_one(&q), "{preset:?}");
        }
    }

    #[test]
    fn every_formula_renders_as_mathml() {
        use crate::lessons::shared::math::{mathml, Layout};
        for units in [Units::Bits, Units::Nats] {
            for tex in [tex_entropy(units), tex_cross_entropy(units), tex_kl(units)] {
                let out = mathml(&tex, Layout::Block).unwrap_or_else(|e| panic!("{tex}: {e}"));
                assert!(out.starts_with("<math"), "{out}");
            }
        }
        let id = tex_identity(0.4689955935892812, 1.0, 1.0 - 0.4689955935892812);
        let out = mathml(&id, Layout::Block).unwrap();
        for n in ["1.0000", "0.4690", "0.5310"] {
            assert!(out.contains(&format!("<mn>{n}</mn>")), "{n} missing in {out}");
        }
        let out = mathml(&tex_identity(0.5, f64::INFINITY, f64::INFINITY), Layout::Block).unwrap();
        assert!(out.contains('∞'), "{out}");
        mathml(TEX_SOFTMAX, Layout::Block).unwrap();
        // The page shows it in three pieces, so it can wrap on a phone.
        let parts: Vec<&str> = TEX_SOFTMAX.split(r", \qquad").collect();
        assert_eq!(parts.len(), 3);
        for part in parts {
            mathml(part, Layout::Block).unwrap_or_else(|e| panic!("{part}: {e}"));
        }
    }
}
