//! The GAN lesson's link, Share panel and host page API, kept out of `page.rs`: the page hands
//! over its signals and actions once (`serve`) and shows `LinkBar`.

use leptos::prelude::*;
use serde_json::json;

use super::charts::CurvePoint;
use super::link::KEYS;
use super::Settings;
use crate::app::widgets::host_api::{serve_host, Command};
use crate::app::widgets::share::{follow_keys_in_address, opening_query, LinkNotes, Share};

/// What the page lends the link and the host API.
#[derive(Clone, Copy)]
pub struct Hooks {
    pub settings: RwSignal<Settings>,
    pub running: RwSignal<bool>,
    /// The digits are downloaded and decoded.
    pub ready: Signal<bool>,
    pub iterations: Signal<u32>,
    pub epoch: Signal<usize>,
    /// The latest point of the curves (means over 10 iterations).
    pub latest: Signal<Option<CurvePoint>>,
    pub reset: Callback<()>,
    /// Start (or resume) training.
    pub train: Callback<()>,
    /// The next phase on its own (D on real, D on fake, G), as the step-through panel does.
    pub step: Callback<()>,
}

/// The settings the page opens with, and a note for each value of its link that was replaced.
pub fn opening() -> (Settings, Vec<String>) {
    Settings::from_query(&opening_query())
}

/// Keeps the address on the settings and answers a host page; returns the link's query.
pub fn serve(h: Hooks) -> Signal<String> {
    let query = Signal::derive(move || h.settings.with(Settings::to_query));
    follow_keys_in_address(Some(KEYS), query);
    let waiting = || vec!["the digits are still downloading; wait for metrics.ready.".to_string()];
    serve_host(
        "gan-trainer",
        query,
        move |command| match command {
            Command::Set(q) => {
                let (fresh, notes) = Settings::from_query(&q);
                if fresh != h.settings.get_untracked() {
                    h.settings.set(fresh);
                    h.reset.run(()); // new settings: training starts again from them
                }
                notes
            }
            Command::Step | Command::Play if !h.ready.get_untracked() => waiting(),
            Command::Step => {
                h.step.run(());
                Vec::new()
            }
            Command::Play => {
                if !h.running.get_untracked() {
                    h.train.run(());
                }
                Vec::new()
            }
            Command::Pause => {
                h.running.set(false);
                Vec::new()
            }
            Command::Reset => {
                h.reset.run(());
                Vec::new()
            }
        },
        move || {
            let p = h.latest.get();
            let finite = |v: f64| if v.is_finite() { Some(v) } else { None };
            json!({
                "ready": h.ready.get(),
                "running": h.running.get(),
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
        <LinkNotes notes/>
        <div class="link-bar">
            <Share slug="gan" title="A GAN learns to draw digits" query widget="gan-trainer"/>
            <p class="muted link-bar-note">
                "A link holds the settings and seed, not the trained networks: whoever opens it trains from the same start."
            </p>
        </div>
    }
}
