//! The keyboard, shared by every page that listens for its own keys (the shortcut sheet, a
//! lesson's stepping keys, a plan's PageDown).

/// Whether a key press belongs to a form field, or comes with Ctrl, ⌘ or Alt: typing a "p"
/// into a box, or the browser's own Ctrl+R, must not press a lesson's key.
pub fn is_typing(event: &web_sys::KeyboardEvent) -> bool {
    let in_field = event
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .map(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA") || e.has_attribute("contenteditable"))
        .unwrap_or(false);
    in_field || event.ctrl_key() || event.meta_key() || event.alt_key()
}
