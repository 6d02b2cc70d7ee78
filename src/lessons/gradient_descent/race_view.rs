//! Part 2 of the page: five optimisers race from one point of a landscape. Click the map to
//! move the start; edit each racer's numbers; play, step, or drag the step slider to read
//! every racer's position, gradient and internal state at any step.

use leptos::prelude::*;

use crate::ui::Panel;
use wasm_bindgen::JsCast;

use crate::lessons::shared::frame::Frame;
use super::landscape::{Landscape, LANDSCAPES};
use super::race::{hyperparameters, method_name, set_hyperparameter, Race, RaceSettings, COLOURS};
use super::race_charts::{draw_landscape, draw_paths};
use super::race_link::RACE_KEYS;
use crate::ui::host_api::{serve_host, Command};
use crate::ui::share::{follow_keys_in_address, opening_query, LinkNotes, Share};
use crate::ui::Chart;
use crate::lessons::shared::numbers::fixed;

/// Resolves at the browser's next animation frame, so play draws once per frame and no more.
pub async fn animation_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.request_animation_frame(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

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

/// A race replayed to `steps` (a link holds the settings and the step; the race is deterministic).
fn replayed(settings: RaceSettings, steps: usize) -> Race {
    let mut race = Race::new(settings);
    for _ in 0..steps {
        if !race.step() {
            break;
        }
    }
    race
}

#[component]
pub fn OptimiserRace() -> impl IntoView {
    let (opened, opened_steps, link_notes) = RaceSettings::from_query(&opening_query());
    let settings = RwSignal::new(opened.clone());
    let race = RwSignal::new_local(replayed(opened, opened_steps));
    // The step the learner is looking at; `None` follows the race.
    let looking_at = RwSignal::new(None::<usize>);
    let playing = RwSignal::new(false);
    let steps_per_frame = RwSignal::new(2usize);
    let frame = StoredValue::new(None::<Frame>);
    let problems = RwSignal::new(Vec::<(usize, &'static str, String)>::new());

    let restart = move || {
        playing.set(false);
        looking_at.set(None);
        race.set(Race::new(settings.get_untracked()));
    };
    let change = move |edit: &dyn Fn(&mut RaceSettings)| {
        settings.update(|s| edit(s));
        restart();
    };
    let step_once = move || {
        looking_at.set(None);
        let mut running = false;
        race.update(|r| running = r.step());
        running
    };
    let play = move || {
        if playing.get_untracked() {
            playing.set(false);
            return;
        }
        looking_at.set(None);
        playing.set(true);
        wasm_bindgen_futures::spawn_local(async move {
            while playing.get_untracked() {
                let n = steps_per_frame.get_untracked();
                let mut running = true;
                race.update(|r| {
                    for _ in 0..n {
                        running = r.step();
                    }
                    running = running && r.running();
                });
                if !running {
                    playing.set(false);
                }
                animation_frame().await;
            }
        });
    };
    on_cleanup(move || playing.set(false));

    // The link holds the settings and the newest step (not the step looked back at).
    let query = Signal::derive(move || {
        let steps = race.with(|r| r.steps());
        settings.with(|s| s.to_query(steps))
    });
    follow_keys_in_address(Some(RACE_KEYS), query);
    serve_host(
        "optimiser-race",
        query,
        move |command| {
            match command {
                Command::Set(q) => {
                    let (fresh, steps, notes) = RaceSettings::from_query(&q);
                    playing.set(false);
                    looking_at.set(None);
                    problems.set(Vec::new());
                    settings.set(fresh.clone());
                    race.set(replayed(fresh, steps));
                    return notes;
                }
                Command::Step => {
                    step_once();
                }
                Command::Play => {
                    if !playing.get_untracked() {
                        play();
                    }
                }
                Command::Pause => playing.set(false),
                Command::Reset => restart(),
            }
            Vec::new()
        },
        move || {
            race.with(|r| {
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

    let total = move || race.with(|r| r.steps());
    let shown_step = move || looking_at.get().unwrap_or_else(total);
    let landscape = Memo::new(move |_| settings.with(|s| (s.landscape, s.condition)));

    let click_start = move |ev: web_sys::MouseEvent| {
        let Some(canvas) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlCanvasElement>().ok()) else { return };
        let scale = canvas.width() as f64 / canvas.client_width().max(1) as f64;
        let Some(point) = frame.get_value().and_then(|f| f.to_data(ev.offset_x() as f64 * scale, ev.offset_y() as f64 * scale)) else { return };
        let rounded = point.map(|v| (v * 100.0).round() / 100.0);
        change(&move |s| s.start = rounded);
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
        let (((x0, x1), (y0, y1)), from) = settings.with_untracked(|s| (s.landscape.view(), s.start));
        let moved = [
            (from[0] + dx * (x1 - x0) / scale).clamp(x0, x1),
            (from[1] + dy * (y1 - y0) / scale).clamp(y0, y1),
        ]
        .map(|v| (v * 100.0).round() / 100.0);
        change(&move |s| s.start = moved);
    };

    view! {
        <Panel title="Part 2: optimisers race on a landscape" class="gd-race" testid="gd-race">
            <p>
                "Plain gradient descent is only one way to use the gradient. Here five optimisers start from the same "
                "point (the cross) of a two-number landscape f(x, y) and go downhill, each by its own rule. "
                "Momentum and Nesterov keep a velocity, so they roll through flat stretches and can overshoot; "
                "RMSProp and Adam divide each step by a running size of the gradient, so steep and flat directions move alike. "
                <strong>"Click the map"</strong> " (or focus it and press the arrow keys) to start somewhere else. The stronger the shade, the lower the ground; rings mark the lowest points. "
                "Each landscape comes with learning rates that suit it; change them below and see what breaks."
            </p>
            <LinkNotes notes=link_notes/>
            <Share slug="gradient-descent" query widget="optimiser-race"/>
            <div class="settings-form">
                <label class="field">
                    <span class="field-label">"landscape"</span>
                    <select data-testid="gd-landscape" on:change=move |ev| {
                        let chosen = event_target_value(&ev);
                        if let Some((l, _)) = LANDSCAPES.iter().find(|(l, _)| format!("{l:?}") == chosen) {
                            let fresh = RaceSettings::for_landscape(*l, settings.with_untracked(|s| s.condition));
                            change(&move |s| *s = fresh.clone());
                        }
                    }>
                        {LANDSCAPES.iter().map(|(l, name)| {
                            let l = *l;
                            view! { <option value=format!("{l:?}") selected=move || settings.with(|s| s.landscape == l)>{*name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <Show when=move || settings.with(|s| s.landscape == Landscape::Bowl)>
                    <label class="field">
                        <span class="field-label">{move || format!("condition number κ = {} (how stretched the bowl is)", settings.with(|s| s.condition))}</span>
                        <input type="range" min="1" max="50" step="1" data-testid="gd-condition"
                            prop:value=move || settings.with(|s| s.condition.to_string())
                            on:input=move |ev| {
                                let k: f64 = event_target_value(&ev).parse().unwrap_or(10.0);
                                change(&move |s| s.condition = k);
                            }/>
                    </label>
                </Show>
                <label class="field">
                    <span class="field-label">"speed"</span>
                    <select aria-label="race speed" on:change=move |ev| steps_per_frame.set(event_target_value(&ev).parse().unwrap_or(2))>
                        <option value="1">"1 step a frame"</option>
                        <option value="2" selected=true>"2 steps a frame"</option>
                        <option value="10">"10 steps a frame"</option>
                    </select>
                </label>
            </div>
            <div class="button-row">
                <button class="primary" data-testid="gd-race-play" on:click=move |_| play()>{move || if playing.get() { "Pause race" } else { "Play race" }}</button>
                <button data-testid="gd-race-step" on:click=move |_| { step_once(); }>"One step"</button>
                <button data-testid="gd-race-reset" on:click=move |_| restart()>"Back to the start"</button>
            </div>

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
                                    let upto = shown_step();
                                    race.with(|r| frame.set_value(draw_paths(area, ratio, r, upto)));
                                }/>
                        </div>
                    </div>
                    <p class="muted gd-race-start" data-testid="gd-race-start" aria-live="polite">
                        {move || format!("Start (x, y) = {}. Click the map, or focus it (Tab) and use the arrow keys.", settings.with(|s| pair(s.start, 2)))}
                    </p>
                </div>
                <div class="gd-race-side">
                    <label class="field">
                        <span class="field-label" data-testid="gd-race-at">{move || format!("looking at step {} of {}", shown_step(), total())}</span>
                        <input type="range" min="0" max=move || total().to_string() step="1" data-testid="gd-race-scrub"
                            prop:value=move || shown_step().to_string()
                            on:input=move |ev| {
                                playing.set(false);
                                let k: usize = event_target_value(&ev).parse().unwrap_or(0);
                                let newest = race.with_untracked(|r| r.steps());
                                looking_at.set(if k >= newest { None } else { Some(k) });
                            }/>
                    </label>
                    {move || race.with(|r| r.racers.iter().map(|racer| {
                        let v = racer.at(shown_step()).clone();
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

            <h3>"Each racer's numbers"</h3>
            <p class="muted">"Changing a number starts the race again from the start. Untick a racer to leave it out."</p>
            <div class="gd-racer-settings">
                {move || settings.with(|s| s.racers.clone()).into_iter().enumerate().map(|(i, config)| {
                    let name = method_name(&config.method);
                    let (red, green, blue) = COLOURS[i];
                    view! {
                        <fieldset class="gd-racer-config" data-testid=format!("gd-config-{}", name.to_lowercase())>
                            <legend>
                                <label>
                                    <input type="checkbox" prop:checked=config.enabled on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        change(&move |s| s.racers[i].enabled = on);
                                    }/>
                                    <span class="swatch" style=format!("background: rgb({red}, {green}, {blue})")></span>
                                    {name}
                                </label>
                            </legend>
                            {hyperparameters(&config).into_iter().map(|(label, value)| {
                                let problem = move || problems.with(|p| p.iter().find(|(j, l, _)| *j == i && *l == label).map(|p| p.2.clone()));
                                view! {
                                    <label class="field" class:field-bad=move || problem().is_some()>
                                        <span class="field-label">{label}</span>
                                        <input type="text" inputmode="decimal" value=value.to_string()
                                            data-testid=format!("gd-config-{}-{}", name.to_lowercase(), if label.starts_with("learning") { "rate" } else { label })
                                            on:change=move |ev| {
                                                let typed = event_target_value(&ev);
                                                let mut config = settings.with_untracked(|s| s.racers[i]);
                                                match set_hyperparameter(&mut config, label, &typed) {
                                                    Ok(()) => {
                                                        problems.update(|p| p.retain(|(j, l, _)| !(*j == i && *l == label)));
                                                        change(&move |s| s.racers[i] = config);
                                                    }
                                                    Err(why) => problems.update(|p| {
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
            <p class="muted">
                "Each racer is the training engine's own optimiser moving a tensor of two numbers, in 32-bit floats, "
                "exactly as it moves a network's weights; the gradient it is given is the landscape's exact gradient at that point. "
                "A racer whose numbers blow up stops by itself and says so; the others race on."
            </p>
        </Panel>
    }
}
