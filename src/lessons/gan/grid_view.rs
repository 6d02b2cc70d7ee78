//! Images on a canvas: a grid of 28 × 28 tiles, scaled up by CSS with crisp pixels.

use leptos::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::pictures::grid_rgba;

#[component]
pub fn ImageGrid(
    #[prop(into)] images: Signal<Vec<f32>>,
    columns: usize,
    testid: &'static str,
    label: &'static str,
) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        let Some(element) = canvas.get() else { return };
        let element: HtmlCanvasElement = element.unchecked_into();
        images.with(|images| {
            if images.is_empty() {
                return;
            }
            let (rgba, width, height) = grid_rgba(images, columns);
            element.set_width(width as u32);
            element.set_height(height as u32);
            let context = element.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok());
            if let (Some(ctx), Ok(image)) = (context, ImageData::new_with_u8_clamped_array(Clamped(&rgba), width as u32)) {
                let _ = ctx.put_image_data(&image, 0.0, 0.0);
            }
        });
    });
    view! {
        <div class="gan-grid-wrap">
            <canvas class="gan-grid" node_ref=canvas data-testid=testid role="img" aria-label=label
                class:gan-grid-empty=move || images.with(Vec::is_empty)></canvas>
            {move || images.with(Vec::is_empty).then(|| view! { <p class="gan-grid-note muted">"Press Train, or step through a phase, to see G's first drawings."</p> })}
        </div>
    }
}
