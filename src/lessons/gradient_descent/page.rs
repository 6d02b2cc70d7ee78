//! The `/gradient-descent` page: fit a line by gradient descent, one phase of one step at a
//! time, with the formulas showing the live numbers.

use leptos::prelude::*;

use crate::catalog::title_of;

use wasm_bindgen::JsCast;

use super::charts::{draw_loss_curve, draw_scatter, draw_surface_map, draw_surface_path, surface_view};
use super::csv::MAX_POINTS;
use super::data_view::OwnData;
use crate::lessons::shared::frame::Frame;
use super::one_sample_view::OneSampleExample;
use super::race_view::{animation_frame, OptimiserRace};
use super::regression::{least_squares, Point};
use super::run::{distance, Mode, Preset, Run, Settings, Stopped, LEARNING_RATE_RANGE, PRESETS};
use super::step_view::step_view;
use crate::ui::host_api::{serve_host, Command};
use crate::ui::share::{follow_keys_in_address, opening_query, LinkNotes, Share};
use crate::ui::Chart;
use crate::lessons::shared::numbers::fixed;

const PHASES: [&str; 5] = ["Predictions", "Residuals", "Loss", "Gradient", "Update"];

/// The canvas under a pointer event and the event's position in that canvas's own pixels.
fn canvas_point(ev: &web_sys::MouseEvent) -> Option<(web_sys::HtmlCanvasElement, f64, f64)> {
    let canvas = ev.target()?.dyn_into::<web_sys::HtmlCanvasElement>().ok()?;
    let scale = canvas.width() as f64 / canvas.client_width().max(1) as f64;
    Some((canvas, ev.offset_x() as f64 * scale, ev.offset_y() as f64 * scale))
}

/// The learning-rate slider is logarithmic: position p gives α = 10^p.
fn rate_from_slider(p: f64) -> f64 {
    10f64.powf(p).clamp(LEARNING_RATE_RANGE.0, LEARNING_RATE_RANGE.1)
}

/// The stepper's keys in the link (the race on the same page has its own).
const STEPPER_KEYS: &[&str] = &["x", "y", "t0", "t1", "a", "m", "b", "s", "n"];

/// The lesson page: the stepper (part 1), one sample with two weights, and the optimiser race
/// (part 2). The stepper and the race are also embeddable alone (`catalog::WIDGETS`).
#[component]
pub fn GradientDescentPage() -> impl IntoView {
    view! {
        <article class="lesson gd" data-testid="lesson-gradient-descent">
            <p class="kicker">"Lesson"</p>
            <h1>{title_of("gradient-descent", Some("stepper"))}</h1>
            <Stepper/>
            <OneSampleExample/>
            <OptimiserRace/>
        </article>
    }
}

/// Part 1: fit a line by gradient descent, one phase of one step at a time.
#[component]
pub fn Stepper() -> impl IntoView {
    // A link holds the settings and how many steps were taken; the run is replayed from them.
    let (opened, opened_steps, link_notes) = Settings::from_query(&opening_query());
    let settings = RwSignal::new(opened.clone());
    let run = RwSignal::new(Run::replayed(opened, opened_steps));
    let query = Signal::derive(move || {
        let steps = run.with(|r| r.steps.len());
        settings.with(|s| s.to_query(steps))
    });
    follow_keys_in_address(Some(STEPPER_KEYS), query);
    // How much of the viewed step is shown: 0 = none yet, 1..=5 = up to that phase.
    let phase = RwSignal::new(0usize);
    let playing = RwSignal::new(false);
    let speed_ms = RwSignal::new(400u32);
    // Time travel: the step being looked at (`None` follows the newest), and the path of the
    // run this one branched from, drawn faint.
    let looking_at = RwSignal::new(None::<usize>);
    let ghost = RwSignal::new(Vec::<[f64; 2]>::new());
    // Where the scatter plot was last drawn (for pointer events), and the point being dragged.
    let scatter_frame = StoredValue::new(None::<Frame>);
    let dragging = RwSignal::new(None::<usize>);
    // Once the learner edits points, the axes stay still (a point must stay under the
    // pointer); a preset or pasted data lets them fit the data again.
    let edit_range = RwSignal::new(None::<Frame>);
    let edit_message = RwSignal::new(None::<String>);

    let newest = move || run.with(|r| r.steps.len());
    let newest_now = move || run.with_untracked(|r| r.steps.len());
    let viewed = move || looking_at.get().unwrap_or_else(newest);

    let restart = move || {
        playing.set(false);
        run.set(Run::new(settings.get_untracked()));
        phase.set(0);
        looking_at.set(None);
        ghost.set(Vec::new());
    };
    // A step forward: replays the kept run when looking back, else takes a new step.
    let take_step = move || {
        if let Some(k) = looking_at.get_untracked() {
            let next = k + 1;
            looking_at.set(if next >= newest_now() { None } else { Some(next) });
            return true;
        }
        let mut taken = false;
        let mut stopped = false;
        run.update(|r| {
            taken = r.step().is_some();
            stopped = r.stopped.is_some();
        });
        // The step that diverges is still shown, but play ends with it, not one tick later.
        if !taken || stopped {
            playing.set(false);
        }
        taken
    };
    let next_phase = move || {
        if phase.get_untracked() == 0 || phase.get_untracked() >= PHASES.len() {
            if take_step() {
                phase.set(1);
            }
        } else {
            phase.update(|p| *p += 1);
        }
    };
    let next_step = move || {
        if phase.get_untracked() > 0 && phase.get_untracked() < PHASES.len() {
            phase.set(PHASES.len());
        } else if take_step() {
            phase.set(PHASES.len());
        }
    };
    let play = move || {
        if playing.get_untracked() {
            playing.set(false);
            return;
        }
        playing.set(true);
        wasm_bindgen_futures::spawn_local(async move {
            while playing.get_untracked() {
                if take_step() {
                    phase.set(PHASES.len());
                }
                // The fastest speed is one step a frame: drawn as often as the screen shows it, no more.
                match speed_ms.get_untracked() {
                    0..=16 => animation_frame().await,
                    ms => gloo::timers::future::TimeoutFuture::new(ms).await,
                }
            }
        });
    };
    // A setting changed: the run branches at the step being looked at. The steps after it
    // are not lost from view: their path stays on the loss surface, faint.
    let change = move |edit: &dyn Fn(&mut Settings)| {
        playing.set(false);
        settings.update(|s| edit(s));
        let at = looking_at.get_untracked().unwrap_or_else(newest_now);
        let fresh = settings.get_untracked();
        run.update(|r| {
            if at < r.steps.len() {
                ghost.set(r.thetas.clone());
            }
            *r = r.branch(at, fresh);
        });
        looking_at.set(None);
        phase.set(if at > 0 { PHASES.len() } else { 0 });
    };
    // New data: the old steps mean nothing for them, so the run starts again.
    let set_points = move |points: Vec<Point>| {
        settings.update(|s| {
            s.points = points;
            s.batch_size = s.batch_size.clamp(1, s.points.len().max(1));
        });
        restart();
    };

    // An author's page can drive an embedded copy (see ui/host_api.rs). A `set` that
    // keeps the data, start and seed and the step count branches at the current step, as a
    // learner's change would; any other `set` opens the state it describes, like a link.
    serve_host(
        "stepper",
        query,
        move |command| match command {
            Command::Set(q) => {
                let (fresh, steps, notes) = Settings::from_query(&q);
                let old = settings.get_untracked();
                if fresh.points == old.points && fresh.start == old.start && fresh.seed == old.seed && steps == newest_now() {
                    change(&|s: &mut Settings| *s = fresh.clone());
                } else {
                    playing.set(false);
                    settings.set(fresh.clone());
                    run.set(Run::replayed(fresh.clone(), steps));
                    phase.set(if steps > 0 { PHASES.len() } else { 0 });
                    looking_at.set(None);
                    ghost.set(Vec::new());
                }
                notes
            }
            Command::Step => {
                next_step();
                Vec::new()
            }
            Command::Play => {
                if !playing.get_untracked() {
                    play();
                }
                Vec::new()
            }
            Command::Pause => {
                playing.set(false);
                Vec::new()
            }
            Command::Reset => {
                restart();
                Vec::new()
            }
        },
        move || {
            run.with(|r| {
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
        let typing = event
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .map(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
            .unwrap_or(false);
        if typing || event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        match event.key().as_str() {
            "ArrowRight" => next_phase(),
            "n" | "N" => next_step(),
            " " => {
                event.prevent_default();
                play();
            }
            "r" | "R" => restart(),
            _ => return,
        }
    });
    on_cleanup(move || keys.remove());

    let use_own_points = move |points: Vec<Point>| {
        edit_range.set(None);
        set_points(points);
    };

    // The step on show (the one that led to the viewed θ), and θ as the phases reveal it.
    let last_step = move || {
        let k = viewed();
        run.with(|r| k.checked_sub(1).and_then(|i| r.steps.get(i).cloned()))
    };
    let mid_step = move || phase.get() > 0 && phase.get() < PHASES.len();
    let shown_theta = move || {
        let k = viewed();
        run.with(|r| match k.checked_sub(1).and_then(|i| r.steps.get(i)) {
            Some(s) if mid_step() => s.theta,
            _ => r.thetas[k.min(r.thetas.len() - 1)],
        })
    };
    let best = Memo::new(move |_| settings.with(|s| least_squares(&s.points)));
    // θ so far (without the step being revealed), and the view of the loss surface around it:
    // a memo, so the heat map behind is redrawn only when the view really changes.
    let shown_path = Memo::new(move |_| {
        let k = viewed();
        let shown = if mid_step() { k } else { k + 1 };
        run.with(|r| r.thetas[..shown.min(r.thetas.len())].to_vec())
    });
    let surface = Memo::new(move |_| shown_path.with(|path| surface_view(path, best.get())));
    let batch_size_max = move || settings.with(|s| s.points.len().max(1));
    let is_current = move |i: usize| phase.get() == i + 1;
    let is_done = move |i: usize| phase.get() > i + 1;

    // Editing the scatter: press on empty space to add a point (and keep dragging it), press
    // on a point to drag it, double-click or right-click a point to delete it.
    let reach = move || 12.0 * web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0);
    let pointer_down = move |ev: web_sys::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        let Some((canvas, px, py)) = canvas_point(&ev) else { return };
        let Some(frame) = scatter_frame.get_value() else { return };
        let Some(at) = frame.to_data(px, py) else { return };
        edit_range.set(Some(frame));
        let hit = settings.with_untracked(|s| frame.nearest(&s.points, px, py, reach()));
        let index = match hit {
            Some(i) => i,
            None => {
                let count = settings.with_untracked(|s| s.points.len());
                if count >= MAX_POINTS {
                    edit_message.set(Some(format!("{MAX_POINTS} points is the most this page keeps.")));
                    return;
                }
                let mut points = settings.get_untracked().points;
                points.push((at[0], at[1]));
                set_points(points);
                count
            }
        };
        edit_message.set(None);
        let _ = canvas.set_pointer_capture(ev.pointer_id());
        dragging.set(Some(index));
    };
    let pointer_move = move |ev: web_sys::PointerEvent| {
        let Some(index) = dragging.get_untracked() else { return };
        let Some(frame) = scatter_frame.get_value() else { return };
        let Some((_, px, py)) = canvas_point(&ev) else { return };
        let Some(at) = frame.to_data(px, py) else { return };
        let mut points = settings.get_untracked().points;
        if let Some(p) = points.get_mut(index) {
            *p = (at[0], at[1]);
            set_points(points);
        }
    };
    let pointer_up = move |_| dragging.set(None);
    let delete_at = move |ev: &web_sys::MouseEvent| {
        let Some((_, px, py)) = canvas_point(ev) else { return };
        let Some(frame) = scatter_frame.get_value() else { return };
        let Some(index) = settings.with_untracked(|s| frame.nearest(&s.points, px, py, reach())) else { return };
        ev.prevent_default();
        edit_range.set(Some(frame));
        dragging.set(None);
        let mut points = settings.get_untracked().points;
        if points.len() <= 1 {
            edit_message.set(Some("The last point stays: a line needs something to fit.".into()));
            return;
        }
        points.remove(index);
        set_points(points);
    };

    view! {
            <p class="lede">
                "A straight line h(x) = θ₀ + θ₁x should fit the points. Gradient descent starts from a bad line "
                "and improves it step by step: it measures how wrong each prediction is, works out which way "
                "to turn θ₀ and θ₁ to be less wrong, and moves them a little that way. Press "
                <strong>"Next phase"</strong> " to see each part of a step, with its numbers."
            </p>
            <LinkNotes notes=link_notes/>
            <Share slug="gradient-descent" query widget="stepper"/>

            <section class="panel gd-controls">
                <div class="settings-form">
                    <label class="field">
                        <span class="field-label">"data"</span>
                        <select data-testid="gd-preset" on:change=move |ev| {
                            let chosen = event_target_value(&ev);
                            if let Some((preset, _)) = PRESETS.iter().find(|(p, _)| format!("{p:?}") == chosen) {
                                edit_range.set(None);
                                set_points(preset.points());
                            }
                        }>
                            {PRESETS.iter().map(|(preset, label)| view! {
                                <option value=format!("{preset:?}") selected=*preset == Preset::NoisyLine>{*label}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span class="field-label">"points per step"</span>
                        <select data-testid="gd-mode" on:change=move |ev| {
                            let mode = match event_target_value(&ev).as_str() { "stochastic" => Mode::Stochastic, "mini-batch" => Mode::MiniBatch, _ => Mode::Batch };
                            change(&move |s| s.mode = mode);
                        }>
                            <option value="batch">"all (batch)"</option>
                            <option value="stochastic">"one (stochastic)"</option>
                            <option value="mini-batch">"a few (mini-batch)"</option>
                        </select>
                    </label>
                    <Show when=move || settings.with(|s| s.mode == Mode::MiniBatch)>
                        <label class="field">
                            <span class="field-label">{move || format!("batch size: {}", settings.with(|s| s.batch_size))}</span>
                            <input type="range" min="1" max=move || batch_size_max().to_string() step="1" data-testid="gd-batch-size"
                                prop:value=move || settings.with(|s| s.batch_size.to_string())
                                on:input=move |ev| {
                                    let size = event_target_value(&ev).parse().unwrap_or(1);
                                    change(&move |s| s.batch_size = size);
                                }/>
                        </label>
                    </Show>
                    <label class="field">
                        <span class="field-label">{move || format!("learning rate α = {}", settings.with(|s| s.learning_rate))}</span>
                        <input type="range" min="-4" max="1" step="0.1" data-testid="gd-learning-rate"
                            prop:value=move || settings.with(|s| s.learning_rate.log10().to_string())
                            on:input=move |ev| {
                                let rate = rate_from_slider(event_target_value(&ev).parse().unwrap_or(-1.0));
                                // Round to 2 significant digits so α reads cleanly (0.0032, not 0.0031622…).
                                let rounded = format!("{rate:.1e}").parse().unwrap_or(rate);
                                change(&move |s| s.learning_rate = rounded);
                            }/>
                    </label>
                </div>
                <div class="button-row">
                    <button class="primary" data-testid="gd-next-phase" on:click=move |_| next_phase()>"Next phase →"</button>
                    <button data-testid="gd-next-step" on:click=move |_| next_step()>"Next step (N)"</button>
                    <button data-testid="gd-play" on:click=move |_| play()>{move || if playing.get() { "Pause (space)" } else { "Play (space)" }}</button>
                    <select aria-label="speed" on:change=move |ev| speed_ms.set(event_target_value(&ev).parse().unwrap_or(400))>
                        <option value="800">"slow"</option>
                        <option value="400" selected=true>"medium"</option>
                        <option value="100">"fast"</option>
                        <option value="16">"fastest (a step a frame)"</option>
                    </select>
                    <button data-testid="gd-reset" on:click=move |_| restart()>"Reset (R)"</button>
                </div>
                <ol class="phases">
                    {PHASES.iter().enumerate().map(|(i, name)| view! {
                        <li class:current=move || is_current(i) class:done=move || is_done(i)>{*name}</li>
                    }).collect_view()}
                </ol>
                <label class="field gd-scrub">
                    <span class="field-label" data-testid="gd-scrub-label">{move || {
                        let (k, n) = (viewed(), newest());
                        if k == n { format!("time travel: at step {n}, the newest") } else { format!("time travel: looking back at step {k} of {n}") }
                    }}</span>
                    <input type="range" min="0" max=move || newest().to_string() step="1" data-testid="gd-scrub"
                        prop:value=move || viewed().to_string()
                        on:input=move |ev| {
                            playing.set(false);
                            let k: usize = event_target_value(&ev).parse().unwrap_or(0);
                            looking_at.set(if k >= newest_now() { None } else { Some(k) });
                            phase.set(if k > 0 { PHASES.len() } else { 0 });
                        }/>
                    <span class="muted">
                        "Every step is kept. Drag back to any step; change α or another setting there and a new run "
                        "branches from that step, with the old path kept faint on the loss surface."
                    </span>
                </label>
                {move || run.with(|r| r.stopped.clone()).map(|Stopped::Diverged { step }| view! {
                    <p class="notice" role="alert" data-testid="gd-diverged">
                        {format!(
                            "Stopped at step {step}: the numbers grew without bound (the loss is {}). The learning rate α = {} is too large: \
                             each step overshoots the bottom of the valley by more than it corrects, so θ swings further out every time. \
                             Lower α and press Reset, or drag the time-travel slider back to an earlier step and lower α there; \
                             the data and settings are kept.",
                            run.with(|r| r.steps.last().map(|s| fixed(s.loss, 0)).unwrap_or_default()),
                            settings.with(|s| s.learning_rate)
                        )}
                    </p>
                })}
            </section>

            <OwnData on_points=use_own_points/>

            <div class="gd-views">
                <section class="panel">
                    <h2>"The data and the line"</h2>
                    <div class="gd-scatter-edit"
                        on:pointerdown=move |ev| pointer_down(ev)
                        on:pointermove=move |ev| pointer_move(ev)
                        on:pointerup=pointer_up
                        on:pointercancel=pointer_up
                        on:dblclick=move |ev| delete_at(&ev)
                        on:contextmenu=move |ev| delete_at(&ev)>
                        <Chart aspect=0.75 testid="gd-scatter" label=Signal::derive(move || { let t = shown_theta(); format!("Data with the line θ₀ = {:.3}, θ₁ = {:.3}", t[0], t[1]) })
                            draw=move |area, ratio| {
                                let s = last_step();
                                let p = phase.get();
                                let fixed_range = edit_range.get();
                                let frame = settings.with(|set| draw_scatter(area, ratio, &set.points, shown_theta(), s.as_ref(), p >= 1 && p < 5, p >= 2 && p < 5, fixed_range));
                                scatter_frame.set_value(frame);
                            }/>
                    </div>
                    <p class="muted" data-testid="gd-scatter-hint">
                        "Click empty space to add a point, drag a point to move it, double-click or right-click a point to delete it. "
                        "Filled dots are in this step's batch. Blue dots: the line's predictions; orange: the residuals."
                    </p>
                    {move || edit_message.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
                </section>
                <section class="panel">
                    <h2>"The loss surface"</h2>
                    <div class="gd-stack">
                        <Chart aspect=0.75 label="Loss over intercept and slope: the stronger the colour, the lower"
                            draw=move |area, ratio| { let view = surface.get(); settings.with(|set| draw_surface_map(area, ratio, &set.points, view)); }/>
                        <div class="gd-stack-over">
                            <Chart aspect=0.75 testid="gd-surface" label="The path of gradient descent over the loss surface"
                                draw=move |area, ratio| {
                                    let arrow = last_step().filter(|_| phase.get() == 4).map(|s| (s.theta, s.gradient));
                                    let view = surface.get();
                                    ghost.with(|g| shown_path.with(|path| draw_surface_path(area, ratio, view, path, g, best.get(), arrow)));
                                }/>
                        </div>
                    </div>
                    <p class="muted">
                        "The stronger the colour, the lower the loss. Orange: θ so far; grey: the run before the last branch. Ring: the best line, solved exactly (least squares)"
                        {move || best.get().map(|b| format!(" at θ* = ({}, {}).", fixed(b[0], 3), fixed(b[1], 3)))}
                    </p>
                    <p data-testid="gd-distance">{move || match best.get() {
                        Some(b) => format!("Distance from θ to θ* at step {}: {}", viewed(), fixed(distance(shown_theta(), b), 4)),
                        None => "No single best line: every point has the same x.".to_string(),
                    }}</p>
                </section>
                <section class="panel">
                    <h2>"Loss over steps"</h2>
                    <Chart aspect=0.75 testid="gd-loss" label="Loss after each step"
                        draw=move |area, ratio| { let k = viewed(); run.with(|r| draw_loss_curve(area, ratio, &r.losses(), k)) }/>
                    <p class="muted" data-testid="gd-loss-now">{move || {
                        let k = viewed();
                        run.with(|r| format!("After {k} step{}, J(θ) on all points = {}.", if k == 1 { "" } else { "s" }, fixed(r.losses().get(k).copied().unwrap_or(f64::NAN), 4)))
                    }}</p>
                </section>
            </div>

            <section class="panel" data-testid="gd-step">
                <h2>{move || match viewed() { 0 => "The first step".to_string(), n => format!("Step {n}") }}</h2>
                {move || match (last_step(), phase.get()) {
                    (None, _) | (_, 0) => view! { <p class="muted">"Press Next phase (or →) to begin a step."</p> }.into_any(),
                    (Some(s), p) => step_view(s, p).into_any(),
                }}
            </section>

    }
}
