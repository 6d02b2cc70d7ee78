//! Each phase's loss as TeX, with the current batch's numbers put in. The numbers come from
//! the phase's report; the tests check the TeX renders and shows them.

use super::model::{Phase, PhaseReport};
use super::GeneratorLoss;
use crate::lessons::shared::numbers::fixed_ascii;

/// The general formula of a phase's loss (what it is, before any numbers).
pub fn general(phase: Phase, loss: GeneratorLoss) -> &'static str {
    match (phase, loss) {
        (Phase::DiscriminatorOnReal, _) => r"L_D^{\text{real}} = -\frac{1}{m}\sum_{i=1}^{m} \log D(x^{(i)})",
        (Phase::DiscriminatorOnFake, _) => r"L_D^{\text{fake}} = -\frac{1}{m}\sum_{i=1}^{m} \log\left(1 - D(G(z^{(i)}))\right)",
        (Phase::Generator, GeneratorLoss::NonSaturating) => r"L_G = -\frac{1}{m}\sum_{i=1}^{m} \log D(G(z^{(i)}))",
        (Phase::Generator, GeneratorLoss::Minimax) => r"L_G = \frac{1}{m}\sum_{i=1}^{m} \log\left(1 - D(G(z^{(i)}))\right)",
    }
}

/// The formula with this batch's numbers: m, the first two terms, and the result.
pub fn with_numbers(report: &PhaseReport, loss: GeneratorLoss) -> String {
    let m = report.scores.len();
    let (sign, term, name): (&str, fn(f64) -> f64, &str) = match (report.phase, loss) {
        (Phase::DiscriminatorOnReal, _) => ("-", |d| d.ln(), r"L_D^{\text{real}}"),
        (Phase::DiscriminatorOnFake, _) => ("-", |d| (1.0 - d).ln(), r"L_D^{\text{fake}}"),
        (Phase::Generator, GeneratorLoss::NonSaturating) => ("-", |d| d.ln(), "L_G"),
        (Phase::Generator, GeneratorLoss::Minimax) => ("", |d| (1.0 - d).ln(), "L_G"),
    };
    let terms: Vec<String> = report.scores.iter().take(2).map(|&d| format!("({})", fixed_ascii(term(d), 3))).collect();
    let more = if m > 2 { r" + \dots" } else { "" };
    format!(r"{name} = {sign}\frac{{1}}{{{m}}}\left({}{more}\right) = {}", terms.join(" + "), fixed_ascii(report.loss, 4))
}

/// D's objective, which it maximises: E[log D(x)] + E[log(1 − D(G(z)))] = −(L_real + L_fake).
pub const DISCRIMINATOR_OBJECTIVE: &str = r"\mathbb{E}[\log D(x)] + \mathbb{E}[\log(1 - D(G(z)))]";

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
        let report = PhaseReport { phase: Phase::DiscriminatorOnReal, loss: 1.0397, images: vec![], scores: vec![0.5, 0.25] };
        let tex = with_numbers(&report, GeneratorLoss::NonSaturating);
        assert_eq!(tex, r"L_D^{\text{real}} = -\frac{1}{2}\left((-0.693) + (-1.386)\right) = 1.0397");
        let fake = PhaseReport { phase: Phase::DiscriminatorOnFake, scores: vec![0.5, 0.75, 0.1], ..report.clone() };
        assert!(with_numbers(&fake, GeneratorLoss::NonSaturating).contains(r"(-0.693) + (-1.386) + \dots"));
        let g = PhaseReport { phase: Phase::Generator, ..fake.clone() };
        assert!(with_numbers(&g, GeneratorLoss::Minimax).starts_with(r"L_G = \frac{1}{3}\left((-0.693) + (-1.386)"));
        assert!(with_numbers(&g, GeneratorLoss::NonSaturating).starts_with(r"L_G = -\frac{1}{3}\left((-0.693) + (-0.288)"));
        assert_eq!(discriminator_objective(0.5, 0.25), "= (-0.5000) + (-0.2500) = -0.7500");
        for phase in [Phase::DiscriminatorOnReal, Phase::DiscriminatorOnFake, Phase::Generator] {
            for loss in [GeneratorLoss::NonSaturating, GeneratorLoss::Minimax] {
                mathml(general(phase, loss), Layout::Block).unwrap();
                mathml(&with_numbers(&PhaseReport { phase, ..report.clone() }, loss), Layout::Block).unwrap();
            }
        }
        mathml(&discriminator_objective(0.5, 0.25), Layout::Block).unwrap();
        mathml(DISCRIMINATOR_OBJECTIVE, Layout::Block).unwrap();
    }
}
