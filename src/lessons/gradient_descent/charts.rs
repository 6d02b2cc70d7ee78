//! The lesson's three linked views, drawn with plotters: the data with the current line and
//! its residuals; the loss surface over (θ₀, θ₁) with the path so far, the negative gradient
//! and the least-squares minimum; and the loss over steps.

use crate::ui::chart::Canvas;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::lessons::shared::frame::{widen_to_grid, Frame};
use super::regression::{loss, predict, Point, Step};
use crate::ui::css_colour;

pub type Area = DrawingArea<Canvas, Shift>;

/// Where a chart's plotting area landed on the canvas, for turning pointer events into data.
pub fn frame_of<DB: DrawingBackend>(area: &DrawingArea<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>, x: (f64, f64), y: (f64, f64)) -> Frame {
    let (px, py) = area.get_pixel_range();
    Frame { pixels_x: (px.start as f64, px.end as f64), pixels_y: (py.start as f64, py.end as f64), x, y }
}

fn span(values: impl Iterator<Item = f64>, pad: f64) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if !lo.is_finite() {
        return (-1.0, 1.0);
    }
    let width = (hi - lo).max(1.0);
    (lo - pad * width, hi + pad * width)
}

fn style(ratio: f64) -> (i32, RGBColor, RGBColor) {
    ((12.0 * ratio) as i32, css_colour("--muted"), css_colour("--text"))
}

/// The scatter plot. `theta` is the line drawn; `step` (when the phase shows them) adds the
/// predictions and residuals of the points in the batch. `fixed_range` keeps the axes still
/// while a point is dragged. Returns where the plot is, for pointer events.
#[allow(clippy::too_many_arguments)]
pub fn draw_scatter(
    area: Area,
    ratio: f64,
    points: &[Point],
    theta: [f64; 2],
    step: Option<&Step>,
    show_predictions: bool,
    show_residuals: bool,
    fixed_range: Option<Frame>,
) -> Option<Frame> {
    let _ = area.fill(&css_colour("--surface"));
    let (font, muted, text) = style(ratio);
    let ((x0, x1), (y0, y1)) = match fixed_range {
        Some(f) => (f.x, f.y),
        None => (span(points.iter().map(|p| p.0), 0.1), span(points.iter().map(|p| p.1), 0.25)),
    };
    let Ok(mut chart) = ChartBuilder::on(&area)
        .margin((8.0 * ratio) as i32)
        .x_label_area_size((28.0 * ratio) as i32)
        .y_label_area_size((40.0 * ratio) as i32)
        .build_cartesian_2d(x0..x1, y0..y1)
    else {
        return None;
    };
    let frame = frame_of(chart.plotting_area(), (x0, x1), (y0, y1));
    let _ = chart
        .configure_mesh()
        .x_desc("x")
        .y_desc("y")
        .label_style(("sans-serif", font).into_font().color(&muted))
        .axis_desc_style(("sans-serif", font).into_font().color(&text))
        .light_line_style(css_colour("--border").mix(0.3))
        .bold_line_style(css_colour("--border").mix(0.8))
        .draw();
    let line = css_colour("--accent");
    let orange = css_colour("--second");
    let stroke = (2.0 * ratio) as u32;
    let _ = chart.draw_series(LineSeries::new([(x0, predict(theta, x0)), (x1, predict(theta, x1))], line.stroke_width(stroke)));
    if let Some(step) = step {
        for t in &step.terms {
            if show_residuals {
                let _ = chart.draw_series(LineSeries::new([(t.x, t.y), (t.x, t.prediction)], orange.stroke_width(stroke)));
            }
            if show_predictions {
                let _ = chart.draw_series([Circle::new((t.x, t.prediction), (4.0 * ratio) as i32, line.filled())]);
            }
        }
    }
    let in_batch = |i: usize| step.map(|s| s.terms.iter().any(|t| t.index == i)).unwrap_or(false);
    let _ = chart.draw_series(points.iter().enumerate().map(|(i, &p)| {
        let size = (5.0 * ratio) as i32;
        if in_batch(i) { Circle::new(p, size, text.filled()) } else { Circle::new(p, size, muted.stroke_width(stroke)) }
    }));
    Some(frame)
}

/// The region of (θ₀, θ₁) the loss surface shows: the path and the best line with a margin,
/// on a round grid so it changes only now and then.
pub type View = ((f64, f64), (f64, f64));

pub fn surface_view(path: &[[f64; 2]], best: Option<[f64; 2]>) -> View {
    let finite = path.iter().filter(|t| t.iter().all(|v| v.is_finite() && v.abs() < 1e6));
    let anchor = best.unwrap_or([0.0, 0.0]);
    let (a0, a1) = span(finite.clone().map(|t| t[0]).chain([anchor[0] - 1.0, anchor[0] + 1.0]), 0.15);
    let (b0, b1) = span(finite.map(|t| t[1]).chain([anchor[1] - 1.0, anchor[1] + 1.0]), 0.15);
    (widen_to_grid(a0, a1), widen_to_grid(b0, b1))
}

fn surface_chart(area: &Area, ratio: f64, view: View) -> Option<ChartContext<'_, Canvas, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    let ((a0, a1), (b0, b1)) = view;
    ChartBuilder::on(area)
        .margin((8.0 * ratio) as i32)
        .x_label_area_size((28.0 * ratio) as i32)
        .y_label_area_size((40.0 * ratio) as i32)
        .build_cartesian_2d(a0..a1, b0..b1)
        .ok()
}

/// The loss surface J(θ₀, θ₁) as a heat map, with its axes. Drawn only when the data or the
/// view change; the path is drawn over it on a second canvas (`draw_surface_path`).
pub fn draw_surface_map(area: Area, ratio: f64, points: &[Point], view: View) {
    let _ = area.fill(&css_colour("--surface"));
    let (font, muted, text) = style(ratio);
    let Some(mut chart) = surface_chart(&area, ratio, view) else { return };
    let ((a0, a1), (b0, b1)) = view;
    // Heat map of log J, so the valley floor and the far slopes both show.
    const CELLS: usize = 48;
    let (da, db) = ((a1 - a0) / CELLS as f64, (b1 - b0) / CELLS as f64);
    let mut values = Vec::with_capacity(CELLS * CELLS);
    for i in 0..CELLS {
        for j in 0..CELLS {
            let theta = [a0 + (i as f64 + 0.5) * da, b0 + (j as f64 + 0.5) * db];
            values.push(((i, j), (loss(theta, points) + 1e-9).ln()));
        }
    }
    let (lo, hi) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, v)| (lo.min(*v), hi.max(*v)));
    let surface = css_colour("--surface");
    let deep = css_colour("--accent");
    let _ = chart.draw_series(values.iter().map(|&((i, j), v)| {
        let t = if hi > lo { 1.0 - (v - lo) / (hi - lo) } else { 0.0 };
        let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t * 0.75) as u8;
        let colour = RGBColor(mix(surface.0, deep.0), mix(surface.1, deep.1), mix(surface.2, deep.2));
        let x = a0 + i as f64 * da;
        let y = b0 + j as f64 * db;
        Rectangle::new([(x, y), (x + da, y + db)], colour.filled())
    }));
    let _ = chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("θ₀ (intercept)")
        .y_desc("θ₁ (slope)")
        .label_style(("sans-serif", font).into_font().color(&muted))
        .axis_desc_style(("sans-serif", font).into_font().color(&text))
        .draw();
}

/// Over the heat map: the path of θ, the path of the run this one branched from (`ghost`,
/// faint), the least-squares minimum (a ring) and, when shown, the negative gradient at θ.
pub fn draw_surface_path(area: Area, ratio: f64, view: View, path: &[[f64; 2]], ghost: &[[f64; 2]], best: Option<[f64; 2]>, gradient: Option<([f64; 2], [f64; 2])>) {
    let text = css_colour("--text");
    let Some(mut chart) = surface_chart(&area, ratio, view) else { return };
    let ((a0, a1), (b0, b1)) = view;
    // Points beyond the view would be squashed onto its edge: the path stops where it leaves.
    let inside = |t: &&[f64; 2]| t[0] >= a0 && t[0] <= a1 && t[1] >= b0 && t[1] <= b1;
    let orange = css_colour("--second");
    let stroke = (2.0 * ratio) as u32;
    let faint = text.mix(0.45);
    let ghost: Vec<&[f64; 2]> = ghost.iter().take_while(inside).collect();
    let path: Vec<&[f64; 2]> = path.iter().take_while(inside).collect();
    let _ = chart.draw_series(LineSeries::new(ghost.iter().map(|t| (t[0], t[1])), faint.stroke_width(stroke)));
    let _ = chart.draw_series(ghost.iter().map(|t| Circle::new((t[0], t[1]), (2.5 * ratio) as i32, faint.filled())));
    let _ = chart.draw_series(LineSeries::new(path.iter().map(|t| (t[0], t[1])), orange.stroke_width(stroke)));
    let _ = chart.draw_series(path.iter().map(|t| Circle::new((t[0], t[1]), (2.5 * ratio) as i32, orange.filled())));
    if let Some(b) = best {
        let _ = chart.draw_series([Circle::new((b[0], b[1]), (7.0 * ratio) as i32, text.stroke_width(stroke))]);
    }
    if let Some((at, g)) = gradient {
        // The arrow points along −∇J, scaled to a fixed share of the view so it is always visible.
        let length = (g[0] * g[0] + g[1] * g[1]).sqrt();
        if length > 0.0 {
            let scale = 0.15 * (a1 - a0).min(b1 - b0) / length;
            let tip = (at[0] - g[0] * scale, at[1] - g[1] * scale);
            let _ = chart.draw_series(LineSeries::new([(at[0], at[1]), tip], text.stroke_width(stroke + 1)));
            let _ = chart.draw_series([Circle::new(tip, (3.5 * ratio) as i32, text.filled())]);
        }
    }
}

/// J(θ) over all points, after each step, with a mark at the step being looked at.
pub fn draw_loss_curve(area: Area, ratio: f64, losses: &[f64], at: usize) {
    let _ = area.fill(&css_colour("--surface"));
    let (font, muted, text) = style(ratio);
    let finite: Vec<f64> = losses.iter().copied().filter(|v| v.is_finite()).collect();
    let top = finite.iter().copied().fold(1e-9, f64::max).min(1e6);
    let steps = losses.len().max(2) as f64 - 1.0;
    let Ok(mut chart) = ChartBuilder::on(&area)
        .margin((8.0 * ratio) as i32)
        .x_label_area_size((28.0 * ratio) as i32)
        .y_label_area_size((48.0 * ratio) as i32)
        .build_cartesian_2d(0.0..steps, 0.0..top * 1.05)
    else {
        return;
    };
    let _ = chart
        .configure_mesh()
        .x_desc("step")
        .y_desc("J(θ)")
        .x_labels((steps as usize + 1).min(10))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .label_style(("sans-serif", font).into_font().color(&muted))
        .axis_desc_style(("sans-serif", font).into_font().color(&text))
        .light_line_style(css_colour("--border").mix(0.3))
        .bold_line_style(css_colour("--border").mix(0.8))
        .draw();
    let _ = chart.draw_series(LineSeries::new(
        losses.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, &v)| (i as f64, v.min(top))),
        css_colour("--accent").stroke_width((2.0 * ratio) as u32),
    ));
    if let Some(&v) = losses.get(at).filter(|v| v.is_finite()) {
        let _ = chart.draw_series([Circle::new((at as f64, v.min(top)), (5.0 * ratio) as i32, css_colour("--second").filled())]);
    }
}
