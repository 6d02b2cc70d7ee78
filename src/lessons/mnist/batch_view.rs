//! The step-through panel: one training step shown as five phases, one after another.

use crate::ui::chart::Canvas;
use leptos::prelude::*;

use crate::ui::panel::phase_list;

use crate::ui::Panel;
use plotters::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::batch::{BatchReport, Histogram};
use crate::ui::{css_colour, Chart, Math};
use crate::data::mnist::IMAGE_PIXELS;
use crate::lessons::shared::numbers::fixed;

const PHASES: [&str; 5] = ["The batch", "Forward", "Loss", "Backward", "Update"];

/// A number in scientific notation when small, as gradient and update sizes usually are.
fn size(x: f64) -> String {
    if x != 0.0 && x.abs() < 0.01 { format!("{x:.2e}").replace('-', "−") } else { fixed(x, 4) }
}

#[component]
fn BatchImages(report: BatchReport) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let count = report.labels.len();
    let per_row = 16;
    let rows = count.div_ceil(per_row);
    let images = report.images.clone();
    Effect::new(move |_| {
        let Some(element) = canvas.get() else { return };
        let element: HtmlCanvasElement = element.unchecked_into();
        let Some(ctx) = element.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok()) else { return };
        for i in 0..count {
            let rgba: Vec<u8> = images[i * IMAGE_PIXELS..(i + 1) * IMAGE_PIXELS].iter().flat_map(|&p| [255 - p, 255 - p, 255 - p, 255]).collect();
            if let Ok(image) = ImageData::new_with_u8_clamped_array(Clamped(&rgba), 28) {
                let _ = ctx.put_image_data(&image, ((i % per_row) * 30) as f64, ((i / per_row) * 30) as f64);
            }
        }
    });
    let right = report.labels.iter().zip(&report.predicted).filter(|(a, b)| a == b).count();
    view! {
        <canvas class="mnist-batch" node_ref=canvas width=(per_row * 30) as u32 height=(rows * 30) as u32 aria-label="The images of this batch"></canvas>
        <p>{format!("{count} training images, in this epoch's shuffled order. Before this step the network reads {right} of them correctly.")}</p>
    }
}

fn draw_histogram(area: DrawingArea<Canvas, plotters::coord::Shift>, ratio: f64, h: &Histogram) {
    let _ = area.fill(&css_colour("--surface"));
    let top = h.counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let (low, high) = if h.high > h.low { (h.low, h.high) } else { (h.low - 0.5, h.low + 0.5) };
    let font = (12.0 * ratio) as i32;
    let Ok(mut chart) = ChartBuilder::on(&area)
        .margin((6.0 * ratio) as i32)
        .x_label_area_size((26.0 * ratio) as i32)
        .y_label_area_size((44.0 * ratio) as i32)
        .build_cartesian_2d(low..high, 0.0..top * 1.05)
    else {
        return;
    };
    let muted = css_colour("--muted");
    let _ = chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(5)
        .y_labels(4)
        .x_label_formatter(&|x| format!("{x:.2}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .label_style(("sans-serif", font).into_font().color(&muted))
        .axis_style(muted)
        .draw();
    let width = (high - low) / h.counts.len() as f64;
    let blue = css_colour("--accent");
    let _ = chart.draw_series(h.counts.iter().enumerate().map(|(i, &c)| {
        let x = low + i as f64 * width;
        Rectangle::new([(x, 0.0), (x + width * 0.92, c as f64)], blue.filled())
    }));
}

#[component]
pub fn BatchStep(
    report: RwSignal<Option<BatchReport>>,
    #[prop(into)] can_step: Signal<bool>,
    #[prop(into)] on_step: Callback<()>,
) -> impl IntoView {
    let phase = RwSignal::new(0usize);
    let take_step = move |_| {
        on_step.run(());
        phase.set(0);
    };
    let shown = move |p: usize| phase.get() >= p;
    let at_last_phase = move || report.with(|r| r.is_none()) || phase.get() + 1 >= PHASES.len();

    view! {
        <Panel title="Step through one batch" class="mnist-batch stage-3" testid="mnist-step-through" intro=concat!(
            "Training is many small steps. Take one apart: the batch, the forward pass through each layer, ",
            "the loss, the backward pass that finds each weight's gradient, and the update. (Training pauses first.)",
        )>
            <div class="button-row">
                <button class="primary" data-testid="mnist-take-step" disabled=move || !can_step.get() on:click=take_step>"Take one step"</button>
                <button data-testid="mnist-next-phase" disabled=at_last_phase
                    on:click=move |_| phase.update(|p| *p += 1)>"Next phase"</button>
                <button disabled=move || report.with(|r| r.is_none()) on:click=move |_| phase.set(PHASES.len() - 1)>"Show all"</button>
            </div>
            {phase_list(&PHASES, move || report.with(|r| r.is_some()).then(|| phase.get()))}
            {move || report.get().map(|r| {
                let histograms = r.layers.clone();
                let gradients = r.layers.clone();
                let updates = r.layers.clone();
                let (loss, batch) = (r.loss, r.labels.len());
                view! {
                    <div class="phase" data-testid="mnist-phase-batch">
                        <h3>{format!("1. The batch (step {})", r.step)}</h3>
                        <BatchImages report=r.clone()/>
                    </div>
                    <Show when=move || shown(1)>
                        <div class="phase" data-testid="mnist-phase-forward">
                            <h3>"2. Forward: what each layer outputs"</h3>
                            <div class="histograms">
                                {histograms.iter().enumerate().map(|(i, layer)| {
                                    let h = layer.activations.clone();
                                    let last = i + 1 == histograms.len();
                                    view! {
                                        <figure>
                                            <Chart aspect=0.5 label=format!("Histogram of layer {}'s outputs", i + 1)
                                                draw=move |area, ratio| draw_histogram(area, ratio, &h)/>
                                            <figcaption>
                                                {format!("Layer {}: {}. ", i + 1, layer.name)}
                                                {if last { "These are the logits, one per digit, before the softmax.".to_string() }
                                                 else { format!("{}% of the outputs are exactly 0 (units that did not fire).", fixed(100.0 * layer.zero_fraction, 1)) }}
                                            </figcaption>
                                        </figure>
                                    }
                                }).collect_view()}
                            </div>
                        </div>
                    </Show>
                    <Show when=move || shown(2)>
                        <div class="phase" data-testid="mnist-phase-loss">
                            <h3>"3. Loss"</h3>
                            <Math block=true tex=format!(r"L = -\frac{{1}}{{{batch}}}\sum_{{i=1}}^{{{batch}}} \log \mathrm{{softmax}}(z_i)_{{y_i}} = {}", fixed(loss, 4))/>
                            <p>"The average, over the batch, of minus the log of the probability the network gave the right digit. It would be 0 if it were sure and right every time; guessing gives ln 10 = 2.303."</p>
                        </div>
                    </Show>
                    <Show when=move || shown(3)>
                        <div class="phase" data-testid="mnist-phase-backward">
                            <h3>"4. Backward: how much each layer's weights matter to the loss"</h3>
                            <table class="numbers-table">
                                <thead><tr><th>"layer"</th><th class="number">"‖∂L/∂W‖"</th><th class="number">"‖∂L/∂b‖"</th></tr></thead>
                                <tbody>{gradients.iter().enumerate().map(|(i, l)| view! {
                                    <tr><td>{format!("{}: {}", i + 1, l.name)}</td><td class="number">{size(l.weight_gradient)}</td><td class="number">{size(l.bias_gradient)}</td></tr>
                                }).collect_view()}</tbody>
                            </table>
                            <p class="muted">"‖·‖ is the length of all the gradients of a layer taken together (the square root of the sum of their squares)."</p>
                        </div>
                    </Show>
                    <Show when=move || shown(4)>
                        <div class="phase" data-testid="mnist-phase-update">
                            <h3>"5. Update: how far the optimiser moved the weights"</h3>
                            <table class="numbers-table">
                                <thead><tr><th>"layer"</th><th class="number">"‖W‖"</th><th class="number">"‖ΔW‖"</th><th class="number">"‖ΔW‖ ÷ ‖W‖"</th></tr></thead>
                                <tbody>{updates.iter().enumerate().map(|(i, l)| view! {
                                    <tr><td>{format!("{}: {}", i + 1, l.name)}</td><td class="number">{size(l.weight_norm)}</td><td class="number">{size(l.update)}</td>
                                        <td class="number">{size(l.update / l.weight_norm.max(1e-30))}</td></tr>
                                }).collect_view()}</tbody>
                            </table>
                            <p class="muted">"A rule of thumb: a healthy step changes each layer by about a thousandth of its size. Much more, and training is unstable; much less, and it crawls."</p>
                        </div>
                    </Show>
                }
            })}
        </Panel>
    }
}
