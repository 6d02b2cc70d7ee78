//! Formulas written in LaTeX, rendered to MathML by `pulldown-latex` (a pull parser that
//! follows MathML Core, which Chromium, Firefox and Safari render natively: no JavaScript and
//! no font download).

use pulldown_latex::config::DisplayMode;
use pulldown_latex::{push_mathml, Parser, RenderConfig, Storage};

/// Whether a formula sits in a line of text or on a line of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Inline,
    Block,
}

/// The MathML for `tex`, or the parser's complaint. The TeX source is kept as an annotation,
/// so copying the formula gives the learner something they can paste into their own notes.
pub fn mathml(tex: &str, layout: Layout) -> Result<String, String> {
    let storage = Storage::new();
    let parser = Parser::new(tex, &storage);
    let config = RenderConfig {
        display_mode: match layout {
            Layout::Inline => DisplayMode::Inline,
            Layout::Block => DisplayMode::Block,
        },
        annotation: Some(tex),
        ..Default::default()
    };
    let mut out = String::new();
    push_mathml(&mut out, parser, config).map_err(|error| error.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_fraction_as_mathml() {
        let out = mathml(r"\frac{1}{2m}\sum_i x_i", Layout::Block).unwrap();
        assert!(out.starts_with("<math"), "{out}");
        assert!(out.contains("<mfrac>"), "{out}");
        assert!(out.contains(r#"display="block""#), "{out}");
    }

    #[test]
    fn keeps_live_numbers_exactly_as_written() {
        let out = mathml(r"\theta_1 \leftarrow 0.830 - 0.1 \times (-1.274)", Layout::Inline).unwrap();
        for number in ["0.830", "0.1", "1.274"] {
            assert!(out.contains(&format!("<mn>{number}</mn>")), "{number} missing in {out}");
        }
    }
}
