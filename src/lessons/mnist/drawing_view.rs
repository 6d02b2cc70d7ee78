//! "Draw a digit": a canvas the learner draws on with mouse, pen or finger; the drawing is
//! made MNIST-like (`drawing::to_mnist`), shown as the 28×28 image the network sees, and
//! classified as they draw, with the ten probabilities as bars.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::ui::Panel;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData, PointerEvent};

use super::bars_view::{most_likely, ProbabilityBars};
use super::drawing::to_mnist;
use super::trainer::{probabilities, Trainer};
use crate::data::mnist::IMAGE_PIXELS;
use crate::engine::poll::now_or_never;
use crate::engine::{CpuBackend, Tensor};
use crate::lessons::shared::numbers::fixed;

/// The drawing canvas's own resolution (CSS scales it to the layout).
const SIZE: u32 = 280;

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

#[component]
pub fn DrawDigit(
    trainer: Rc<RefCell<Option<Trainer<CpuBackend>>>>,
    #[prop(into)] steps: Signal<u32>,
    /// Where the page wants the 28 × 28 drawing as the network sees it (the CNN lesson's
    /// feature maps), if anywhere.
    #[prop(optional)]
    drawn: Option<RwSignal<Option<Vec<f32>>>>,
) -> impl IntoView {
    let pad = NodeRef::<leptos::html::Canvas>::new();
    let seen = NodeRef::<leptos::html::Canvas>::new();
    let drawing = StoredValue::new(None::<(f64, f64)>);
    let field = RwSignal::new(None::<Vec<f32>>);
    if let Some(drawn) = drawn {
        Effect::new(move |_| drawn.set(field.get()));
    }
    let trainer = StoredValue::new_local(trainer);

    // What the network sees: the 28×28 field, drawn into the small canvas.
    Effect::new(move |_| {
        let Some(canvas) = seen.get() else { return };
        let canvas: HtmlCanvasElement = canvas.unchecked_into();
        let Some(ctx) = context(&canvas) else { return };
        let mut rgba = vec![255u8; IMAGE_PIXELS * 4];
        if let Some(values) = field.get() {
            for (i, &v) in values.iter().enumerate() {
                let shade = (255.0 * (1.0 - v.clamp(0.0, 1.0))) as u8;
                rgba[i * 4..i * 4 + 3].fill(shade);
            }
        }
        if let Ok(image) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), 28, 28) {
            let _ = ctx.put_image_data(&image, 0.0, 0.0);
        }
    });

    // Re-read the pad into the 28×28 field.
    let refresh = move || {
        let Some(canvas) = pad.get_untracked() else { return };
        let canvas: HtmlCanvasElement = canvas.unchecked_into();
        let Some(ctx) = context(&canvas) else { return };
        let Ok(image) = ctx.get_image_data(0.0, 0.0, SIZE as f64, SIZE as f64) else { return };
        let ink: Vec<f32> = image.data().0.chunks_exact(4).map(|p| p[3] as f32 / 255.0).collect();
        field.set(to_mnist(&ink, SIZE as usize, SIZE as usize));
    };

    let point = move |event: &PointerEvent| -> Option<(f64, f64)> {
        let canvas: HtmlCanvasElement = pad.get_untracked()?.unchecked_into();
        let rect = canvas.get_bounding_client_rect();
        let scale = SIZE as f64 / rect.width().max(1.0);
        Some(((event.client_x() as f64 - rect.left()) * scale, (event.client_y() as f64 - rect.top()) * scale))
    };
    let stroke_to = move |to: (f64, f64)| {
        let Some(canvas) = pad.get_untracked() else { return };
        let canvas: HtmlCanvasElement = canvas.unchecked_into();
        let Some(ctx) = context(&canvas) else { return };
        let from = drawing.get_value().unwrap_or(to);
        ctx.set_line_width(22.0);
        ctx.set_line_cap("round");
        ctx.set_line_join("round");
        ctx.set_stroke_style_str("#000");
        ctx.begin_path();
        ctx.move_to(from.0, from.1);
        ctx.line_to(to.0 + 0.01, to.1);
        ctx.stroke();
        drawing.set_value(Some(to));
    };
    let down = move |event: PointerEvent| {
        event.prevent_default();
        if let Some(target) = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = target.set_pointer_capture(event.pointer_id());
        }
        drawing.set_value(None);
        if let Some(p) = point(&event) {
            stroke_to(p);
            refresh();
        }
    };
    let moved = move |event: PointerEvent| {
        if drawing.get_value().is_some() {
            if let Some(p) = point(&event) {
                stroke_to(p);
                refresh();
            }
        }
    };
    let up = move |_: PointerEvent| drawing.set_value(None);
    let clear = move |_| {
        if let Some(canvas) = pad.get_untracked() {
            let canvas: HtmlCanvasElement = canvas.unchecked_into();
            if let Some(ctx) = context(&canvas) {
                ctx.clear_rect(0.0, 0.0, SIZE as f64, SIZE as f64);
            }
        }
        field.set(None);
    };

    // The prediction, recomputed when the drawing changes or training moves on.
    let prediction = Memo::new(move |_| {
        steps.track();
        let values = field.get()?;
        let cell = trainer.get_value();
        // Training holds the model only between frames; if it is mid-slice, wait for the next.
        let guard = cell.try_borrow().ok()?;
        let t = guard.as_ref()?;
        let x = Tensor::from_values(&CpuBackend::new(), &values, &[1, IMAGE_PIXELS]);
        let logits = now_or_never(t.model.predict(&x).to_vec())?;
        Some(probabilities(&logits))
    });

    view! {
        <Panel title="Draw a digit" class="mnist-draw" intro=concat!(
            "Draw one digit, 0 to 9, in the box with your mouse, pen or finger. Like the MNIST digits, ",
            "your drawing is cropped, scaled to 20 pixels and centred in a 28 × 28 image: that small image ",
            "is all the network sees.",
        )>
            <div class="mnist-draw-row">
                <div class="mnist-pad-wrap">
                    <canvas
                        class="mnist-pad"
                        node_ref=pad
                        width=SIZE
                        height=SIZE
                        data-testid="mnist-pad"
                        aria-label="Drawing area for a digit"
                        on:pointerdown=down
                        on:pointermove=moved
                        on:pointerup=up
                        on:pointercancel=up
                    ></canvas>
                    <button on:click=clear data-testid="mnist-clear">"Clear"</button>
                </div>
                <div class="mnist-seen">
                    <canvas class="mnist-seen-image" node_ref=seen width="28" height="28" aria-label="The 28 by 28 image the network sees"></canvas>
                    <span class="muted">"what the network sees"</span>
                </div>
                <div class="mnist-bars" data-testid="mnist-prediction">
                    {move || match (field.get().is_some(), prediction.get()) {
                        (false, _) => view! { <p class="muted">"Draw a digit to see what the network thinks it is."</p> }.into_any(),
                        (true, None) => view! { <p class="muted">"Train the network first: even 200 steps read most digits."</p> }.into_any(),
                        (true, Some(p)) => {
                            let best = most_likely(&p);
                            view! {
                                <p class="mnist-guess">"It reads a " <strong data-testid="mnist-guess">{best}</strong>
                                    {format!(" ({}% sure)", fixed(100.0 * p[best], 1))}</p>
                                <ProbabilityBars probabilities=p/>
                            }.into_any()
                        }
                    }}
                </div>
            </div>
        </Panel>
    }
}

