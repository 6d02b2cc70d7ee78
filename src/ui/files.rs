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

/// Whether something is kept under `key`.
pub fn is_kept(key: &str) -> bool {
    local_storage().and_then(|s| s.get_item(key).ok().flatten()).is_some()
}

/// The bytes kept under `key`, or `None` when there are none or they are damaged.
pub fn kept(key: &str) -> Option<Vec<u8>> {
    from_base64(&local_storage()?.get_item(key).ok()??)
}

/// Keeps `bytes` under `key`; `false` when the browser refuses (storage full or switched off).
pub fn keep(key: &str, bytes: &[u8]) -> bool {
    to_base64(bytes).and_then(|text| local_storage()?.set_item(key, &text).ok()).is_some()
}

/// The file the learner chose in an `<input type="file">`: `done` gets its bytes (or `Err`) and
/// its name. The input is cleared, so choosing the same file again reads it again.
pub fn read_chosen_file(ev: &web_sys::Event, done: impl FnOnce(Result<Vec<u8>, ()>, String) + 'static) {
    let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
    let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
    let name = file.name();
    wasm_bindgen_futures::spawn_local(async move {
        let bytes = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec());
        done(bytes.map_err(|_| ()), name);
    });
    input.set_value("");
}
