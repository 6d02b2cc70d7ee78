//! State in the link, shared by every lesson: the address bar follows the lesson's state (so a
//! copied address restores it), a note lists what a bad link had to change, and a Share panel
//! gives the link and a ready-to-paste `<iframe>` for the lesson's embed route.

use gloo::timers::callback::Timeout;
use leptos::prelude::*;

use crate::ui::address::link;
use crate::lessons::shared::url_state::{keep_keys, replace_keys, LinkState};

/// Keys of the page, not of a lesson, that a widget writing its whole state into the address
/// keeps: an embed's pinned host (see `ui::host_api`), so a reload stays pinned. (`present`
/// is read once at load and then remembered by the browser, so it may go.)
const PAGE_KEYS: &[&str] = &["host"];

/// The query of the address the page was opened with (`?…`, or empty).
pub fn opening_query() -> String {
    web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

/// The state this page's link describes, and a note for each value it had to replace.
pub fn opening_state<S: LinkState>() -> (S, Vec<String>) {
    S::from_query(&opening_query())
}

fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// Keeps `?query` of the address bar equal to `query`, a quarter-second after the last change
/// (browsers throttle address updates made on every frame of a drag).
pub fn follow_in_address(query: Signal<String>) {
    follow_keys_in_address(None, query);
}

/// Like `follow_in_address`, for a widget that shares the address with others on its page: only
/// the keys in `owned` are replaced by `query`; the rest of the address stays.
pub fn follow_keys_in_address(owned: Option<&'static [&'static str]>, query: Signal<String>) {
    follow(query, move |location, query| {
        let path = location.pathname().unwrap_or_default();
        let current = location.search().unwrap_or_default();
        let query = match owned {
            Some(keys) => replace_keys(&current, keys, &query),
            None => keep_keys(&current, PAGE_KEYS, &query),
        };
        let hash = location.hash().unwrap_or_default();
        if query.is_empty() { format!("{path}{hash}") } else { format!("{path}?{query}{hash}") }
    });
}

/// Keeps the address's `#fragment` equal to `fragment`: for state that can outgrow what a web
/// server accepts in a request (a lesson plan), since the fragment is never sent to the server.
/// The query keeps its other keys but loses `moved`, the keys the state had when a link gave
/// them in the query.
pub fn follow_in_fragment(moved: &'static [&'static str], fragment: Signal<String>) {
    follow(fragment, move |location, fragment| {
        let path = location.pathname().unwrap_or_default();
        let search = replace_keys(&location.search().unwrap_or_default(), moved, "");
        let search = if search.is_empty() { search } else { format!("?{search}") };
        if fragment.is_empty() { format!("{path}{search}") } else { format!("{path}{search}#{fragment}") }
    });
}

/// The address from `state` and the current location, set a quarter-second after the last
/// change (browsers throttle address updates made on every frame of a drag).
fn follow(state: Signal<String>, address: impl Fn(&web_sys::Location, String) -> String + Copy + 'static) {
    let pending = StoredValue::new_local(None::<Timeout>);
    Effect::new(move |_| {
        let state = state.get();
        let timeout = Timeout::new(250, move || {
            let Some(window) = web_sys::window() else { return };
            let location = window.location();
            let wanted = address(&location, state);
            let current =
                format!("{}{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default(), location.hash().unwrap_or_default());
            if wanted != current {
                if let Ok(history) = window.history() {
                    let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&wanted));
                }
            }
        });
        // Dropping the previous timeout cancels it.
        pending.set_value(Some(timeout));
    });
}

/// What a link had to change to open ("p has 3 values but q has 2; …"), shown once, dismissible.
#[component]
pub fn LinkNotes(notes: Vec<String>) -> impl IntoView {
    let open = RwSignal::new(!notes.is_empty());
    view! {
        <Show when=move || open.get()>
            <div class="notice link-notes" role="status" data-testid="link-notes">
                <strong>"This link had values that could not be used as they were. "</strong>
                "The lesson opened with these changes:"
                <ul>{notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
                <button on:click=move |_| open.set(false)>"OK"</button>
            </div>
        </Show>
    }
}

/// A "Share / embed" button that opens the link and the iframe snippet for `slug`'s state: the
/// link opens the lesson page, the snippet embeds `widget` alone (or the whole lesson). The
/// snippet's title is the widget's (or the lesson's first widget's) in the catalog.
#[component]
pub fn Share(
    slug: &'static str,
    query: Signal<String>,
    /// An id of `catalog::WIDGETS`: the snippet embeds this widget alone.
    #[prop(optional)]
    widget: Option<&'static str>,
) -> impl IntoView {
    let embed_route = widget.unwrap_or(slug);
    let height = widget.and_then(crate::catalog::widget).map_or(720, |w| w.height);
    let title = crate::catalog::title_of(slug, widget);
    let open = RwSignal::new(false);
    let with_query = move |path: String| {
        let q = query.get();
        if q.is_empty() { format!("{}{path}", origin()) } else { format!("{}{path}?{q}", origin()) }
    };
    let page_link = move || with_query(link(&format!("/{slug}")));
    let snippet = move || {
        format!(
            r#"<iframe src="{}" title="Stepwise: {title}" width="100%" height="{height}" style="border:0" loading="lazy"></iframe>"#,
            with_query(link(&format!("/embed/{embed_route}")))
        )
    };
    view! {
        <div class="share">
            <button class="share-toggle" data-testid=widget.map_or("share".to_string(), |w| format!("share-{w}")) aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>"Share / embed"</button>
            <Show when=move || open.get()>
                <div class="share-panel" data-testid="share-panel">
                    {copy_row("Link to this exact state", "Link to this exact state", "share-link", page_link)}
                    {copy_row("Embed in a blog post or course page", "Embed snippet", "share-embed", snippet)}
                    <p class="field-label">
                        "The embedded lesson tells its page how tall it is (a "
                        <code>"stepwise:height"</code>
                        " message), so the page can fit the frame to it; see examples/blog.html."
                    </p>
                </div>
            </Show>
        </div>
    }
}

/// A read-only box with `text()` in it (selected whole on focus) and a Copy button.
pub fn copy_row(label: &'static str, aria: &'static str, testid: &'static str, text: impl Fn() -> String + Copy + Send + Sync + 'static) -> impl IntoView {
    let copy = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&text());
        }
    };
    view! {
        <label class="field">
            <span class="field-label">{label}</span>
            <span class="share-row">
                <input readonly data-testid=testid aria-label=aria prop:value=text on:focus=|ev| select_all(&ev)/>
                <button on:click=copy>"Copy"</button>
            </span>
        </label>
    }
}

fn select_all(ev: &web_sys::FocusEvent) {
    if let Some(input) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok()) {
        input.select();
    }
}
