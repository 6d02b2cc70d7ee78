//! Classroom mode: a presenter toggle (larger type, stronger contrast, secondary notes hidden)
//! and a keyboard-shortcut sheet opened with `?`. A teacher can turn presenter mode on from the
//! header, with the `P` key, or by sharing a link ending in `?present=1`; the choice is
//! remembered in this browser.

use leptos::prelude::*;

const STORAGE_KEY: &str = "stepwise-presenter";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// `?present=1` (or `0`) in the address wins over what this browser remembered.
fn from_address() -> Option<bool> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    match params.get("present")?.as_str() {
        "1" | "on" | "true" => Some(true),
        "0" | "off" | "false" => Some(false),
        _ => None,
    }
}

fn apply(on: bool) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = if on { root.set_attribute("data-presenter", "on") } else { root.remove_attribute("data-presenter") };
    }
}

/// The presenter signal; applying it to `<html data-presenter>` is its only effect.
pub fn use_presenter() -> RwSignal<bool> {
    let remembered = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()).as_deref() == Some("on");
    let presenter = RwSignal::new(from_address().unwrap_or(remembered));
    Effect::new(move |first: Option<()>| {
        let on = presenter.get();
        apply(on);
        if first.is_some() {
            if let Some(storage) = storage() {
                let _ = storage.set_item(STORAGE_KEY, if on { "on" } else { "off" });
            }
        }
    });
    presenter
}

/// The shortcuts, app-wide first, then those lessons share. Lessons that have no stepping
/// (Information, Functions) simply ignore the stepping keys.
const SHORTCUTS: &[(&str, &str)] = &[
    ("?", "show or hide this list"),
    ("P", "presenter mode on or off (larger type, fewer side notes)"),
    ("Esc", "close this list"),
    ("PgDn", "in a lesson plan: next step (what a clicker sends)"),
    ("PgUp", "in a lesson plan: previous step"),
    ("Tab", "move between controls; Enter or Space presses a button"),
    ("→", "gradient descent: next phase of the step"),
    ("N", "gradient descent: next whole step"),
    ("Space", "gradient descent: play or pause"),
    ("R", "gradient descent: reset the run"),
];

/// Listens for `?` and `P` anywhere in the app, and shows the shortcut sheet.
#[component]
pub fn Shortcuts(presenter: RwSignal<bool>) -> impl IntoView {
    let open = RwSignal::new(false);
    let keys = window_event_listener(leptos::ev::keydown, move |event| {
        if crate::ui::keys::is_typing(&event) {
            return;
        }
        match event.key().as_str() {
            "?" => open.update(|o| *o = !*o),
            "Escape" => open.set(false),
            "p" | "P" => presenter.update(|p| *p = !*p),
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    view! {
        <Show when=move || open.get()>
            <div class="shortcut-backdrop" on:click=move |_| open.set(false)>
                <section
                    class="shortcut-sheet"
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby="shortcut-title"
                    data-testid="shortcuts"
                    on:click=|event| event.stop_propagation()
                >
                    <h2 id="shortcut-title">"Keyboard shortcuts"</h2>
                    <table>
                        <tbody>
                            {SHORTCUTS
                                .iter()
                                .map(|(key, what)| view! { <tr><td><kbd>{*key}</kbd></td><td>{*what}</td></tr> })
                                .collect_view()}
                        </tbody>
                    </table>
                    <button class="primary" on:click=move |_| open.set(false)>"Close (Esc)"</button>
                </section>
            </div>
        </Show>
    }
}
