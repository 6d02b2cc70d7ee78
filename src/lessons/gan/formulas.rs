//! Each phase's loss as TeX, with the current batch's numbers put in. The numbers come from
//! the phase's report; the tests check the TeX renders and shows them.

use super::model::{Phase, PhaseReport};
use super::GeneratorLoss;
use crate::lessons::shared::numbers::fixed_ascii;

/// The label D is taught for real digits, as TeX: `1` drops out of the formulas, anything
/// else (one-sided label smoothing) weighs `log D` and `log(1 − D)`.
fn smoothed(real_label: f64, d: &str) -> String {
    if real_label == 1.0 {
        format!(r"\log {d}")
    } else {
        format!(r"\left[{} \log {d} + {} \log\left(1 - {d}\right)\right]", fixed_ascii(real_label, 2), fixed_ascii(1.0 - real_label, 2))
    }
}

/// The general formula of a phase's loss (what it is, before any numbers); `real_label` is
/// D's target for real digits.
pub fn general(phase: Phase, loss: GeneratorLoss, real_label: f64) -> String {
    match (phase, loss) {
        (Phase::DiscriminatorOnReal, _) => format!(r"L_D^{{\text{{real}}}} = -\frac{{1}}{{m}}\sum_{{i=1}}^{{m}} {}", smoothed(real_label, "D(x^{(i)})")),
        (Phase::DiscriminatorOnFake, _) => r"L_D^{\text{fake}} = -\frac{1}{m}\sum_{i=1}^{m} \log\left(1 - D(G(z^{(i)}))\right)".into(),
        (Phase::Generator, GeneratorLoss::NonSaturating) => r"L_G = -\frac{1}{m}\sum_{i=1}^{m} \log D(G(z^{(i)}))".into(),
        (Phase::Generator, GeneratorLoss::Minimax) => r"L_G = \frac{1}{m}\sum_{i=1}^{m} \log\left(1 - D(G(z^{(i)}))\right)".into(),
    }
}

/// The formula with this batch's numbers: m, the first two terms, and the result.
pub fn with_numbers(report: &PhaseReport, loss: GeneratorLoss, real_label: f64) -> String {
    let m = report.scores.len();
    let t = real_label;
    let (sign, term, name): (&str, Box<dyn Fn(f64) -> f64>, &str) = match (report.phase, loss) {
        (Phase::DiscriminatorOnReal, _) => ("-", Box::new(move |d: f64| t * d.ln() + if t == 1.0 { 0.0 } else { (1.0 - t) * (1.0 - d).ln() }), r"L_D^{\text{real}}"),
        (Phase::DiscriminatorOnFake, _) => ("-", Box::new(|d: f64| (1.0 - d).ln()), r"L_D^{\text{fake}}"),
        (Phase::Generator, GeneratorLoss::NonSaturating) => ("-", Box::new(|d: f64| d.ln()), "L_G"),
        (Phase::Generator, GeneratorLoss::Minimax) => ("", Box::new(|d: f64| (1.0 - d).ln()), "L_G"),
    };
    let terms: Vec<String> = report.scores.iter().take(2).map(|&d| format!("({})", fixed_ascii(term(d), 3))).collect();
    let more = if m > 2 { r" + \dots" } else { "" };
    format!(r"{name} = {sign}\frac{{1}}{{{m}}}\left({}{more}\right) = {}", terms.join(" + "), fixed_ascii(report.loss, 4))
}

/// D's objective, which it maximises: E[log D(x)] + E[log(1 − D(G(z)))] = −(L_real + L_fake)
/// (with a smoothed label t, E[t log D(x) + (1 − t) log(1 − D(x))] in place of the first term).
pub fn discriminator_objective_formula(real_label: f64) -> String {
    format!(r"\mathbb{{E}}{} + \mathbb{{E}}[\log(1 - D(G(z)))]", if real_label == 1.0 { r"[\log D(x)]".to_string() } else { smoothed(real_label, "D(x)") })
}

/// The objective's value from D's two latest losses (on its own line, so a phone fits it).
pub fn discriminator_objective(real_loss: f64, fake_loss: f64) -> String {
    format!(
        r"= ({}) + ({}) = {}",
        fixed_ascii(-real_loss, 4),
        fixed_ascii(-fake_loss, 4),
        fixed_ascii(-(real_loss + fake_loss), 4)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::shared::math::{mathml, Layout};

    #[test]
    fn every_formula_renders_and_shows_the_batchs_numbers() {
        // Scores 0.5 and 0.25: −(ln 0.5 + ln 0.25)/2 = 1.0397 (by hand: (0.6931 + 1.3863) / 2).
        let report = PhaseReport { phase: Phase::DiscriminatorOnReal, loss: 1.0397, images: vec![], scores: vec![0.5, 0.25], digits: vec![] };
        let tex = with_numbers(&report, GeneratorLoss::NonSaturating, 1.0);
        assert_eq!(tex, r"L_D^{\text{real}} = -\frac{1}{2}\left((-0.693) + (-1.386)\right) = 1.0397");
        let fake = PhaseReport { phase: Phase::DiscriminatorOnFake, scores: vec![0.5, 0.75, 0.1], ..report.clone() };
        assert!(with_numbers(&fake, GeneratorLoss::NonSaturating, 1.0).contains(r"(-0.693) + (-1.386) + \dots"));
        let g = PhaseReport { phase: Phase::Generator, ..fake.clone() };
        assert!(with_numbers(&g, GeneratorLoss::Minimax, 0.9).starts_with(r"L_G = \frac{1}{3}\left((-0.693) + (-1.386)"));
        assert!(with_numbers(&g, GeneratorLoss::NonSaturating, 0.9).starts_with(r"L_G = -\frac{1}{3}\left((-0.693) + (-0.288)"));
        assert_eq!(discriminator_objective(0.5, 0.25), "= (-0.5000) + (-0.2500) = -0.7500");
        for phase in [Phase::DiscriminatorOnReal, Phase::DiscriminatorOnFake, Phase::Generator] {
            for loss in [GeneratorLoss::NonSaturating, GeneratorLoss::Minimax] {
                for label in [1.0, 0.9] {
                    mathml(&general(phase, loss, label), Layout::Block).unwrap();
                    mathml(&with_numbers(&PhaseReport { phase, ..report.clone() }, loss, label), Layout::Block).unwrap();
                }
            }
        }
        mathml(&discriminator_objective(0.5, 0.25), Layout::Block).unwrap();
        for label in [1.0, 0.9] {
            mathml(&discriminator_objective_formula(label), Layout::Block).unwrap();
        }
    }

    #[test]
    fn a_smoothed_real_label_weighs_both_logs_in_the_formula_and_its_numbers() {
        // Label 0.9, scores 0.5 and 0.8: terms 0.9 ln 0.5 + 0.1 ln 0.5 = −0.693 and
        // 0.9 ln 0.8 + 0.1 ln 0.2 = −0.2008 − 0.1609 = −0.362 (by hand).
        let report = PhaseReport { phase: Phase::DiscriminatorOnReal, loss: 0.5275, images: vec![], scores: vec![0.5, 0.8], digits: vec![] };
        assert_eq!(with_numbers(&report, GeneratorLoss::NonSaturating, 0.9), r"L_D^{\text{real}} = -\frac{1}{2}\left((-0.693) + (-0.362)\right) = 0.5275");
        assert!(general(Phase::DiscriminatorOnReal, GeneratorLoss::NonSaturating, 0.9).contains(r"\left[0.90 \log D(x^{(i)}) + 0.10 \log\left(1 - D(x^{(i)})\right)\right]"));
        assert!(general(Phase::DiscriminatorOnReal, GeneratorLoss::NonSaturating, 1.0).ends_with(r"\log D(x^{(i)})"));
        assert!(discriminator_objective_formula(0.9).starts_with(r"\mathbb{E}\left[0.90 \log D(x)"));
        assert_eq!(discriminator_objective_formula(1.0), r"\mathbb{E}[\log D(x)] + \mathbb{E}[\log(1 - D(G(z)))]");
    }
}
