//! What the training lessons (digits, GAN, text) share in their link and host page API: the
//! host's play/pause/reset/step commands, and the bar with the Share button and what a link
//! holds. Each lesson keeps its own `set` (its link's keys) and metrics.

use leptos::prelude::*;

use super::host_api::Command;
use super::share::{LinkNotes, Share};

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

/// The link notes, the Share / embed button, and a line on what a link holds (settings, not
/// trained weights).
#[component]
pub fn TrainingLinkBar(
    query: Signal<String>,
    notes: Vec<String>,
    slug: &'static str,
    title: &'static str,
    widget: &'static str,
    holds: &'static str,
) -> impl IntoView {
    view! {
        <LinkNotes notes/>
        <div class="link-bar">
            <Share slug title query widget/>
            <p class="muted link-bar-note">{holds}</p>
        </div>
    }
}
