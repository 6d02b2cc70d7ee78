//! "Inside, for one digit": pick a test digit (or use the one drawn below), and see every
//! feature map of every layer for it, refreshed at each accuracy check. Hovering a unit of any
//! layer lights up the input pixels it can see; clicking a unit of the first convolution picks
//! it for the step-through.

use leptos::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData, MouseEvent};

use super::maps::{layer_outputs, map_rgba, receptive_field, LayerOutput, Tiles};
use super::step_view::StepAt;
use crate::data::mnist::{IMAGE_COLS, IMAGE_PIXELS, IMAGE_ROWS};
use crate::engine::layers::{LayerSpec, Sequential};
use crate::engine::rng::Pcg32;
use crate::engine::CpuBackend;
use crate::lessons::mnist::batch::layer_name;
use crate::lessons::mnist::lesson::Digits;
use crate::lessons::shared::pictures::scaled_rgba;
use crate::ui::pointer::canvas_pixel;
use crate::ui::Panel;

/// The input digit is drawn this many times its size.
const INPUT_SCALE: usize = 6;
/// Feature maps per row of a layer's canvas.
const PER_ROW: usize = 8;

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

fn put(ctx: &CanvasRenderingContext2d, rgba: &[u8], width: usize, x: usize, y: usize) {
    if let Ok(image) = ImageData::new_with_u8_clamped_array(Clamped(rgba), width as u32) {
        let _ = ctx.put_image_data(&image, x as f64, y as f64);
    }
}

/// The unit a pointer is over: (layer, row, column).
type Unit = (usize, usize, usize);

/// `look(model)` on the network as the page has it: the run's mirror, or before the first run
/// the very network Train will start from (the same settings and seed give the same weights).
pub(super) fn with_model<T>(d: Digits, look: impl FnOnce(&Sequential<CpuBackend>) -> T) -> Option<T> {
    let cell = d.trainer.get_value();
    let guard = cell.try_borrow().ok()?;
    if let Some(t) = guard.as_ref() {
        return Some(look(&t.model));
    }
    let settings = d.settings.get_untracked();
    let fresh = Sequential::new(&CpuBackend::new(), &settings.specs(), &mut Pcg32::from_seed(settings.seed));
    Some(look(&fresh))
}

#[component]
pub fn FeatureMaps(d: Digits, pixels: RwSignal<Option<Vec<f32>>>, drawn: RwSignal<Option<Vec<f32>>>, at: RwSignal<StepAt>) -> impl IntoView {
    let digit = RwSignal::new(0usize);
    let use_drawing = RwSignal::new(false);
    let outputs = RwSignal::new(Vec::<LayerOutput>::new());
    let hovered = RwSignal::new(None::<Unit>);

    // The digit looked at: a test digit, or the learner's drawing once there is one.
    Effect::new(move |_| {
        let chosen = if use_drawing.get() {
            drawn.get()
        } else {
            d.test_set.get().map(|test| {
                let mut values = vec![0.0; IMAGE_PIXELS];
                test.write_image_f32(digit.get().min(test.count.saturating_sub(1)), &mut values);
                values
            })
        };
        pixels.set(chosen);
    });
    // Every layer's output for it, from the network as it is at the last check.
    Effect::new(move |_| {
        d.first_layer.track();
        d.report.steps.track();
        d.settings.track();
        let Some(values) = pixels.get() else {
            outputs.set(Vec::new());
            return;
        };
        if let Some(fresh) = with_model(d, |model| layer_outputs(model, &values)) {
            outputs.set(fresh);
        }
    });

    let input = NodeRef::<leptos::html::Canvas>::new();
    // The input digit, with the hovered unit's receptive field, or the stepped window, framed.
    Effect::new(move |_| {
        let Some(canvas) = input.get() else { return };
        let canvas: HtmlCanvasElement = canvas.unchecked_into();
        let Some(ctx) = context(&canvas) else { return };
        let Some(values) = pixels.get() else { return };
        let side = IMAGE_ROWS * INPUT_SCALE;
        canvas.set_width(side as u32);
        canvas.set_height(side as u32);
        put(&ctx, &scaled_rgba(&map_rgba(&values, 1.0), IMAGE_COLS, INPUT_SCALE), side, 0, 0);
        let specs: Vec<LayerSpec> = outputs.with(|o| o.iter().map(|o| o.spec).collect());
        let (rows, cols, colour) = match hovered.get() {
            Some((layer, row, col)) if layer < specs.len() => {
                let (rows, cols) = receptive_field(&specs, layer, row, col);
                (rows, cols, "#d9730d")
            }
            _ => {
                let a = at.get();
                let size = specs.first().and_then(|s| s.window(1)).map_or(5, |w| w.size);
                (a.row..a.row + size, a.col..a.col + size, "#2457d6")
            }
        };
        ctx.set_stroke_style_str(colour);
        ctx.set_line_width(3.0);
        let s = INPUT_SCALE as f64;
        ctx.stroke_rect(cols.start as f64 * s + 1.5, rows.start as f64 * s + 1.5, cols.len() as f64 * s - 3.0, rows.len() as f64 * s - 3.0);
    });

    let field_text = move || {
        hovered.get().and_then(|(layer, row, col)| {
            let specs: Vec<LayerSpec> = outputs.with(|o| o.iter().map(|o| o.spec).collect());
            let (rows, cols) = receptive_field(&specs, layer, row, col);
            Some(format!(
                "Layer {} ({}), unit at row {row}, column {col}, sees input rows {}–{} and columns {}–{}: {}×{} of the 28×28 pixels.",
                layer + 1,
                layer_name(specs.get(layer)?),
                rows.start,
                rows.end - 1,
                cols.start,
                cols.end - 1,
                rows.len(),
                cols.len()
            ))
        })
    };

    let drawn_layers = move || outputs.get().into_iter().enumerate().filter(|(_, o)| o.image.is_some()).collect::<Vec<_>>();
    // A layer's canvas is rebuilt when its numbers change (a new check, another digit).
    let layer_key = |(i, o): &(usize, LayerOutput)| (*i, o.values.iter().map(|v| v.to_bits() as u64).fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(b)));
    view! {
        <Panel title="Inside, for one digit" class="cnn-maps" intro=concat!(
            "Every layer turns its input into feature maps, one per filter. Dark means strongly on. ",
            "Hover over any map to see which input pixels that unit can see (its receptive field, in orange): ",
            "deeper layers see more of the digit. Click a unit of the first layer to step through its convolution below."
        )>
            <div class="cnn-pick">
                <label>"Test digit "
                    <input type="number" min="0" max="9999" data-testid="cnn-digit"
                        prop:value=move || digit.get().to_string()
                        on:change=move |e| {
                            if let Ok(n) = event_target_value(&e).trim().parse::<usize>() {
                                digit.set(n.min(9999));
                                use_drawing.set(false);
                            }
                        }/>
                </label>
                <button on:click=move |_| { digit.update(|d| *d = d.saturating_sub(1)); use_drawing.set(false); }>"Previous"</button>
                <button on:click=move |_| { digit.update(|d| *d = (*d + 1).min(9999)); use_drawing.set(false); }>"Next"</button>
                <button data-testid="cnn-use-drawing" disabled=move || drawn.with(Option::is_none)
                    on:click=move |_| use_drawing.set(true)>"Use my drawing"</button>
                <span class="muted">{move || if use_drawing.get() { "Showing your drawing.".to_string() } else { format!("Showing test digit {}.", digit.get()) }}</span>
            </div>
            {move || outputs.with(Vec::is_empty).then(|| view! {
                <p class="muted" data-testid="cnn-maps-empty">"Shown once the digits are in and the network exists (press Train, or wait for the download)."</p>
            })}
            <div class="cnn-maps-grid">
                <figure class="cnn-input">
                    <canvas node_ref=input data-testid="cnn-input" aria-label="The input digit, with the receptive field framed"></canvas>
                    <figcaption>"Input, 28×28"</figcaption>
                </figure>
                <div class="cnn-layers" data-testid="cnn-layers">
                    <For each=drawn_layers key=layer_key children=move |(layer, output)| view! { <LayerMaps layer output hovered at/> }/>
                    {move || outputs.with(|o| o.last().filter(|o| o.image.is_none()).map(|last| {
                        let best = crate::lessons::shared::probability::argmax(&last.values);
                        view! { <p class="cnn-reads" data-testid="cnn-reads">"The ten outputs say: it is a " <strong>{best}</strong> "."</p> }
                    }))}
                </div>
            </div>
            <p class="muted cnn-field" data-testid="cnn-field" aria-live="polite">{move || field_text().unwrap_or_else(|| "Hover over a feature map.".into())}</p>
        </Panel>
    }
}

/// One layer's feature maps on one canvas, with hover and (first layer) click.
#[component]
fn LayerMaps(layer: usize, output: LayerOutput, hovered: RwSignal<Option<Unit>>, at: RwSignal<StepAt>) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let image = output.image.expect("only layers that give images are drawn");
    let tiles = Tiles::new(image, PER_ROW);
    let largest = output.values.iter().fold(0.0f32, |m, &v| m.max(v));
    let (width, height) = tiles.size();
    let draw = output.clone();
    Effect::new(move |_| {
        let Some(element) = canvas.get() else { return };
        let element: HtmlCanvasElement = element.unchecked_into();
        element.set_width(width as u32);
        element.set_height(height as u32);
        let Some(ctx) = context(&element) else { return };
        ctx.set_fill_style_str("#c8c8c8");
        ctx.fill_rect(0.0, 0.0, width as f64, height as f64);
        for channel in 0..image.channels {
            let (x, y) = tiles.origin(channel);
            put(&ctx, &scaled_rgba(&map_rgba(&draw.map(channel), largest), tiles.side, tiles.scale), tiles.drawn(), x, y);
        }
    });
    let unit = move |e: &MouseEvent| {
        let element: HtmlCanvasElement = canvas.get_untracked()?.unchecked_into();
        let (x, y) = canvas_pixel(&element, e)?;
        tiles.unit_at(x, y)
    };
    let name = layer_name(&output.spec);
    view! {
        <figure class="cnn-layer">
            <figcaption>{format!("Layer {}: {name}, {} maps of {}×{}", layer + 1, image.channels, image.height, image.width)}</figcaption>
            <canvas node_ref=canvas data-testid=format!("cnn-maps-{layer}") data-layer=layer
                aria-label=format!("Feature maps of layer {}", layer + 1)
                on:mousemove=move |e| hovered.set(unit(&e).map(|(_, row, col)| (layer, row, col)))
                on:mouseleave=move |_| hovered.set(None)
                on:click=move |e| {
                    if let (0, Some((filter, row, col))) = (layer, unit(&e)) {
                        at.set(StepAt { filter, row, col });
                    }
                }></canvas>
        </figure>
    }
}
