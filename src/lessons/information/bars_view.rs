//! The bar chart of P and Q, with bars a learner drags: the other bars of that distribution
//! make room so the sum stays 1.

use std::ops::Range;

use leptos::prelude::*;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::editor_view::{set_distribution, Typed, Which};
use super::*;
use crate::lessons::shared::frame::Frame;
use crate::lessons::shared::numbers::fixed;
use crate::ui::chart::Canvas;
use crate::ui::pointer::{canvas_in, canvas_pixel};
use crate::ui::{css_colour, Chart};

/// The chart's top: 1, or the tallest bar up to 1.5 (typed values may exceed 1).
fn top(s: &InformationState) -> f64 {
    s.p.iter().chain(&s.q).cloned().fold(1.0f64, f64::max).min(1.5)
}

#[component]
pub fn BarsChart(state: RwSignal<InformationState>, typed: Typed) -> impl IntoView {
    // Where the plotting area is and what it shows, saved by the draw closure for the pointer.
    let frame = StoredValue::new(None::<Frame>);
    let dragging = StoredValue::new(None::<(Which, usize)>);
    let wrap = NodeRef::<leptos::html::Div>::new();

    let draw = move |area: DrawingArea<Canvas, plotters::coord::Shift>, ratio: f64| {
        let (p, q) = state.with(|s| (s.p.clone(), s.q.clone()));
        let k = p.len();
        let text = css_colour("--text");
        let muted = css_colour("--muted");
        let pc = css_colour("--accent");
        let qc = css_colour("--second");
        let _ = area.fill(&css_colour("--surface"));
        let font = (13.0 * ratio) as u32;
        let top = state.with(top);
        let Ok(mut chart) = ChartBuilder::on(&area)
            .margin((10.0 * ratio) as i32)
            .x_label_area_size((26.0 * ratio) as i32)
            .y_label_area_size((40.0 * ratio) as i32)
            .build_cartesian_2d(0f64..k as f64, 0f64..top)
        else {
            return;
        };
        let _ = chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(6)
            .max_light_lines(0)
            .y_label_formatter(&|y| format!("{y:.1}"))
            .label_style(("sans-serif", font).into_font().color(&muted))
            .axis_style(muted)
            .light_line_style(css_colour("--border").mix(0.4))
            .bold_line_style(css_colour("--border").mix(0.6))
            .draw();
        let bars = p.iter().enumerate().map(|(i, &v)| (i as f64 + 0.1, i as f64 + 0.48, v, pc)).chain(
            q.iter().enumerate().map(|(i, &v)| (i as f64 + 0.52, i as f64 + 0.9, v, qc)),
        );
        let _ = chart.draw_series(bars.map(|(a, b, v, c)| Rectangle::new([(a, 0.0), (b, v.min(top))], c.filled())));
        // Labels on top of the bars when there is room.
        if k <= 6 {
            let small = ("sans-serif", (12.0 * ratio) as u32).into_font().color(&text);
            for (i, (&a, &b)) in p.iter().zip(&q).enumerate() {
                for (x, v) in [(i as f64 + 0.1, a), (i as f64 + 0.52, b)] {
                    let _ = chart.draw_series(std::iter::once(Text::new(
                        format!("{v:.2}"),
                        (x, (v + 0.04 * top).min(top * 0.97)),
                        small.clone(),
                    )));
                }
            }
        }
        let (xs, ys): (Range<i32>, Range<i32>) = chart.plotting_area().get_pixel_range();
        // Outcome numbers centred under each pair of bars.
        let label = ("sans-serif", font).into_font().color(&muted).pos(Pos::new(HPos::Center, VPos::Top));
        for i in 0..k {
            let x = f64::from(xs.start) + (i as f64 + 0.5) / k as f64 * f64::from(xs.end - xs.start);
            let _ = area.draw(&Text::new(format!("{}", i + 1), (x.round() as i32, ys.end + (6.0 * ratio) as i32), label.clone()));
        }
        frame.set_value(Some(Frame {
            pixels_x: (f64::from(xs.start), f64::from(xs.end)),
            pixels_y: (f64::from(ys.start), f64::from(ys.end)),
            x: (0.0, k as f64),
            y: (0.0, top),
        }));
    };

    // Pointer position → (which bar, probability). Under the pointer capture the events come to
    // the wrapper, so the canvas is found inside it.
    let locate = move |ev: &web_sys::PointerEvent| -> Option<(Which, usize, f64)> {
        let canvas = canvas_in(&wrap.get_untracked()?.into())?;
        let (px, py) = canvas_pixel(&canvas, ev)?;
        let [x, v] = frame.get_value()?.to_data_anywhere(px, py)?;
        Some((if x.fract() < 0.5 { Which::P } else { Which::Q }, x.floor().max(0.0) as usize, v))
    };
    let drag_to = move |w: Which, i: usize, v: f64| {
        let current = state.with_untracked(|s| if w == Which::P { s.p.clone() } else { s.q.clone() });
        if i < current.len() {
            set_distribution(state, typed, w, drag(&current, i, (v * 1000.0).round() / 1000.0));
        }
    };
    let on_down = move |ev: web_sys::PointerEvent| {
        let Some((w, i, v)) = locate(&ev) else { return };
        if i >= state.with_untracked(|s| s.k) {
            return;
        }
        ev.prevent_default();
        if let Some(div) = wrap.get_untracked() {
            let _ = div.set_pointer_capture(ev.pointer_id());
        }
        dragging.set_value(Some((w, i)));
        drag_to(w, i, v);
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        let Some((w, i)) = dragging.get_value() else { return };
        if let Some((_, _, v)) = locate(&ev) {
            drag_to(w, i, v);
        }
    };
    let on_up = move |_: web_sys::PointerEvent| dragging.set_value(None);

    let chart_label = Signal::derive(move || {
        state.with(|s| {
            let list = |v: &[f64]| v.iter().map(|x| fixed(*x, 3)).collect::<Vec<_>>().join(", ");
            format!("Bar chart of P ({}) and Q ({}) over {} outcomes", list(&s.p), list(&s.q), s.k)
        })
    });

    view! {
        <div class="information-chart">
            <Legend/>
            <p class="muted information-drag-hint">"Drag a bar up or down: the other bars of that distribution rescale so the sum stays 1. Or type the values."</p>
            <div
                class="information-drag"
                node_ref=wrap
                on:pointerdown=on_down
                on:pointermove=on_move
                on:pointerup=on_up
                on:pointercancel=on_up
            >
                <Chart draw=draw label=chart_label aspect=0.55 testid="information-chart"/>
            </div>
        </div>
    }
}

/// The key to P's and Q's colours, above each chart of the two.
#[component]
pub fn Legend() -> impl IntoView {
    view! {
        <p class="information-legend">
            <span class="information-key information-key-p"></span>"P (the truth)"
            <span class="information-key information-key-q"></span>"Q (the model)"
        </p>
    }
}
