//! Part 2 of the page: five optimisers race from one point of a landscape. Click the map to
//! move the start; edit each racer's numbers; play, step, or drag the step slider to read
//! every racer's position, gradient and internal state at any step. The race's state is
//! `race_state.rs`, its panels `race_panels.rs`.

use leptos::prelude::*;
use crate::ui::More;

use super::race::RaceSettings;
use super::race_link::RACE_KEYS;
use super::race_panels::{RaceBoard, RaceControls, RacerSettings};
use super::race_state::RaceState;
use crate::ui::host_api::{serve_host, Command};
use crate::ui::share::{follow_keys_in_address, opening_query, LinkNotes, Share};
use crate::ui::Panel;

/// Resolves at the browser's next animation frame, so play draws once per frame and no more.
pub async fn animation_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.request_animation_frame(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[component]
pub fn OptimiserRace() -> impl IntoView {
    let (opened, opened_steps, link_notes) = RaceSettings::from_query(&opening_query());
    let st = RaceState::new(opened, opened_steps);
    on_cleanup(move || st.playing.set(false));

    // The link holds the settings and the newest step (not the step looked back at).
    let query = Signal::derive(move || {
        let steps = st.race.with(|r| r.steps());
        st.settings.with(|s| s.to_query(steps))
    });
    follow_keys_in_address(Some(RACE_KEYS), query);
    serve_host(
        "optimiser-race",
        query,
        move |command| {
            match command {
                Command::Set(q) => {
                    let (fresh, steps, notes) = RaceSettings::from_query(&q);
                    st.open(fresh, steps);
                    return notes;
                }
                Command::Step => {
                    st.step_once();
                }
                Command::Play => {
                    if !st.playing.get_untracked() {
                        st.play();
                    }
                }
                Command::Pause => st.playing.set(false),
                Command::Reset => st.restart(),
            }
            Vec::new()
        },
        move || {
            st.race.with(|r| {
                let racers: Vec<serde_json::Value> = r
                    .racers
                    .iter()
                    .map(|racer| {
                        let v = racer.last();
                        serde_json::json!({
                            "name": racer.name(),
                            "step": v.step,
                            "position": v.position,
                            "value": if v.value.is_finite() { Some(v.value) } else { None },
                            "stopped": racer.stopped.is_some(),
                        })
                    })
                    .collect();
                serde_json::json!({ "step": r.steps(), "racers": racers })
            })
        },
    );

    view! {
        <Panel title="Part 2: optimisers race on a landscape" class="gd-race" testid="gd-race">
            <More label="How the race works">
                <p>
                    "Plain gradient descent is only one way to use the gradient. Here five optimisers start from the same "
                    "point (the cross) of a two-number landscape f(x, y) and go downhill, each by its own rule. "
                    "Momentum and Nesterov keep a velocity, so they roll through flat stretches and can overshoot; "
                    "RMSProp and Adam divide each step by a running size of the gradient, so steep and flat directions move alike. "
                    <strong>"Click the map"</strong> " (or focus it and press the arrow keys) to start somewhere else. The stronger the shade, the lower the ground; rings mark the lowest points. "
                    "Each landscape comes with learning rates that suit it; change them below and see what breaks."
                </p>
            </More>
            <LinkNotes notes=link_notes/>
            <Share slug="gradient-descent" query widget="optimiser-race"/>
            <RaceControls st/>
            <RaceBoard st/>
            <RacerSettings st/>
            <More label="How the racers move">
                <p class="muted">
                    "Each racer is the training engine's own optimiser moving a tensor of two numbers, in 32-bit floats, "
                    "exactly as it moves a network's weights; the gradient it is given is the landscape's exact gradient at that point. "
                    "A racer whose numbers blow up stops by itself and says so; the others race on."
                </p>
            </More>
        </Panel>
    }
}
