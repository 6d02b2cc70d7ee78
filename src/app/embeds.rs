//! The widgets a blog or course page can embed alone: `/embed/<id>` renders just that widget,
//! the same component its lesson page shows. Adding one is one row here (and a component that
//! reads its own link, shares and serves the host API; see `widgets/share.rs`, `widgets/host_api.rs`).
//!
//! `/embed/<lesson>` (a whole lesson without the site's header) keeps working for every lesson;
//! a widget id never equals a lesson's slug, and the lesson embed answers the host API through
//! the first widget of that lesson listed here.

use leptos::prelude::*;

use crate::lessons::{functions, gradient_descent, information};

pub struct Widget {
    /// The route: `/embed/<id>`.
    pub id: &'static str,
    /// What the embed's title bar and the iframe's title say.
    pub title: &'static str,
    /// The lesson page the widget lives on (its full page, and its link's path).
    pub lesson: &'static str,
    /// The lesson's CSS class (its stylesheet is scoped to it).
    pub class: &'static str,
    /// The iframe height the Share panel suggests, in CSS pixels (hosts resize it anyway from
    /// the `stepwise:height` message).
    pub height: u32,
    pub view: fn() -> AnyView,
}

/// The first seven are the light widgets: the light embed build (Cargo.toml's `full` feature
/// off; scripts/build-site.sh lists their ids) holds only those.
pub const WIDGETS: &[Widget] = &[
    Widget {
        id: "stepper",
        title: "Gradient descent, one step at a time",
        lesson: "gradient-descent",
        class: "gd",
        height: 1500,
        view: || view! { <gradient_descent::page::Stepper/> }.into_any(),
    },
    Widget {
        id: "optimiser-race",
        title: "Optimisers race on a landscape",
        lesson: "gradient-descent",
        class: "gd",
        height: 1300,
        view: || view! { <gradient_descent::race_view::OptimiserRace/> }.into_any(),
    },
    Widget {
        id: "entropy",
        title: "Entropy, cross-entropy and KL divergence",
        lesson: "information",
        class: "information",
        height: 2400,
        view: || view! { <information::page::InformationPage/> }.into_any(),
    },
    Widget {
        id: "softmax",
        title: "Softmax and the classification loss",
        lesson: "information",
        class: "information",
        height: 900,
        view: || view! { <information::softmax_view::SoftmaxWidget/> }.into_any(),
    },
    Widget {
        id: "activations",
        title: "Activation explorer",
        lesson: "functions",
        class: "functions",
        height: 900,
        view: || view! { <functions::page::ActivationWidget/> }.into_any(),
    },
    Widget {
        id: "losses",
        title: "Loss explorer",
        lesson: "functions",
        class: "functions",
        height: 950,
        view: || view! { <functions::page::LossWidget/> }.into_any(),
    },
    Widget {
        id: "checker",
        title: "Worked-example checker",
        lesson: "functions",
        class: "functions",
        height: 1200,
        view: || view! { <functions::page::CheckerWidget/> }.into_any(),
    },
    #[cfg(feature = "full")]
    Widget {
        id: "mnist-trainer",
        title: "Train a digit classifier (MNIST)",
        lesson: "mnist",
        class: "mnist",
        height: 1400,
        view: || view! { <crate::lessons::mnist::page::MnistPage/> }.into_any(),
    },
    #[cfg(feature = "full")]
    Widget {
        id: "draw-digit",
        title: "Draw a digit for a network you train",
        lesson: "mnist",
        class: "mnist",
        height: 1100,
        view: || view! { <crate::lessons::mnist::page::MnistPage/> }.into_any(),
    },
    #[cfg(feature = "full")]
    Widget {
        id: "gan-trainer",
        title: "A GAN learns to draw digits",
        lesson: "gan",
        class: "gan",
        height: 1300,
        view: || view! { <crate::lessons::gan::page::GanPage/> }.into_any(),
    },
    #[cfg(feature = "full")]
    Widget {
        id: "text-classifier",
        title: "A sentiment classifier, explained word by word",
        lesson: "text",
        class: "text-lesson",
        height: 1500,
        view: || view! { <crate::lessons::text::page::TextPage/> }.into_any(),
    },
];

pub fn find(id: &str) -> Option<&'static Widget> {
    WIDGETS.iter().find(|w| w.id == id)
}

/// What this page is embedded as: the `<id>` of `/embed/<id>`, or `None` outside an embed.
pub fn embedded_as() -> Option<String> {
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    let rest = path.strip_prefix(&crate::app::link("/embed/"))?;
    Some(rest.trim_end_matches('/').to_string())
}

/// Whether `widget` is the one this page's embed is about: its own route, or its lesson's
/// route when it is that lesson's first widget (so a whole-lesson embed has one host API).
pub fn is_embedded(widget: &str) -> bool {
    let Some(route) = embedded_as() else { return false };
    if route == widget {
        return true;
    }
    WIDGETS.iter().find(|w| w.lesson == route).is_some_and(|first| first.id == widget)
}

/// `/embed/<id>`: the widget alone, under a thin title bar that links to its lesson.
#[component]
pub fn EmbeddedWidget(widget: &'static Widget) -> impl IntoView {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-widget", widget.id);
    }
    view! {
        <article class=format!("lesson embed-widget {}", widget.class) data-testid=format!("widget-{}", widget.id)>
            <p class="embed-title">
                <a href=crate::app::link(&format!("/{}", widget.lesson)) target="_blank" rel="noopener">"Stepwise"</a>
                <span aria-hidden="true">" · "</span>
                <span>{widget.title}</span>
            </p>
            {(widget.view)()}
        </article>
    }
}
