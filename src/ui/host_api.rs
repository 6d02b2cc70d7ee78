//! The host page API: a blog author's page drives an embedded lesson with `postMessage`.
//!
//! Commands, accepted only from the window that embeds this one (its parent), and only from its
//! host's origin (`lessons::shared::host_gate`: the first page to speak, or the one the link's
//! `host=` key pins):
//! `{ stepwise: "set", state: { a: 0.3, … } }` (part of the state, with the keys of the lesson's
//! link), `{ stepwise: "step" }`, `"play"`, `"pause"`, `"reset"`, `"getState"`.
//! Events, sent to the parent: `{ stepwise: "ready", lesson }` at once (no state), then, only
//! once the host has spoken and only to its origin, `{ stepwise: "state", lesson, state,
//! metrics }` after every command and whenever the state changes, and
//! `{ stepwise: "error", lesson, message }` for a message it could not use (which changes nothing)
//! or a value it had to clamp. Values go through the same total reader as links, so a host
//! cannot put a lesson in a state a link could not.

use leptos::prelude::*;
use serde_json::{json, Map, Value};
use wasm_bindgen::JsValue;

use crate::lessons::shared::host_gate::{Heard, HostGate, Pin};
use crate::ui::address::framing_window as parent;
use crate::lessons::shared::url_state::{merged, LinkState};
use crate::ui::share::follow_keys_in_address;

/// What a host asked for, checked.
pub enum Command {
    /// The whole state as a link query: the current one with the host's keys replaced.
    Set(String),
    Step,
    Play,
    Pause,
    Reset,
}


/// Posts `message` to the parent, if its page is at `origin` (the browser drops it otherwise).
fn send(origin: &str, message: Value) {
    let Some(parent) = parent() else { return };
    if let Ok(value) = js_sys::JSON::parse(&message.to_string()) {
        let _ = parent.post_message(&value, origin);
    }
}

/// The link's `host` key: an origin (the browser's parser reads it, so
/// `https://Blog.example.org/post` pins `https://blog.example.org`), or not one.
fn pin() -> Pin {
    let query = crate::ui::share::opening_query();
    let Some(text) = form_urlencoded::parse(query.trim_start_matches('?').as_bytes()).find(|(k, _)| k == "host").map(|(_, v)| v.into_owned()) else {
        return Pin::Open;
    };
    match web_sys::Url::new(&text).map(|url| url.origin()) {
        Ok(origin) if origin.starts_with("https://") || origin.starts_with("http://") => Pin::Origin(origin),
        _ => Pin::Invalid(text.chars().take(80).collect()),
    }
}

/// Says in the embed itself why it ignored a command (a pinned host that does not match).
fn show_refusal(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let notice = match document.query_selector("[data-testid=host-refused]").ok().flatten() {
        Some(notice) => notice,
        None => {
            let Ok(notice) = document.create_element("p") else { return };
            let _ = notice.set_attribute("class", "notice host-refused");
            let _ = notice.set_attribute("role", "alert");
            let _ = notice.set_attribute("data-testid", "host-refused");
            if let Some(body) = document.body() {
                let _ = body.prepend_with_node_1(&notice);
            }
            notice
        }
    };
    notice.set_text_content(Some(message));
}

/// The host's partial state as link pairs: numbers, words, and lists of numbers.
fn pairs(state: &Map<String, Value>) -> Result<Vec<(String, String)>, String> {
    state
        .iter()
        .map(|(key, value)| {
            let text = match value {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.clone(),
                Value::Bool(b) => (*b as u8).to_string(),
                Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_f64().map(|x| x.to_string()).ok_or_else(|| format!("{key} must be a list of numbers")))
                    .collect::<Result<Vec<_>, _>>()?
                    .join(","),
                _ => return Err(format!("{key} must be a number, a word or a list of numbers")),
            };
            Ok((key.clone(), text))
        })
        .collect()
}

/// Listens for the host's commands when this page embeds `widget` (an id of `catalog::WIDGETS`,
/// alone or as its lesson's first widget). `handle` carries a command out and returns notes for
/// anything it had to change; `metrics` are the numbers the widget shows (read reactively, so
/// the host hears of every change, training steps included).
pub fn serve_host<H, M>(widget: &'static str, query: Signal<String>, handle: H, metrics: M)
where
    H: Fn(Command) -> Vec<String> + 'static,
    M: Fn() -> Value + 'static,
{
    if parent().is_none() || !crate::ui::address::is_embedded(widget) {
        return;
    }
    let lesson = crate::catalog::widget(widget).map_or(widget, |w| w.lesson);
    let metrics = StoredValue::new_local(metrics);
    let gate = StoredValue::new_local(HostGate::new(pin()));
    let state = move || {
        let q = query.get_untracked();
        let fields: Map<String, Value> = form_urlencoded::parse(q.as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        json!({ "stepwise": "state", "lesson": lesson, "widget": widget, "state": fields, "metrics": metrics.with_value(|m| m()) })
    };
    let error = move |to: &str, message: String| send(to, json!({ "stepwise": "error", "lesson": lesson, "widget": widget, "message": message }));

    let listener = window_event_listener(leptos::ev::message, move |event: web_sys::MessageEvent| {
        // Only the embedding page may drive the lesson; anything else is not even answered.
        let from_parent = match (event.source(), parent()) {
            (Some(source), Some(parent)) => js_sys::Object::is(&source, &JsValue::from(parent)),
            _ => false,
        };
        if !from_parent {
            return;
        }
        let text = js_sys::JSON::stringify(&event.data()).ok().and_then(|s| s.as_string()).unwrap_or_default();
        let message: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let Some(name) = message.get("stepwise").and_then(Value::as_str) else {
            return; // not for us (other scripts use postMessage too)
        };
        let known = matches!(name, "set" | "step" | "play" | "pause" | "reset" | "getState");
        let host = match gate.try_update_value(|g| g.hear(&event.origin(), known)) {
            Some(Heard::Obey(host)) => host,
            Some(Heard::Refuse(why)) => return show_refusal(&why),
            Some(Heard::Ignore) | None => return,
        };
        let command = match name {
            "set" => match message.get("state").and_then(Value::as_object).ok_or("set needs a state object".to_string()).and_then(pairs) {
                Ok(changes) => Command::Set(merged(&query.get_untracked(), &changes)),
                Err(problem) => return error(&host, format!("ignored set: {problem}")),
            },
            "step" => Command::Step,
            "play" => Command::Play,
            "pause" => Command::Pause,
            "reset" => Command::Reset,
            "getState" => return send(&host, state()),
            other => return error(&host, format!("ignored unknown command “{}”", other.chars().take(40).collect::<String>())),
        };
        let notes = handle(command);
        if !notes.is_empty() {
            error(&host, notes.join(" "));
        }
        send(&host, state());
    });
    on_cleanup(move || listener.remove());

    // The host hears about every change, whoever made it (the reader dragging, or play), once
    // it has spoken: before that no state leaves the embed.
    Effect::new(move |_| {
        query.track();
        let message = state(); // read even when unsent: it tracks the metrics, training steps included
        if let Some(host) = gate.with_value(|g| g.answer_target().map(str::to_string)) {
            send(&host, message);
        }
    });
    if let Some(to) = gate.with_value(|g| g.ready_target().map(str::to_string)) {
        send(&to, json!({ "stepwise": "ready", "lesson": lesson, "widget": widget }));
    }
}

/// A widget whose whole state, `state`, is what its link holds. The address follows it (only
/// the `owned` keys, where the page also holds other widgets' keys), and a host page's `set`
/// reads the merged link as a link would while `reset` brings back the default state. Then
/// `then` hears the command (to step, or to show the new state in typed fields) and returns
/// notes of its own. Returns the link's query.
pub fn serve_link_state<S, T, M>(widget: &'static str, state: RwSignal<S>, owned: Option<&'static [&'static str]>, then: T, metrics: M) -> Signal<String>
where
    S: LinkState + Default + Send + Sync,
    T: Fn(Command) -> Vec<String> + 'static,
    M: Fn() -> Value + 'static,
{
    let query = Signal::derive(move || state.with(S::to_query));
    follow_keys_in_address(owned, query);
    let handle = move |command: Command| {
        let mut notes = match &command {
            Command::Set(q) => {
                let (fresh, notes) = S::from_query(q);
                state.set(fresh);
                notes
            }
            Command::Reset => {
                state.set(S::default());
                Vec::new()
            }
            Command::Step | Command::Play | Command::Pause => Vec::new(),
        };
        notes.extend(then(command));
        notes
    };
    serve_host(widget, query, handle, metrics);
    query
}
