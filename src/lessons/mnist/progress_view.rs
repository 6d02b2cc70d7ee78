//! How the Digits page shows where its training runs and how it goes: the device sentence and
//! the loss and accuracy curves.

use crate::ui::chart::Canvas;
use plotters::prelude::*;

use super::run::{AccuracyPoint, Device, LossPoint};
use crate::ui::compute::Compute;
use crate::ui::css_colour;

/// "webgpu" or "cpu": where training runs, or will run when it starts.
pub(super) fn device_kind(device: Option<Device>, compute: Option<Compute>) -> &'static str {
    match (device, compute) {
        (Some(Device::Gpu { .. }), _) | (None, Some(Compute::WebGpu { .. })) => "webgpu",
        _ => "cpu",
    }
}

pub(super) fn device_text(device: Option<Device>, compute: Option<Compute>) -> String {
    const CPU: &str = "the CPU (WebAssembly SIMD)";
    match (device, compute) {
        (Some(Device::Gpu { adapter }), _) => format!("Training on the GPU through WebGPU · {adapter}."),
        (Some(Device::Cpu { why: Some(why) }), _) => format!("Training on {CPU}: {why}."),
        (Some(Device::Cpu { why: None }), _) => format!("Training on {CPU}, on this page's thread."),
        (Some(Device::Worker { threads }), _) => {
            format!("Training on {CPU} in a background worker{}, so the page stays responsive.", crate::ui::worker_client::threads_phrase(threads))
        }
        (None, Some(Compute::WebGpu { adapter })) => format!("Trains on the GPU through WebGPU · {adapter}."),
        (None, _) => format!("Trains on {CPU}."),
    }
}

/// "worker" or "page": which thread trains, for the tests and the curious.
pub(super) fn thread_kind(device: Option<Device>) -> &'static str {
    match device {
        Some(Device::Worker { .. }) => "worker",
        _ => "page",
    }
}

pub(super) fn draw_curves(
    area: DrawingArea<Canvas, plotters::coord::Shift>,
    ratio: f64,
    losses: &[LossPoint],
    accuracies: &[AccuracyPoint],
) {
    let text = css_colour("--text");
    let muted = css_colour("--muted");
    let blue = css_colour("--accent");
    let orange = css_colour("--second");
    let _ = area.fill(&css_colour("--surface"));
    let last_step = losses.last().map(|p| p.step).max(accuracies.last().map(|a| a.step)).unwrap_or(0).max(100) as f64;
    let max_loss = losses.iter().map(|p| p.loss).fold(0.5f64, f64::max).min(3.0);
    let font = (13.0 * ratio) as i32;
    let Ok(chart) = ChartBuilder::on(&area)
        .margin((10.0 * ratio) as i32)
        .x_label_area_size((32.0 * ratio) as i32)
        .y_label_area_size((48.0 * ratio) as i32)
        .right_y_label_area_size((64.0 * ratio) as i32)
        .build_cartesian_2d(0.0..last_step, 0.0..max_loss)
    else {
        return;
    };
    let mut chart = chart.set_secondary_coord(0.0..last_step, 0.0..100.0f64);
    crate::ui::chart::draw_curve_mesh(&mut chart, "step", "loss", font);
    let _ = chart
        .configure_secondary_axes()
        .y_desc("test accuracy (%)")
        .y_label_formatter(&|y| format!("{y:.0}"))
        .label_style(("sans-serif", font).into_font().color(&muted))
        .axis_desc_style(("sans-serif", font).into_font().color(&text))
        .axis_style(muted)
        .draw();
    let stroke = (2.0 * ratio) as u32;
    let _ = chart.draw_series(LineSeries::new(
        losses.iter().map(|p| (p.step as f64, p.loss.min(max_loss))),
        blue.stroke_width(stroke),
    ));
    // A line needs two points; the worker's first report can carry a whole short run (one
    // point), which would otherwise leave the chart empty.
    if losses.len() == 1 {
        let _ = chart.draw_series(losses.iter().map(|p| Circle::new((p.step as f64, p.loss.min(max_loss)), (3.0 * ratio) as i32, blue.filled())));
    }
    let _ = chart.draw_secondary_series(LineSeries::new(
        accuracies.iter().map(|a| (a.step as f64, 100.0 * a.accuracy)),
        orange.stroke_width(stroke),
    ));
    let _ = chart.draw_secondary_series(
        accuracies.iter().map(|a| Circle::new((a.step as f64, 100.0 * a.accuracy), (3.0 * ratio) as i32, orange.filled())),
    );
}
