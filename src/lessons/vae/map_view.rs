//! The latent map: test digits placed at their codes μ (each drawn as its numeral, in its
//! colour), the decoder's images on a grid across the same square, and the point the learner
//! drags, decoded live; a drag also draws the path from where it started to where it ended.

use leptos::prelude::*;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::lesson::{MapView, VaeLesson};
use super::link::FARTHEST;
use super::map::{latent_point, untrained, DIGIT_COLOURS, MANIFOLD_SIDE, UNTRAINED};
use crate::lessons::shared::frame::Frame;
use crate::lessons::shared::numbers::fixed;
use crate::lessons::shared::pictures::grid_rgba;
use crate::ui::chart::{draw_curve_mesh, show_rgba, Canvas};
use crate::ui::pointer::{canvas_in, canvas_pixel};
use crate::ui::{css_colour, Chart, Panel};

/// Images along a dragged path.
const PATH_STEPS: usize = 10;

fn draw_map(area: DrawingArea<Canvas, plotters::coord::Shift>, ratio: f64, map: &MapView, point: [f32; 2], frame: StoredValue<Option<Frame>>) {
    let _ = area.fill(&css_colour("--surface"));
    let e = map.extent.max(1.0) as f64;
    let Ok(mut chart) = ChartBuilder::on(&area)
        .margin((10.0 * ratio) as i32)
        .x_label_area_size((32.0 * ratio) as i32)
        .y_label_area_size((50.0 * ratio) as i32)
        .build_cartesian_2d(-e..e, -e..e)
    else {
        return;
    };
    draw_curve_mesh(&mut chart, "z₁", "z₂", (13.0 * ratio) as i32);
    // Where the decoder was never trained: outside the circle of radius 6.
    if e > UNTRAINED as f64 {
        let circle = (0..=96).map(|i| {
            let a = i as f64 / 96.0 * std::f64::consts::TAU;
            (UNTRAINED as f64 * a.cos(), UNTRAINED as f64 * a.sin())
        });
        let _ = chart.draw_series(LineSeries::new(circle, css_colour("--muted").stroke_width((1.0 * ratio).max(1.0) as u32)));
    }
    let size = (11.0 * ratio) as i32;
    let _ = chart.draw_series(map.codes.chunks_exact(2).zip(&map.labels).map(|(c, &label)| {
        let (r, g, b) = DIGIT_COLOURS[label as usize % 10];
        let style = ("sans-serif", size).into_font().style(FontStyle::Bold).color(&RGBColor(r, g, b)).pos(Pos::new(HPos::Center, VPos::Center));
        Text::new(label.to_string(), (c[0] as f64, c[1] as f64), style)
    }));
    // The dragged point: a ring with a dot, in the text colour so it shows on every digit.
    let at = (point[0].clamp(-e as f32, e as f32) as f64, point[1].clamp(-e as f32, e as f32) as f64);
    let text = css_colour("--text");
    let _ = chart.draw_series([Circle::new(at, (9.0 * ratio) as i32, text.stroke_width((2.5 * ratio) as u32)), Circle::new(at, (2.5 * ratio) as i32, text.filled())]);
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    frame.set_value(Some(Frame { pixels_x: (xs.start as f64, xs.end as f64), pixels_y: (ys.start as f64, ys.end as f64), x: (-e, e), y: (-e, e) }));
}

/// Images in [0, 1] as the shared grid's [−1, 1] grey levels.
fn to_grey(images: &[f32]) -> Vec<f32> {
    images.iter().map(|p| 2.0 * p - 1.0).collect()
}

/// A grid of digits (pixels in [0, 1]) on a canvas; empty until there are images.
#[component]
pub(super) fn Digits(#[prop(into)] images: Signal<Vec<f32>>, columns: usize, testid: &'static str, label: &'static str, class: &'static str) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        let Some(element) = canvas.get() else { return };
        images.with(|images| {
            if !images.is_empty() {
                let (rgba, width, height) = grid_rgba(&to_grey(images), columns);
                show_rgba(&element, &rgba, width as u32, height as u32);
            }
        });
    });
    view! { <canvas class=format!("vae-digits {class}") node_ref=canvas data-testid=testid role="img" aria-label=label></canvas> }
}

#[component]
pub fn LatentMap(lesson: VaeLesson) -> impl IntoView {
    let VaeLesson { map, point, settings, version, .. } = lesson;
    let frame = StoredValue::new(None::<Frame>);
    let wrap = NodeRef::<leptos::html::Div>::new();
    let dragging = StoredValue::new(None::<[f32; 2]>);
    let path = RwSignal::new(None::<([f32; 2], [f32; 2])>);
    let latent = move || settings.with(|s| s.latent);
    let decoded = Signal::derive(move || {
        version.track();
        lesson.decode(&latent_point(point.get(), latent())).unwrap_or_default()
    });
    let path_images = Signal::derive(move || {
        version.track();
        let Some((a, b)) = path.get() else { return Vec::new() };
        let z: Vec<f32> = (0..PATH_STEPS)
            .flat_map(|i| {
                let t = i as f32 / (PATH_STEPS - 1) as f32;
                latent_point([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])], latent())
            })
            .collect();
        lesson.decode(&z).unwrap_or_default()
    });
    let manifold = Signal::derive(move || map.with(|m| m.manifold.clone()));

    let pixel = move |ev: &web_sys::PointerEvent| canvas_in(&wrap.get_untracked()?.into()).and_then(|c| canvas_pixel(&c, ev));
    let to_point = move |ev: &web_sys::PointerEvent| -> Option<[f32; 2]> {
        let (px, py) = pixel(ev)?;
        let [x, y] = frame.get_value()?.to_data_anywhere(px, py)?;
        // Two decimals in the link; a drag off the map goes on up to ±10.
        let round = |v: f64| ((v.clamp(-FARTHEST, FARTHEST) * 100.0).round() / 100.0) as f32;
        Some([round(x), round(y)])
    };
    let on_down = move |ev: web_sys::PointerEvent| {
        let Some(p) = to_point(&ev) else { return };
        ev.prevent_default();
        if let Some(div) = wrap.get_untracked() {
            let _ = div.set_pointer_capture(ev.pointer_id());
        }
        dragging.set_value(Some(p));
        point.set(p);
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        if dragging.get_value().is_some() {
            if let Some(p) = to_point(&ev) {
                point.set(p);
            }
        }
    };
    let on_up = move |_: web_sys::PointerEvent| {
        if let Some(start) = dragging.get_value() {
            let end = point.get_untracked();
            if start != end {
                path.set(Some((start, end)));
            }
        }
        dragging.set_value(None);
    };
    // Arrow keys move the point a tenth (a teacher at the keyboard; no mouse needed).
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let step = 0.1f32;
        let (dx, dy) = match ev.key().as_str() {
            "ArrowLeft" => (-step, 0.0),
            "ArrowRight" => (step, 0.0),
            "ArrowUp" => (0.0, step),
            "ArrowDown" => (0.0, -step),
            _ => return,
        };
        ev.prevent_default();
        let limit = FARTHEST as f32;
        point.update(|p| *p = [((p[0] + dx).clamp(-limit, limit) * 100.0).round() / 100.0, ((p[1] + dy).clamp(-limit, limit) * 100.0).round() / 100.0]);
    };
    let label = Signal::derive(move || map.with(|m| format!("{} test digits placed at their codes in the latent plane, from −{e} to {e} on each axis", m.labels.len(), e = m.extent)));
    view! {
        <Panel title="The latent map" class="vae-map-panel stage-2" testid="vae-map"
            intro="Each numeral is a test digit, placed at the centre μ of the cloud the encoder gives it. Beside it, the decoder draws a digit for every point of a grid over the same square. Drag on the map (or focus it and use the arrow keys) to decode any point; a drag also draws the path from where it started.">
            {move || (latent() > 2).then(|| view! {
                <p class="muted" data-testid="vae-map-plane">{format!("The latent space has {} dimensions: the map shows the first two, and the grid and the dragged point set the other {} to 0.", latent(), latent() - 2)}</p>
            })}
            {move || (latent() == 1).then(|| view! {
                <p class="muted" data-testid="vae-map-plane">"The latent space has 1 dimension: the map spreads it along z₁ only (z₂ is always 0)."</p>
            })}
            <div class="vae-map-row">
                <div class="vae-map-canvas" node_ref=wrap tabindex="0" aria-label="The latent map; arrow keys move the point"
                    on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointercancel=on_up on:keydown=on_key>
                    <Chart draw=move |area, ratio| map.with(|m| draw_map(area, ratio, m, point.get(), frame)) label aspect=1.0 testid="vae-map-chart"/>
                </div>
                <div class="vae-manifold">
                    <Digits images=manifold columns=MANIFOLD_SIDE testid="vae-manifold" class="vae-manifold-grid"
                        label="The decoder's images on a 12 × 12 grid across the map's square"/>
                    <p class="muted">"The decoder's digit at the centre of each cell of a 12 × 12 grid over the map's square (top left is −z₁, +z₂)."</p>
                </div>
            </div>
            <div class="vae-point">
                <Digits images=decoded columns=1 testid="vae-decoded" class="vae-decoded" label="The decoder's image at the dragged point"/>
                <div>
                    <p data-testid="vae-point" data-x=move || point.get()[0].to_string() data-y=move || point.get()[1].to_string()>
                        {move || { let p = point.get(); format!("z = ({}, {})", fixed(p[0] as f64, 2), fixed(p[1] as f64, 2)) }}
                    </p>
                    {move || untrained(point.get()).then(|| view! {
                        <p class="notice" role="status" data-testid="vae-untrained">
                            {format!("This point is more than {UNTRAINED} from 0. Training asked the decoder for points near the encoder's clouds, which N(0, I) keeps close to 0, so out here it was never trained: what it draws is an extrapolation.")}
                        </p>
                    })}
                    <button data-testid="vae-point-centre" on:click=move |_| point.set([0.0, 0.0])>"Back to 0"</button>
                </div>
            </div>
            {move || path.get().map(|(a, b)| view! {
                <div class="vae-path" data-testid="vae-path">
                    <p class="muted">{format!("The straight path from ({}, {}) to ({}, {}), decoded in {PATH_STEPS} steps:", fixed(a[0] as f64, 2), fixed(a[1] as f64, 2), fixed(b[0] as f64, 2), fixed(b[1] as f64, 2))}</p>
                    <Digits images=path_images columns=PATH_STEPS testid="vae-path-images" class="vae-path-grid" label="Images along the dragged path"/>
                </div>
            })}
        </Panel>
    }
}
