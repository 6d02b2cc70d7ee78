//! A lesson's panel: a titled section, with an optional short introduction in muted type.
//! Every lesson builds its page out of these, so they look and read alike.

use leptos::prelude::*;

#[component]
pub fn Panel(
    title: &'static str,
    /// Classes besides `panel` (the lesson's own styling).
    #[prop(optional)]
    class: &'static str,
    #[prop(optional)] testid: Option<&'static str>,
    /// One or two sentences under the title: what the panel shows, or what to try.
    #[prop(optional)]
    intro: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let class = if class.is_empty() { "panel".to_string() } else { format!("panel {class}") };
    view! {
        <section class=class data-testid=testid>
            <h2>{title}</h2>
            {intro.map(|text| view! { <p class="muted">{text}</p> })}
            {children()}
        </section>
    }
}
