//! The page of a lesson that is not built yet. It says so plainly, and says what is coming.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::ui::address::link;
use crate::catalog::Lesson;
use super::routes::thumbnail;

#[component]
pub fn Placeholder(lesson: &'static Lesson) -> impl IntoView {
    view! {
        <article class="placeholder" data-testid="placeholder">
            <div class="placeholder-picture">{thumbnail(lesson.slug)}</div>
            <div>
                <p class="kicker">"Lesson"</p>
                <h1>{lesson.title}</h1>
                <p class="notice" role="status">
                    <strong>"Not built yet. "</strong>
                    "This page is a placeholder: the lesson below is planned, and nothing on this page trains yet."
                </p>
                <p class="lede">{lesson.promise}</p>
                <h2>"What you will be able to do"</h2>
                <ul class="plan">
                    {lesson.plan.iter().map(|line| view! { <li>{*line}</li> }).collect_view()}
                </ul>
                <p><A href=link("/")>"← All lessons"</A></p>
            </div>
        </article>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <article class="placeholder" data-testid="not-found">
            <div>
                <h1>"There is no page here"</h1>
                <p class="lede">"The link may be mistyped, or the lesson may have moved."</p>
                <p><A href=link("/")>"← All lessons"</A></p>
            </div>
        </article>
    }
}

/// The light embed build (see Cargo.toml's `full` feature) holds only the small widgets. A page
/// it lacks is on the full site at the same address: a plain link there loads the full app
/// (`rel="external"` stops the router from handling it inside this build).
#[cfg(not(feature = "full"))]
#[component]
pub fn FullSiteOnly(path: String) -> impl IntoView {
    let href = link(&path);
    view! {
        <article class="placeholder" data-testid="full-site-only">
            <div>
                <h1>"This page is on the full site"</h1>
                <p class="lede">
                    "This is the light build that embedded widgets load, so a blog's iframe downloads less. "
                    "It holds only the small widgets; the page you asked for needs the full site."
                </p>
                <p><a href=href rel="external" target="_top">"Open it on the full Stepwise site →"</a></p>
            </div>
        </article>
    }
}
