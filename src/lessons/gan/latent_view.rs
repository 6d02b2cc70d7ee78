//! "Explore the latent space": the images G draws between two noise vectors, and as its input
//! moves along two random directions. Redrawn whenever the sample grid is.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::ui::Panel;

use super::pictures_view::ImageGrid;
use super::latent::{along, interpolate};
use super::model::noise;
use super::run::{Run, EVERY_DIGIT};
use crate::engine::rng::Pcg32;
use crate::lessons::shared::numbers::fixed;

const STEPS: usize = 10;

#[derive(Clone, PartialEq)]
struct Points {
    a: Vec<f32>,
    b: Vec<f32>,
    u: Vec<f32>,
    v: Vec<f32>,
}

fn roll(seed: u64, roll: u64, latent: usize) -> Points {
    // Stream 3 onwards: independent of training, the grid and the judge.
    let mut rng = Pcg32::new(seed, 3 + roll);
    Points { a: noise(&mut rng, 1, latent), b: noise(&mut rng, 1, latent), u: noise(&mut rng, 1, latent), v: noise(&mut rng, 1, latent) }
}

#[component]
pub fn LatentSpace(run: StoredValue<Rc<RefCell<Option<Run>>>, LocalStorage>, #[prop(into)] redraw: Signal<Vec<f32>>, seed: Signal<u64>) -> impl IntoView {
    let rolls = RwSignal::new(0u64);
    let x = RwSignal::new(0.0f32);
    let y = RwSignal::new(0.0f32);
    let points = Memo::new(move |_| {
        let latent = run.get_value().try_borrow().ok().and_then(|r| r.as_ref().map(|r| r.gan.settings.latent)).unwrap_or(100);
        roll(seed.get(), rolls.get(), latent)
    });
    let draw = move |z: Vec<f32>| -> Vec<f32> {
        redraw.track();
        let cell = run.get_value();
        let Ok(guard) = cell.try_borrow() else { return Vec::new() };
        guard.as_ref().map(|r| r.draw(&z)).unwrap_or_default()
    };
    let line = Signal::derive(move || points.with(|p| draw(interpolate(&p.a, &p.b, STEPS))));
    // A conditional G: the left point kept, the label changed.
    let every_digit = Signal::derive(move || {
        redraw.track();
        let cell = run.get_value();
        let Ok(guard) = cell.try_borrow() else { return Vec::new() };
        let Some(r) = guard.as_ref().filter(|r| r.gan.settings.conditional) else { return Vec::new() };
        points.with(|p| r.draw_digits(&p.a.repeat(10), &EVERY_DIGIT))
    });
    let moved = Signal::derive(move || points.with(|p| draw(along(&p.a, &p.u, &p.v, x.get(), y.get()))));
    let slider = move |value: RwSignal<f32>, testid: &'static str, label: &'static str| view! {
        <label class="field">
            <span class="field-label">{move || format!("{label}: {}", fixed(value.get() as f64, 1))}</span>
            <input type="range" min="-3" max="3" step="0.1" data-testid=testid prop:value=move || value.get().to_string()
                on:input=move |ev| value.set(event_target_value(&ev).parse().unwrap_or(0.0))/>
        </label>
    };
    view! {
        <Panel title="Explore the latent space" class="gan-latent" testid="gan-latent" intro=concat!(
            "G's input is a point z in a 100-dimensional space. Walk in a straight line from one point (left) to another (right): ",
            "a trained G morphs one digit smoothly into another, because nearby points give similar images.",
        )>
            <ImageGrid images=line columns=STEPS testid="gan-latent-line" label="Ten images between two noise vectors"/>
            <Show when=move || every_digit.with(|v| !v.is_empty())>
                <p class="muted">"The same left point, with the label changed from 0 to 9: z holds the style, the label holds the digit. The two rows above use the digit you asked for."</p>
                <div class="gan-one-of-each">
                    <ImageGrid images=every_digit columns=10 testid="gan-latent-digits" label="The left point drawn as each digit from 0 to 9"/>
                </div>
            </Show>
            <div class="gan-latent-move">
                <div class="gan-latent-one">
                    <ImageGrid images=moved columns=1 testid="gan-latent-moved" label="The image at the left point moved along two directions"/>
                </div>
                <div>
                    <p class="muted">"Move the left point along two random directions and watch which strokes change."</p>
                    {slider(x, "gan-latent-x", "direction 1")}
                    {slider(y, "gan-latent-y", "direction 2")}
                    <div class="button-row">
                        <button data-testid="gan-latent-reroll" on:click=move |_| { rolls.update(|r| *r += 1); x.set(0.0); y.set(0.0); }>"Re-roll the noise"</button>
                    </div>
                </div>
            </div>
        </Panel>
    }
}
