//! Where a pointer is on a canvas, in the canvas's own pixels (which differ from CSS pixels on
//! a high-density screen or a scaled layout). The mapping on to data is `lessons::shared::frame`.

use wasm_bindgen::JsCast;

/// The position of `event` in `canvas`'s pixels, or `None` while the canvas has no size.
pub fn canvas_pixel(canvas: &web_sys::HtmlCanvasElement, event: &web_sys::MouseEvent) -> Option<(f64, f64)> {
    let rect = canvas.get_bounding_client_rect();
    if rect.width() <= 0.0 || rect.height() <= 0.0 {
        return None;
    }
    let sx = f64::from(canvas.width()) / rect.width();
    let sy = f64::from(canvas.height()) / rect.height();
    Some(((f64::from(event.client_x()) - rect.left()) * sx, (f64::from(event.client_y()) - rect.top()) * sy))
}

/// The first canvas inside `element` (a chart's wrapper, which holds the pointer capture).
pub fn canvas_in(element: &web_sys::Element) -> Option<web_sys::HtmlCanvasElement> {
    element.query_selector("canvas").ok()??.dyn_into().ok()
}
