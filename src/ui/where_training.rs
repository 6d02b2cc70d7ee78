//! Where a lesson trains (the GPU, the background worker and on how many threads, or the
//! page's own thread and why), the learner's choice between GPU and CPU, and what happened
//! when the GPU was lost: said the same way on every training lesson.

use leptos::prelude::*;

use crate::ui::compute::Compute;
use crate::ui::worker_client::threads_phrase;
use crate::engine::webgpu::WebGpuBackend;

#[derive(Clone, Debug, PartialEq)]
pub enum Thread {
    /// Not trained yet this visit.
    Idle,
    /// On the GPU through WebGPU, with the adapter's name.
    Gpu(String),
    /// In the background worker, on this many threads (`None` until its first report).
    Worker(Option<u32>),
    /// On the page's thread, and why.
    Page(Option<String>),
}

impl Thread {
    /// The worker's newest report says it trains on `threads` threads.
    pub fn report(signal: RwSignal<Thread>, threads: u32) {
        if signal.get_untracked() != Thread::Worker(Some(threads)) {
            signal.set(Thread::Worker(Some(threads)));
        }
    }
}

/// Whether a lesson trains on the GPU: the browser offers WebGPU, it has not been lost on this
/// visit, and the learner has not chosen the CPU. Also the lesson's one GPU device.
#[derive(Clone, Copy)]
pub struct GpuChoice {
    compute: Option<ReadSignal<Compute>>,
    /// The learner chose the CPU (to compare, or because a software adapter is slower than
    /// the CPU); it applies from the next Train or Resume.
    pub prefer_cpu: RwSignal<bool>,
    /// What happened when the GPU stopped responding, in plain words.
    pub lost: RwSignal<Option<String>>,
    pub device: StoredValue<Option<WebGpuBackend>, LocalStorage>,
}

impl Default for GpuChoice {
    fn default() -> Self {
        GpuChoice::new()
    }
}

impl GpuChoice {
    /// Reads the app's compute signal from the context (so, inside a component).
    pub fn new() -> GpuChoice {
        GpuChoice { compute: use_context::<ReadSignal<Compute>>(), prefer_cpu: RwSignal::new(false), lost: RwSignal::new(None), device: StoredValue::new_local(None) }
    }

    /// For a lesson with no GPU path yet: the GPU is never offered, so the page says it trains
    /// on the CPU and shows no GPU/CPU choice.
    pub fn cpu_only() -> GpuChoice {
        GpuChoice { compute: None, ..GpuChoice::new() }
    }

    /// The browser's WebGPU adapter, while the GPU works.
    pub fn offered(&self) -> Option<String> {
        match self.compute.map(|c| c.get()) {
            Some(Compute::WebGpu { adapter }) if self.lost.get().is_none() => Some(adapter),
            _ => None,
        }
    }

    /// The adapter to train on now, if the GPU is offered and chosen.
    pub fn chosen(&self) -> Option<String> {
        self.offered().filter(|_| !self.prefer_cpu.get())
    }

    /// [`GpuChoice::chosen`] when training starts (outside the view, so not tracked).
    pub fn chosen_now(&self) -> Option<String> {
        untrack(|| self.chosen())
    }
}

/// One sentence on where training runs; `data-thread` is "gpu", "worker", "page" or "idle" for
/// the tests. With a GPU offered, the learner can choose it or the CPU; once the GPU is lost,
/// the page says what happened.
#[component]
pub fn WhereTraining(thread: RwSignal<Thread>, lesson: &'static str, gpu: GpuChoice, running: Signal<bool>) -> impl IntoView {
    const CPU: &str = "your CPU (WebAssembly SIMD)";
    let idle = move || match gpu.chosen() {
        Some(adapter) => format!("Trains on the GPU through WebGPU · {adapter}."),
        None => format!("Trains on {CPU} in a background worker, so this page stays responsive."),
    };
    view! {
        <p class="muted" data-testid=format!("{lesson}-thread") data-thread=move || match thread.get() { Thread::Gpu(_) => "gpu", Thread::Worker(_) => "worker", Thread::Page(_) => "page", Thread::Idle => "idle" }>
            {move || {
                // Where it trains, and what the page shows of it while it does.
                let (place, copy) = match thread.get() {
                    Thread::Idle => return idle(),
                    Thread::Gpu(adapter) => (format!("the GPU through WebGPU · {adapter}"), "; this page shows a copy refreshed every 2 seconds and at every check"),
                    Thread::Worker(threads) => (format!("{CPU} in a background worker{}", threads.map(threads_phrase).unwrap_or_default()), "; this page shows a copy refreshed four times a second"),
                    Thread::Page(None) => (format!("{CPU}, on this page's thread"), ""),
                    Thread::Page(Some(why)) => (format!("{CPU} on this page's thread: {why}"), ""),
                };
                if running.get() { format!("Training on {place}{copy}.") } else { format!("Paused. It was training on {place}.") }
            }}
        </p>
        <TrainOn lesson prefer_cpu=gpu.prefer_cpu offered=Signal::derive(move || gpu.offered().is_some()) running/>
        {move || gpu.lost.get().map(|p| view! { <p class="notice" role="status" data-testid=format!("{lesson}-gpu-lost")>{p}</p> })}
    }
}

/// The learner's choice between the GPU and the CPU, shown while the GPU is offered; testid
/// `{lesson}-engine`.
#[component]
pub fn TrainOn(lesson: &'static str, prefer_cpu: RwSignal<bool>, offered: Signal<bool>, running: Signal<bool>) -> impl IntoView {
    view! {
        <Show when=move || offered.get()>
            <label class="field field-inline">
                <span class="field-label">"train on"</span>
                <select data-testid=format!("{lesson}-engine") disabled=move || running.get()
                    on:change=move |ev| prefer_cpu.set(event_target_value(&ev) == "cpu")>
                    <option value="gpu" selected=move || !prefer_cpu.get()>"the GPU (WebGPU)"</option>
                    <option value="cpu" selected=move || prefer_cpu.get()>"the CPU (WebAssembly SIMD)"</option>
                </select>
                <span class="muted">"Changes apply when training starts or resumes; the network carries over."</span>
            </label>
        </Show>
    }
}
