//! The `/functions` page: an activation explorer, a loss explorer and the worked-example
//! checker, sharing one state struct (also the link's state, `link.rs`). Each of the three is
//! also embeddable alone (`catalog::WIDGETS`): the same component, with the same state handling.

mod charts;
mod checker_view;
mod explorer;
mod loss_view;

use leptos::prelude::*;
use serde_json::{json, Value};

use super::checker::{parse, steps};
use super::link::KEYS;
use super::FunctionsState;
use crate::ui::PageIntro;
use crate::ui::host_api::{serve_link_state, Command};
use crate::ui::share::{opening_state, LinkNotes, Share};

/// The lesson's state, read from the link and followed in the address, and how many checker
/// steps are shown; `widget` (an id of `catalog::WIDGETS`) answers a host page.
#[derive(Clone, Copy)]
pub struct Lesson {
    pub state: RwSignal<FunctionsState>,
    pub shown: RwSignal<usize>,
    pub query: Signal<String>,
}

fn checker_total(state: &FunctionsState) -> usize {
    parse(&state.checker).map(|n| steps(&n).len()).unwrap_or(0)
}

/// What a host page hears: every number the three widgets show.
fn metrics(state: &FunctionsState, shown: usize) -> Value {
    let a = state.activation;
    let y = state.loss.valid_target(state.target);
    let (lo, hi) = state.loss.prediction_range(y);
    let p = state.prediction.clamp(lo, hi);
    let finite = |v: f64| if v.is_finite() { Some(v) } else { None };
    let checker = match parse(&state.checker) {
        Ok(network) => {
            let pass = network.run();
            let last = pass.layers.last();
            json!({
                "valid": true,
                "steps": steps(&network).len(),
                "shown": shown,
                "loss": finite(pass.loss),
                "output": last.map(|l| l.a.clone()),
                "new_weights": pass.layers.iter().map(|l| l.new_w.clone()).collect::<Vec<_>>(),
                "new_biases": pass.layers.iter().map(|l| l.new_b.clone()).collect::<Vec<_>>(),
            })
        }
        Err(problems) => json!({ "valid": false, "problems": problems.iter().map(|(_, p)| p.clone()).collect::<Vec<_>>() }),
    };
    json!({
        "activation": { "name": a.slug(), "x": state.x, "value": finite(a.value(state.x)), "derivative": finite(a.derivative(state.x)) },
        "loss": { "name": state.loss.slug(), "target": y, "prediction": p, "value": finite(state.loss.value(y, p)), "gradient": finite(state.loss.gradient(y, p)) },
        "checker": checker,
    })
}

fn use_lesson(widget: &'static str) -> (Lesson, Vec<String>) {
    let (opened, notes) = opening_state::<FunctionsState>();
    let state = RwSignal::new(opened);
    let shown = RwSignal::new(1usize);
    let query = serve_link_state(
        widget,
        state,
        Some(KEYS),
        move |command| match command {
            Command::Set(_) => Vec::new(),
            // Only the checker has steps: the next one is revealed.
            Command::Step => {
                let total = state.with_untracked(checker_total);
                shown.update(|n| *n = (*n + 1).min(total.max(1)));
                Vec::new()
            }
            Command::Play | Command::Pause => vec!["this widget has nothing to play; use step or set.".into()],
            Command::Reset => {
                shown.set(1);
                Vec::new()
            }
        },
        move || {
            let n = shown.get();
            state.with(|s| metrics(s, n))
        },
    );
    (Lesson { state, shown, query }, notes)
}

#[component]
pub fn FunctionsPage() -> impl IntoView {
    let (lesson, notes) = use_lesson("activations");
    view! {
        <article class="lesson functions" data-testid="lesson-functions">
            <PageIntro title="Activation and loss functions">
                "A neuron computes a weighted sum z and passes it through an activation function; the network's output is scored by a loss. "
                "Training needs the derivative of each, chained together. Explore them here, then check a worked example step by step."
            </PageIntro>
            <LinkNotes notes/>
            <explorer::ActivationExplorer lesson/>
            <loss_view::LossExplorer lesson/>
            <checker_view::Checker lesson/>
        </article>
    }
}

#[component]
pub fn ActivationWidget() -> impl IntoView {
    let (lesson, notes) = use_lesson("activations");
    view! { <LinkNotes notes/> <explorer::ActivationExplorer lesson/> }
}

#[component]
pub fn LossWidget() -> impl IntoView {
    let (lesson, notes) = use_lesson("losses");
    view! { <LinkNotes notes/> <loss_view::LossExplorer lesson/> }
}

#[component]
pub fn CheckerWidget() -> impl IntoView {
    let (lesson, notes) = use_lesson("checker");
    view! { <LinkNotes notes/> <checker_view::Checker lesson/> }
}

/// The Share button of one of the three widgets.
fn share(lesson: Lesson, widget: &'static str) -> impl IntoView {
    view! { <Share slug="functions" query=lesson.query widget/> }
}
