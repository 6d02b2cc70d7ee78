//! The plan editor at `/plan`: a title, then steps (a link and a note each) that can be
//! reordered, and the plan's own link to share. "Present" opens step 1 with the corner card of
//! `bar.rs`. The address follows the plan, so a reload or a bookmark keeps it.

use leptos::prelude::*;

use super::bar::present;
use super::{Plan, Stepwise, MAX_STEPS};
use crate::catalog::{LESSONS, WIDGETS};
use crate::ui::address::{base_path, link};
use crate::ui::share::{copy_row, follow_in_fragment, opening_query, LinkNotes};
use crate::ui::{PageIntro, Panel};

fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

fn open(raw: &str) -> Result<String, String> {
    let origin = origin();
    Stepwise { origin: &origin, base: base_path() }.open(raw)
}

fn problem_of(raw: &str) -> Option<String> {
    open(raw).err()
}

/// A link as the plan keeps it: a path inside the site when it opens one (so the plan works
/// wherever the site is served, a teacher's laptop or the school's server), else as typed.
fn kept(raw: String) -> String {
    open(&raw).unwrap_or(raw)
}

/// The plan this page was opened with: in the link's `#fragment`, where plans are written (a
/// web server never sees it, so a long plan is not cut off by the server's limit on addresses),
/// or else in its query.
fn opening_plan() -> String {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let hash = hash.trim_start_matches('#');
    if hash.is_empty() { opening_query() } else { hash.to_string() }
}

fn value_of(event: &leptos::ev::Event) -> String {
    event_target_value(event)
}

#[component]
pub fn PlanPage() -> impl IntoView {
    let reading = Plan::read(&opening_plan());
    let refused = reading.refused;
    let plan = RwSignal::new(reading.plan);
    let query = Signal::derive(move || plan.with(Plan::to_query));
    follow_in_fragment(Plan::KEYS, query);
    let why_not = RwSignal::new(None::<String>);
    let start = move |at: usize| why_not.set(plan.with_untracked(|p| present(p, at)));
    let plan_link = move || {
        let q = query.get();
        format!("{}{}{}{q}", origin(), link("/plan"), if q.is_empty() { "" } else { "#" })
    };
    let pasted = RwSignal::new(String::new());
    let add = move |link: String| {
        let full = plan.try_update(|p| p.push(kept(link), String::new()).is_none()).unwrap_or(false);
        why_not.set(full.then(|| format!("A plan holds at most {MAX_STEPS} steps.")));
    };
    let ids = move || plan.with(|p| p.steps.iter().map(|s| s.id).collect::<Vec<_>>());
    view! {
        <article class="lesson plan-page" data-testid="plan-page">
            <PageIntro kicker="For teachers" title="Lesson plan">
                "String Stepwise links into a lesson: any lesson in any state, or a widget's embed link, each with a "
                "note for the class. Copy a link from a lesson's Share panel and paste it here. When you present "
                "the plan, PageDown and PageUp (what a clicker sends) go to the next and previous step, and → still "
                "steps the lesson on screen. The whole plan is one link, and it works offline like the rest of the site."
            </PageIntro>
            {refused.map(|why| view! {
                <p class="notice" role="alert" data-testid="plan-refused"><strong>"This plan was not opened. "</strong>{why}</p>
            })}
            <LinkNotes notes=reading.notes/>
            <Panel title="Steps" class="plan-editor">
                <label class="field plan-title-field">
                    <span class="field-label">"Title"</span>
                    <input data-testid="plan-title" maxlength=super::MAX_TITLE placeholder="Week 3: how a network learns"
                        prop:value=move || plan.with(|p| p.title.clone())
                        on:input=move |ev| plan.update(|p| p.title = value_of(&ev))/>
                </label>
                <ol class="plan-steps" data-testid="plan-steps">
                    <For each=ids key=|id| *id let:id>
                        <StepRow plan id start/>
                    </For>
                </ol>
                <Show when=move || plan.with(|p| p.steps.is_empty())>
                    <p class="muted" data-testid="plan-empty">"No steps yet. Add a lesson below, or paste a link."</p>
                </Show>
                <div class="plan-add">
                    <label class="field">
                        <span class="field-label">"Paste a link (from a lesson's Share panel)"</span>
                        <span class="share-row">
                            <input data-testid="plan-add-link" placeholder="https://…/gradient-descent?lr=0.1"
                                prop:value=move || pasted.get() on:input=move |ev| pasted.set(value_of(&ev))
                                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" {
                                    add(pasted.get_untracked());
                                    pasted.set(String::new());
                                }/>
                            <button data-testid="plan-add" on:click=move |_| { add(pasted.get_untracked()); pasted.set(String::new()); }>"Add step"</button>
                        </span>
                    </label>
                    <label class="field">
                        <span class="field-label">"Or add a page as it opens"</span>
                        <select data-testid="plan-add-page" on:change=move |ev| {
                            let chosen = value_of(&ev);
                            if !chosen.is_empty() { add(chosen); }
                            if let Some(select) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlSelectElement>(t).ok()) {
                                select.set_value("");
                            }
                        }>
                            <option value="">"Choose a lesson or widget…"</option>
                            <optgroup label="Lessons">
                                {LESSONS.iter().map(|l| view! { <option value=format!("/{}", l.slug)>{l.title}</option> }).collect_view()}
                            </optgroup>
                            <optgroup label="Widgets">
                                {WIDGETS.iter().map(|w| view! { <option value=format!("/embed/{}", w.id)>{w.title}</option> }).collect_view()}
                            </optgroup>
                        </select>
                    </label>
                </div>
            </Panel>
            <Panel title="Share and present">
                {copy_row("Link to this plan", "Link to this plan", "plan-link", plan_link)}
                <div class="button-row">
                    <button class="primary" data-testid="plan-present" on:click=move |_| start(0)
                        disabled=move || plan.with(|p| p.steps.is_empty())>"Present from step 1"</button>
                    <span class="muted">{move || format!("{} of at most {MAX_STEPS} steps", plan.with(|p| p.steps.len()))}</span>
                </div>
                {move || why_not.get().map(|why| view! { <p class="notice" role="alert" data-testid="plan-start-problem">{why}</p> })}
                <p class="muted">
                    "While a plan is presented, a card in the corner shows the step (3 / 8), your note, and Back and "
                    "Next. End closes it. Presenter mode (P) makes the type larger for a projector."
                </p>
            </Panel>
        </article>
    }
}

/// One step of the editor: its number, link (with why it cannot open, if it cannot), note,
/// and the buttons that move, remove or present it.
#[component]
fn StepRow(plan: RwSignal<Plan>, id: u32, start: impl Fn(usize) + Copy + Send + Sync + 'static) -> impl IntoView {
    let read = move |f: fn(&super::Step) -> String| move || plan.with(|p| p.steps.iter().find(|s| s.id == id).map(f).unwrap_or_default());
    let index = move || plan.with(|p| p.index_of(id).unwrap_or(0));
    let problem = move || plan.with(|p| p.steps.iter().find(|s| s.id == id).and_then(|s| problem_of(&s.link)));
    view! {
        <li class="plan-step" data-testid="plan-step">
            <span class="plan-step-number" aria-hidden="true">{move || index() + 1}</span>
            <div class="plan-step-fields">
                <label class="field">
                    <span class="field-label">"Link"</span>
                    <input class="plan-step-link" data-testid="plan-step-link" prop:value=read(|s| s.link.clone())
                        on:input=move |ev| plan.update(|p| if let Some(s) = p.step_mut(id) { s.link = value_of(&ev) })
                        on:change=move |ev| plan.update(|p| if let Some(s) = p.step_mut(id) { s.link = kept(value_of(&ev)) })/>
                </label>
                {move || problem().map(|why| view! { <p class="field-problem plan-problem" data-testid="plan-problem">{why}</p> })}
                <label class="field">
                    <span class="field-label">"Note for the class (shown in the corner)"</span>
                    <textarea rows="2" data-testid="plan-step-note" maxlength=super::MAX_NOTE prop:value=read(|s| s.note.clone())
                        on:input=move |ev| plan.update(|p| if let Some(s) = p.step_mut(id) { s.note = value_of(&ev) })></textarea>
                </label>
            </div>
            <div class="plan-step-buttons">
                <button aria-label="Move up" title="Move up" on:click=move |_| plan.update(|p| p.shift(id, -1))>"↑"</button>
                <button aria-label="Move down" title="Move down" on:click=move |_| plan.update(|p| p.shift(id, 1))>"↓"</button>
                <button aria-label="Remove this step" title="Remove" on:click=move |_| plan.update(|p| p.remove(id))>"✕"</button>
                <button data-testid="plan-present-here" on:click=move |_| start(index())>"Present from here"</button>
            </div>
        </li>
    }
}
