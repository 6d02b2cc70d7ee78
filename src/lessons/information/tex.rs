//! The lesson's formulas in TeX, with its numbers.

use super::*;

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
