//! The race's picture, in two stacked canvases so playing stays cheap: the landscape (drawn
//! only when the landscape changes) and, on top, the racers' paths (redrawn every frame).
//! Both build the same chart layout, so their coordinates line up.

use crate::ui::chart::Canvas;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::charts::{frame_of, Area};
use crate::lessons::shared::frame::Frame;
use super::landscape::Landscape;
use super::race::{Race, COLOURS};
use crate::ui::css_colour;

fn layout<'a>(area: &'a Area, ratio: f64, landscape: Landscape) -> Option<ChartContext<'a, Canvas, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    let ((x0, x1), (y0, y1)) = landscape.view();
    ChartBuilder::on(area)
        .margin((8.0 * ratio) as i32)
        .x_label_area_size((28.0 * ratio) as i32)
        .y_label_area_size((44.0 * ratio) as i32)
        .build_cartesian_2d(x0..x1, y0..y1)
        .ok()
}

/// The landscape as bands of log(f − lowest + 1): twelve shades, so the bands read as contours.
pub fn draw_landscape(area: Area, ratio: f64, landscape: Landscape, condition: f64) {
    let _ = area.fill(&css_colour("--surface"));
    let font = (12.0 * ratio) as i32;
    let (muted, text) = (css_colour("--muted"), css_colour("--text"));
    let Some(mut chart) = layout(&area, ratio, landscape) else { return };
    let ((x0, x1), (y0, y1)) = landscape.view();
    const COLUMNS: usize = 90;
    const ROWS: usize = 70;
    const BANDS: f64 = 12.0;
    let (dx, dy) = ((x1 - x0) / COLUMNS as f64, (y1 - y0) / ROWS as f64);
    let height = |x: f64, y: f64| (landscape.value([x, y], condition) - landscape.lowest() + 1.0).ln();
    let mut cells = Vec::with_capacity(COLUMNS * ROWS);
    for i in 0..COLUMNS {
        for j in 0..ROWS {
            cells.push((i, j, height(x0 + (i as f64 + 0.5) * dx, y0 + (j as f64 + 0.5) * dy)));
        }
    }
    let top = cells.iter().map(|c| c.2).fold(1e-9, f64::max);
    let surface = css_colour("--surface");
    let _ = chart.draw_series(cells.iter().map(|&(i, j, h)| {
        // Low ground is darkest; banding makes level sets visible without contour tracing.
        let band = (h / top * BANDS).floor().min(BANDS - 1.0) / (BANDS - 1.0);
        let t = 0.55 * (1.0 - band);
        let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t) as u8;
        let colour = RGBColor(mix(surface.0, text.0), mix(surface.1, text.1), mix(surface.2, text.2));
        let (x, y) = (x0 + i as f64 * dx, y0 + j as f64 * dy);
        Rectangle::new([(x, y), (x + dx, y + dy)], colour.filled())
    }));
    let _ = chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("x")
        .y_desc("y")
        .label_style(("sans-serif", font).into_font().color(&muted))
        .axis_desc_style(("sans-serif", font).into_font().color(&text))
        .draw();
    // The minima: white rings with a dark edge, visible on any shade.
    for m in landscape.minima() {
        let _ = chart.draw_series([Circle::new((m[0], m[1]), (8.0 * ratio) as i32, WHITE.stroke_width((4.0 * ratio) as u32))]);
        let _ = chart.draw_series([Circle::new((m[0], m[1]), (8.0 * ratio) as i32, BLACK.stroke_width((2.0 * ratio) as u32))]);
    }
}

/// Every racer's path up to step `upto`, its position there as a dot, and the start as a cross.
/// Nothing is filled, so the landscape shows through. Returns the frame for clicks.
pub fn draw_paths(area: Area, ratio: f64, race: &Race, upto: usize) -> Option<Frame> {
    let landscape = race.settings.landscape;
    let mut chart = layout(&area, ratio, landscape)?;
    let ((x0, x1), (y0, y1)) = landscape.view();
    let frame = frame_of(chart.plotting_area(), (x0, x1), (y0, y1));
    // A path is drawn until it leaves the map (plotters would squash points beyond the edge
    // onto it, drawing lines that were never taken).
    let on_map = |p: &[f64; 2]| p[0] >= x0 && p[0] <= x1 && p[1] >= y0 && p[1] <= y1;
    let stroke = (2.5 * ratio) as u32;
    for racer in &race.racers {
        let (r, g, b) = COLOURS[racer.slot % COLOURS.len()];
        let colour = RGBColor(r, g, b);
        let shown = &racer.visits[..(upto + 1).min(racer.visits.len())];
        // A long path has far more points than pixels: thin it so a frame stays cheap.
        let every = (shown.len() / 600).max(1);
        let path = shown.iter().enumerate().filter(|(i, _)| i % every == 0 || *i == shown.len() - 1).map(|(_, v)| v.position).take_while(on_map);
        let _ = chart.draw_series(LineSeries::new(path.map(|p| (p[0], p[1])), colour.stroke_width(stroke)));
        if let Some(now) = shown.last().map(|v| v.position).filter(on_map) {
            let _ = chart.draw_series([Circle::new((now[0], now[1]), (6.0 * ratio) as i32, colour.filled())]);
            let _ = chart.draw_series([Circle::new((now[0], now[1]), (6.0 * ratio) as i32, BLACK.stroke_width((1.0 * ratio) as u32))]);
        }
    }
    // The start as a cross, 8 px each way whatever the zoom.
    let s = race.settings.start;
    let arm_x = 8.0 * ratio / (frame.pixels_x.1 - frame.pixels_x.0).max(1.0) * (x1 - x0);
    let arm_y = 8.0 * ratio / (frame.pixels_y.1 - frame.pixels_y.0).max(1.0) * (y1 - y0);
    let cross = css_colour("--text").stroke_width((2.0 * ratio) as u32);
    let _ = chart.draw_series(LineSeries::new([(s[0] - arm_x, s[1] - arm_y), (s[0] + arm_x, s[1] + arm_y)], cross));
    let _ = chart.draw_series(LineSeries::new([(s[0] - arm_x, s[1] + arm_y), (s[0] + arm_x, s[1] - arm_y)], cross));
    Some(frame)
}
