//! Files in and out of the browser, shared by the lessons that keep a model: a download the
//! learner saves, and bytes kept in `localStorage` (which holds only strings, hence base64).

use wasm_bindgen::JsCast;

/// This browser's `localStorage`, if the page may use it (private windows may refuse).
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Offers `bytes` to the learner as a download named `name`, of media type `mime`.
pub fn offer_download(bytes: &[u8], name: &str, mime: &str) -> Result<(), String> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|_| "the browser refused the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "the browser refused the file")?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a").map_err(|_| "no link")?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Bytes as a string a `localStorage` value can hold (base64 through the browser's `btoa`).
pub fn to_base64(bytes: &[u8]) -> Option<String> {
    let binary: String = bytes.iter().map(|&b| b as char).collect();
    web_sys::window()?.btoa(&binary).ok()
}

/// The bytes back from `to_base64`'s text; `None` if the text is not base64.
pub fn from_base64(text: &str) -> Option<Vec<u8>> {
    let binary = web_sys::window()?.atob(text).ok()?;
    binary.chars().map(|c| u8::try_from(c as u32).ok()).collect()
}
