//! The `/gradient-descent` page: fit a line by gradient descent, one phase of one step at a
//! time, with the formulas showing the live numbers. The stepper's state and actions are
//! `stepper.rs`; its panels `stepper_controls.rs` and `stepper_views.rs`.

use leptos::prelude::*;

use crate::ui::{Lede, PageIntro};
use crate::catalog::title_of;

use super::data_view::OwnData;
use super::one_sample_view::OneSampleExample;
use super::race_view::OptimiserRace;
use super::regression::Point;
use super::descent::Settings;
use super::stepper::StepperState;
use super::stepper_controls::StepperControls;
use super::stepper_views::{LossPanel, ScatterPanel, StepPanel, SurfacePanel};
use crate::ui::host_api::{serve_host, Command};
use crate::ui::share::{follow_keys_in_address, opening_query, LinkNotes, Share};

/// The stepper's keys in the link (the race on the same page has its own).
const STEPPER_KEYS: &[&str] = &["x", "y", "t0", "t1", "a", "m", "b", "s", "n"];

#[component]
pub fn GradientDescentPage() -> impl IntoView {
    view! {
        <article class="lesson gd" data-testid="lesson-gradient-descent">
            <PageIntro title=title_of("gradient-descent", Some("stepper"))/>
            <Stepper/>
            <OneSampleExample/>
            <OptimiserRace/>
        </article>
    }
}

/// Part 1, the stepper: a line fitted one gradient-descent step at a time, each shown phase by phase.
#[component]
pub fn Stepper() -> impl IntoView {
    // A link holds the settings and how many steps were taken; the run is replayed from them.
    let (opened, opened_steps, link_notes) = Settings::from_query(&opening_query());
    let s = StepperState::new(opened, opened_steps);
    let query = Signal::derive(move || {
        let steps = s.run.with(|r| r.steps.len());
        s.settings.with(|set| set.to_query(steps))
    });
    follow_keys_in_address(Some(STEPPER_KEYS), query);

    // An author's page can drive an embedded copy (see ui/host_api.rs). A `set` that
    // keeps the data, start and seed and the step count branches at the current step, as a
    // learner's change would; any other `set` opens the state it describes, like a link.
    serve_host(
        "stepper",
        query,
        move |command| match command {
            Command::Set(q) => {
                let (fresh, steps, notes) = Settings::from_query(&q);
                let old = s.settings.get_untracked();
                if fresh.points == old.points && fresh.start == old.start && fresh.seed == old.seed && steps == s.newest_now() {
                    s.change(&|set: &mut Settings| *set = fresh.clone());
                } else {
                    s.open(fresh, steps);
                }
                notes
            }
            Command::Step => {
                s.next_step();
                Vec::new()
            }
            Command::Play => {
                if !s.playing.get_untracked() {
                    s.play();
                }
                Vec::new()
            }
            Command::Pause => {
                s.playing.set(false);
                Vec::new()
            }
            Command::Reset => {
                s.restart();
                Vec::new()
            }
        },
        move || {
            s.run.with(|r| {
                let theta = r.theta();
                serde_json::json!({
                    "step": r.steps.len(),
                    "loss": r.losses().last().copied().filter(|l| l.is_finite()),
                    "theta": [theta[0], theta[1]],
                    "diverged": r.stopped.is_some(),
                })
            })
        },
    );

    // A teacher drives it from the keyboard: → next phase, N next step, space play/pause, R reset.
    let keys = window_event_listener(leptos::ev::keydown, move |event| {
        if crate::ui::keys::is_typing(&event) {
            return;
        }
        match event.key().as_str() {
            "ArrowRight" => s.next_phase(),
            "n" | "N" => s.next_step(),
            " " => {
                event.prevent_default();
                s.play();
            }
            "r" | "R" => s.restart(),
            _ => return,
        }
    });
    on_cleanup(move || keys.remove());

    let use_own_points = move |points: Vec<Point>| {
        s.edit_range.set(None);
        s.set_points(points);
    };

    view! {
            <Lede>
                "A straight line h(x) = θ₀ + θ₁x should fit the points. Gradient descent starts from a bad line "
                "and improves it step by step: it measures how wrong each prediction is, works out which way "
                "to turn θ₀ and θ₁ to be less wrong, and moves them a little that way. Press "
                <strong>"Next phase"</strong> " to see each part of a step, with its numbers."
            </Lede>
            <LinkNotes notes=link_notes/>
            <Share slug="gradient-descent" query widget="stepper"/>

            // The stage: in presenter mode the controls, the two pictures and the step's formula
            // share one screen (www/lessons/gradient-descent.css); elsewhere they stack.
            <div class="gd-stage">
                <StepperControls s/>
                <div class="gd-views">
                    <ScatterPanel s/>
                    <SurfacePanel s/>
                    <LossPanel s/>
                </div>
                <StepPanel s/>
                <OwnData on_points=use_own_points/>
            </div>
    }
}
