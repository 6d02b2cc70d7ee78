//! Downloads a dataset asset with progress. Assets are served with the site (under `data/`,
//! relative to `<base href>`, so sub-path hosting works) and never come from elsewhere.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, Response};

/// What went wrong, in words for the learner. Every failure here may go away on retry.
fn failed(what: &str) -> String {
    format!("The download of the dataset failed ({what}). Check the connection and press Retry.")
}

/// The bytes of `url`; `progress(received, expected)` is called as chunks arrive. `expected`
/// comes from the manifest, since a compressing server may not send a Content-Length.
pub async fn download(url: &str, expected: Option<u64>, progress: impl Fn(u64, Option<u64>)) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or_else(|| failed("no window"))?;
    let response: Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| failed("no answer from the server"))?
        .dyn_into()
        .map_err(|_| failed("not a response"))?;
    if !response.ok() {
        return Err(failed(&format!("the server answered {} for {url}", response.status())));
    }
    let body = response.body().ok_or_else(|| failed("empty response"))?;
    let reader: ReadableStreamDefaultReader = body.get_reader().dyn_into().map_err(|_| failed("unreadable body"))?;
    let mut bytes = Vec::with_capacity(expected.unwrap_or(0) as usize);
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|_| failed("the connection broke"))?;
        if Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            break;
        }
        let value: Uint8Array = Reflect::get(&chunk, &"value".into())
            .ok()
            .and_then(|v| v.dyn_into().ok())
            .ok_or_else(|| failed("a chunk was not bytes"))?;
        let start = bytes.len();
        bytes.resize(start + value.length() as usize, 0);
        value.copy_to(&mut bytes[start..]);
        progress(bytes.len() as u64, expected);
    }
    Ok(bytes)
}

/// The expected size of each asset, from `data/manifest.json` (written by the converter).
pub async fn manifest_sizes() -> Option<serde_json::Value> {
    let bytes = download("data/manifest.json", None, |_, _| {}).await.ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The size the manifest lists for asset `name`.
pub fn expected_size(manifest: &Option<serde_json::Value>, name: &str) -> Option<u64> {
    manifest.as_ref()?["assets"].as_array()?.iter().find(|a| a["name"] == name)?["bytes"].as_u64()
}
