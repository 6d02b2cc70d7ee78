//! The lesson's charts: D and G losses, D's mean verdicts, and the judge's digit histogram.

use crate::ui::chart::{themed_mesh, Canvas};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::ui::css_colour;

pub use super::curves::CurvePoint;

type Area = DrawingArea<Canvas, Shift>;

/// Two lines over iterations with a legend; `y` is the value range.
fn draw_pair(area: Area, ratio: f64, points: &[CurvePoint], y: std::ops::Range<f64>, y_name: &str, lines: [(&str, &str, fn(&CurvePoint) -> f64); 2]) {
    let text = css_colour("--text");
    let _ = area.fill(&css_colour("--surface"));
    let last = points.last().map(|p| p.iteration).unwrap_or(0).max(50) as f64;
    let font = (13.0 * ratio) as i32;
    let Ok(mut chart) = ChartBuilder::on(&area)
        .margin((10.0 * ratio) as i32)
        .x_label_area_size((40.0 * ratio) as i32)
        .y_label_area_size((48.0 * ratio) as i32)
        .build_cartesian_2d(0.0..last, y.clone())
    else {
        return;
    };
    crate::ui::chart::draw_curve_mesh(&mut chart, "iteration", y_name, font);
    let stroke = (2.0 * ratio) as u32;
    for (name, colour, value) in lines {
        let colour = css_colour(colour);
        let clamp = |v: f64| v.clamp(y.start, y.end);
        if let Ok(series) = chart.draw_series(LineSeries::new(points.iter().map(|p| (p.iteration as f64, clamp(value(p)))), colour.stroke_width(stroke))) {
            series.label(name).legend(move |(x, y)| PathElement::new(vec![(x, y), (x + (18.0 * ratio) as i32, y)], colour.stroke_width(stroke)));
        }
    }
    let _ = chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(css_colour("--surface").mix(0.85))
        .border_style(css_colour("--border"))
        .label_font(("sans-serif", font).into_font().color(&text))
        .draw();
}

pub fn draw_losses(area: Area, ratio: f64, points: &[CurvePoint]) {
    let top = points.iter().map(|p| p.d_loss.max(p.g_loss)).filter(|v| v.is_finite()).fold(2.0f64, f64::max).min(8.0);
    // The minimax generator loss, E[log(1 − D(G(z)))], is negative.
    let bottom = points.iter().map(|p| p.g_loss).filter(|v| v.is_finite()).fold(0.0f64, f64::min).max(-8.0);
    draw_pair(area, ratio, points, bottom..top, "loss", [("D loss (real + fake)", "--accent", |p| p.d_loss), ("G loss", "--second", |p| p.g_loss)]);
}

pub fn draw_scores(area: Area, ratio: f64, points: &[CurvePoint]) {
    draw_pair(area, ratio, points, 0.0..1.0, "D's probability", [("mean D(x), real", "--accent", |p| p.real), ("mean D(G(z)), fake", "--second", |p| p.fake)]);
}

/// Bars: how many of the judged images the classifier reads as each digit, with the 4% line.
pub fn draw_histogram(area: Area, ratio: f64, counts: &[usize; 10]) {
    let _ = area.fill(&css_colour("--surface"));
    let total = counts.iter().sum::<usize>().max(1) as f64;
    let top = counts.iter().map(|&c| 100.0 * c as f64 / total).fold(15.0f64, f64::max) * 1.1;
    let font = (13.0 * ratio) as i32;
    let Ok(mut chart) = ChartBuilder::on(&area)
        .margin((10.0 * ratio) as i32)
        .x_label_area_size((40.0 * ratio) as i32)
        .y_label_area_size((48.0 * ratio) as i32)
        .build_cartesian_2d(-0.5f64..9.5f64, 0.0..top)
    else {
        return;
    };
    let _ = themed_mesh(&mut chart, "digit the classifier sees", "% of samples", font)
        .disable_x_mesh()
        .x_labels(10)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw();
    let blue = css_colour("--accent");
    let _ = chart.draw_series(counts.iter().enumerate().map(|(d, &c)| {
        let share = 100.0 * c as f64 / total;
        Rectangle::new([(d as f64 - 0.38, 0.0), (d as f64 + 0.38, share)], blue.filled())
    }));
    // The target: every digit at least 4% of the samples.
    let orange = css_colour("--second");
    let _ = chart.draw_series(LineSeries::new([(-0.5, 4.0), (9.5, 4.0)], orange.stroke_width((2.0 * ratio) as u32)));
}
