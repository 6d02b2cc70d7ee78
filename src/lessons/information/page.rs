//! The `/information` page.

use leptos::prelude::*;

#[component]
pub fn InformationPage() -> impl IntoView {
    view! {
        <article class="lesson information" data-testid="lesson-information">
            <p class="kicker">"Lesson"</p>
            <h1>"Information"</h1>
            <p class="notice">"Being built: this page is a placeholder."</p>
        </article>
    }
}
