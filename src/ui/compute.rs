//! Which compute backend this browser gives us: WebGPU when `navigator.gpu` yields an adapter
//! and a device, otherwise the CPU (wasm SIMD) path, with the reason in plain words.

use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub enum Compute {
    /// Still asking the browser.
    Probing,
    /// WebGPU works; the adapter's name as the browser reports it (it may hide it).
    #[cfg_attr(not(feature = "full"), allow(dead_code))]
    WebGpu { adapter: String },
    /// The CPU path, and why WebGPU is not used.
    Cpu { reason: String },
}

impl Compute {
    /// The short label the header shows.
    pub fn label(&self) -> String {
        match self {
            Compute::Probing => "Checking for WebGPU…".into(),
            Compute::WebGpu { adapter } => format!("WebGPU · {adapter}"),
            Compute::Cpu { .. } => "CPU (SIMD)".into(),
        }
    }

    /// The machine-readable name, used by the tests and by CSS.
    pub fn kind(&self) -> &'static str {
        match self {
            Compute::Probing => "probing",
            Compute::WebGpu { .. } => "webgpu",
            Compute::Cpu { .. } => "cpu",
        }
    }

    /// A sentence for the tooltip and the Lab page.
    pub fn explanation(&self) -> String {
        match self {
            Compute::Probing => "Asking the browser whether it offers WebGPU.".into(),
            Compute::WebGpu { adapter } => format!(
                "Your browser offers WebGPU (adapter: {adapter}). The Digits, GAN, Text and tiny GPT lessons train on it (each can \
                 be switched to your CPU, where they train in a background worker) and the Lab times it against the CPU."
            ),
            Compute::Cpu { reason } => format!(
                "Training runs on your CPU with WebAssembly SIMD, because {reason}. The Digits, GAN, Text and tiny GPT lessons train \
                 in a background worker (on every core when the page is cross-origin isolated, else on one)."
            ),
        }
    }
}

thread_local! {
    /// The writer of the app's one compute signal, so a lesson that loses the GPU can say so
    /// in the header too.
    static SET_COMPUTE: std::cell::Cell<Option<WriteSignal<Compute>>> = const { std::cell::Cell::new(None) };
}

/// A lesson lost the GPU mid-training (the device was lost or failed): from now on this visit
/// computes on the CPU, and the header and the Lab say why.
#[cfg_attr(not(feature = "full"), allow(dead_code))]
pub fn gpu_lost(reason: &str) {
    if let Some(set) = SET_COMPUTE.with(|s| s.get()) {
        set.set(Compute::Cpu { reason: format!("the GPU stopped responding during training ({reason})") });
    }
}

/// Starts the probe and returns a signal that settles on the answer.
pub fn probe() -> ReadSignal<Compute> {
    let (compute, set_compute) = signal(Compute::Probing);
    SET_COMPUTE.with(|s| s.set(Some(set_compute)));
    wasm_bindgen_futures::spawn_local(async move {
        set_compute.set(detect().await);
    });
    compute
}

/// The light embed build (Cargo.toml's `full` feature off) has no WebGPU code: its widgets
/// compute on the CPU, and the reason says so.
#[cfg(not(feature = "full"))]
async fn detect() -> Compute {
    Compute::Cpu { reason: "this light embed build leaves WebGPU out to download less (the full site uses it)".into() }
}

#[cfg(feature = "full")]
async fn detect() -> Compute {
    if !wgpu::util::is_browser_webgpu_supported().await {
        return Compute::Cpu {
            reason: "this browser does not offer WebGPU (navigator.gpu is missing or gives no adapter)".into(),
        };
    }
    let mut descriptor = wgpu::InstanceDescriptor::new_without_display_handle();
    descriptor.backends = wgpu::Backends::BROWSER_WEBGPU;
    let instance = wgpu::Instance::new(descriptor);
    let adapter = match instance.request_adapter(&wgpu::RequestAdapterOptions::default()).await {
        Ok(adapter) => adapter,
        Err(error) => {
            return Compute::Cpu { reason: format!("the browser found no WebGPU adapter ({error})") }
        }
    };
    if let Err(error) = adapter.request_device(&wgpu::DeviceDescriptor::default()).await {
        return Compute::Cpu { reason: format!("the WebGPU device could not be opened ({error})") };
    }
    let name = adapter.get_info().name;
    let adapter = if !name.trim().is_empty() {
        name
    } else {
        adapter_info_words().await.unwrap_or_else(|| "adapter not named by the browser".to_string())
    };
    Compute::WebGpu { adapter }
}

#[cfg(feature = "full")]
/// wgpu leaves the name empty in browsers; `GPUAdapter.info` still gives a description, or a
/// vendor and architecture ("google swiftshader" for Chromium's software adapter), which is
/// enough for a learner to tell a real GPU from an emulated one.
async fn adapter_info_words() -> Option<String> {
    use js_sys::Reflect;
    use wasm_bindgen::JsCast;
    let navigator = web_sys::window()?.navigator();
    let gpu = Reflect::get(&navigator, &"gpu".into()).ok()?;
    let request: js_sys::Function = Reflect::get(&gpu, &"requestAdapter".into()).ok()?.dyn_into().ok()?;
    let promise: js_sys::Promise = request.call0(&gpu).ok()?.dyn_into().ok()?;
    let adapter = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let info = Reflect::get(&adapter, &"info".into()).ok()?;
    let field = |key: &str| Reflect::get(&info, &key.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let description = field("description");
    let words = if description.trim().is_empty() {
        format!("{} {}", field("vendor"), field("architecture")).trim().to_string()
    } else {
        description.trim().to_string()
    };
    (!words.is_empty()).then_some(words)
}
