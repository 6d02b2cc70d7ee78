//! `<Chart draw=…/>`: a canvas that plotters draws on. The draw closure re-runs whenever a
//! signal it reads changes, when the window is resized, and when the theme changes; it gets
//! the drawing area in device pixels and the device-pixel ratio, to scale fonts and strokes
//! so text stays sharp on a phone or a projector. The ratio it passes also carries the page's
//! text scale (projector, presenter mode), so chart labels grow with the page's text.

use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;

/// The dark-theme signal, provided by the app, so charts redraw in the theme's colours.
#[derive(Clone, Copy)]
pub struct DarkTheme(pub ReadSignal<bool>);

/// The presenter-mode signal, provided by the app: charts redraw with larger text.
#[derive(Clone, Copy)]
pub struct Presenter(pub RwSignal<bool>);

/// The stylesheet's base size is 17 px; the projector and presenter mode raise it. Chart text
/// grows by the same factor, so a chart's labels stay in step with the page's text.
fn text_scale() -> f64 {
    let root_px = web_sys::window()
        .and_then(|w| {
            let root = w.document()?.document_element()?;
            w.get_computed_style(&root).ok().flatten()
        })
        .and_then(|style| style.get_property_value("font-size").ok())
        .and_then(|size| size.trim_end_matches("px").parse::<f64>().ok())
        .unwrap_or(17.0);
    (root_px / 17.0).clamp(0.8, 2.0)
}

/// A colour from the stylesheet (`--accent`, `--text`, …) so charts follow the theme.
/// Falls back to grey if the variable is missing or not a `#rrggbb` value.
pub fn css_colour(variable: &str) -> RGBColor {
    let value = web_sys::window()
        .and_then(|w| {
            let root = w.document()?.document_element()?;
            w.get_computed_style(&root).ok().flatten()
        })
        .and_then(|style| style.get_property_value(variable).ok())
        .unwrap_or_default();
    parse_hex(value.trim()).unwrap_or(RGBColor(128, 128, 128))
}

fn parse_hex(text: &str) -> Option<RGBColor> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some(RGBColor(byte(0)?, byte(2)?, byte(4)?))
}

/// A chart. `aspect` is height ÷ width; `label` is read by screen readers (the canvas itself
/// says nothing to them), so make it describe what the chart shows.
#[component]
pub fn Chart<F>(
    draw: F,
    #[prop(into)] label: Signal<String>,
    #[prop(default = 0.6)] aspect: f64,
    #[prop(optional, into)] testid: String,
) -> impl IntoView
where
    F: Fn(DrawingArea<CanvasBackend, Shift>, f64) + 'static,
{
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let resized = RwSignal::new(0u32);
    let dark = use_context::<DarkTheme>();
    let presenter = use_context::<Presenter>();
    let handle = window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n += 1));
    on_cleanup(move || handle.remove());

    // Presenter mode changes the page's text size through a stylesheet attribute that is set by
    // another effect: redraw on the next frame, once the new size applies.
    if let Some(Presenter(presenter)) = presenter {
        Effect::new(move |first: Option<()>| {
            presenter.track();
            if first.is_some() {
                request_animation_frame(move || {
                    resized.try_update(|n| *n += 1);
                });
            }
        });
    }

    // The canvas's width and the text scale, measured once per layout change (`resized`):
    // reading `clientWidth` forces the browser to lay the page out, and a lesson that redraws
    // its charts several times a second while it trains spent most of its main-thread time
    // there (measured on /text with the Chrome profiler: 640 ms of every 8 s).
    let measured = StoredValue::new(None::<(u32, f64, f64)>);
    // Its own size can change without the window's (a scrollbar appears, a panel opens).
    Effect::new(move |observing: Option<bool>| {
        if observing == Some(true) {
            return true;
        }
        let Some(element) = canvas.get() else { return false };
        let on_resize = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            resized.try_update(|n| *n += 1);
        });
        let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) else { return false };
        observer.observe(&element);
        // One small closure per chart shown; once its canvas leaves the page the observer sees
        // nothing more, and `try_update` on a disposed signal does nothing.
        on_resize.forget();
        true
    });
    Effect::new(move |_| {
        let layout = resized.get();
        if let Some(DarkTheme(dark)) = dark {
            dark.track();
        }
        let Some(element) = canvas.get() else { return };
        let element: web_sys::HtmlCanvasElement = element.unchecked_into();
        let ratio = web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0).max(1.0);
        let (width, scale) = match measured.get_value() {
            Some((at, width, scale)) if at == layout && width > 1.0 => (width, scale),
            _ => {
                let (width, scale) = (f64::from(element.client_width().max(1)), text_scale());
                measured.set_value(Some((layout, width, scale)));
                (width, scale)
            }
        };
        let (pixels_wide, pixels_high) = ((width * ratio).round() as u32, (width * aspect * ratio).round() as u32);
        if element.width() != pixels_wide || element.height() != pixels_high {
            element.set_width(pixels_wide); // which also clears it
            element.set_height(pixels_high);
        } else if let Some(context) = element.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok()) {
            context.clear_rect(0.0, 0.0, f64::from(pixels_wide), f64::from(pixels_high));
        }
        if let Some(backend) = CanvasBackend::with_canvas_object(element) {
            // The canvas has device resolution; sizes drawn "per ratio" (text, strokes) also
            // follow the page's text size.
            draw(backend.into_drawing_area(), ratio * scale);
        }
    });

    view! {
        <canvas
            class="chart"
            node_ref=canvas
            role="img"
            aria-label=move || label.get()
            data-testid=testid
            style=format!("aspect-ratio: {} / {}", 1000, (1000.0 * aspect).round())
        ></canvas>
    }
}
