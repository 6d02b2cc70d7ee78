use super::*;
use crate::lessons::shared::url_state::LinkState;
use std::f64::consts::{LN_2, PI};

const fn n(mean: f64, sd: f64) -> Gaussian {
    Gaussian::new(mean, sd)
}

fn close(got: f64, want: f64, relative: f64) {
    assert!((got - want).abs() <= relative * want.abs().max(1e-300), "got {got}, want {want}");
}

/// The reference density, written out apart from `Gaussian::log_pdf`: ln of e^(−(x−μ)²/2σ²)/√(2πσ²).
fn ln_density(g: Gaussian, x: f64) -> f64 {
    -(x - g.mean).powi(2) / (2.0 * g.sd * g.sd) - 0.5 * (2.0 * PI * g.sd * g.sd).ln()
}

/// ∫ f over μ_P ± 12σ_P by Simpson's rule, h = σ_P/2000 (the mass left outside is ~10⁻³²).
fn integrate_over(p: Gaussian, f: impl Fn(f64) -> f64) -> f64 {
    let (a, intervals) = (p.mean - 12.0 * p.sd, 48_000);
    let h = 24.0 * p.sd / intervals as f64;
    let inner: f64 = (1..intervals).map(|i| f(a + h * i as f64) * if i % 2 == 1 { 4.0 } else { 2.0 }).sum();
    (f(a) + inner + f(a + 24.0 * p.sd)) * h / 3.0
}

/// Unequal σs, far-apart means, P wider and narrower than Q.
const PAIRS: [(Gaussian, Gaussian); 6] = [
    (n(0.0, 1.0), n(1.0, 2.0)),
    (n(1.0, 2.0), n(0.0, 1.0)),
    (n(0.0, 1.0), n(8.0, 0.5)),
    (n(-3.0, 0.2), n(4.0, 5.0)),
    (n(2.0, 3.0), n(2.0, 0.7)),
    (n(0.0, 1.0), n(0.1, 1.1)),
];

#[test]
fn kl_matches_numerical_integration_of_p_ln_p_over_q() {
    for (p, q) in PAIRS {
        let integral = integrate_over(p, |x| ln_density(p, x).exp() * (ln_density(p, x) - ln_density(q, x)));
        close(kl(p, q, Units::Nats), integral, 1e-8);
        close(kl(p, q, Units::Bits), integral / LN_2, 1e-8);
    }
}

#[test]
fn entropy_matches_integration_and_the_hand_value() {
    close(n(0.0, 1.0).entropy(Units::Nats), 1.4189385332046727, 1e-15);
    for g in [n(0.0, 1.0), n(3.0, 0.01), n(-2.0, 7.0)] {
        let integral = integrate_over(g, |x| -ln_density(g, x).exp() * ln_density(g, x));
        close(g.entropy(Units::Nats), integral, 1e-8);
    }
}

#[test]
fn narrower_than_one_over_root_two_pi_e_has_negative_entropy() {
    close(SD_OF_ZERO_ENTROPY, 1.0 / (2.0 * PI * std::f64::consts::E).sqrt(), 1e-15);
    assert!(n(0.0, SD_OF_ZERO_ENTROPY).entropy(Units::Bits).abs() < 1e-15);
    assert!(n(0.0, 0.1).entropy(Units::Nats) < 0.0 && n(0.0, 0.3).entropy(Units::Nats) > 0.0);
    // σ = 10⁻⁶: ln(10⁻⁶) + 1.4189… = −12.396… nats, low but finite.
    close(n(0.0, 1e-6).entropy(Units::Nats), -6.0 * 10f64.ln() + 1.4189385332046727, 1e-14);
}

/// P = N(0, 1), Q = N(1, 2²) by hand: ln 2 + (1 + 1)/8 − ½ = ln 2 − ¼; the other way,
/// ln ½ + (4 + 1)/2 − ½ = 2 − ln 2.
#[test]
fn kl_worked_by_hand_and_asymmetric() {
    let (p, q) = (n(0.0, 1.0), n(1.0, 2.0));
    close(kl(p, q, Units::Nats), 0.4431471805599453, 1e-15);
    close(kl(q, p, Units::Nats), 1.3068528194400546, 1e-15);
    close(kl(p, q, Units::Bits), 0.4431471805599453 / LN_2, 1e-15);
    let terms = kl_terms(p, q, Units::Nats);
    assert_eq!((terms.log_ratio, terms.spread, terms.minus_half), (LN_2, 0.25, -0.5));
    let bits = kl_terms(p, q, Units::Bits);
    close(bits.log_ratio + bits.spread + bits.minus_half, bits.total, 1e-15);
    assert_eq!(bits.log_ratio, 1.0);
}

#[test]
fn cross_entropy_is_entropy_plus_kl_and_matches_integration() {
    for (p, q) in PAIRS {
        for units in [Units::Bits, Units::Nats] {
            close(cross_entropy(p, q, units), p.entropy(units) + kl(p, q, units), 1e-12);
        }
        let integral = integrate_over(p, |x| -ln_density(p, x).exp() * ln_density(q, x));
        close(cross_entropy(p, q, Units::Nats), integral, 1e-8);
    }
}

#[test]
fn kl_is_zero_only_from_a_distribution_to_itself() {
    let values = [-10.0, -1.0, 0.0, 0.5, 10.0];
    let sds = [1e-6, 0.3, 1.0, 2.0, 10.0];
    for &m in &values {
        for &s in &sds {
            assert_eq!(kl(n(m, s), n(m, s), Units::Bits), 0.0);
            for &m2 in &values {
                for &s2 in &sds {
                    let d = kl(n(m, s), n(m2, s2), Units::Nats);
                    assert!(d >= 0.0 && (d > 0.0 || (m, s) == (m2, s2)), "KL(N({m}, {s}²)‖N({m2}, {s2}²)) = {d}");
                }
            }
        }
    }
}

#[test]
fn monte_carlo_lands_within_four_standard_errors() {
    for (p, q) in PAIRS.into_iter().chain([(n(0.0, 1.0), n(0.0, 1.0))]) {
        for seed in 1..=5 {
            let run = monte_carlo_kl(p, q, 20_000, seed, Units::Nats).estimate;
            let exact = kl(p, q, Units::Nats);
            assert!((run.kl - exact).abs() <= 4.0 * run.standard_error + 1e-12, "{p:?} {q:?} seed {seed}: {run:?} vs {exact}");
        }
    }
}

#[test]
fn standard_error_shrinks_as_one_over_root_n() {
    let run = monte_carlo_kl(n(0.0, 1.0), n(1.0, 2.0), 100_000, 3, Units::Bits);
    let at = |samples| run.convergence.iter().find(|e| e.samples == samples).unwrap().standard_error;
    let ratio = at(1000) / at(100_000);
    assert!((8.0..12.0).contains(&ratio), "√(100000/1000) = 10, got {ratio}");
}

#[test]
fn a_short_run_is_the_start_of_a_longer_one_with_the_same_seed() {
    assert_eq!(checkpoints(1000), [2, 5, 10, 20, 50, 100, 200, 500, 1000]);
    assert_eq!(checkpoints(3), [2, 3]);
    assert_eq!(checkpoints(0), [2]);
    assert_eq!(checkpoints(usize::MAX).last(), Some(&MAX_SAMPLES));
    let (p, q) = (n(0.5, 1.5), n(-1.0, 0.8));
    let long = monte_carlo_kl(p, q, 5000, 7, Units::Nats);
    let short = monte_carlo_kl(p, q, 500, 7, Units::Nats);
    assert_eq!(short.convergence[..], long.convergence[..short.convergence.len()]);
    assert_eq!(long.estimate, *long.convergence.last().unwrap());
    assert_eq!(long.estimate.samples, 5000);
    assert_ne!(monte_carlo_kl(p, q, 500, 8, Units::Nats).estimate, short.estimate);
}

/// Every corner of the allowed ranges, σ_Q = 10⁻⁶ under σ_P = 10 included: finite numbers
/// (KL up to ~10¹⁴), never NaN, and `shown` writes each as a number.
#[test]
fn extreme_settings_give_finite_numbers() {
    let corners: Vec<Gaussian> = [MEAN_RANGE.0, 0.0, MEAN_RANGE.1]
        .iter()
        .flat_map(|&m| [SD_RANGE.0, 1.0, SD_RANGE.1].map(|s| n(m, s)))
        .collect();
    for &p in &corners {
        for &q in &corners {
            let terms = kl_terms(p, q, Units::Bits);
            let mc = monte_carlo_kl(p, q, 2000, 1, Units::Bits).estimate;
            let all = [terms.log_ratio, terms.spread, terms.total, cross_entropy(p, q, Units::Nats), p.entropy(Units::Bits), mc.kl, mc.standard_error];
            assert!(all.iter().all(|x| x.is_finite()), "{p:?} {q:?}: {all:?}");
            assert!(all.iter().all(|&x| !shown(x).contains("NaN") && !shown(x).contains("too large")));
        }
    }
    let (wide, needle) = (n(-10.0, 10.0), n(10.0, 1e-6));
    close(kl(wide, needle, Units::Nats), 1e7f64.ln() + 500.0 / 2e-12 - 0.5, 1e-12);
    let mc = monte_carlo_kl(wide, needle, MAX_SAMPLES, 1, Units::Nats).estimate;
    assert!(mc.kl.is_finite() && mc.standard_error.is_finite() && (mc.kl - 2.5e14).abs() < 4.0 * mc.standard_error, "{mc:?}");
}

#[test]
fn shown_writes_numbers_for_learners() {
    assert_eq!(shown(0.4431471805599453), "0.4431");
    assert_eq!(shown(-1.5), "−1.5");
    assert_eq!(shown(-2.5e14), "−2.5 × 10¹⁴");
    assert_eq!(shown(0.0), "0");
    assert_eq!(shown(1234.5678), "1235");
    assert_eq!(shown(2.5e14), "2.5 × 10¹⁴");
    assert_eq!(shown(1e-6), "1 × 10⁻⁶");
    assert_eq!(shown(f64::INFINITY), "too large to show");
}

#[test]
fn densities_integrate_to_one_and_the_plot_shows_both() {
    let (p, q) = (n(0.0, 1.0), n(5.0, 0.5));
    assert_eq!(plot_range(p, q), (-4.0, 7.0));
    close(integrate_over(q, |x| q.pdf(x)), 1.0, 1e-12);
    close(p.pdf(0.0), 1.0 / (2.0 * PI).sqrt(), 1e-15);
    // A spike narrower than the grid still gets its peak drawn.
    let needle = n(0.123, 1e-6);
    let points = density_points(needle, (-4.0, 4.0), 101);
    assert_eq!(points.len(), 102);
    assert!(points.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(points.iter().map(|&(_, y)| y).fold(0.0, f64::max), needle.pdf(0.123));
}

#[test]
fn typed_values_are_clamped_with_a_note() {
    assert_eq!(checked_sd("σ_Q", 0.0, 2.0).0, SD_RANGE.0);
    assert!(checked_sd("σ_Q", -1.0, 2.0).1.unwrap().contains("not positive"));
    assert_eq!(checked_sd("σ_Q", f64::NAN, 2.0), (2.0, Some("σ_Q is not a number; using 2.".into())));
    assert_eq!(checked_sd("σ_P", 20.0, 1.0), (10.0, Some("σ_P = 20 is outside 1 × 10⁻⁶ … 10; using 10.".into())));
    assert_eq!(checked_sd("σ_P", 1e-7, 1.0).0, 1e-6);
    assert_eq!(checked_sd("σ_P", 1e-6, 1.0), (1e-6, None));
    assert_eq!(checked_mean("μ_P", f64::NEG_INFINITY, 0.0), (-10.0, Some("μ_P = -inf is outside -10 … 10; using -10.".into())));
    assert_eq!(checked_mean("μ_P", f64::NAN, 0.0).0, 0.0);
    assert_eq!(checked_mean("μ_P", -2.5, 0.0), (-2.5, None));
    assert_eq!(checked_samples(2.5), (3, Some("n = 2.5 is not a whole number from 2 to 1000000; using 3.".into())));
    assert_eq!(checked_samples(1e9).0, MAX_SAMPLES);
    assert_eq!(checked_samples(f64::NAN).0, DEFAULT_SAMPLES);
    assert_eq!(checked_samples(40.0), (40, None));
    assert_eq!(checked_seed(-3.0).0, 0);
}

#[test]
fn the_link_restores_the_state_exactly_and_the_default_is_empty() {
    assert_eq!(GaussiansState::default().to_query(), "");
    assert_eq!(GaussiansState::from_query("?present=1&p=0.5,0.5&u=nats"), (GaussiansState::default(), vec![]));
    let state = GaussiansState { p: n(-2.5, 0.3), q: n(10.0, 1e-6), samples: 123_456, seed: MAX_SEED, units: Units::Nats };
    assert_eq!(state.to_query(), "gmp=-2.5&gsp=0.3&gmq=10&gsq=0.000001&gn=123456&gseed=4294967295&gu=nats");
    assert_eq!(GaussiansState::from_query(&state.to_query()), (state, vec![]));
    let keys_of_the_lesson = crate::lessons::information::KEYS;
    assert!(KEYS.iter().all(|k| !keys_of_the_lesson.contains(k)));
}

#[test]
fn a_bad_link_opens_with_a_note_per_value() {
    let (state, notes) = GaussiansState::from_query("gmp=NaN&gsp=-1&gmq=1e400&gsq=0&gn=2.5&gseed=-3&gu=furlongs");
    let want = GaussiansState { p: n(0.0, 1e-6), q: n(10.0, 1e-6), samples: 3, seed: 0, units: Units::Bits };
    assert_eq!(state, want);
    assert_eq!(notes.len(), 7, "{notes:?}");
    assert!(notes[1].contains("σ_P = -1 is not positive"), "{notes:?}");
    let (state, notes) = GaussiansState::from_query("gsq=wide&gn=");
    assert_eq!((state.q.sd, state.samples), (2.0, DEFAULT_SAMPLES));
    assert_eq!(notes, ["gsq = “wide” is not a number; using the default.", "gn = “” is not a number; using the default."]);
    // Whatever a link reads to, written back, reads back to the same state with no notes.
    for search in ["gmp=1e-300&gsq=9.999999999&gn=999999.5", "gseed=1e30&gsp=-0&gmq=-0", "gn=-7&gu=NATS"] {
        let (state, _) = GaussiansState::from_query(search);
        assert_eq!(GaussiansState::from_query(&state.to_query()), (state, vec![]), "{search}");
    }
}
