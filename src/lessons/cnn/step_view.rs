//! "Step through one convolution": one number of a first-layer feature map, worked out in the
//! open from the digit shown above: the 5 × 5 window of the input, the filter's 25 weights,
//! their products, the sum, the bias, ReLU. The engine's own number for the same place is shown
//! beside it, and the two agree.

use leptos::prelude::*;

use super::maps::layer_outputs;
use super::one_convolution::{one_convolution, OneConvolution};
use crate::engine::layers::{LayerSpec, Module, Sequential};
use crate::engine::CpuBackend;
use crate::engine::poll::now_or_never;
use crate::lessons::mnist::lesson::Digits;
use crate::ui::Panel;

/// Which first-layer number is stepped through: filter, row, column of its feature map.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepAt {
    pub filter: usize,
    pub row: usize,
    pub col: usize,
}

/// The step-through and the engine's number for the same place.
#[derive(Clone, PartialEq)]
struct Worked {
    step: OneConvolution,
    engine: f32,
    filters: usize,
    out_side: usize,
}

fn work(d: Digits, pixels: &[f32], at: StepAt) -> Result<Worked, String> {
    super::maps_view::with_model(d, |model| work_on(model, pixels, at)).unwrap_or_else(|| Err("busy".into()))
}

fn work_on(model: &Sequential<CpuBackend>, pixels: &[f32], at: StepAt) -> Result<Worked, String> {
    let first = model.layers.first().ok_or("The network has no layers.")?;
    let LayerSpec::Conv { input, size, filters, stride, padding, .. } = first.spec() else {
        return Err("This network starts with a dense layer, not a convolution: add convolutions under Change the network.".into());
    };
    let out = first.spec().output_image().ok_or("no output")?;
    let at = StepAt { filter: at.filter.min(filters - 1), row: at.row.min(out.height - 1), col: at.col.min(out.width - 1) };
    let parameters = first.parameters();
    let kernel = now_or_never(parameters[0].to_vec()).unwrap_or_default();
    let bias = now_or_never(parameters[1].to_vec()).unwrap_or_default();
    let step = one_convolution(pixels, input, &kernel, &bias, size, stride, padding, at.filter, (at.row, at.col));
    let maps = layer_outputs(model, pixels);
    let engine = maps.first().map(|m| m.map(at.filter)[at.row * out.width + at.col]).unwrap_or(f32::NAN);
    Ok(Worked { step, engine, filters, out_side: out.height })
}

/// A `size × size` grid of numbers, each cell carrying its exact value for checking.
fn grid(values: Vec<f64>, size: usize, digits: usize, testid: &'static str) -> impl IntoView {
    view! {
        <div class="cnn-grid" style=format!("grid-template-columns: repeat({size}, auto)") data-testid=testid>
            {values.into_iter().map(|v| {
                // −0 (a negative weight times a blank pixel) reads as 0.
                let v = if v == 0.0 { 0.0 } else { v };
                let class = if v > 0.0 { "cnn-cell positive" } else if v < 0.0 { "cnn-cell negative" } else { "cnn-cell" };
                view! { <span class=class data-value=v.to_string()>{format!("{v:.digits$}")}</span> }
            }).collect_view()}
        </div>
    }
}

fn number_input(label: &'static str, testid: &'static str, value: impl Fn() -> usize + Send + Sync + 'static, max: usize, set: impl Fn(usize) + 'static) -> impl IntoView {
    view! {
        <label>{label} " "
            <input type="number" min="0" max=max.to_string() data-testid=testid prop:value=move || value().to_string()
                on:change=move |e| {
                    if let Ok(n) = event_target_value(&e).trim().parse::<usize>() {
                        set(n.min(max));
                    }
                }/>
        </label>
    }
}

#[component]
pub fn StepThrough(d: Digits, pixels: RwSignal<Option<Vec<f32>>>, at: RwSignal<StepAt>) -> impl IntoView {
    let worked = Memo::new(move |_| {
        d.first_layer.track();
        d.report.steps.track();
        d.settings.track();
        let values = pixels.get().ok_or_else(|| "Pick a digit above first.".to_string())?;
        work(d, &values, at.get())
    });
    let controls = move || {
        worked.get().ok().map(|w| {
            view! {
                <div class="cnn-pick">
                    {number_input("filter", "cnn-filter", move || at.get().filter + 1, w.filters, move |n| at.update(|a| a.filter = n.max(1) - 1))}
                    {number_input("row", "cnn-row", move || at.get().row, w.out_side - 1, move |n| at.update(|a| a.row = n))}
                    {number_input("column", "cnn-col", move || at.get().col, w.out_side - 1, move |n| at.update(|a| a.col = n))}
                </div>
            }
        })
    };
    view! {
        <Panel title="Step through one convolution" class="cnn-step" intro=concat!(
            "One number of a first-layer feature map, worked out from the digit above. The filter's window (blue frame above) ",
            "covers 5×5 pixels; each pixel is multiplied by the filter's weight at the same place, the 25 products are added, ",
            "the bias is added, and ReLU keeps the result if it is positive, else gives 0. Sliding the window one pixel at a time ",
            "over the 28×28 digit gives the 24×24 map."
        )>
            {controls}
            {move || match worked.get() {
                Err(why) => view! { <p class="muted" data-testid="cnn-step-empty">{why}</p> }.into_any(),
                Ok(w) => {
                    let s = w.step.clone();
                    let size = s.size;
                    let agree = (s.output - w.engine as f64).abs() <= 1e-5 * (1.0 + s.output.abs());
                    view! {
                        <div class="cnn-step-grids">
                            <figure><figcaption>"the input under the window"</figcaption>{grid(s.window.iter().map(|&v| v as f64).collect(), size, 2, "cnn-window")}</figure>
                            <span class="cnn-op">"×"</span>
                            <figure><figcaption>{format!("filter {}'s weights", s.filter + 1)}</figcaption>{grid(s.kernel.iter().map(|&v| v as f64).collect(), size, 3, "cnn-kernel")}</figure>
                            <span class="cnn-op">"="</span>
                            <figure><figcaption>"products"</figcaption>{grid(s.products.clone(), size, 3, "cnn-products")}</figure>
                        </div>
                        <ol class="cnn-sum-steps">
                            <li>"Add the " {size * size} " products: " <strong data-testid="cnn-sum" data-value=s.sum.to_string()>{format!("{:.4}", s.sum)}</strong></li>
                            <li>"Add the bias " <span data-testid="cnn-bias" data-value=s.bias.to_string()>{format!("{:.4}", s.bias)}</span> ": z = "
                                <strong data-testid="cnn-before" data-value=s.before.to_string()>{format!("{:.4}", s.before)}</strong></li>
                            <li>"ReLU: max(0, z) = " <strong data-testid="cnn-output" data-value=s.output.to_string()>{format!("{:.4}", s.output)}</strong>
                                {format!(", the number at row {}, column {} of feature map {}.", s.row, s.col, s.filter + 1)}</li>
                        </ol>
                        <p class="muted" data-testid="cnn-engine" data-value=w.engine.to_string() data-agree=agree.to_string()>
                            {format!("The engine's own number there (its convolution is one matrix product over all 576 windows at once): {:.4}. {}",
                                w.engine, if agree { "The same." } else { "They differ: please report this." })}
                        </p>
                    }.into_any()
                }
            }}
        </Panel>
    }
}
