//! The activation functions a network applies after each weighted sum, each with its
//! derivative, and the TeX a page shows for them (with or without the numbers substituted).

use serde::{Deserialize, Serialize};

use crate::lessons::shared::numbers::fixed_ascii;

/// The slope of leaky ReLU for negative inputs (the common default, as in PyTorch).
pub const LEAKY_SLOPE: f64 = 0.01;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ActivationFunction {
    #[default]
    Sigmoid,
    Tanh,
    Relu,
    LeakyRelu,
    Softplus,
    Gelu,
}

impl ActivationFunction {
    pub const ALL: [ActivationFunction; 6] = [Self::Sigmoid, Self::Tanh, Self::Relu, Self::LeakyRelu, Self::Softplus, Self::Gelu];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Sigmoid => "sigmoid",
            Self::Tanh => "tanh",
            Self::Relu => "relu",
            Self::LeakyRelu => "leaky-relu",
            Self::Softplus => "softplus",
            Self::Gelu => "gelu",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.slug() == slug)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sigmoid => "Sigmoid",
            Self::Tanh => "tanh",
            Self::Relu => "ReLU",
            Self::LeakyRelu => "Leaky ReLU (slope 0.01)",
            Self::Softplus => "Softplus",
            Self::Gelu => "GELU (exact, with erf)",
        }
    }

    /// f(x).
    pub fn value(self, x: f64) -> f64 {
        match self {
            Self::Sigmoid => sigmoid(x),
            Self::Tanh => x.tanh(),
            Self::Relu => x.max(0.0),
            Self::LeakyRelu => {
                if x > 0.0 {
                    x
                } else {
                    LEAKY_SLOPE * x
                }
            }
            // ln(1 + eˣ) without overflow for large x: max(x, 0) + ln(1 + e^(−|x|)).
            Self::Softplus => x.max(0.0) + (-x.abs()).exp().ln_1p(),
            Self::Gelu => x * std_normal_cdf(x),
        }
    }

    /// f′(x). At the kink of ReLU and leaky ReLU (x = 0) we use the left slope, as most
    /// frameworks do; the page says so.
    pub fn derivative(self, x: f64) -> f64 {
        match self {
            Self::Sigmoid => {
                let s = sigmoid(x);
                s * (1.0 - s)
            }
            Self::Tanh => 1.0 - x.tanh().powi(2),
            Self::Relu => {
                if x > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Self::LeakyRelu => {
                if x > 0.0 {
                    1.0
                } else {
                    LEAKY_SLOPE
                }
            }
            Self::Softplus => sigmoid(x),
            Self::Gelu => std_normal_cdf(x) + x * std_normal_pdf(x),
        }
    }

    /// The definition, f(x) = …
    pub fn formula(self) -> &'static str {
        match self {
            Self::Sigmoid => r"\sigma(x) = \frac{1}{1 + e^{-x}}",
            Self::Tanh => r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
            Self::Relu => r"\operatorname{ReLU}(x) = \max(0, x)",
            Self::LeakyRelu => r"f(x) = \begin{cases} x & x > 0 \\ 0.01\,x & x \le 0 \end{cases}",
            Self::Softplus => r"\operatorname{softplus}(x) = \ln(1 + e^{x})",
            Self::Gelu => r"\operatorname{GELU}(x) = x\,\Phi(x) = \frac{x}{2}\left(1 + \operatorname{erf}\frac{x}{\sqrt{2}}\right)",
        }
    }

    /// The derivative's definition, f′(x) = …
    pub fn derivative_formula(self) -> &'static str {
        match self {
            Self::Sigmoid => r"\sigma'(x) = \sigma(x)\,(1 - \sigma(x))",
            Self::Tanh => r"\tanh'(x) = 1 - \tanh^2(x)",
            Self::Relu => r"\operatorname{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
            Self::LeakyRelu => r"f'(x) = \begin{cases} 1 & x > 0 \\ 0.01 & x \le 0 \end{cases}",
            Self::Softplus => r"\operatorname{softplus}'(x) = \sigma(x) = \frac{1}{1 + e^{-x}}",
            Self::Gelu => r"\operatorname{GELU}'(x) = \Phi(x) + x\,\varphi(x), \quad \varphi(x) = \frac{e^{-x^2/2}}{\sqrt{2\pi}}",
        }
    }

    /// f(x) with the number substituted, e.g. σ(−2) = 1 / (1 + e^{2}) = 0.119203.
    pub fn formula_at(self, x: f64) -> String {
        let xs = fixed_ascii(x, 3);
        let px = if x < 0.0 { format!("({xs})") } else { xs.clone() };
        let neg = fixed_ascii(-x, 3);
        let fx = fixed_ascii(self.value(x), 6);
        match self {
            Self::Sigmoid => format!(r"\sigma({xs}) = \frac{{1}}{{1 + e^{{{neg}}}}} = {fx}"),
            Self::Tanh => format!(r"\tanh({xs}) = {fx}"),
            Self::Relu => format!(r"\operatorname{{ReLU}}({xs}) = \max(0, {xs}) = {fx}"),
            Self::LeakyRelu if x > 0.0 => format!(r"f({xs}) = {xs}"),
            Self::LeakyRelu => format!(r"f({xs}) = 0.01 \times {px} = {fx}"),
            Self::Softplus => format!(r"\operatorname{{softplus}}({xs}) = \ln(1 + e^{{{xs}}}) = {fx}"),
            Self::Gelu => format!(r"\operatorname{{GELU}}({xs}) = {px}\,\Phi({xs}) = {px} \times {} = {fx}", fixed_ascii(std_normal_cdf(x), 6)),
        }
    }

    /// f′(x) with the number substituted.
    pub fn derivative_at(self, x: f64) -> String {
        let xs = fixed_ascii(x, 3);
        let d = fixed_ascii(self.derivative(x), 6);
        match self {
            Self::Sigmoid => {
                let s = fixed_ascii(sigmoid(x), 6);
                format!(r"\sigma'({xs}) = {s} \times (1 - {s}) = {d}")
            }
            Self::Tanh => format!(r"\tanh'({xs}) = 1 - ({})^2 = {d}", fixed_ascii(x.tanh(), 6)),
            Self::Relu => format!(r"\operatorname{{ReLU}}'({xs}) = {d}"),
            Self::LeakyRelu => format!(r"f'({xs}) = {d}"),
            Self::Softplus => format!(r"\operatorname{{softplus}}'({xs}) = \sigma({xs}) = {d}"),
            Self::Gelu => format!(
                r"\operatorname{{GELU}}'({xs}) = {} + {} \times {} = {d}",
                fixed_ascii(std_normal_cdf(x), 6),
                if x < 0.0 { format!("({xs})") } else { xs.clone() },
                fixed_ascii(std_normal_pdf(x), 6)
            ),
        }
    }
}

pub use crate::lessons::shared::probability::sigmoid;

/// Φ(x), the standard normal CDF, via `libm::erf` (accurate to the last bit or so in f64).
pub fn std_normal_cdf(x: f64) -> f64 {
    0.5 * (1.0 + libm::erf(x / std::f64::consts::SQRT_2))
}

/// φ(x), the standard normal density.
pub fn std_normal_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn central_difference(f: impl Fn(f64) -> f64, x: f64) -> f64 {
        let h = 1e-6;
        (f(x + h) - f(x - h)) / (2.0 * h)
    }

    #[test]
    fn reference_values_from_the_issue() {
        // Independently: 1 / (1 + e²) and (e⁻² − e²) / (e⁻² + e²).
        let e2 = std::f64::consts::E * std::f64::consts::E;
        assert!((ActivationFunction::Sigmoid.value(-2.0) - 1.0 / (1.0 + e2)).abs() < 1e-15);
        assert_eq!(format!("{:.6}", ActivationFunction::Sigmoid.value(-2.0)), "0.119203");
        assert!((ActivationFunction::Tanh.value(-2.0) - (1.0 / e2 - e2) / (1.0 / e2 + e2)).abs() < 1e-15);
        assert_eq!(format!("{:.6}", ActivationFunction::Tanh.value(-2.0)), "-0.964028");
        assert_eq!(ActivationFunction::Relu.value(-2.0), 0.0);
        assert_eq!(ActivationFunction::LeakyRelu.value(-2.0), -0.02);
        assert!((ActivationFunction::Softplus.value(1.0) - (1.0 + std::f64::consts::E).ln()).abs() < 1e-15);
        // GELU(1) = Φ(1) = 0.841344746068543 (standard normal tables).
        assert!((ActivationFunction::Gelu.value(1.0) - 0.841_344_746_068_543).abs() < 1e-13);
        assert!((ActivationFunction::Gelu.value(-1.0) + 0.158_655_253_931_457).abs() < 1e-13);
    }

    #[test]
    fn softplus_and_sigmoid_do_not_overflow() {
        assert_eq!(ActivationFunction::Softplus.value(800.0), 800.0);
        assert_eq!(ActivationFunction::Softplus.value(-800.0), 0.0);
        assert_eq!(sigmoid(-800.0), 0.0);
        assert_eq!(sigmoid(800.0), 1.0);
    }

    #[test]
    fn every_derivative_matches_central_differences() {
        for activation in ActivationFunction::ALL {
            for i in -40..=40 {
                let x = i as f64 * 0.1 + 0.013; // avoid the kink at 0 exactly
                let numeric = central_difference(|x| activation.value(x), x);
                let exact = activation.derivative(x);
                assert!((numeric - exact).abs() < 1e-7, "{activation:?} at {x}: {exact} vs {numeric}");
            }
        }
    }

    #[test]
    fn formulas_with_numbers_render() {
        use crate::lessons::shared::math::{mathml, Layout};
        for activation in ActivationFunction::ALL {
            for x in [-2.0, 0.0, 1.5] {
                for tex in [activation.formula().to_string(), activation.derivative_formula().to_string(), activation.formula_at(x), activation.derivative_at(x)] {
                    mathml(&tex, Layout::Block).unwrap_or_else(|e| panic!("{tex}: {e}"));
                }
            }
        }
        assert!(ActivationFunction::Sigmoid.formula_at(-2.0).ends_with("= 0.119203"));
    }
}
