//! Where this page is: the base path the site is served under, in-app links, and whether the
//! page is an embed (and of which widget).

use crate::catalog;

/// The path the site is served under: `` locally, `/stepwise` on a static host's sub-path.
/// Trunk writes it into `<base href>` (from `--public-url`), so the router and every asset
/// request follow it without a rebuild of the Rust code. Read once per page load.
pub fn base_path() -> &'static str {
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

fn pathname() -> String {
    web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default()
}

/// What this page is embedded as: the `<id>` of `/embed/<id>`, or `None` outside an embed
/// (someone's iframe showing one widget or a whole lesson, without the site's header).
pub fn embedded_as() -> Option<String> {
    let path = pathname();
    let rest = path.strip_prefix(&link("/embed/"))?;
    Some(rest.trim_end_matches('/').to_string())
}

/// Whether `widget` is the one this page's embed is about: its own route, or its lesson's
/// route when it is that lesson's first widget (so a whole-lesson embed has one host API).
pub fn is_embedded(widget: &str) -> bool {
    let Some(route) = embedded_as() else { return false };
    route == widget || catalog::first_widget_of(&route).is_some_and(|first| first.id == widget)
}

/// This page's path without the base path (what the light build sends on to the full site).
pub fn path_in_site() -> String {
    let path = pathname();
    path.strip_prefix(base_path()).unwrap_or(&path).to_string()
}

/// The window whose page frames this one (an iframe's parent), or `None` for a page that is not
/// framed: such a page is its own parent.
pub fn framing_window() -> Option<web_sys::Window> {
    let window = web_sys::window()?;
    let parent = window.parent().ok().flatten()?;
    (!js_sys::Object::is(&parent, &window)).then_some(parent)
}
