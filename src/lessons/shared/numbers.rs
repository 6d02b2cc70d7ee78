//! Numbers as a lesson shows them. Every figure on a page goes through here, so the tests that
//! compare displayed text with reference values compare like with like.

/// `x` with `decimals` digits after the point; "∞", "−∞" or "not a number" where arithmetic
/// gave no finite answer; a true minus sign (U+2212), and never "−0.000".
pub fn fixed(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        return "not a number".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "∞".to_string() } else { "−∞".to_string() };
    }
    let text = format!("{:.*}", decimals, x);
    match text.strip_prefix('-') {
        // Rounds to zero: show it unsigned.
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        Some(rest) => format!("−{rest}"),
        None => text,
    }
}

/// Like [`fixed`] but with an ASCII hyphen-minus, for places that feed TeX (MathML's `<mo>`
/// gets the minus from the TeX source) and for text a learner copies into code.
pub fn fixed_ascii(x: f64, decimals: usize) -> String {
    fixed(x, decimals).replace('−', "-")
}

/// A count with thousands separators: 397510 → "397,510", as a reader expects large counts.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_and_signs() {
        assert_eq!(fixed(0.1192029, 6), "0.119203");
        assert_eq!(fixed(-0.9640275, 6), "−0.964028");
        assert_eq!(fixed(-0.0000001, 3), "0.000");
        assert_eq!(fixed(f64::INFINITY, 3), "∞");
        assert_eq!(fixed(f64::NEG_INFINITY, 3), "−∞");
        assert_eq!(fixed(f64::NAN, 3), "not a number");
        assert_eq!(fixed_ascii(-1.274, 3), "-1.274");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(397_510), "397,510");
        assert_eq!(grouped(60_000_000), "60,000,000");
    }
}
