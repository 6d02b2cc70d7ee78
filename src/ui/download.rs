//! Downloads a dataset asset with progress. Assets are served with the site (under `data/`,
//! relative to `<base href>`, so sub-path hosting works) and never come from elsewhere. Also the
//! status panel every dataset lesson shows while its data is not ready.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use leptos::prelude::*;
use web_sys::{ReadableStreamDefaultReader, Response};

use crate::data::mnist::MnistSet;
use crate::data::{DataError, MNIST_TEST_FILE, MNIST_TRAIN_FILE};

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

/// Where a lesson's dataset is: downloading (bytes so far, of how many), unpacking, failed
/// (why, in words for the learner), or ready.
#[derive(Clone, Debug, PartialEq)]
pub enum Dataset {
    Loading { received: u64, expected: Option<u64> },
    Unpacking,
    Failed(String),
    Ready,
}

/// Resolves after the browser has had a turn (to paint a status before a long decode).
async fn next_turn() {
    gloo::timers::future::TimeoutFuture::new(0).await;
}

/// Downloads one asset of the manifest and decodes it, reporting progress in `state`:
/// `Ready` and the decoded value, or `Failed` with the reason and `None`.
pub async fn load_asset<T, E: std::fmt::Display>(state: RwSignal<Dataset>, name: &str, decode: impl Fn(&[u8]) -> Result<T, E>) -> Option<T> {
    load_assets(state, &[name], |files| decode(&files[0])).await
}

/// The same for several assets, downloaded one after the other with one progress bar.
pub async fn load_assets<T, E: std::fmt::Display>(state: RwSignal<Dataset>, names: &[&str], decode: impl Fn(&[Vec<u8>]) -> Result<T, E>) -> Option<T> {
    state.set(Dataset::Loading { received: 0, expected: None });
    let manifest = manifest_sizes().await;
    let sizes: Vec<Option<u64>> = names.iter().map(|name| expected_size(&manifest, name)).collect();
    let total = sizes.iter().try_fold(0, |sum, size| size.map(|s| sum + s));
    let mut files = Vec::with_capacity(names.len());
    let mut before = 0;
    for (name, size) in names.iter().zip(&sizes) {
        let progress = |got, _| state.set(Dataset::Loading { received: before + got, expected: total });
        match download(&format!("data/{name}"), *size, progress).await {
            Ok(bytes) => {
                before += bytes.len() as u64;
                files.push(bytes);
            }
            Err(message) => {
                state.set(Dataset::Failed(message));
                return None;
            }
        }
    }
    state.set(Dataset::Unpacking);
    next_turn().await; // let "Unpacking" paint before the thread is busy
    // Decoding checks each asset's format header and the CRC-32 of its contents.
    match decode(&files) {
        Ok(value) => {
            state.set(Dataset::Ready);
            Some(value)
        }
        Err(error) => {
            state.set(Dataset::Failed(error.to_string()));
            None
        }
    }
}

/// MNIST's training and test sets (the test file first: it is smaller, so progress shows sooner).
pub async fn load_mnist(state: RwSignal<Dataset>) -> Option<(MnistSet, MnistSet)> {
    load_assets(state, &[MNIST_TEST_FILE, MNIST_TRAIN_FILE], |files| Ok::<_, DataError>((MnistSet::decode(&files[1])?, MnistSet::decode(&files[0])?))).await
}

/// The dataset's status panel while it is not ready: a progress bar while it downloads, the
/// reason and a Retry button if it failed, nothing once ready. `what` names the data for the
/// learner ("digits", "reviews"); test ids are `<testid>-loading`, `-error` and `-retry`.
#[component]
pub fn DatasetStatus(data: RwSignal<Dataset>, what: &'static str, testid: &'static str, on_retry: Callback<()>) -> impl IntoView {
    move || match data.get() {
        Dataset::Loading { received, expected } => view! {
            <section class="panel" data-testid=format!("{testid}-loading")>
                <h2>{format!("Downloading the {what}")}</h2>
                <progress max=expected.unwrap_or(0).max(1) as f64 value=received as f64></progress>
                <p class="muted">
                    {format!("{:.1} MB", received as f64 / 1e6)}
                    {expected.map(|e| format!(" of {:.1} MB", e as f64 / 1e6))}
                </p>
            </section>
        }
        .into_any(),
        Dataset::Unpacking => view! {
            <section class="panel" data-testid=format!("{testid}-loading")><h2>{format!("Unpacking the {what}…")}</h2></section>
        }
        .into_any(),
        Dataset::Failed(message) => view! {
            <section class="panel notice" role="alert" data-testid=format!("{testid}-error")>
                <h2>{format!("The {what} could not be loaded")}</h2>
                <p>{message}</p>
                <button class="primary" data-testid=format!("{testid}-retry") on:click=move |_| on_retry.run(())>"Retry"</button>
            </section>
        }
        .into_any(),
        Dataset::Ready => ().into_any(),
    }
}
