//! The Leptos front end (wasm32 only): the shell, the router and one folder per lesson.

mod classroom;
pub(crate) mod compute;
pub mod download;
pub mod embeds;
pub mod files;
#[cfg(feature = "full")]
pub mod gpu_training;
pub mod training;
#[cfg(feature = "full")]
pub mod worker_client;
mod home;
#[cfg(feature = "full")]
mod lab;
mod lessons;
mod placeholder;
mod shell;
mod theme;
mod thumbnails;
pub mod widgets;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use compute::Compute;
use lessons::LESSONS;

/// The path the site is served under: `` locally, `/stepwise` on a static host's sub-path.
/// Trunk writes it into `<base href>` (from `--public-url`), so the router and every asset
/// request follow it without a rebuild of the Rust code. Read once per page load.
fn base_path() -> &'static str {
    static BASE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        let href = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("base").ok().flatten())
            .and_then(|base| base.get_attribute("href"))
            .unwrap_or_default();
        href.trim_end_matches('/').to_string()
    })
}

/// An in-app link: `link("/lab")` is `/stepwise/lab` under a sub-path. The router's `<A>`
/// does not prefix absolute paths with the router's base, so every link goes through here.
pub fn link(path: &str) -> String {
    format!("{}{}", base_path(), path)
}

/// Whether this page is an embed (`/embed/<lesson>` inside someone's iframe): the lesson alone,
/// without the site's header and footer.
fn is_embed() -> bool {
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    path.starts_with(&link("/embed/"))
}

#[component]
fn App() -> impl IntoView {
    let compute = compute::probe();
    let (dark, set_dark) = theme::use_theme();
    let presenter = classroom::use_presenter();
    let embed = is_embed();
    if embed {
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.set_attribute("data-embed", "on");
        }
    }
    provide_context::<ReadSignal<Compute>>(compute);
    provide_context(widgets::chart::DarkTheme(dark));
    provide_context(widgets::chart::Presenter(presenter));
    view! {
        <Router base=base_path()>
            {(!embed).then(|| view! {
                <shell::Header compute dark set_dark presenter/>
            })}
            <classroom::Shortcuts presenter/>
            <main id="main">
                <Routes fallback=not_found>
                    <Route path=path!("/") view=move || view! { <home::Home compute/> }/>
                    <Route path=path!("/:lesson") view=LessonPage/>
                    <Route path=path!("/embed/:lesson") view=EmbedPage/>
                </Routes>
            </main>
            {(!embed).then(|| view! { <shell::Footer/> })}
        </Router>
    }
}

/// `/embed/<widget>` renders one widget (see `embeds.rs`); `/embed/<lesson>` a whole lesson.
#[component]
fn EmbedPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    move || {
        let id = params.read().get("lesson").unwrap_or_default();
        match embeds::find(&id) {
            Some(widget) => view! { <embeds::EmbeddedWidget widget/> }.into_any(),
            None => lesson_view(&id),
        }
    }
}

/// Looks the lesson up in the table; a lesson that is not built shows its placeholder.
#[component]
fn LessonPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    move || lesson_view(&params.read().get("lesson").unwrap_or_default())
}

fn lesson_view(slug: &str) -> AnyView {
    match LESSONS.iter().find(|lesson| lesson.slug == slug) {
        Some(lesson) if lesson.slug == "information" => {
            view! { <crate::lessons::information::page::InformationPage/> }.into_any()
        }
        Some(lesson) if lesson.slug == "gradient-descent" => {
            view! { <crate::lessons::gradient_descent::page::GradientDescentPage/> }.into_any()
        }
        Some(lesson) if lesson.slug == "functions" => {
            view! { <crate::lessons::functions::page::FunctionsPage/> }.into_any()
        }
        Some(lesson) => full_lesson_view(lesson),
        None => not_found(),
    }
}

/// The pages only the full build has (see Cargo.toml's `full` feature).
#[cfg(feature = "full")]
fn full_lesson_view(lesson: &'static lessons::Lesson) -> AnyView {
    match lesson.slug {
        "lab" => view! { <lab::LabPage/> }.into_any(),
        "mnist" => view! { <crate::lessons::mnist::page::MnistPage/> }.into_any(),
        "gan" => view! { <crate::lessons::gan::page::GanPage/> }.into_any(),
        "text" => view! { <crate::lessons::text::page::TextPage/> }.into_any(),
        _ => view! { <placeholder::Placeholder lesson/> }.into_any(),
    }
}

#[cfg(feature = "full")]
fn not_found() -> AnyView {
    view! { <placeholder::NotFound/> }.into_any()
}

/// The light embed build: any page beyond its small widgets (a big lesson, the Lab, a
/// placeholder, an unknown path) points to the full site at the same address.
#[cfg(not(feature = "full"))]
fn full_lesson_view(lesson: &'static lessons::Lesson) -> AnyView {
    match lesson.slug {
        "lab" | "mnist" | "gan" | "text" => not_found(),
        _ => view! { <placeholder::Placeholder lesson/> }.into_any(),
    }
}

#[cfg(not(feature = "full"))]
fn not_found() -> AnyView {
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    let path = path.strip_prefix(base_path()).unwrap_or(&path).to_string();
    view! { <placeholder::FullSiteOnly path/> }.into_any()
}

pub fn mount() {
    #[cfg(feature = "full")]
    worker_client::install_probe();
    leptos::mount::mount_to_body(App);
}
