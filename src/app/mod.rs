//! The Leptos front end (wasm32 only): the shell, the home page, the router (`routes.rs`) and
//! the Lab. The top layer: nothing below it (`ui`, `lessons`, `engine`, `data`) imports it.

mod classroom;
mod home;
#[cfg(feature = "full")]
mod lab;
mod placeholder;
mod routes;
mod shell;
mod theme;
mod thumbnails;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::ui::address::{base_path, embedded_as, framing_window};
use crate::ui::chart;
use crate::ui::compute::{self, Compute};

#[component]
fn App() -> impl IntoView {
    let compute = compute::probe();
    let (dark, set_dark) = theme::use_theme();
    let presenter = classroom::use_presenter();
    let embed = embedded_as().is_some();
    if embed {
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.set_attribute("data-embed", "on");
        }
    }
    provide_context::<ReadSignal<Compute>>(compute);
    provide_context(chart::DarkTheme(dark));
    provide_context(chart::Presenter(presenter));
    view! {
        <Router base=base_path()>
            {(!embed).then(|| view! {
                <shell::Header compute dark set_dark presenter/>
            })}
            <classroom::Shortcuts presenter/>
            <main id="main">
                <Routes fallback=routes::not_found>
                    <Route path=path!("/") view=move || view! { <home::Home compute/> }/>
                    <Route path=path!("/:lesson") view=LessonPage/>
                    <Route path=path!("/embed/:lesson") view=EmbedPage/>
                </Routes>
            </main>
            // A plan may show a widget's embed link as a step: the card shows there too, but never in
            // an embed framed by someone's page.
            {framing_window().is_none().then(routes::plan_bar)}
            {(!embed).then(|| view! { <shell::Footer/> })}
        </Router>
    }
}

/// `/embed/<widget>` renders one widget; `/embed/<lesson>` a whole lesson.
#[component]
fn EmbedPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    move || routes::embed_page(&params.read().get("lesson").unwrap_or_default())
}

#[component]
fn LessonPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    move || routes::lesson_page(&params.read().get("lesson").unwrap_or_default())
}

pub fn mount() {
    #[cfg(feature = "full")]
    crate::ui::worker_client::install_probe();
    leptos::mount::mount_to_body(App);
}
