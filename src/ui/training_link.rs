//! What the training lessons (digits, GAN, text) share in their link and host page API, written
//! once for any `LinkState`: the address following the state, the host's set/play/pause/reset/
//! step commands, the common metrics, and the bar with the Share button and what a link holds.
//! Each lesson adds only its own metrics.

use leptos::prelude::*;
use serde_json::{json, Value};

use super::host_api::{serve_host, Command};
use super::share::{follow_keys_in_address, LinkNotes, Share};
use crate::lessons::shared::url_state::LinkState;

/// A training lesson's controls, lent to the host page API.
#[derive(Clone, Copy)]
pub struct Training {
    pub running: RwSignal<bool>,
    /// A paused run's last report (with its newest weights) is still on its way from the
    /// worker: until it lands, the metrics a host reads are not final yet.
    pub busy: Signal<bool>,
    /// The dataset is downloaded and decoded.
    pub ready: Signal<bool>,
    /// Said to a host that plays or steps before the data is ready.
    pub waiting: &'static str,
    /// Start (or resume) training.
    pub train: Callback<()>,
    pub reset: Callback<()>,
    /// One step on its own, or why this lesson has none.
    pub step: Result<Callback<()>, &'static str>,
}

impl Training {
    /// What a host reads as `running`: true until the run has stopped and its last report has
    /// landed, so that metrics read after `running` turns false are the paused run's own.
    pub fn running_or_settling(&self) -> bool {
        self.running.get() || self.busy.get()
    }

    /// The answer to every command but `set` (which is the lesson's own): the notes to report.
    pub fn answer(&self, command: Command) -> Vec<String> {
        let ready = self.ready.get_untracked();
        match command {
            Command::Set(_) => Vec::new(),
            Command::Step => match self.step {
                Err(why) => vec![why.to_string()],
                Ok(_) if !ready => vec![self.waiting.to_string()],
                Ok(step) => {
                    step.run(());
                    Vec::new()
                }
            },
            Command::Play if !ready => vec![self.waiting.to_string()],
            Command::Play => {
                if !self.running.get_untracked() {
                    // A play right after a pause waits for the paused run's last report, as the
                    // Train button does (it is disabled meanwhile), rather than being dropped.
                    let this = *self;
                    wasm_bindgen_futures::spawn_local(async move {
                        while this.busy.get_untracked() {
                            gloo::timers::future::TimeoutFuture::new(50).await;
                        }
                        if !this.running.get_untracked() {
                            this.train.run(());
                        }
                    });
                }
                Vec::new()
            }
            Command::Pause => {
                self.running.set(false);
                Vec::new()
            }
            Command::Reset => {
                self.reset.run(());
                Vec::new()
            }
        }
    }
}

/// A training lesson's state in its link, lent to the address and the host page API.
pub struct TrainingLink<S: Send + Sync + 'static> {
    /// The catalog id the host API answers as.
    pub widget: &'static str,
    pub state: Signal<S>,
    /// Puts a state a host `set` describes into the page.
    pub apply: Callback<S>,
    pub training: Training,
    pub steps: Signal<u32>,
    /// Counted from 0; hosts read it from 1.
    pub epoch: Signal<usize>,
}

/// Keeps the address on the lesson's state and answers a host page; returns the link's query.
/// A host `set` that changes the state applies it, and starts training again when
/// `LinkState::restarts_training` says so (new settings; not a new review); `extra` adds the
/// lesson's own metrics (an object) to the ones every training lesson reports.
pub fn serve_training<S, E>(link: TrainingLink<S>, extra: E) -> Signal<String>
where
    S: LinkState + Send + Sync,
    E: Fn() -> Value + 'static,
{
    let TrainingLink { widget, state, apply, training, steps, epoch } = link;
    let query = Signal::derive(move || state.with(S::to_query));
    follow_keys_in_address(Some(S::KEYS), query);
    serve_host(
        widget,
        query,
        move |command| match command {
            Command::Set(q) => {
                let (fresh, notes) = S::from_query(&q);
                let current = state.get_untracked();
                if fresh != current {
                    let restart = current.restarts_training(&fresh);
                    apply.run(fresh);
                    if restart {
                        training.reset.run(());
                    }
                }
                notes
            }
            other => training.answer(other),
        },
        move || {
            let mut metrics = json!({
                "ready": training.ready.get(),
                "running": training.running_or_settling(),
                "step": steps.get(),
                "epoch": epoch.get() + 1,
            });
            if let (Value::Object(all), Value::Object(own)) = (&mut metrics, extra()) {
                all.extend(own);
            }
            metrics
        },
    );
    query
}

/// The link notes, the Share / embed button (for `widget`'s lesson, titled from the catalog),
/// and a line on what a link holds (settings, not trained weights).
#[component]
pub fn TrainingLinkBar(query: Signal<String>, notes: Vec<String>, widget: &'static str, holds: &'static str) -> impl IntoView {
    let slug = crate::catalog::widget(widget).map_or("", |w| w.lesson);
    view! {
        <LinkNotes notes/>
        <div class="link-bar">
            <Share slug query widget/>
            <p class="muted link-bar-note">{holds}</p>
        </div>
    }
}
