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
            {intro.map(|text| view! { <OneLine class="muted panel-intro">{text}</OneLine> })}
            {children()}
        </section>
    }
}

/// The top of a page: a kicker ("Lesson"), the heading, and the lede (the children) that says
/// in a few lines what the learner will do here. In presenter mode the lede shows one line and a
/// "More" button (the class reads the picture; the teacher says the words).
#[component]
pub fn PageIntro(
    #[prop(default = "Lesson")] kicker: &'static str,
    #[prop(into)] title: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <p class="kicker">{kicker}</p>
        <h1>{title}</h1>
        {children.map(|lede| view! { <Lede>{lede()}</Lede> })}
    }
}

fn presenting() -> Signal<bool> {
    let presenter = use_context::<crate::ui::chart::Presenter>();
    Signal::derive(move || presenter.is_some_and(|p| p.0.get()))
}

/// A page's opening paragraph: whole in normal mode; one line and a "More" button in presenter
/// mode. The words stay in the page (screen readers read them all); only the clipping changes.
#[component]
pub fn Lede(children: Children) -> impl IntoView {
    view! { <OneLine class="lede" testid="lede">{children()}</OneLine> }
}

/// A paragraph that shows one line and a "More" button in presenter mode, and all of itself
/// otherwise: a page's lede, a panel's introduction.
#[component]
pub fn OneLine(class: &'static str, #[prop(optional)] testid: Option<&'static str>, children: Children) -> impl IntoView {
    let presenting = presenting();
    let opened = RwSignal::new(false);
    let clipped = move || presenting.get() && !opened.get();
    view! {
        <div class="one-line">
            <p class=class class:clipped=clipped data-testid=testid>{children()}</p>
            <Show when=move || presenting.get()>
                <button class="one-line-more" aria-expanded=move || (!clipped()).to_string() on:click=move |_| opened.update(|o| *o = !*o)>
                    {move || if clipped() { "More" } else { "Less" }}
                </button>
            </Show>
        </div>
    }
}

/// An explanation longer than a glance (about 40 words), behind a "Why?" or "More" disclosure:
/// open by default in normal mode, closed in presenter mode (where the picture and its numbers
/// need the screen).
#[component]
pub fn More(
    #[prop(default = "More")] label: &'static str,
    #[prop(optional)] testid: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let presenting = presenting();
    view! {
        <details class="more" prop:open=move || !presenting.get() data-testid=testid>
            <summary>{label}</summary>
            <div class="more-body">{children()}</div>
        </details>
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

/// One figure in a row of figures (`stat-row`): its label, then its value, then an optional
/// note under it (what it was measured on; test id `<testid>-note`).
#[component]
pub fn Stat(
    label: &'static str,
    #[prop(optional)] testid: Option<&'static str>,
    /// Classes besides `stat`.
    #[prop(optional)]
    class: &'static str,
    #[prop(optional, into)] note: Option<Signal<String>>,
    children: Children,
) -> impl IntoView {
    let class = if class.is_empty() { "stat".to_string() } else { format!("stat {class}") };
    view! {
        <div class=class>
            <span class="stat-label">{label}</span>
            <span class="stat-value" data-testid=testid>{children()}</span>
            {note.map(|note| view! { <span class="stat-note" data-testid=testid.map(|t| format!("{t}-note"))>{note}</span> })}
        </div>
    }
}
