//! "See inside while it learns": the first layer's weights as pictures, the confusion matrix
//! and the test digits it misreads, refreshed at every accuracy check.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::bars_view::ProbabilityBars;
use super::inside::{confusion, unit_weights, weight_tile_rgba};
use crate::data::mnist::{MnistSet, IMAGE_PIXELS};

/// The first layer's weights at the last check: a dense layer's 784 × units matrix, or a
/// convolution's kernels (`side × side` × filters, stored the same way: input-major).
#[derive(Clone, PartialEq)]
pub struct FirstLayer {
    pub weights: Vec<f32>,
    pub units: usize,
    /// Each unit's weights form a `side × side` picture: 28 for a dense layer over the digit,
    /// the kernel size for a convolution.
    pub side: usize,
}

impl FirstLayer {
    /// The first layer of a model on the CPU (the page's mirror), if it has pictures to show.
    pub fn of(layer: &crate::engine::layers::Layer<crate::engine::CpuBackend>) -> Option<FirstLayer> {
        use crate::engine::layers::{LayerSpec, Module};
        let (units, side) = match layer.spec() {
            LayerSpec::Dense { outputs, .. } => (outputs, crate::data::mnist::IMAGE_ROWS),
            LayerSpec::Conv { filters, size, input, .. } if input.channels == 1 => (filters, size),
            _ => return None,
        };
        let weights = crate::engine::poll::now_or_never(layer.parameters().first()?.to_vec())?;
        Some(FirstLayer { weights, units, side })
    }
}

/// Predicted digits for the first `predicted.len()` test images at the last check, and the
/// probabilities of the misread ones the gallery shows.
#[derive(Clone, PartialEq)]
pub struct Evaluation {
    pub predicted: Vec<u8>,
    pub mistakes: Vec<Mistake>,
}

#[derive(Clone, PartialEq)]
pub struct Mistake {
    pub index: usize,
    pub truth: u8,
    pub read: u8,
    pub probabilities: Vec<f64>,
}

/// How many misread digits the gallery shows.
pub const GALLERY: usize = 24;

const TILES_PER_ROW: usize = 10;
const MAX_TILES: usize = 50;

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

fn put(canvas: &HtmlCanvasElement, rgba: &[u8], width: u32, x: f64, y: f64) {
    if let (Some(ctx), Ok(image)) = (context(canvas), ImageData::new_with_u8_clamped_array(Clamped(rgba), width)) {
        let _ = ctx.put_image_data(&image, x, y);
    }
}

#[component]
pub fn WeightTiles(layer: RwSignal<Option<FirstLayer>>) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let tiles = move || layer.with(|l| l.as_ref().map(|l| l.units.min(MAX_TILES)).unwrap_or(0));
    let side = move || layer.with(|l| l.as_ref().map_or(28, |l| l.side));
    Effect::new(move |_| {
        let Some(element) = canvas.get() else { return };
        let element: HtmlCanvasElement = element.unchecked_into();
        layer.with(|l| {
            let Some(l) = l else { return };
            let count = l.units.min(MAX_TILES);
            let rows = count.div_ceil(TILES_PER_ROW);
            element.set_width((TILES_PER_ROW * 30) as u32);
            element.set_height((rows * 30) as u32);
            for unit in 0..count {
                let rgba = weight_tile_rgba(&unit_weights(&l.weights, l.units, unit));
                let (x, y) = (((unit % TILES_PER_ROW) * 30 + 1) as f64, ((unit / TILES_PER_ROW) * 30 + 1) as f64);
                // A kernel (5 × 5) is blown up to about the size of a 28 × 28 weight picture.
                let scale = (28 / l.side.max(1)).max(1);
                let big = crate::lessons::shared::pictures::scaled_rgba(&rgba, l.side, scale);
                put(&element, &big, (l.side * scale) as u32, x, y);
            }
        });
    });
    view! {
        <div class="mnist-inside-part">
            <h3>"What the first layer looks for"</h3>
            <p class="muted">
                {move || if side() == 28 {
                    format!(
                        "Each square is one hidden unit's 784 incoming weights, laid out like the image (first {} units). \
                         Blue pixels push the unit on, orange ones push it off. They start as noise and grow strokes and blobs as it learns.",
                        tiles()
                    )
                } else {
                    format!(
                        "Each square is one of the {} filters of the first convolution: its {s}×{s} weights, blown up. \
                         The filter slides over the digit; wherever the strokes under it match its blue pixels (and avoid its orange ones), \
                         its feature map lights up. They start as noise and turn into edge and stroke detectors as it learns.",
                        tiles(),
                        s = side()
                    )
                }}
            </p>
            {move || if tiles() == 0 {
                view! { <p class="muted" data-testid="mnist-weights-empty">"Shown after the first 200 steps."</p> }.into_any()
            } else {
                ().into_any()
            }}
            <canvas class="mnist-weights" node_ref=canvas data-testid="mnist-weights" aria-label="First-layer weights as images"></canvas>
        </div>
    }
}

#[component]
pub fn Confusion(#[prop(into)] test: Signal<Option<Arc<MnistSet>>>, evaluation: RwSignal<Option<Evaluation>>) -> impl IntoView {
    let counts = Memo::new(move |_| {
        let test = test.get()?;
        evaluation.with(|e| e.as_ref().map(|e| (confusion(&test, &e.predicted), e.predicted.len())))
    });
    view! {
        <div class="mnist-inside-part">
            <h3>"Which digits it confuses"</h3>
            {move || match counts.get() {
                None => view! { <p class="muted">"Shown after the first 200 steps."</p> }.into_any(),
                Some((counts, images)) => {
                    let largest_error = (0..10).flat_map(|t| (0..10).filter(move |&p| p != t).map(move |p| (t, p)))
                        .map(|(t, p)| counts[t][p]).max().unwrap_or(0).max(1);
                    view! {
                        <p class="muted">{format!("Rows: the true digit; columns: what the network read, over {} test images. The diagonal is right; the darker an off-diagonal cell, the more often that mistake.", crate::lessons::shared::numbers::grouped(images as u64))}</p>
                        <div class="table-scroll">
                            <table class="confusion" data-testid="mnist-confusion">
                                <thead><tr><th></th>{(0..10).map(|p| view! { <th>{p}</th> }).collect_view()}</tr></thead>
                                <tbody>
                                    {(0..10).map(|t| view! {
                                        <tr>
                                            <th>{t}</th>
                                            {(0..10).map(|p| {
                                                let n = counts[t][p];
                                                let style = if p == t || n == 0 { String::new() } else {
                                                    format!("background: rgba(217, 115, 13, {:.2})", 0.15 + 0.85 * n as f64 / largest_error as f64)
                                                };
                                                view! { <td class:diagonal=p == t style=style>{n}</td> }
                                            }).collect_view()}
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            }}
        </div>
    }
}

#[component]
fn TestImage(test: Arc<MnistSet>, index: usize) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        let Some(element) = canvas.get() else { return };
        let element: HtmlCanvasElement = element.unchecked_into();
        let mut rgba = Vec::with_capacity(IMAGE_PIXELS * 4);
        for &p in test.image(index) {
            let shade = 255 - p;
            rgba.extend_from_slice(&[shade, shade, shade, 255]);
        }
        put(&element, &rgba, 28, 0.0, 0.0);
    });
    view! { <canvas class="mnist-thumb" width="28" height="28" node_ref=canvas></canvas> }
}

#[component]
pub fn Mistakes(#[prop(into)] test: Signal<Option<Arc<MnistSet>>>, evaluation: RwSignal<Option<Evaluation>>) -> impl IntoView {
    // The test image whose bars are open (its index in the test set).
    let chosen = RwSignal::new(None::<usize>);
    let chosen_mistake = move || {
        let index = chosen.get()?;
        evaluation.with(|e| e.as_ref()?.mistakes.iter().find(|m| m.index == index).cloned())
    };
    view! {
        <div class="mnist-inside-part">
            <h3>"Digits it reads wrong"</h3>
            {move || {
                let Some(test) = test.get() else { return view! { <p class="muted">"Shown after the first 200 steps."</p> }.into_any() };
                let wrong = evaluation.with(|e| e.as_ref().map(|e| e.mistakes.clone()));
                match wrong {
                    None => view! { <p class="muted">"Shown after the first 200 steps."</p> }.into_any(),
                    Some(wrong) if wrong.is_empty() => view! { <p>"None: every test image checked was read right."</p> }.into_any(),
                    Some(wrong) => view! {
                        <p class="muted">"The first test images it misreads. Some are hard even for people. Click one to see how sure the network was of each digit."</p>
                        <ul class="mnist-mistakes" data-testid="mnist-mistakes">
                            {wrong.into_iter().map(|Mistake { index, truth, read, .. }| view! {
                                <li>
                                    <button
                                        class="mnist-mistake"
                                        class:chosen=move || chosen.get() == Some(index)
                                        aria-pressed=move || (chosen.get() == Some(index)).to_string()
                                        aria-label=format!("Test image {index}: read as {read}, is {truth}")
                                        on:click=move |_| chosen.update(|c| *c = if *c == Some(index) { None } else { Some(index) })
                                    >
                                        <TestImage test=test.clone() index/>
                                        <span>{format!("read {read}")}</span>
                                        <span class="muted">{format!("is {truth}")}</span>
                                    </button>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            }}
            {move || chosen_mistake().map(|m| view! {
                <div class="mnist-mistake-bars" data-testid="mnist-mistake-detail">
                    <p>{format!(
                        "Test image {}: the network read a {} but it is a {}. Its probabilities for each digit:",
                        crate::lessons::shared::numbers::grouped(m.index as u64), m.read, m.truth
                    )}</p>
                    <ProbabilityBars probabilities=m.probabilities testid="mnist-mistake-bars"/>
                </div>
            })}
        </div>
    }
}
