//! `<Math tex=…/>`: a formula rendered as MathML (see `lessons::shared::math`), reactive to
//! the signals its TeX reads, so live numbers can be substituted into it.

use leptos::prelude::*;

use crate::lessons::shared::math::{mathml, Layout};

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A formula. `block` puts it on a line of its own. If the TeX does not parse (a bug, not a
/// learner's input), the source is shown as code rather than nothing.
#[component]
pub fn Math(#[prop(into)] tex: Signal<String>, #[prop(optional)] block: bool) -> impl IntoView {
    let layout = if block { Layout::Block } else { Layout::Inline };
    let html = move || {
        let tex = tex.get();
        mathml(&tex, layout).unwrap_or_else(|_| format!("<code class=\"math-error\">{}</code>", escape(&tex)))
    };
    // A wide block formula scrolls sideways, which makes the browser put it in the Tab order
    // (so keyboard users can scroll it): as a named group it says what it is when focused.
    view! {
        <span class="math" class:math-block=block role=block.then_some("group") aria-label=block.then_some("formula")
            inner_html=html></span>
    }
}
