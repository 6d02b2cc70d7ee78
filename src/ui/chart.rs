//! `<Chart draw=…/>`: a canvas that plotters draws on. The draw closure re-runs whenever a
//! signal it reads changes, when the window is resized, and when the theme changes; it gets
//! the drawing area in device pixels and the device-pixel ratio, to scale fonts and strokes
//! so text stays sharp on a phone or a projector. The ratio it passes also carries the page's
//! text scale (projector, presenter mode), so chart labels grow with the page's text.

use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::chart::MeshStyle;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;

/// plotters' canvas backend, but measuring text with the canvas itself. plotters' own measure
/// (its `web` font) adds a `<span>` to the page for every label and reads its `offsetHeight`,
/// which makes the browser lay out the whole page once per label: on /mnist while training,
/// the Chrome profiler put 85 ms of every 8 s in `offsetHeight` and more in adding and removing
/// the spans, with a 69 ms long task. `measureText` needs no layout.
pub struct Canvas {
    inner: CanvasBackend,
    context: Option<web_sys::CanvasRenderingContext2d>,
}

type Drawn = Result<(), DrawingErrorKind<<CanvasBackend as DrawingBackend>::ErrorType>>;

impl DrawingBackend for Canvas {
    type ErrorType = <CanvasBackend as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> Drawn {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Drawn {
        self.inner.present()
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn {
        self.inner.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Drawn {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(&mut self, upper_left: BackendCoord, bottom_right: BackendCoord, style: &S, fill: bool) -> Drawn {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Drawn {
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(&mut self, center: BackendCoord, radius: u32, style: &S, fill: bool) -> Drawn {
        self.inner.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, vertices: I, style: &S) -> Drawn {
        self.inner.fill_polygon(vertices, style)
    }
    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, style: &T, pos: BackendCoord) -> Drawn {
        self.inner.draw_text(text, style, pos)
    }
    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Drawn {
        self.inner.blit_bitmap(pos, size, src)
    }

    /// The width `measureText` gives in the font `draw_text` sets, and a line's height (1.2 ×
    /// the font's size, the browsers' usual "normal" line height, which is what plotters' own
    /// measure of a `<span>` returned), so axes are laid out as before.
    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, style: &T) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let Some(context) = &self.context else { return Ok((0, 0)) };
        context.set_font(&format!("{} {}px {}", style.style().as_str(), style.size(), style.family().as_str()));
        let width = context.measure_text(text).map(|m| m.width()).unwrap_or(0.0);
        Ok((width.ceil() as u32, (1.2 * style.size()).ceil() as u32))
    }
}

/// The theme's mesh (grid, axes, labels in `font` px) on a chart, for the caller to finish:
/// every chart of the training lessons starts from it.
pub fn themed_mesh<'a, 'b>(
    chart: &'b mut ChartContext<'a, Canvas, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    x_desc: &str,
    y_desc: &str,
    font: i32,
) -> MeshStyle<'a, 'b, RangedCoordf64, RangedCoordf64, Canvas> {
    let (text, muted) = (css_colour("--text"), css_colour("--muted"));
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(("sans-serif", font).into_font().color(&muted))
        .axis_desc_style(("sans-serif", font).into_font().color(&text))
        .light_line_style(css_colour("--border").mix(0.4))
        .bold_line_style(css_colour("--border"))
        .axis_style(muted);
    mesh
}

/// The mesh every training curve uses: the theme's, with whole numbers along x (steps,
/// iterations).
pub fn draw_curve_mesh(chart: &mut ChartContext<'_, Canvas, Cartesian2d<RangedCoordf64, RangedCoordf64>>, x_desc: &str, y_desc: &str, font: i32) {
    let _ = themed_mesh(chart, x_desc, y_desc, font).x_label_formatter(&|x| format!("{x:.0}")).draw();
}

/// A chart of training curves on `area`, cleared to the surface colour: the usual margins and
/// label areas (scaled by `ratio`), x and y over these ranges, and the curve mesh drawn.
pub fn curve_chart<'a>(
    area: &'a DrawingArea<Canvas, Shift>,
    ratio: f64,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    x_desc: &str,
    y_desc: &str,
) -> Option<ChartContext<'a, Canvas, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    let y_span = y.end - y.start;
    let _ = area.fill(&css_colour("--surface"));
    let mut chart = ChartBuilder::on(area)
        .margin((10.0 * ratio) as i32)
        .x_label_area_size((32.0 * ratio) as i32)
        .y_label_area_size((44.0 * ratio) as i32)
        .build_cartesian_2d(x, y)
        .ok()?;
    // Whole numbers up the side once the values run to tens or more ("600", not "600.0").
    let (steps, whole) = (|x: &f64| format!("{x:.0}"), |y: &f64| format!("{y:.0}"));
    let mut mesh = themed_mesh(&mut chart, x_desc, y_desc, (13.0 * ratio) as i32);
    mesh.x_label_formatter(&steps);
    if y_span >= 50.0 {
        mesh.y_label_formatter(&whole);
    }
    let _ = mesh.draw();
    Some(chart)
}

/// A curve through `points` (step, value) with a dot at each, values clamped to `range`.
pub fn draw_dotted_curve(chart: &mut ChartContext<'_, Canvas, Cartesian2d<RangedCoordf64, RangedCoordf64>>, points: &[(u32, f64)], colour: RGBColor, ratio: f64, range: std::ops::Range<f64>) {
    let at = |&(s, v): &(u32, f64)| (s as f64, v.clamp(range.start, range.end));
    let _ = chart.draw_series(LineSeries::new(points.iter().map(at), Color::stroke_width(&colour, (2.0 * ratio) as u32)));
    let _ = chart.draw_series(points.iter().map(|p| Circle::new(at(p), (2.5 * ratio) as i32, colour.filled())));
}

/// Shows `rgba` (`width` × `height` pixels, 4 bytes each) on `canvas`, which takes that size;
/// CSS scales it up (`image-rendering: pixelated` keeps the cells sharp). One call into the
/// browser for the whole picture: drawing the GPT's 16 attention maps cell by cell through
/// plotters made a main-thread task of about 100 ms at every check.
pub fn show_rgba(canvas: &web_sys::HtmlCanvasElement, rgba: &[u8], width: u32, height: u32) {
    canvas.set_width(width);
    canvas.set_height(height);
    let context = canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
    if let (Some(ctx), Ok(image)) = (context, web_sys::ImageData::new_with_u8_clamped_array_and_sh(wasm_bindgen::Clamped(rgba), width, height)) {
        let _ = ctx.put_image_data(&image, 0.0, 0.0);
    }
}

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

thread_local! {
    /// The colours read so far, and the root's theme attributes they were read under.
    static COLOURS: std::cell::RefCell<(String, std::collections::HashMap<String, RGBColor>)> = Default::default();
}

/// A colour from the stylesheet (`--accent`, `--text`, …) so charts follow the theme.
/// Falls back to grey if the variable is missing or not a `#rrggbb` value.
///
/// Each is read once per theme: `getComputedStyle` makes the browser recalculate the page's
/// styles after any change to it, which on the GPT page (a chart and 16 maps redrawn after new
/// text and tables) made one 70–110 ms task per check. The colour variables change only with the
/// root's `data-theme` and `data-presenter` (www/style.css), so those attributes key the cache.
pub fn css_colour(variable: &str) -> RGBColor {
    let Some(window) = web_sys::window() else { return RGBColor(128, 128, 128) };
    let Some(root) = window.document().and_then(|d| d.document_element()) else { return RGBColor(128, 128, 128) };
    let theme = format!("{:?}/{:?}", root.get_attribute("data-theme"), root.get_attribute("data-presenter"));
    COLOURS.with_borrow_mut(|(read_under, colours)| {
        if *read_under != theme {
            colours.clear();
            *read_under = theme;
        }
        if let Some(&colour) = colours.get(variable) {
            return colour;
        }
        let value = window.get_computed_style(&root).ok().flatten().and_then(|style| style.get_property_value(variable).ok()).unwrap_or_default();
        // Not kept when missing: the stylesheet may still be loading.
        let Some(colour) = parse_hex(value.trim()) else { return RGBColor(128, 128, 128) };
        colours.insert(variable.to_string(), colour);
        colour
    })
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
    F: Fn(DrawingArea<Canvas, Shift>, f64) + 'static,
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
    let measured = StoredValue::new(None::<(u32, f64, f64, f64)>);
    // The text scale on show, on the canvas for the e2e suite: chart labels are drawn at 12 or
    // 13 px times it (the `font` of each chart), so presenter mode's ≥ 18 px can be checked.
    let shown_scale = RwSignal::new(1.0f64);
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
        let (width, height, scale) = match measured.get_value() {
            Some((at, width, height, scale)) if at == layout && width > 1.0 => (width, height, scale),
            _ => {
                let width = f64::from(element.client_width().max(1));
                // Its height is `aspect` × its width unless a stylesheet gives it one (presenter
                // mode lets the main chart fill the projector's height); before it is laid out
                // it has none.
                let height = match element.client_height() {
                    h if h > 1 => f64::from(h),
                    _ => width * aspect,
                };
                let scale = text_scale();
                measured.set_value(Some((layout, width, height, scale)));
                shown_scale.set(scale);
                (width, height, scale)
            }
        };
        let (pixels_wide, pixels_high) = ((width * ratio).round() as u32, (height * ratio).round() as u32);
        let context = element.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
        if element.width() != pixels_wide || element.height() != pixels_high {
            element.set_width(pixels_wide); // which also clears it
            element.set_height(pixels_high);
        } else if let Some(context) = &context {
            context.clear_rect(0.0, 0.0, f64::from(pixels_wide), f64::from(pixels_high));
        }
        if let Some(inner) = CanvasBackend::with_canvas_object(element) {
            let backend = Canvas { inner, context };
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
            data-text-scale=move || format!("{:.3}", shown_scale.get())
            style=format!("aspect-ratio: {} / {}", 1000, (1000.0 * aspect).round())
        ></canvas>
    }
}
