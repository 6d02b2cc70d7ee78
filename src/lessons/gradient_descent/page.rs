//! The `/gradient-descent` page: fit a line by gradient descent, one phase of one step at a
//! time, with the formulas showing the live numbers.

use leptos::prelude::*;

use super::charts::{draw_loss_curve, draw_scatter, draw_surface};
use super::regression::{least_squares, Step};
use super::run::{Mode, Preset, Run, Settings, Stopped, LEARNING_RATE_RANGE, PRESETS};
use crate::app::widgets::{Chart, Math};
use crate::lessons::shared::numbers::{fixed, fixed_ascii};

const PHASES: [&str; 5] = ["Predictions", "Residuals", "Loss", "Gradient", "Update"];

/// A number as TeX, in parentheses when negative so "− α × (−1.274)" reads right.
fn tex(x: f64) -> String {
    let text = fixed_ascii(x, 3);
    if text.starts_with('-') { format!("({text})") } else { text }
}

/// The learning-rate slider is logarithmic: position p gives α = 10^p.
fn rate_from_slider(p: f64) -> f64 {
    10f64.powf(p).clamp(LEARNING_RATE_RANGE.0, LEARNING_RATE_RANGE.1)
}

#[component]
pub fn GradientDescentPage() -> impl IntoView {
    let settings = RwSignal::new(Settings::default());
    let run = RwSignal::new(Run::new(Settings::default()));
    // How much of the last step is shown: 0 = none yet, 1..=5 = up to that phase.
    let phase = RwSignal::new(0usize);
    let playing = RwSignal::new(false);
    let speed_ms = RwSignal::new(400u32);

    let restart = move || {
        playing.set(false);
        run.set(Run::new(settings.get_untracked()));
        phase.set(0);
    };
    let take_step = move || {
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
                gloo::timers::future::TimeoutFuture::new(speed_ms.get_untracked()).await;
            }
        });
    };
    let change = move |edit: &dyn Fn(&mut Settings)| {
        settings.update(|s| edit(s));
        restart();
    };

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

    let last_step = move || run.with(|r| r.steps.last().cloned());
    let shown_theta = move || run.with(|r| {
        let p = phase.get();
        match r.steps.last() {
            Some(s) if p > 0 && p < PHASES.len() => s.theta,
            _ => r.theta(),
        }
    });
    let best = Memo::new(move |_| settings.with(|s| least_squares(&s.points)));
    let batch_size_max = move || settings.with(|s| s.points.len());
    let is_current = move |i: usize| phase.get() == i + 1;
    let is_done = move |i: usize| phase.get() > i + 1;

    view! {
        <article class="lesson gd" data-testid="lesson-gradient-descent">
            <p class="kicker">"Lesson"</p>
            <h1>"Gradient descent, one step at a time"</h1>
            <p class="lede">
                "A straight line h(x) = θ₀ + θ₁x should fit the points. Gradient descent starts from a bad line "
                "and improves it step by step: it measures how wrong each prediction is, works out which way "
                "to turn θ₀ and θ₁ to be less wrong, and moves them a little that way. Press "
                <strong>"Next phase"</strong> " to see each part of a step, with its numbers."
            </p>

            <section class="panel gd-controls">
                <div class="settings-form">
                    <label class="field">
                        <span class="field-label">"data"</span>
                        <select data-testid="gd-preset" on:change=move |ev| {
                            let chosen = event_target_value(&ev);
                            if let Some((preset, _)) = PRESETS.iter().find(|(p, _)| format!("{p:?}") == chosen) {
                                let points = preset.points();
                                change(&move |s| s.points = points.clone());
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
                        <option value="16">"fastest"</option>
                    </select>
                    <button data-testid="gd-reset" on:click=move |_| restart()>"Reset (R)"</button>
                </div>
                <ol class="phases">
                    {PHASES.iter().enumerate().map(|(i, name)| view! {
                        <li class:current=move || is_current(i) class:done=move || is_done(i)>{*name}</li>
                    }).collect_view()}
                </ol>
                {move || run.with(|r| r.stopped.clone()).map(|Stopped::Diverged { step }| view! {
                    <p class="notice" role="alert" data-testid="gd-diverged">
                        {format!(
                            "Stopped at step {step}: the numbers grew without bound (the loss is {}). The learning rate α = {} is too large: \
                             each step overshoots the bottom of the valley by more than it corrects, so θ swings further out every time. \
                             Lower α and press Reset; the data and settings are kept.",
                            run.with(|r| r.steps.last().map(|s| fixed(s.loss, 0)).unwrap_or_default()),
                            settings.with(|s| s.learning_rate)
                        )}
                    </p>
                })}
            </section>

            <div class="gd-views">
                <section class="panel">
                    <h2>"The data and the line"</h2>
                    <Chart aspect=0.75 testid="gd-scatter" label=Signal::derive(move || { let t = shown_theta(); format!("Data with the line θ₀ = {:.3}, θ₁ = {:.3}", t[0], t[1]) })
                        draw=move |area, ratio| {
                            let s = last_step();
                            let p = phase.get();
                            settings.with(|set| draw_scatter(area, ratio, &set.points, shown_theta(), s.as_ref(), p >= 1 && p < 5, p >= 2 && p < 5));
                        }/>
                    <p class="muted">"Filled dots are in this step's batch. Blue dots: the line's predictions; orange: the residuals."</p>
                </section>
                <section class="panel">
                    <h2>"The loss surface"</h2>
                    <Chart aspect=0.75 testid="gd-surface" label="Loss over intercept and slope, with the path of gradient descent"
                        draw=move |area, ratio| {
                            let p = phase.get();
                            let arrow = last_step().filter(|_| p >= 4 && p < 5).map(|s| (s.theta, s.gradient));
                            let path: Vec<[f64; 2]> = run.with(|r| {
                                let shown = if p > 0 && p < 5 { r.thetas.len() - 1 } else { r.thetas.len() };
                                r.thetas[..shown].to_vec()
                            });
                            settings.with(|set| draw_surface(area, ratio, &set.points, &path, best.get(), arrow));
                        }/>
                    <p class="muted">
                        "Darker is lower loss. Orange: θ so far. Ring: the best line, solved exactly (least squares)"
                        {move || best.get().map(|b| { let t = shown_theta(); format!(" at θ = ({}, {}); distance from θ now: {}.", fixed(b[0], 3), fixed(b[1], 3), fixed(((t[0] - b[0]).powi(2) + (t[1] - b[1]).powi(2)).sqrt(), 3)) })}
                    </p>
                </section>
                <section class="panel">
                    <h2>"Loss over steps"</h2>
                    <Chart aspect=0.75 testid="gd-loss" label="Loss after each step"
                        draw=move |area, ratio| run.with(|r| draw_loss_curve(area, ratio, &r.losses()))/>
                    <p class="muted" data-testid="gd-loss-now">{move || run.with(|r| format!("After {} steps, J(θ) on all points = {}.", r.steps.len(), fixed(*r.losses().last().unwrap_or(&f64::NAN), 4)))}</p>
                </section>
            </div>

            <section class="panel" data-testid="gd-step">
                <h2>{move || match run.with(|r| r.steps.len()) { 0 => "The first step".to_string(), n => format!("Step {n}") }}</h2>
                {move || match (last_step(), phase.get()) {
                    (None, _) | (_, 0) => view! { <p class="muted">"Press Next phase (or →) to begin a step."</p> }.into_any(),
                    (Some(s), p) => step_view(s, p).into_any(),
                }}
            </section>

            <section class="panel">
                <h2>"Coming to this page"</h2>
                <p class="notice">
                    <strong>"Not built yet: "</strong>
                    "adding, dragging and deleting points; pasting your own data as CSV; a scrubber to travel back through "
                    "the run and branch it with another learning rate; the “one sample, two weights” example; and part 2, "
                    "optimisers (SGD, momentum, Nesterov, RMSProp, Adam) racing on famous loss landscapes."
                </p>
            </section>
        </article>
    }
}

/// The current step's numbers, revealed up to phase `p`.
fn step_view(s: Step, p: usize) -> impl IntoView {
    let m = s.terms.len();
    let [a, b] = s.theta;
    let [g0, g1] = s.gradient;
    let alpha = s.learning_rate;
    let sum_r2: f64 = s.terms.iter().map(|t| t.residual * t.residual).sum();
    let formulas = move || {
        let mut lines = vec![format!(r"h(x) = \theta_0 + \theta_1 x = {} + {} x", tex(a), tex(b))];
        if p >= 2 {
            lines.push(r"r_i = h(x_i) - y_i".to_string());
        }
        if p >= 3 {
            lines.push(format!(r"J(\theta) = \frac{{1}}{{2m}} \sum_i r_i^2 = \frac{{{}}}{{2 \times {m}}} = {}", fixed_ascii(sum_r2, 4), fixed_ascii(s.loss, 4)));
        }
        if p >= 4 {
            lines.push(format!(r"\frac{{\partial J}}{{\partial \theta_0}} = \frac{{1}}{{m}} \sum_i r_i = {}, \quad \frac{{\partial J}}{{\partial \theta_1}} = \frac{{1}}{{m}} \sum_i r_i x_i = {}", tex(g0), tex(g1)));
        }
        if p >= 5 {
            lines.push(format!(r"\theta_0 \leftarrow {} - {} \times {} = {}", tex(a), alpha, tex(g0), fixed_ascii(s.next[0], 3)));
            lines.push(format!(r"\theta_1 \leftarrow {} - {} \times {} = {}", tex(b), alpha, tex(g1), fixed_ascii(s.next[1], 3)));
        }
        lines
    };
    let explain = match p {
        1 => "1. Predictions: the current line's value h(x) at each point in the batch.",
        2 => "2. Residuals: how far each prediction is from its point, r = h(x) − y (positive: the line is too high).",
        3 => "3. Loss: half the mean of the squared residuals. One number for how wrong the line is.",
        4 => "4. Gradient: how the loss changes as θ₀ and θ₁ change, summed from each point's share in the table. The arrow on the loss surface points downhill, along −∇J.",
        _ => "5. Update: move each θ a step of size α against its gradient. The line moves, and the next step starts from there.",
    };
    view! {
        <p class="gd-explain" data-testid="gd-explain">{explain}</p>
        <div class="gd-formulas" data-testid="gd-formulas">
            {formulas().into_iter().map(|line| view! { <Math block=true tex=line/> }).collect_view()}
        </div>
        <div class="table-scroll">
            <table class="gd-table" data-testid="gd-table">
                <thead><tr>
                    <th>"point"</th><th class="number">"x"</th><th class="number">"y"</th>
                    <th class="number">"h(x)"</th>
                    <th class="number">"residual r"</th>
                    <th class="number">"r / m"</th>
                    <th class="number">"r·x / m"</th>
                </tr></thead>
                <tbody>
                    {s.terms.iter().map(|t| view! {
                        <tr>
                            <td>{t.index + 1}</td>
                            <td class="number">{fixed(t.x, 3)}</td>
                            <td class="number">{fixed(t.y, 3)}</td>
                            <td class="number">{if p >= 1 { fixed(t.prediction, 3) } else { String::new() }}</td>
                            <td class="number">{if p >= 2 { fixed(t.residual, 3) } else { String::new() }}</td>
                            <td class="number">{if p >= 4 { fixed(t.d_theta0, 4) } else { String::new() }}</td>
                            <td class="number">{if p >= 4 { fixed(t.d_theta1, 4) } else { String::new() }}</td>
                        </tr>
                    }).collect_view()}
                    {(p >= 4).then(|| view! {
                        <tr class="sum-row">
                            <td colspan="5">"sum: the gradient (∂J/∂θ₀, ∂J/∂θ₁)"</td>
                            <td class="number" data-testid="gd-grad0">{fixed(g0, 4)}</td>
                            <td class="number" data-testid="gd-grad1">{fixed(g1, 4)}</td>
                        </tr>
                    })}
                </tbody>
            </table>
        </div>
        <p class="muted">{format!("m = {m} point{} in this step's batch.", if m == 1 { "" } else { "s" })}</p>
    }
}
