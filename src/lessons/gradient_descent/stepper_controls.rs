//! The stepper's controls: the data, how many points a step uses, the learning rate, the step
//! buttons and speed, the phases, time travel, and what happened when a run blew up.

use leptos::prelude::*;

use crate::ui::panel::phase_list;

use super::descent::{Mode, Preset, Stopped, LEARNING_RATE_RANGE, PRESETS};
use super::stepper::{StepperState, PHASES};
use crate::lessons::shared::numbers::fixed;

/// The learning-rate slider is logarithmic: position p gives α = 10^p.
fn rate_from_slider(p: f64) -> f64 {
    10f64.powf(p).clamp(LEARNING_RATE_RANGE.0, LEARNING_RATE_RANGE.1)
}

#[component]
pub fn StepperControls(s: StepperState) -> impl IntoView {
    let batch_size_max = move || s.settings.with(|set| set.points.len().max(1));
    view! {
    <section class="panel gd-controls">
        <div class="settings-form">
            <label class="field">
                <span class="field-label">"data"</span>
                <select data-testid="gd-preset" on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    if let Some((preset, _)) = PRESETS.iter().find(|(p, _)| format!("{p:?}") == chosen) {
                        s.edit_range.set(None);
                        s.set_points(preset.points());
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
                    s.change(&move |s| s.mode = mode);
                }>
                    <option value="batch">"all (batch)"</option>
                    <option value="stochastic">"one (stochastic)"</option>
                    <option value="mini-batch">"a few (mini-batch)"</option>
                </select>
            </label>
            <Show when=move || s.settings.with(|s| s.mode == Mode::MiniBatch)>
                <label class="field">
                    <span class="field-label">{move || format!("batch size: {}", s.settings.with(|s| s.batch_size))}</span>
                    <input type="range" min="1" max=move || batch_size_max().to_string() step="1" data-testid="gd-batch-size"
                        prop:value=move || s.settings.with(|s| s.batch_size.to_string())
                        on:input=move |ev| {
                            let size = event_target_value(&ev).parse().unwrap_or(1);
                            s.change(&move |s| s.batch_size = size);
                        }/>
                </label>
            </Show>
            <label class="field">
                <span class="field-label">{move || format!("learning rate α = {}", s.settings.with(|s| s.learning_rate))}</span>
                <input type="range" min="-4" max="1" step="0.1" data-testid="gd-learning-rate"
                    prop:value=move || s.settings.with(|s| s.learning_rate.log10().to_string())
                    on:input=move |ev| {
                        let rate = rate_from_slider(event_target_value(&ev).parse().unwrap_or(-1.0));
                        // Round to 2 significant digits so α reads cleanly (0.0032, not 0.0031622…).
                        let rounded = format!("{rate:.1e}").parse().unwrap_or(rate);
                        s.change(&move |s| s.learning_rate = rounded);
                    }/>
            </label>
        </div>
        <div class="button-row">
            <button class="primary" data-testid="gd-next-phase" on:click=move |_| s.next_phase()>"Next phase →"</button>
            <button data-testid="gd-next-step" on:click=move |_| s.next_step()>"Next step (N)"</button>
            <button data-testid="gd-play" on:click=move |_| s.play()>{move || if s.playing.get() { "Pause (space)" } else { "Play (space)" }}</button>
            <select aria-label="speed" on:change=move |ev| s.speed_ms.set(event_target_value(&ev).parse().unwrap_or(400))>
                <option value="800">"slow"</option>
                <option value="400" selected=true>"medium"</option>
                <option value="100">"fast"</option>
                // Short, so the select fits the projector's control rail; the title says what it means.
                <option value="16" title="a step every frame">"fastest"</option>
            </select>
            <button data-testid="gd-reset" on:click=move |_| s.restart()>"Reset (R)"</button>
        </div>
        // Phase 0 means none of the step is shown yet; 1..=5 are the phases.
        {phase_list(&PHASES, move || s.phase.get().checked_sub(1))}
        <label class="field gd-scrub">
            <span class="field-label" data-testid="gd-scrub-label">{move || {
                let (k, n) = (s.viewed(), s.newest());
                if k == n { format!("time travel: at step {n}, the newest") } else { format!("time travel: looking back at step {k} of {n}") }
            }}</span>
            <input type="range" min="0" max=move || s.newest().to_string() step="1" data-testid="gd-scrub"
                prop:value=move || s.viewed().to_string()
                on:input=move |ev| {
                    s.playing.set(false);
                    let k: usize = event_target_value(&ev).parse().unwrap_or(0);
                    s.looking_at.set(if k >= s.newest_now() { None } else { Some(k) });
                    s.phase.set(if k > 0 { PHASES.len() } else { 0 });
                }/>
            <span class="muted">"Every step is kept: drag back to any step and change a setting there, and a new run branches from it."</span>
        </label>
        {move || s.run.with(|r| r.stopped.clone()).map(|Stopped::Diverged { step }| view! {
            <p class="notice" role="alert" data-testid="gd-diverged">
                {format!(
                    "Stopped at step {step}: the numbers grew without bound (the loss is {}). The learning rate α = {} is too large: \
                     each step overshoots the bottom of the valley by more than it corrects, so θ swings further out every time. \
                     Lower α and press Reset, or drag the time-travel slider back to an earlier step and lower α there; \
                     the data and settings are kept.",
                    s.run.with(|r| r.steps.last().map(|s| fixed(s.loss, 0)).unwrap_or_default()),
                    s.settings.with(|s| s.learning_rate)
                )}
            </p>
        })}
    </section>
    }
}
