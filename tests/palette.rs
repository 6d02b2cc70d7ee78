//! The colours that carry meaning stay apart for colour-blind viewers: every pair is compared
//! after simulating protanopia, deuteranopia and tritanopia (Machado, Oliveira & Fernandes 2009,
//! severity 1, in linear RGB) and must stay at least `APART` apart in CIELAB (ΔE*76; about 2.3
//! is the smallest difference people notice, 15 is plainly different). The pairs: the charts'
//! two series (blue / orange), a sign (positive / negative words of the text lesson), and the
//! five racers of the optimiser race (Okabe & Ito's palette), in both themes.

use stepwise::lessons::gradient_descent::race::COLOURS;

const STYLE: &str = include_str!("../www/style.css");
const APART: f64 = 15.0;

const SIMULATIONS: [(&str, [[f64; 3]; 3]); 3] = [
    ("protanopia", [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    ("deuteranopia", [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]),
    ("tritanopia", [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]),
];

fn to_linear(c: f64) -> f64 {
    let c = c / 255.0;
    if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
}

/// CIELAB (D65) of a linear-RGB colour.
fn lab(rgb: [f64; 3]) -> [f64; 3] {
    let [r, g, b] = rgb;
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| if t > 0.008856 { t.cbrt() } else { 7.787 * t + 16.0 / 116.0 };
    [116.0 * f(y) - 16.0, 500.0 * (f(x) - f(y)), 200.0 * (f(y) - f(z))]
}

fn seen_as(rgb: [u8; 3], m: &[[f64; 3]; 3]) -> [f64; 3] {
    let l = rgb.map(|c| to_linear(c as f64));
    let row = |i: usize| (m[i][0] * l[0] + m[i][1] * l[1] + m[i][2] * l[2]).clamp(0.0, 1.0);
    lab([row(0), row(1), row(2)])
}

fn apart(a: [u8; 3], b: [u8; 3], m: &[[f64; 3]; 3]) -> f64 {
    let (p, q) = (seen_as(a, m), seen_as(b, m));
    ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt()
}

/// `--name: #rrggbb` from the block that starts with `selector {`.
fn variable(selector: &str, name: &str) -> [u8; 3] {
    let start = STYLE.find(&format!("{selector} {{")).unwrap_or_else(|| panic!("no {selector} block"));
    let block = &STYLE[start..start + STYLE[start..].find('}').unwrap()];
    let at = block.find(&format!("{name}:")).unwrap_or_else(|| panic!("{selector} has no {name}"));
    let hex = block[at + name.len() + 1..].trim_start();
    let byte = |i: usize| u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap();
    assert!(hex.starts_with('#'), "{name} is not a #rrggbb colour");
    [byte(0), byte(1), byte(2)]
}

fn check(what: &str, a: [u8; 3], b: [u8; 3]) {
    for (name, m) in &SIMULATIONS {
        let d = apart(a, b, m);
        assert!(d >= APART, "{what}: {a:?} and {b:?} are only ΔE {d:.1} apart with {name}");
    }
}

#[test]
fn the_simulation_leaves_greys_grey_and_merges_red_and_green_for_protanopes() {
    // A reference computed another way: greys are fixed points of every simulation…
    for (_, m) in &SIMULATIONS {
        assert!(apart([128, 128, 128], [128, 128, 128], m) < 1e-9);
        let grey = seen_as([90, 90, 90], m);
        assert!(grey[1].abs() < 0.5 && grey[2].abs() < 0.5, "{grey:?}");
    }
    // …and the classic red / green pair, far apart for most viewers, nearly merges.
    let (red, green) = ([194, 53, 43], [26, 127, 75]);
    assert!(apart(red, green, &[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]) > 80.0);
    assert!(apart(red, green, &SIMULATIONS[0].1) < APART);
}

#[test]
fn chart_series_and_signs_stay_apart_in_both_themes() {
    for theme in [":root", "[data-theme=\"dark\"]"] {
        check(&format!("{theme} chart series"), variable(theme, "--accent"), variable(theme, "--second"));
        check(&format!("{theme} positive / negative"), variable(theme, "--positive"), variable(theme, "--negative"));
    }
}

#[test]
fn the_five_racers_stay_apart_from_each_other() {
    for i in 0..COLOURS.len() {
        for j in i + 1..COLOURS.len() {
            let (a, b) = (COLOURS[i], COLOURS[j]);
            check(&format!("racers {i} and {j}"), [a.0, a.1, a.2], [b.0, b.1, b.2]);
        }
    }
}
