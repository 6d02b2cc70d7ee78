//! Images on a canvas: a grid of 28 × 28 tiles, scaled up by CSS with crisp pixels.

use leptos::prelude::*;

use crate::ui::More;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::lessons::shared::pictures::grid_rgba;

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

/// Which generator draws the grid (and the latent space and the judge's samples): the average
/// of G's recent weights, or G as it is this very step.
#[component]
pub fn AveragedChoice(averaged: RwSignal<bool>, settings: RwSignal<super::Settings>, on_change: Callback<()>) -> impl IntoView {
    let decay = move || settings.with(|s| s.average_decay);
    view! {
        <div class="gan-averaged" data-testid="gan-averaged">
            <label>
                <input type="checkbox" data-testid="gan-averaged-toggle" prop:checked=move || averaged.get() disabled=move || decay() == 0.0
                    on:change=move |ev| { averaged.set(event_target_checked(&ev)); on_change.run(()); }/>
                " Draw with the averaged generator"
            </label>
            <More label="What is the averaged generator?">
                <p class="muted">
                    {move || if decay() == 0.0 {
                        "Averaging is off in the settings: the grid shows G itself.".to_string()
                    } else {
                        format!(
                            "The averaged generator is a copy of G whose weights trail G's: after each of G's steps, every weight moves {}% of the way \
                             to G's (more in the first steps, while the average gets going: an exponential moving average). G's own weights keep swinging as it and D chase each other; their average \
                             draws steadier, cleaner digits. It never trains itself and never feeds back into the game. Untick to see G as it is right now.",
                            crate::lessons::shared::numbers::fixed(100.0 * (1.0 - decay() as f64), 1)
                        )
                    }}
                </p>
            </More>
        </div>
    }
}

/// A conditional G: the digit the grid asks for, and the grid's first noise vector drawn as
/// every digit. An unconditional G: a way to make one.
#[component]
pub fn DigitChoice(settings: RwSignal<super::Settings>, one_of_each: RwSignal<Vec<f32>>, on_pick: Callback<u8>, on_make_conditional: Callback<()>) -> impl IntoView {
    let conditional = move || settings.with(|s| s.conditional);
    let digit = move || settings.with(|s| s.digit);
    view! {
        <div class="gan-digit" data-testid="gan-digit">
            <Show when=conditional fallback=move || view! {
                <p class="muted">"G draws whatever digit its noise leads to. To choose the digit yourself, "
                    <button class="link-button" data-testid="gan-make-conditional" on:click=move |_| on_make_conditional.run(())>"make it a conditional GAN"</button>
                    " (the “Pick the digit” preset): G and D both see the digit's label, and training starts over."</p>
            }>
                <p class="gan-digit-ask"><strong>"Ask G for: "</strong></p>
                <div class="button-row gan-digit-buttons" role="group" aria-label="The digit G is asked to draw">
                    {(0..10u8).map(|d| view! {
                        <button data-testid=format!("gan-digit-{d}") class:primary=move || digit() == d aria-pressed=move || (digit() == d).to_string()
                            on:click=move |_| on_pick.run(d)>{d}</button>
                    }).collect_view()}
                </div>
                <p class="muted" data-testid="gan-digit-note">{move || format!(
                    "Every square above is G asked for a {}: the label is the same, only the noise differs. Early in training G draws one plain version \
                     of each digit whatever the noise; as it learns to use the noise, the squares become different styles of the digit. \
                     Below, the top-left square's noise asked for each digit in turn: the noise keeps the style (slant, thickness), the label picks the digit.",
                    digit()
                )}</p>
                <div class="gan-one-of-each">
                    <ImageGrid images=one_of_each columns=10 testid="gan-one-of-each" label="The top-left square's noise drawn as each digit from 0 to 9"/>
                </div>
            </Show>
        </div>
    }
}
