//! The optimiser race's panels: the landscape and speed, the map with every racer's state at
//! the step on show, and each racer's numbers.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::landscape::{Landscape, LANDSCAPES};
use super::race::{hyperparameters, method_name, set_hyperparameter, RaceSettings, COLOURS};
use super::race_charts::{draw_landscape, draw_paths};
use super::race_state::RaceState;
use crate::lessons::shared::numbers::fixed;
use crate::ui::Chart;

fn pair(p: [f64; 2], decimals: usize) -> String {
    format!("({}, {})", fixed(p[0], decimals), fixed(p[1], decimals))
}

/// A short description of each method's rule, shown beside its state.
fn rule(name: &str) -> &'static str {
    match name {
        "SGD" => "θ ← θ − α·g",
        "Momentum" => "v ← μv + g;  θ ← θ − α·v",
        "Nesterov" => "v ← μv + g;  θ ← θ − α·(g + μv)",
        "RMSProp" => "s ← ρs + (1−ρ)g²;  θ ← θ − α·g/(√s + ε)",
        _ => "m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − α·m̂/(√v̂ + ε)",
    }
}

/// The landscape, the bowl's stretch, the speed, and play, step and reset.
#[component]
pub fn RaceControls(st: RaceState) -> impl IntoView {
    view! {
    <div class="settings-form">
        <label class="field">
            <span class="field-label">"landscape"</span>
            <select data-testid="gd-landscape" on:change=move |ev| {
                let chosen = event_target_value(&ev);
                if let Some((l, _)) = LANDSCAPES.iter().find(|(l, _)| format!("{l:?}") == chosen) {
                    let fresh = RaceSettings::for_landscape(*l, st.settings.with_untracked(|s| s.condition));
                    st.change(&move |s| *s = fresh.clone());
                }
            }>
                {LANDSCAPES.iter().map(|(l, name)| {
                    let l = *l;
                    view! { <option value=format!("{l:?}") selected=move || st.settings.with(|s| s.landscape == l)>{*name}</option> }
                }).collect_view()}
            </select>
        </label>
        <Show when=move || st.settings.with(|s| s.landscape == Landscape::Bowl)>
            <label class="field">
                <span class="field-label">{move || format!("condition number κ = {} (how stretched the bowl is)", st.settings.with(|s| s.condition))}</span>
                <input type="range" min="1" max="50" step="1" data-testid="gd-condition"
                    prop:value=move || st.settings.with(|s| s.condition.to_string())
                    on:input=move |ev| {
                        let k: f64 = event_target_value(&ev).parse().unwrap_or(10.0);
                        st.change(&move |s| s.condition = k);
                    }/>
            </label>
        </Show>
        <label class="field">
            <span class="field-label">"speed"</span>
            <select aria-label="race speed" on:change=move |ev| st.steps_per_frame.set(event_target_value(&ev).parse().unwrap_or(2))>
                <option value="1">"1 step a frame"</option>
                <option value="2" selected=true>"2 steps a frame"</option>
                <option value="10">"10 steps a frame"</option>
            </select>
        </label>
    </div>
    <div class="button-row">
        <button class="primary" data-testid="gd-race-play" on:click=move |_| st.play()>{move || if st.playing.get() { "Pause race" } else { "Play race" }}</button>
        <button data-testid="gd-race-step" on:click=move |_| { st.step_once(); }>"One step"</button>
        <button data-testid="gd-race-reset" on:click=move |_| st.restart()>"Back to the start"</button>
    </div>
    }
}

/// The map (click it, or use the arrow keys, to move the start) and each racer's state at the
/// step on show.
#[component]
pub fn RaceBoard(st: RaceState) -> impl IntoView {
    let landscape = Memo::new(move |_| st.settings.with(|s| (s.landscape, s.condition)));
    let click_start = move |ev: web_sys::MouseEvent| {
        let Some(canvas) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlCanvasElement>().ok()) else { return };
        let scale = canvas.width() as f64 / canvas.client_width().max(1) as f64;
        let Some(point) = st.frame.get_value().and_then(|f| f.to_data(ev.offset_x() as f64 * scale, ev.offset_y() as f64 * scale)) else { return };
        let rounded = point.map(|v| (v * 100.0).round() / 100.0);
        st.change(&move |s| s.start = rounded);
    };
    // The same choice from the keyboard: with the map focused, the arrow keys move the start by
    // a fortieth of the map (a tenth with Shift), so a teacher or a keyboard user can place it too.
    let key_start = move |ev: web_sys::KeyboardEvent| {
        let (dx, dy) = match ev.key().as_str() {
            "ArrowLeft" => (-1.0, 0.0),
            "ArrowRight" => (1.0, 0.0),
            "ArrowUp" => (0.0, 1.0),
            "ArrowDown" => (0.0, -1.0),
            _ => return,
        };
        // Keep the page's own shortcuts (→ next phase) and scrolling out of it.
        ev.prevent_default();
        ev.stop_propagation();
        let scale = if ev.shift_key() { 10.0 } else { 40.0 };
        let (((x0, x1), (y0, y1)), from) = st.settings.with_untracked(|s| (s.landscape.view(), s.start));
        let moved = [
            (from[0] + dx * (x1 - x0) / scale).clamp(x0, x1),
            (from[1] + dy * (y1 - y0) / scale).clamp(y0, y1),
        ]
        .map(|v| (v * 100.0).round() / 100.0);
        st.change(&move |s| s.start = moved);
    };

    view! {
    <div class="gd-race-board">
        <div class="gd-race-left">
            <div class="gd-race-map">
                <Chart aspect=0.75 label=Signal::derive(move || format!("The landscape {:?}: the stronger the shade, the lower", landscape.get().0))
                    draw=move |area, ratio| { let (l, k) = landscape.get(); draw_landscape(area, ratio, l, k); }/>
                <div class="gd-race-overlay" tabindex="0" role="group" data-testid="gd-race-start-keys"
                    aria-label="Start point: arrow keys move it, Shift for bigger steps"
                    on:click=click_start on:keydown=key_start>
                    <Chart aspect=0.75 testid="gd-race-map" label="The racers' paths; click to choose the start"
                        draw=move |area, ratio| {
                            let upto = st.shown_step();
                            st.race.with(|r| st.frame.set_value(draw_paths(area, ratio, r, upto)));
                        }/>
                </div>
            </div>
            <p class="muted gd-race-start" data-testid="gd-race-start" aria-live="polite">
                {move || format!("Start (x, y) = {}. Click the map, or focus it (Tab) and use the arrow keys.", st.settings.with(|s| pair(s.start, 2)))}
            </p>
        </div>
        <div class="gd-race-side">
            <label class="field">
                <span class="field-label" data-testid="gd-race-at">{move || format!("looking at step {} of {}", st.shown_step(), st.total())}</span>
                <input type="range" min="0" max=move || st.total().to_string() step="1" data-testid="gd-race-scrub"
                    prop:value=move || st.shown_step().to_string()
                    on:input=move |ev| {
                        st.playing.set(false);
                        let k: usize = event_target_value(&ev).parse().unwrap_or(0);
                        let newest = st.race.with_untracked(|r| r.steps());
                        st.looking_at.set(if k >= newest { None } else { Some(k) });
                    }/>
            </label>
            {move || st.race.with(|r| r.racers.iter().map(|racer| {
                let v = racer.at(st.shown_step()).clone();
                let (red, green, blue) = COLOURS[racer.slot % COLOURS.len()];
                let name = racer.name();
                let stopped = racer.stopped.clone().filter(|_| v.step + 1 >= racer.visits.len());
                let ((x0, x1), (y0, y1)) = r.settings.landscape.view();
                let off_map = !(v.position[0] >= x0 && v.position[0] <= x1 && v.position[1] >= y0 && v.position[1] <= y1);
                view! {
                    <div class="gd-racer" data-testid=format!("gd-racer-{}", name.to_lowercase())>
                        <p class="gd-racer-name">
                            <span class="swatch" style=format!("background: rgb({red}, {green}, {blue})")></span>
                            <strong>{name}</strong>
                            <span class="muted">{format!(" step t = {}{}", v.step, if off_map { " (off the map)" } else { "" })}</span>
                        </p>
                        <p class="gd-racer-rule">{rule(name)}</p>
                        <dl class="gd-state">
                            <dt>"position θ"</dt><dd data-testid="gd-racer-position">{pair(v.position, 4)}</dd>
                            <dt>"f(θ)"</dt><dd data-testid="gd-racer-value">{fixed(v.value, 4)}</dd>
                            <dt>"gradient g"</dt><dd data-testid="gd-racer-gradient">{pair(v.gradient, 4)}</dd>
                            {v.state.iter().map(|(label, values)| view! {
                                <dt>{*label}</dt><dd data-testid=format!("gd-racer-{}", label.replace(' ', "-"))>{pair(*values, 4)}</dd>
                            }).collect_view()}
                        </dl>
                        {stopped.map(|m| view! { <p class="notice" role="alert" data-testid="gd-racer-stopped">{m}</p> })}
                    </div>
                }
            }).collect_view())}
        </div>
    </div>
    }
}

/// Each racer's numbers: a change starts the race again; a number that cannot be used says why.
#[component]
pub fn RacerSettings(st: RaceState) -> impl IntoView {
    view! {
    <h3>"Each racer's numbers"</h3>
    <p class="muted">"Changing a number starts the race again from the start. Untick a racer to leave it out."</p>
    <div class="gd-racer-settings">
        {move || st.settings.with(|s| s.racers.clone()).into_iter().enumerate().map(|(i, config)| {
            let name = method_name(&config.method);
            let (red, green, blue) = COLOURS[i];
            view! {
                <fieldset class="gd-racer-config" data-testid=format!("gd-config-{}", name.to_lowercase())>
                    <legend>
                        <label>
                            <input type="checkbox" prop:checked=config.enabled on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                st.change(&move |s| s.racers[i].enabled = on);
                            }/>
                            <span class="swatch" style=format!("background: rgb({red}, {green}, {blue})")></span>
                            {name}
                        </label>
                    </legend>
                    {hyperparameters(&config).into_iter().map(|(label, value)| {
                        let problem = move || st.problems.with(|p| p.iter().find(|(j, l, _)| *j == i && *l == label).map(|p| p.2.clone()));
                        view! {
                            <label class="field" class:field-bad=move || problem().is_some()>
                                <span class="field-label">{label}</span>
                                <input type="text" inputmode="decimal" value=value.to_string()
                                    data-testid=format!("gd-config-{}-{}", name.to_lowercase(), if label.starts_with("learning") { "rate" } else { label })
                                    on:change=move |ev| {
                                        let typed = event_target_value(&ev);
                                        let mut config = st.settings.with_untracked(|s| s.racers[i]);
                                        match set_hyperparameter(&mut config, label, &typed) {
                                            Ok(()) => {
                                                st.problems.update(|p| p.retain(|(j, l, _)| !(*j == i && *l == label)));
                                                st.change(&move |s| s.racers[i] = config);
                                            }
                                            Err(why) => st.problems.update(|p| {
                                                p.retain(|(j, l, _)| !(*j == i && *l == label));
                                                p.push((i, label, format!("{label} {why}; kept the old value.")));
                                            }),
                                        }
                                    }/>
                                {move || problem().map(|p| view! { <span class="field-problem" role="alert">{p}</span> })}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            }
        }).collect_view()}
    </div>
    }
}
