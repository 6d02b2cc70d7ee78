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

/// The top of a page: a kicker ("Lesson"), the heading, and the lede (the children) that says
/// in a few lines what the learner will do here.
#[component]
pub fn PageIntro(
    #[prop(default = "Lesson")] kicker: &'static str,
    #[prop(into)] title: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <p class="kicker">{kicker}</p>
        <h1>{title}</h1>
        {children.map(|lede| view! { <p class="lede">{lede()}</p> })}
    }
}

/// The phases of a step, in order: the one on show is `current`, the ones before it `done`.
/// `shown` is how far the step has got: `Some(i)` while phase `i` (from 0) is on show.
pub fn phase_list(names: &'static [&'static str], shown: impl Fn() -> Option<usize> + Copy + Send + Sync + 'static) -> impl IntoView {
    view! {
        <ol class="phases">
            {names.iter().enumerate().map(|(i, name)| view! {
                <li class:current=move || shown() == Some(i) class:done=move || shown().is_some_and(|at| at > i)>{*name}</li>
            }).collect_view()}
        </ol>
    }
}

/// One figure in a row of figures (`stat-row`): its label, then its value.
#[component]
pub fn Stat(
    label: &'static str,
    #[prop(optional)] testid: Option<&'static str>,
    /// Classes besides `stat`.
    #[prop(optional)]
    class: &'static str,
    children: Children,
) -> impl IntoView {
    let class = if class.is_empty() { "stat".to_string() } else { format!("stat {class}") };
    view! {
        <div class=class>
            <span class="stat-label">{label}</span>
            <span class="stat-value" data-testid=testid>{children()}</span>
        </div>
    }
}
