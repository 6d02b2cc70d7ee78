use super::*;
use crate::lessons::shared::url_state::LinkState;

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
