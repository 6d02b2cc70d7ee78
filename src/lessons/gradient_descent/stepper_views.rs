//! What the stepper shows: the data and the line (points a learner adds, drags and deletes),
//! the loss surface with the path, the loss over steps, and the step's formulas.

use leptos::prelude::*;

use crate::ui::{More, Panel};
use wasm_bindgen::JsCast;

use super::charts::{draw_loss_curve, draw_scatter, draw_surface_map, draw_surface_path};
use super::csv::MAX_POINTS;
use super::descent::distance;
use super::step_view::step_view;
use super::stepper::StepperState;
use crate::lessons::shared::frame::Frame;
use crate::lessons::shared::numbers::fixed;
use crate::ui::Chart;

/// The canvas under a pointer event and the event's position in that canvas's own pixels.
fn canvas_point(ev: &web_sys::MouseEvent) -> Option<(web_sys::HtmlCanvasElement, f64, f64)> {
    let canvas = ev.target()?.dyn_into::<web_sys::HtmlCanvasElement>().ok()?;
    let scale = canvas.width() as f64 / canvas.client_width().max(1) as f64;
    Some((canvas, ev.offset_x() as f64 * scale, ev.offset_y() as f64 * scale))
}

#[component]
pub fn ScatterPanel(s: StepperState) -> impl IntoView {
    // Where the scatter plot was last drawn (for pointer events), and the point being dragged.
    let scatter_frame = StoredValue::new(None::<Frame>);
    let dragging = RwSignal::new(None::<usize>);
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
        s.edit_range.set(Some(frame));
        let hit = s.settings.with_untracked(|set| frame.nearest(&set.points, px, py, reach()));
        let index = match hit {
            Some(i) => i,
            None => {
                let count = s.settings.with_untracked(|set| set.points.len());
                if count >= MAX_POINTS {
                    s.edit_message.set(Some(format!("{MAX_POINTS} points is the most this page keeps.")));
                    return;
                }
                let mut points = s.settings.get_untracked().points;
                points.push((at[0], at[1]));
                s.set_points(points);
                count
            }
        };
        s.edit_message.set(None);
        let _ = canvas.set_pointer_capture(ev.pointer_id());
        dragging.set(Some(index));
    };
    let pointer_move = move |ev: web_sys::PointerEvent| {
        let Some(index) = dragging.get_untracked() else { return };
        let Some(frame) = scatter_frame.get_value() else { return };
        let Some((_, px, py)) = canvas_point(&ev) else { return };
        let Some(at) = frame.to_data(px, py) else { return };
        let mut points = s.settings.get_untracked().points;
        if let Some(p) = points.get_mut(index) {
            *p = (at[0], at[1]);
            s.set_points(points);
        }
    };
    let pointer_up = move |_| dragging.set(None);
    let delete_at = move |ev: &web_sys::MouseEvent| {
        let Some((_, px, py)) = canvas_point(ev) else { return };
        let Some(frame) = scatter_frame.get_value() else { return };
        let Some(index) = s.settings.with_untracked(|set| frame.nearest(&set.points, px, py, reach())) else { return };
        ev.prevent_default();
        s.edit_range.set(Some(frame));
        dragging.set(None);
        let mut points = s.settings.get_untracked().points;
        if points.len() <= 1 {
            s.edit_message.set(Some("The last point stays: a line needs something to fit.".into()));
            return;
        }
        points.remove(index);
        s.set_points(points);
    };

    view! {
    <Panel title="The data and the line" class="gd-scatter-panel">
        <div class="gd-scatter-edit"
            on:pointerdown=move |ev| pointer_down(ev)
            on:pointermove=move |ev| pointer_move(ev)
            on:pointerup=pointer_up
            on:pointercancel=pointer_up
            on:dblclick=move |ev| delete_at(&ev)
            on:contextmenu=move |ev| delete_at(&ev)>
            <Chart aspect=0.75 testid="gd-scatter" label=Signal::derive(move || { let t = s.shown_theta(); format!("Data with the line θ₀ = {:.3}, θ₁ = {:.3}", t[0], t[1]) })
                draw=move |area, ratio| {
                    let step = s.last_step();
                    let p = s.phase.get();
                    let fixed_range = s.edit_range.get();
                    let frame = s.settings.with(|set| draw_scatter(area, ratio, &set.points, s.shown_theta(), step.as_ref(), p >= 1 && p < 5, p >= 2 && p < 5, fixed_range));
                    scatter_frame.set_value(frame);
                }/>
        </div>
        <More label="How to read and edit it">
            <p class="muted" data-testid="gd-scatter-hint">
                "Click empty space to add a point, drag a point to move it, double-click or right-click a point to delete it. "
                "Filled dots are in this step's batch. Blue dots: the line's predictions; orange: the residuals."
            </p>
        </More>
        {move || s.edit_message.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
    </Panel>
    }
}

#[component]
pub fn SurfacePanel(s: StepperState) -> impl IntoView {
    view! {
    <Panel title="The loss surface" class="gd-surface-panel">
        <div class="gd-stack">
            <Chart aspect=0.75 label="Loss over intercept and slope: the stronger the colour, the lower"
                draw=move |area, ratio| { let view = s.surface.get(); s.settings.with(|set| draw_surface_map(area, ratio, &set.points, view)); }/>
            <div class="gd-stack-over">
                <Chart aspect=0.75 testid="gd-surface" label="The path of gradient descent over the loss surface"
                    draw=move |area, ratio| {
                        let arrow = s.last_step().filter(|_| s.phase.get() == 4).map(|s| (s.theta, s.gradient));
                        let view = s.surface.get();
                        s.ghost.with(|g| s.shown_path.with(|path| draw_surface_path(area, ratio, view, path, g, s.best.get(), arrow)));
                    }/>
            </div>
        </div>
        <More label="How to read it">
            <p class="muted">
                "The stronger the colour, the lower the loss. Orange: θ so far; grey: the run before the last branch. Ring: the best line, solved exactly (least squares)"
                {move || s.best.get().map(|b| format!(" at θ* = ({}, {}).", fixed(b[0], 3), fixed(b[1], 3)))}
            </p>
        </More>
        <p data-testid="gd-distance">{move || match s.best.get() {
            Some(b) => format!("Distance from θ to θ* at step {}: {}", s.viewed(), fixed(distance(s.shown_theta(), b), 4)),
            None => "No single best line: every point has the same x.".to_string(),
        }}</p>
    </Panel>
    }
}

#[component]
pub fn LossPanel(s: StepperState) -> impl IntoView {
    view! {
    <Panel title="Loss over steps" class="gd-loss-panel">
        <Chart aspect=0.75 testid="gd-loss" label="Loss after each step"
            draw=move |area, ratio| { let k = s.viewed(); s.run.with(|r| draw_loss_curve(area, ratio, &r.losses(), k)) }/>
        <p class="muted" data-testid="gd-loss-now">{move || {
            let k = s.viewed();
            s.run.with(|r| format!("After {k} step{}, J(θ) on all points = {}.", if k == 1 { "" } else { "s" }, fixed(r.losses().get(k).copied().unwrap_or(f64::NAN), 4)))
        }}</p>
    </Panel>
    }
}

/// The step on show, phase by phase, with its formulas and numbers.
#[component]
pub fn StepPanel(s: StepperState) -> impl IntoView {
    view! {
    <section class="panel" data-testid="gd-step">
        <h2>{move || match s.viewed() { 0 => "The first step".to_string(), n => format!("Step {n}") }}</h2>
        {move || match (s.last_step(), s.phase.get()) {
            (None, _) | (_, 0) => view! { <p class="muted">"Press Next phase (or →) to begin a step."</p> }.into_any(),
            (Some(s), p) => step_view(s, p).into_any(),
        }}
    </section>
    }
}
