//! Curves of a function and its derivative, with the chosen point marked, drawn with plotters.

use crate::ui::chart::Canvas;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::ui::css_colour;

pub type Area = DrawingArea<Canvas, Shift>;

/// Left and right padding of the plotting area in CSS pixels (margin + y label area on the
/// left, margin on the right), so a pointer position can be turned back into an x.
pub const PLOT_LEFT: f64 = 8.0 + 44.0;
pub const PLOT_RIGHT: f64 = 8.0;

/// Two curves over `[x0, x1]` (the function in the accent colour, its derivative in the second
/// colour), a vertical line at `at` and dots where it crosses them. Values beyond `clip` are
/// left out so an asymptote (−1/ŷ near 0) does not flatten the rest of the picture.
pub fn draw_pair(area: Area, ratio: f64, x0: f64, x1: f64, x_desc: &str, f: &dyn Fn(f64) -> f64, g: &dyn Fn(f64) -> f64, at: f64, clip: f64) {
    let _ = area.fill(&css_colour("--surface"));
    let font = (12.0 * ratio) as i32;
    let muted = css_colour("--muted");
    let text = css_colour("--text");
    let samples = 400;
    let xs: Vec<f64> = (0..=samples).map(|i| x0 + (x1 - x0) * i as f64 / samples as f64).collect();
    let fs: Vec<(f64, f64)> = xs.iter().map(|&x| (x, f(x))).collect();
    let gs: Vec<(f64, f64)> = xs.iter().map(|&x| (x, g(x))).collect();
    let visible = |v: f64| v.is_finite() && v.abs() <= clip;
    let (lo, hi) = fs.iter().chain(&gs).map(|p| p.1).filter(|&v| visible(v)).fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = ((hi - lo) * 0.08).max(0.1);
    let (y0, y1) = (lo - pad, hi + pad);
    let Ok(mut chart) = ChartBuilder::on(&area)
        .margin((8.0 * ratio) as i32)
        .x_label_area_size((40.0 * ratio) as i32)
        .y_label_area_size((44.0 * ratio) as i32)
        .build_cartesian_2d(x0..x1, y0..y1)
    else {
        return;
    };
    let _ = chart
        .configure_mesh()
        .x_desc(x_desc)
        .label_style(("sans-serif", font).into_font().color(&muted))
        .axis_desc_style(("sans-serif", font).into_font().color(&text))
        .light_line_style(css_colour("--border").mix(0.3))
        .bold_line_style(css_colour("--border").mix(0.8))
        .draw();
    let stroke = (2.5 * ratio) as u32;
    let _ = chart.draw_series(LineSeries::new([(x0, 0.0), (x1, 0.0)], muted.mix(0.6).stroke_width(ratio as u32)));
    let _ = chart.draw_series(LineSeries::new([(at, y0), (at, y1)], muted.mix(0.7).stroke_width(ratio as u32)));
    for (points, colour) in [(&gs, css_colour("--second")), (&fs, css_colour("--accent"))] {
        // Draw each run of visible points as its own line.
        let mut run: Vec<(f64, f64)> = Vec::new();
        for &(x, v) in points.iter() {
            if visible(v) && v >= y0 && v <= y1 {
                run.push((x, v));
            } else if !run.is_empty() {
                let _ = chart.draw_series(LineSeries::new(std::mem::take(&mut run), colour.stroke_width(stroke)));
            }
        }
        if !run.is_empty() {
            let _ = chart.draw_series(LineSeries::new(run, colour.stroke_width(stroke)));
        }
    }
    for (v, colour) in [(g(at), css_colour("--second")), (f(at), css_colour("--accent"))] {
        if visible(v) && v >= y0 && v <= y1 {
            let _ = chart.draw_series([Circle::new((at, v), (5.0 * ratio) as i32, colour.filled())]);
        }
    }
}

/// The x under a pointer at `offset` CSS pixels from the left of a chart `width` wide.
pub fn x_at(offset: f64, width: f64, x0: f64, x1: f64) -> f64 {
    let inner = (width - PLOT_LEFT - PLOT_RIGHT).max(1.0);
    let t = ((offset - PLOT_LEFT) / inner).clamp(0.0, 1.0);
    x0 + t * (x1 - x0)
}
