//! The `/functions` page.

use leptos::prelude::*;

#[component]
pub fn FunctionsPage() -> impl IntoView {
    view! {
        <article class="lesson functions" data-testid="lesson-functions">
            <p class="kicker">"Lesson"</p>
            <h1>"Functions"</h1>
            <p class="notice">"Being built: this page is a placeholder."</p>
        </article>
    }
}
