//! The digits lesson's link, Share panel and host page API, kept out of `page.rs`: the page
//! hands over its signals and actions once (`serve`) and shows `LinkBar`.

use leptos::prelude::*;
use serde_json::json;

use super::link::KEYS;
use super::Settings;
use crate::app::embeds::is_embedded;
use crate::app::widgets::host_api::{serve_host, Command};
use crate::app::widgets::share::{follow_keys_in_address, opening_query};
use crate::app::widgets::training_link::{Training, TrainingLinkBar};

/// What the page lends the link and the host API.
#[derive(Clone, Copy)]
pub struct Hooks {
    pub settings: RwSignal<Settings>,
    /// Train, pause, reset and one step through (the step-through panel's).
    pub training: Training,
    pub steps: Signal<u32>,
    pub epoch: Signal<usize>,
    /// The latest training loss shown (mean of the last 20 steps).
    pub loss: Signal<Option<f64>>,
    /// The latest test accuracy shown, as a fraction.
    pub accuracy: Signal<Option<f64>>,
}

/// Said to a host that plays or steps before the data is in.
pub const WAITING: &str = "the digits are still downloading; wait for metrics.ready.";

/// The settings the page opens with, and a note for each value of its link that was replaced.
pub fn opening() -> (Settings, Vec<String>) {
    Settings::from_query(&opening_query())
}

/// Keeps the address on the settings and answers a host page; returns the link's query.
pub fn serve(h: Hooks) -> Signal<String> {
    let query = Signal::derive(move || h.settings.with(Settings::to_query));
    follow_keys_in_address(Some(KEYS), query);
    let widget = if is_embedded("draw-digit") { "draw-digit" } else { "mnist-trainer" };
    serve_host(
        widget,
        query,
        move |command| match command {
            Command::Set(q) => {
                let (fresh, notes) = Settings::from_query(&q);
                if fresh != h.settings.get_untracked() {
                    h.settings.set(fresh);
                    h.training.reset.run(()); // new settings: training starts again from them
                }
                notes
            }
            other => h.training.answer(other),
        },
        move || {
            json!({
                "ready": h.training.ready.get(),
                "running": h.training.running_or_settling(),
                "step": h.steps.get(),
                "epoch": h.epoch.get() + 1,
                "loss": h.loss.get(),
                "accuracy": h.accuracy.get(),
            })
        },
    );
    query
}

/// The link notes and the Share / embed button, with what a link holds.
#[component]
pub fn LinkBar(query: Signal<String>, notes: Vec<String>) -> impl IntoView {
    view! {
        <TrainingLinkBar query notes slug="mnist" title="Train a digit classifier (MNIST)" widget="mnist-trainer"
            holds="A link holds the network's settings and seed, not its trained weights: whoever opens it trains from the same start."/>
    }
}
