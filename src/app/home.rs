//! The home page: what Stepwise is, and one card per lesson.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::ui::address::link;
use crate::ui::compute::Compute;
use crate::ui::More;
use crate::catalog::{Status, LESSONS};
use super::routes::thumbnail;

#[component]
pub fn Home(compute: ReadSignal<Compute>) -> impl IntoView {
    view! {
        <section class="hero">
            <h1>"Watch machine learning happen, one step at a time."</h1>
            <p class="lede">
                "Every lesson trains a real model on real data, live in this tab. "
                "Pause it, step through a single update, and see where every number comes from."
            </p>
            <More label="Where does training run?">
                <p class="hero-backend" data-testid="backend-explanation">{move || compute.get().explanation()}</p>
            </More>
            <p class="hero-teachers">
                "Teaching? Press " <kbd>"P"</kbd> " for presenter mode, and string lessons into a "
                <A href=link("/plan") attr:data-testid="home-plan">"lesson plan"</A>
                " you step through with a clicker."
            </p>
        </section>
        <section class="lesson-grid" aria-label="Lessons">
            {LESSONS
                .iter()
                .map(|lesson| {
                    let href = link(&format!("/{}", lesson.slug));
                    view! {
                        <A href=href attr:class="lesson-card" attr:data-testid=format!("card-{}", lesson.slug)>
                            <div class="card-picture">{thumbnail(lesson.slug)}</div>
                            <div class="card-text">
                                <h2>
                                    {lesson.title}
                                    {(lesson.status == Status::Placeholder)
                                        .then(|| view! { <span class="soon">"coming soon"</span> })}
                                </h2>
                                <p>{lesson.promise}</p>
                            </div>
                        </A>
                    }
                })
                .collect_view()}
        </section>
    }
}
