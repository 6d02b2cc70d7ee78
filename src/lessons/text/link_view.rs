//! The text lesson's link, Share panel and host page API, kept out of `page.rs`: the page
//! hands over its signals and actions once (`serve`) and shows `LinkBar`.

use std::sync::Arc;

use leptos::prelude::*;
use serde_json::json;

use super::explain::read;
use super::link::{TextLink, KEYS};
use super::model::Weights;
use super::Settings;
use crate::app::widgets::host_api::{serve_host, Command};
use crate::app::widgets::share::{follow_keys_in_address, opening_query};
use crate::app::widgets::training_link::{Training, TrainingLinkBar};
use crate::data::ImdbSet;

/// What the page lends the link and the host API.
#[derive(Clone, Copy)]
pub struct Hooks {
    pub settings: RwSignal<Settings>,
    pub review: RwSignal<String>,
    pub set: RwSignal<Option<Arc<ImdbSet>>>,
    /// The weights of the last check (what the review box reads with).
    pub weights: RwSignal<Option<Arc<Weights>>>,
    /// Train, pause and reset (no single steps: it trains in slices).
    pub training: Training,
    pub steps: Signal<u32>,
    pub epoch: Signal<usize>,
    /// The latest test loss and accuracy (all test reviews).
    pub loss: Signal<Option<f64>>,
    pub accuracy: Signal<Option<f64>>,
}

/// Said to a host that plays before the data is in.
pub const WAITING: &str = "the reviews are still downloading; wait for metrics.ready.";
/// Said to a host that asks for one step.
pub const NO_STEP: &str = "the text classifier trains in slices, not single steps: use play and pause.";

/// What the page opens with, and a note for each value of its link that was replaced.
pub fn opening() -> (TextLink, Vec<String>) {
    TextLink::from_query(&opening_query())
}

/// Keeps the address on the settings and review, and answers a host page; returns the query.
pub fn serve(h: Hooks) -> Signal<String> {
    let query = Signal::derive(move || TextLink { settings: h.settings.get(), review: h.review.get() }.to_query());
    follow_keys_in_address(Some(KEYS), query);
    serve_host(
        "text-classifier",
        query,
        move |command| match command {
            Command::Set(q) => {
                let (fresh, notes) = TextLink::from_query(&q);
                if fresh.review != h.review.get_untracked() {
                    h.review.set(fresh.review);
                }
                if fresh.settings != h.settings.get_untracked() {
                    h.settings.set(fresh.settings);
                    h.training.reset.run(()); // new settings: training starts again from them
                }
                notes
            }
            other => h.training.answer(other),
        },
        move || {
            // The probability the review box shows, once there is a model to read with.
            let positive = h.set.with(|s| {
                h.weights.with(|w| match (s, w) {
                    (Some(s), Some(w)) => h.review.with(|r| read(w, &s.vocabulary, r).ok().map(|reading| reading.probability)),
                    _ => None,
                })
            });
            json!({
                "ready": h.training.ready.get(),
                "running": h.training.running_or_settling(),
                "step": h.steps.get(),
                "epoch": h.epoch.get() + 1,
                "loss": h.loss.get(),
                "accuracy": h.accuracy.get(),
                "review_positive": positive,
            })
        },
    );
    query
}

/// The link notes and the Share / embed button, with what a link holds.
#[component]
pub fn LinkBar(query: Signal<String>, notes: Vec<String>) -> impl IntoView {
    view! {
        <TrainingLinkBar query notes slug="text" title="A sentiment classifier, explained word by word" widget="text-classifier"
            holds="A link holds the model's settings, its seed and your review, not the trained model: whoever opens it trains from the same start."/>
    }
}
