//! The frame around every page: header with navigation, compute backend and theme toggle.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::ui::address::link;
use crate::ui::compute::Compute;
use crate::catalog::LESSONS;

#[component]
pub fn Header(
    compute: ReadSignal<Compute>,
    dark: ReadSignal<bool>,
    set_dark: WriteSignal<bool>,
    presenter: RwSignal<bool>,
) -> impl IntoView {
    let (menu_open, set_menu_open) = signal(false);
    view! {
        <header class="site-header">
            <A href=link("/") attr:class="brand" attr:aria-label="Stepwise home">
                <svg viewBox="0 0 24 24" class="brand-mark" aria-hidden="true">
                    <path d="M3 19 L9 19 L9 13 L15 13 L15 7 L21 7" />
                </svg>
                <span>"Stepwise"</span>
            </A>
            <button
                class="menu-toggle"
                aria-label="Lessons menu"
                aria-expanded=move || menu_open.get().to_string()
                on:click=move |_| set_menu_open.update(|open| *open = !*open)
            >
                "Lessons"
            </button>
            <nav class="lesson-nav" class:open=menu_open aria-label="Lessons">
                {LESSONS
                    .iter()
                    .map(|lesson| {
                        let href = link(&format!("/{}", lesson.slug));
                        view! {
                            <A href=href on:click=move |_| set_menu_open.set(false)>{lesson.title}</A>
                        }
                    })
                    .collect_view()}
            </nav>
            <div class="header-tools">
                <span
                    class="backend-badge"
                    data-testid="backend"
                    data-backend=move || compute.get().kind()
                    title=move || compute.get().explanation()
                >
                    <span class="backend-dot" aria-hidden="true"></span>
                    {move || compute.get().label()}
                </span>
                <button
                    class="presenter-toggle"
                    data-testid="presenter-toggle"
                    aria-pressed=move || presenter.get().to_string()
                    title="Presenter mode: larger type for a projector (key P; ? lists all keys)"
                    on:click=move |_| presenter.update(|on| *on = !*on)
                >
                    "Present"
                </button>
                <button
                    class="theme-toggle"
                    aria-label=move || if dark.get() { "Switch to light theme" } else { "Switch to dark theme" }
                    on:click=move |_| set_dark.update(|dark| *dark = !*dark)
                >
                    {move || if dark.get() { "☀" } else { "☾" }}
                </button>
            </div>
        </header>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>
                "Everything here trains in your browser, on your machine: no server, no install, "
                "no pre-trained weights. The data comes with the page."
            </p>
        </footer>
    }
}
