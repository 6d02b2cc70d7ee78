//! The learner's text as HTML, each token tinted by its share of the logit: blue pulls toward
//! "positive", vermillion toward "negative", stronger colour for a bigger share. Built as one string
//! (set as the element's inner HTML) because a 1,000-word review is 1,400 tokens and must
//! redraw within a frame; every piece of the learner's text is escaped.

use super::explain::Reading;
use crate::lessons::shared::numbers::fixed;

/// `text` with `&`, `<`, `>` and `"` written as entities, safe inside HTML and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// How strongly to tint a share: its size relative to the largest share in the text, in 0..=1.
pub fn strength(share: f64, largest: f64) -> f64 {
    if largest > 0.0 && share.is_finite() {
        (share.abs() / largest).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// The highlighted HTML of the part of `text` that was read, then the unread rest, muted.
pub fn highlighted(text: &str, reading: &Reading) -> String {
    let largest = reading.tokens.iter().map(|t| t.share.abs()).fold(0.0, f64::max);
    let mut out = String::with_capacity(text.len() * 4);
    let mut at = 0;
    for token in &reading.tokens {
        out.push_str(&escape(&text[at..token.span.start]));
        let side = if token.share >= 0.0 { "pos" } else { "neg" };
        // Ten steps of strength keep the class list short; the exact share is in the tooltip.
        let level = (strength(token.share, largest) * 10.0).round() as u32;
        out.push_str(&format!(
            "<span class=\"w {side} s{level}\" title=\"{}\">{}</span>",
            fixed(token.share, 4),
            escape(&text[token.span.clone()])
        ));
        at = token.span.end;
    }
    // The rest of the read part (punctuation-free tail), then anything past the caps.
    let read_to = reading.read_to.max(at);
    out.push_str(&escape(&text[at..read_to]));
    if read_to < text.len() {
        let rest = &text[read_to..];
        let shown = super::explain::prefix(rest, 2_000);
        out.push_str("<span class=\"unread\">");
        out.push_str(&escape(shown));
        if shown.len() < rest.len() {
            out.push_str(&format!(" … ({} more characters, not read)", rest.chars().count() - shown.chars().count()));
        }
        out.push_str("</span>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::text::explain::Token;

    fn reading(tokens: Vec<Token>, read_to: usize) -> Reading {
        Reading { tokens, unknown: 0, cut: false, read_to, logit: 0.0, baseline: 0.0, probability: 0.5 }
    }

    #[test]
    fn escapes_markup_in_the_learners_text() {
        assert_eq!(escape("<b>\"Tom & Jerry\"</b>"), "&lt;b&gt;&quot;Tom &amp; Jerry&quot;&lt;/b&gt;");
    }

    #[test]
    fn each_token_is_tinted_by_its_share_relative_to_the_largest() {
        let text = "Good, <bad> film";
        let tokens = vec![
            Token { span: 0..4, id: 2, share: 0.5 },
            Token { span: 4..5, id: 3, share: 0.0 },
            Token { span: 6..7, id: 4, share: -0.1 },
            Token { span: 7..10, id: 5, share: -1.0 },
            Token { span: 10..11, id: 4, share: 0.0 },
            Token { span: 12..16, id: 6, share: 0.25 },
        ];
        let html = highlighted(text, &reading(tokens, 16));
        assert_eq!(
            html,
            "<span class=\"w pos s5\" title=\"0.5000\">Good</span><span class=\"w pos s0\" title=\"0.0000\">,</span> \
             <span class=\"w neg s1\" title=\"−0.1000\">&lt;</span><span class=\"w neg s10\" title=\"−1.0000\">bad</span>\
             <span class=\"w pos s0\" title=\"0.0000\">&gt;</span> <span class=\"w pos s3\" title=\"0.2500\">film</span>"
        );
    }

    #[test]
    fn text_past_the_caps_is_shown_muted_and_shortened() {
        let text = format!("ok {}", "x".repeat(5_000));
        let html = highlighted(&text, &reading(vec![Token { span: 0..2, id: 2, share: 1.0 }], 2));
        assert!(html.contains("<span class=\"unread\"> xxx"));
        assert!(html.ends_with(" … (3001 more characters, not read)</span>"));
        assert_eq!(strength(f64::NAN, 1.0), 0.0);
        assert_eq!(strength(1.0, 0.0), 0.0);
    }
}
