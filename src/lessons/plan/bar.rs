//! A plan being presented: a small card in the corner of every page with the step ("3 / 8"),
//! the teacher's note, and Back / Next. PageDown and PageUp (what a presentation clicker sends)
//! go to the next and previous step; → and the lessons' other keys still step the lesson.
//!
//! Each step is opened as a fresh page load of its link, so it opens exactly as a learner
//! opening that link would see it (its state, an embed's own layout). What is being presented
//! lives in this tab's `sessionStorage`, so it survives those loads and a reload, and ends with
//! the tab. A step whose link cannot open keeps the page that is on screen and shows why.

use leptos::prelude::*;

use super::{Plan, Stepwise};
use crate::ui::keys::is_typing;
use crate::ui::address::{base_path, link};

const STORAGE_KEY: &str = "stepwise-plan";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// Opens `raw`'s page here, or says why it cannot be a step.
fn open(raw: &str) -> Result<String, String> {
    let origin = origin();
    Stepwise { origin: &origin, base: base_path() }.open(raw)
}

#[derive(Clone, PartialEq)]
struct Presenting {
    plan: Plan,
    at: usize,
    /// Why step `at` did not open, when it did not.
    problem: Option<String>,
}

/// What this tab is presenting: `<step>\n<plan query>`.
fn remembered() -> Option<Presenting> {
    let text = storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    let (at, query) = text.split_once('\n')?;
    let reading = Plan::read(query);
    if reading.plan.steps.is_empty() {
        return None;
    }
    let at = at.parse::<usize>().ok()?.min(reading.plan.steps.len() - 1);
    let problem = open(&reading.plan.steps[at].link).err();
    Some(Presenting { plan: reading.plan, at, problem })
}

fn remember(plan: &Plan, at: usize) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(STORAGE_KEY, &format!("{at}\n{}", plan.to_query()));
    }
}

/// Starts presenting `plan` at step `at` (from 0): opens that step's page, or, if its link
/// cannot open, stays here and shows why in the corner card.
pub fn present(plan: &Plan, at: usize) -> Option<String> {
    if plan.steps.is_empty() {
        return Some("The plan has no steps yet.".to_string());
    }
    let at = at.min(plan.steps.len() - 1);
    remember(plan, at);
    match open(&plan.steps[at].link) {
        Ok(path) => {
            if let Some(window) = web_sys::window() {
                let _ = window.location().assign(&link(&in_presenter_mode_if_now(path)));
            }
            None
        }
        Err(why) => {
            // This page stays: the corner card (which reads what is presented when the page
            // loads) is told to read it again, so it shows why and PageDown goes on from here.
            if let Some(window) = web_sys::window() {
                if let Ok(event) = web_sys::Event::new(REREAD) {
                    let _ = window.dispatch_event(&event);
                }
            }
            Some(why)
        }
    }
}

/// The event that tells the corner card to read what this tab presents again.
const REREAD: &str = "stepwise-plan";

/// `path` with `present=1` when this page is in presenter mode: a plan presented on a projector
/// stays in presenter mode from step to step, whatever this browser remembered.
fn in_presenter_mode_if_now(path: String) -> String {
    let on = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .is_some_and(|root| root.get_attribute("data-presenter").as_deref() == Some("on"));
    let has_it = path.split_once('?').is_some_and(|(_, q)| q.split('&').any(|pair| pair.starts_with("present=")));
    match (on, has_it, path.contains('?')) {
        (false, _, _) | (true, true, _) => path,
        (true, false, true) => format!("{path}&present=1"),
        (true, false, false) => format!("{path}?present=1"),
    }
}

fn stop() {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(STORAGE_KEY);
    }
}

/// The corner card, on every page of the site while a plan is presented in this tab.
#[component]
pub fn PlanBar() -> impl IntoView {
    let presenting = RwSignal::new(remembered());
    let go = move |by: isize| {
        let Some(now) = presenting.get_untracked() else { return };
        let last = now.plan.steps.len() as isize - 1;
        let at = (now.at as isize + by).clamp(0, last) as usize;
        if at == now.at && now.problem.is_none() {
            return;
        }
        let problem = present(&now.plan, at);
        presenting.set(Some(Presenting { at, problem, ..now }));
    };
    let keys = window_event_listener(leptos::ev::keydown, move |event| {
        if presenting.with_untracked(Option::is_none) || is_typing(&event) {
            return;
        }
        let by = match event.key().as_str() {
            "PageDown" => 1,
            "PageUp" => -1,
            _ => return,
        };
        event.prevent_default();
        go(by);
    });
    let reread = window_event_listener_untyped(REREAD, move |_| presenting.set(remembered()));
    on_cleanup(move || {
        keys.remove();
        reread.remove();
    });
    let end = move |_| {
        stop();
        presenting.set(None);
    };
    // The card folds to its step count, so it never hides what the class is looking at.
    let folded = RwSignal::new(false);
    let field = move |f: fn(&Presenting) -> String| move || presenting.with(|p| p.as_ref().map(f).unwrap_or_default());
    let edit = move || presenting.with(|p| p.as_ref().map(|p| link(&format!("/plan#{}", p.plan.to_query()))).unwrap_or_default());
    view! {
        <Show when=move || presenting.with(Option::is_some)>
            <aside class="plan-bar" class:folded=move || folded.get() data-testid="plan-bar" aria-label="Lesson plan">
                <p class="plan-bar-head">
                    <strong class="plan-count" data-testid="plan-count">
                        {field(|p| format!("{} / {}", p.at + 1, p.plan.steps.len()))}
                    </strong>
                    <span class="plan-bar-title">{field(|p| p.plan.title.clone())}</span>
                    <button class="plan-fold" data-testid="plan-fold" aria-expanded=move || (!folded.get()).to_string()
                        aria-label=move || if folded.get() { "Show the plan's card" } else { "Fold the plan's card" }
                        on:click=move |_| folded.update(|f| *f = !*f)>{move || if folded.get() { "▴" } else { "▾" }}</button>
                </p>
                <p class="plan-note" data-testid="plan-note">{field(|p| p.plan.steps[p.at].note.clone())}</p>
                {move || presenting.with(|p| p.as_ref().and_then(|p| p.problem.clone())).map(|why| view! {
                    <p class="plan-problem" role="alert" data-testid="plan-step-problem">
                        <strong>"This step cannot open. "</strong>{why}
                    </p>
                })}
                <div class="plan-bar-buttons">
                    <button on:click=move |_| go(-1) data-testid="plan-back" title="Previous step (PageUp)">"◀ Back"</button>
                    <button class="primary" on:click=move |_| go(1) data-testid="plan-next" title="Next step (PageDown)">"Next ▶"</button>
                    <a href=edit data-testid="plan-edit">"Edit"</a>
                    <button on:click=end data-testid="plan-end" title="Stop presenting this plan">"End"</button>
                </div>
            </aside>
        </Show>
    }
}
