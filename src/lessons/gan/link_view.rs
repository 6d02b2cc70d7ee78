//! The GAN lesson's link, Share panel and host page API, kept out of `page.rs`: the page hands
//! over its signals and actions once (`serve`) and shows `LinkBar`.

use leptos::prelude::*;
use serde_json::json;

use super::charts::CurvePoint;
use super::link::KEYS;
use super::Settings;
use crate::app::widgets::host_api::{serve_host, Command};
use crate::app::widgets::share::{follow_keys_in_address, opening_query};
use crate::app::widgets::training_link::{Training, TrainingLinkBar};

/// Said to a host that plays or steps before the data is in.
pub const WAITING: &str = "the digits are still downloading; wait for metrics.ready.";

/// What the page lends the link and the host API.
#[derive(Clone, Copy)]
pub struct Hooks {
    pub settings: RwSignal<Settings>,
    /// Train, pause, reset, and a step: the next phase on its own (D on real, D on fake, G),
    /// as the step-through panel does.
    pub training: Training,
    pub iterations: Signal<u32>,
    pub epoch: Signal<usize>,
    /// The latest point of the curves (means over 10 iterations).
    pub latest: Signal<Option<CurvePoint>>,
}

/// The settings the page opens with, and a note for each value of its link that was replaced.
pub fn opening() -> (Settings, Vec<String>) {
    Settings::from_query(&opening_query())
}

/// Keeps the address on the settings and answers a host page; returns the link's query.
pub fn serve(h: Hooks) -> Signal<String> {
    let query = Signal::derive(move || h.settings.with(Settings::to_query));
    follow_keys_in_address(Some(KEYS), query);
    serve_host(
        "gan-trainer",
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
            let p = h.latest.get();
            let finite = |v: f64| if v.is_finite() { Some(v) } else { None };
            json!({
                "ready": h.training.ready.get(),
                "running": h.training.running_or_settling(),
                "step": h.iterations.get(),
                "epoch": h.epoch.get() + 1,
                "d_loss": p.and_then(|p| finite(p.d_loss)),
                "g_loss": p.and_then(|p| finite(p.g_loss)),
                "d_real": p.and_then(|p| finite(p.real)),
                "d_fake": p.and_then(|p| finite(p.fake)),
            })
        },
    );
    query
}

/// The link notes and the Share / embed button, with what a link holds.
#[component]
pub fn LinkBar(query: Signal<String>, notes: Vec<String>) -> impl IntoView {
    view! {
        <TrainingLinkBar query notes slug="gan" title="A GAN learns to draw digits" widget="gan-trainer"
            holds="A link holds the settings and seed, not the trained networks: whoever opens it trains from the same start."/>
    }
}
