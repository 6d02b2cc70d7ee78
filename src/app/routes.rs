//! The one table from a lesson's slug or a widget's id to its view: what `catalog.rs` lists,
//! drawn. Adding a lesson or a widget is one row in the catalog plus one arm here.

use leptos::prelude::*;

use super::placeholder::Placeholder;
use super::thumbnails;
use crate::catalog::{self, Status, Widget};
use crate::lessons::{functions, gradient_descent, information};

/// `Some(view)` in the full build; `None` (and the view's code left out) in the light embed
/// build, which has no datasets, training, WebGPU or Lab (see Cargo.toml's `full` feature).
#[cfg(feature = "full")]
macro_rules! full_only {
    ($view:expr) => {
        Some($view)
    };
}
#[cfg(not(feature = "full"))]
macro_rules! full_only {
    ($view:expr) => {
        None
    };
}

type View = Option<fn() -> AnyView>;

struct LessonRoute {
    slug: &'static str,
    /// `None` for a lesson this build does not have.
    page: View,
    /// The card's picture (see `thumbnails.rs`).
    thumbnail: fn() -> AnyView,
}

const LESSONS: &[LessonRoute] = &[
    LessonRoute {
        slug: "gradient-descent",
        page: Some(|| view! { <gradient_descent::page::GradientDescentPage/> }.into_any()),
        thumbnail: thumbnails::gradient_descent,
    },
    LessonRoute {
        slug: "information",
        page: Some(|| view! { <information::page::InformationPage/> }.into_any()),
        thumbnail: thumbnails::information,
    },
    LessonRoute {
        slug: "functions",
        page: Some(|| view! { <functions::page::FunctionsPage/> }.into_any()),
        thumbnail: thumbnails::functions,
    },
    LessonRoute {
        slug: "mnist",
        page: full_only!(|| view! { <crate::lessons::mnist::page::MnistPage/> }.into_any()),
        thumbnail: thumbnails::mnist,
    },
    LessonRoute {
        slug: "gan",
        page: full_only!(|| view! { <crate::lessons::gan::page::GanPage/> }.into_any()),
        thumbnail: thumbnails::gan,
    },
    LessonRoute {
        slug: "text",
        page: full_only!(|| view! { <crate::lessons::text::page::TextPage/> }.into_any()),
        thumbnail: thumbnails::text,
    },
    LessonRoute {
        slug: "gpt",
        page: full_only!(|| view! { <crate::lessons::gpt::page::GptPage/> }.into_any()),
        thumbnail: thumbnails::gpt,
    },
    LessonRoute {
        slug: "cnn",
        page: full_only!(|| view! { <crate::lessons::cnn::page::CnnPage/> }.into_any()),
        thumbnail: thumbnails::cnn,
    },
    LessonRoute {
        slug: "vae",
        page: full_only!(|| view! { <crate::lessons::vae::page::VaePage/> }.into_any()),
        thumbnail: thumbnails::vae,
    },
    LessonRoute {
        slug: "lab",
        page: full_only!(|| view! { <super::lab::LabPage/> }.into_any()),
        thumbnail: thumbnails::lab,
    },
];

/// `/plan`: a teacher's lesson plan (a page of the site, not a lesson: it has no card).
const PLAN: View = full_only!(|| view! { <crate::lessons::plan::page::PlanPage/> }.into_any());

/// The corner card of a lesson plan being presented. The light build has it too: a plan's step
/// may be a light widget's embed link, which static hosts serve from the light build.
pub fn plan_bar() -> AnyView {
    view! { <crate::lessons::plan::bar::PlanBar/> }.into_any()
}

/// Each embeddable widget's view, by its catalog id.
const WIDGETS: &[(&str, View)] = &[
    ("stepper", Some(|| view! { <gradient_descent::page::Stepper/> }.into_any())),
    ("optimiser-race", Some(|| view! { <gradient_descent::race_view::OptimiserRace/> }.into_any())),
    ("entropy", Some(|| view! { <information::page::InformationPage/> }.into_any())),
    ("softmax", Some(|| view! { <information::softmax_view::SoftmaxWidget/> }.into_any())),
    ("gaussians", Some(|| view! { <information::gaussians_view::GaussiansWidget/> }.into_any())),
    ("activations", Some(|| view! { <functions::page::ActivationWidget/> }.into_any())),
    ("losses", Some(|| view! { <functions::page::LossWidget/> }.into_any())),
    ("checker", Some(|| view! { <functions::page::CheckerWidget/> }.into_any())),
    ("mnist-trainer", full_only!(|| view! { <crate::lessons::mnist::page::MnistPage/> }.into_any())),
    ("draw-digit", full_only!(|| view! { <crate::lessons::mnist::page::MnistPage/> }.into_any())),
    ("gan-trainer", full_only!(|| view! { <crate::lessons::gan::page::GanPage/> }.into_any())),
    ("text-classifier", full_only!(|| view! { <crate::lessons::text::page::TextPage/> }.into_any())),
    ("gpt-trainer", full_only!(|| view! { <crate::lessons::gpt::page::GptPage/> }.into_any())),
    ("cnn-trainer", full_only!(|| view! { <crate::lessons::cnn::page::CnnPage/> }.into_any())),
    ("vae-map", full_only!(|| view! { <crate::lessons::vae::page::VaePage/> }.into_any())),
    ("attention", full_only!(|| view! { <crate::lessons::gpt::widget::AttentionWidget/> }.into_any())),
];

fn route(slug: &str) -> Option<&'static LessonRoute> {
    LESSONS.iter().find(|route| route.slug == slug)
}

/// The picture on a lesson's card and placeholder page.
pub fn thumbnail(slug: &str) -> AnyView {
    route(slug).map_or(thumbnails::lab as fn() -> AnyView, |route| route.thumbnail)()
}

/// `/<slug>`: the lesson's page; a lesson that is not built shows its placeholder.
pub fn lesson_page(slug: &str) -> AnyView {
    if let ("plan", Some(page)) = (slug, PLAN) {
        return page();
    }
    match (catalog::lesson(slug), route(slug).and_then(|route| route.page)) {
        (Some(lesson), _) if lesson.status == Status::Placeholder => view! { <Placeholder lesson/> }.into_any(),
        (Some(_), Some(page)) => page(),
        _ => not_found(),
    }
}

/// `/embed/<id>`: one widget alone (see `catalog::WIDGETS`), or else a whole lesson.
pub fn embed_page(id: &str) -> AnyView {
    let view = WIDGETS.iter().find(|(widget, _)| *widget == id).and_then(|(_, view)| *view);
    match (catalog::widget(id), view) {
        (Some(widget), Some(view)) => view! { <EmbeddedWidget widget view/> }.into_any(),
        _ => lesson_page(id),
    }
}

#[cfg(feature = "full")]
pub fn not_found() -> AnyView {
    view! { <super::placeholder::NotFound/> }.into_any()
}

/// The light embed build: any page beyond its small widgets (a big lesson, the Lab, an unknown
/// path) points to the full site at the same address.
#[cfg(not(feature = "full"))]
pub fn not_found() -> AnyView {
    let path = crate::ui::address::path_in_site();
    view! { <super::placeholder::FullSiteOnly path/> }.into_any()
}

/// The widget alone, under a thin title bar that links to its lesson.
#[component]
fn EmbeddedWidget(widget: &'static Widget, view: fn() -> AnyView) -> impl IntoView {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-widget", widget.id);
    }
    view! {
        <article class=format!("lesson embed-widget {}", widget.class) data-testid=format!("widget-{}", widget.id)>
            <p class="embed-title">
                <a href=crate::ui::address::link(&format!("/{}", widget.lesson)) target="_blank" rel="noopener">"Stepwise"</a>
                <span aria-hidden="true">" · "</span>
                <span>{widget.title}</span>
            </p>
            {view()}
        </article>
    }
}
