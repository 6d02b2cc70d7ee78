//! `/lab`: our two engines on the learner's own machine. First, do they agree? The engine's
//! conformance suite (every kernel and gradient against f64 reference arithmetic) runs here, in
//! this browser, on the CPU and on WebGPU. Then, how fast is each? Matrix multiplication timed
//! on both, and a whole training step.

mod agreement;
mod speed;
mod threads;
mod training;

use leptos::prelude::*;
use crate::ui::More;

use crate::ui::{PageIntro, Panel};

use crate::engine::webgpu::WebGpuBackend;
use crate::engine::{Backend, CpuBackend};
use crate::ui::compute::Compute;

use crate::ui::worker_client::isolated;

/// A Lab measurement: clearing its table, and what it does on one engine (`on_gpu` says which,
/// so it knows where its numbers go).
trait Measurement: Copy + 'static {
    fn clear(self);
    async fn on<B: Backend>(self, backend: &B, on_gpu: bool);
}

/// Runs `measurement` on the CPU, then on WebGPU when this browser has it, with `running` true
/// meanwhile (a second press is ignored); a GPU that will not start says why in `note`.
fn measure_on_each_engine<M: Measurement>(compute: ReadSignal<Compute>, running: RwSignal<bool>, note: RwSignal<Option<String>>, measurement: M) {
    if running.get_untracked() {
        return;
    }
    running.set(true);
    note.set(None);
    measurement.clear();
    wasm_bindgen_futures::spawn_local(async move {
        measurement.on(&CpuBackend::new(), false).await;
        if matches!(compute.get_untracked(), Compute::WebGpu { .. }) {
            match WebGpuBackend::new().await {
                Ok(backend) => measurement.on(&backend, true).await,
                Err(error) => note.set(Some(error)),
            }
        }
        running.set(false);
    });
}

/// A table's measurements so far, by row (a matrix size, a batch size), on each engine.
#[derive(Clone, Copy)]
struct Columns {
    cpu: RwSignal<Vec<(usize, f64)>>,
    gpu: RwSignal<Vec<(usize, f64)>>,
}

impl Columns {
    fn new() -> Columns {
        Columns { cpu: RwSignal::new(Vec::new()), gpu: RwSignal::new(Vec::new()) }
    }

    fn clear(self) {
        self.cpu.set(Vec::new());
        self.gpu.set(Vec::new());
    }

    /// Shows `value` in `row`, under the engine that measured it.
    fn add(self, on_gpu: bool, row: usize, value: f64) {
        let column = if on_gpu { self.gpu } else { self.cpu };
        column.update(|c| c.push((row, value)));
    }
}

/// The Lab's "Measure …" button: disabled and saying so while its measurement runs.
#[component]
fn MeasureButton(running: RwSignal<bool>, on_click: Callback<()>, label: &'static str, testid: &'static str) -> impl IntoView {
    view! {
        <button class="primary" on:click=move |_| on_click.run(()) disabled=move || running.get() data-testid=testid>
            {move || if running.get() { "Measuring…" } else { label }}
        </button>
    }
}

/// One measurement per row (a matrix size, a batch size) on the CPU and on WebGPU, shown as two
/// columns each by `shown`; a dash until it is measured.
#[component]
fn CpuGpuTable(
    /// The first column's heading, and the two headings under each engine.
    headings: (&'static str, [&'static str; 2]),
    rows: &'static [usize],
    /// Each row's test id: `{testid}-{row}`.
    testid: &'static str,
    columns: Columns,
    shown: fn(usize, f64) -> [String; 2],
) -> impl IntoView {
    let cell = move |measured: Vec<(usize, f64)>, row: usize| match measured.iter().find(|(r, _)| *r == row) {
        Some(&(_, value)) => {
            let [a, b] = shown(row, value);
            view! { <td class="number">{a}</td><td class="number">{b}</td> }.into_any()
        }
        None => view! { <td class="muted">"—"</td><td class="muted">"—"</td> }.into_any(),
    };
    let (first, [a, b]) = headings;
    view! {
        <div class="table-scroll">
            <table class="timings">
                <thead>
                    <tr><th rowspan="2">{first}</th><th colspan="2">"CPU (WebAssembly SIMD)"</th><th colspan="2">"WebGPU"</th></tr>
                    <tr><th>{a}</th><th>{b}</th><th>{a}</th><th>{b}</th></tr>
                </thead>
                <tbody>
                    {rows
                        .iter()
                        .map(|&row| view! {
                            <tr data-testid=format!("{testid}-{row}")>
                                <td class="number">{row}</td>
                                {move || cell(columns.cpu.get(), row)}
                                {move || cell(columns.gpu.get(), row)}
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn threads_sentence() -> String {
    let cores = web_sys::window().map(|w| w.navigator().hardware_concurrency() as u32).unwrap_or(1);
    if isolated() {
        format!(
            "This page is cross-origin isolated, so Web Workers can share memory. Your browser reports {cores} logical cores: \
             the Digits, GAN, Text and tiny GPT lessons train in a background worker on {cores} threads (itself and a helper per \
             other core), which split each big matrix product between them. The timings below run on this page's own thread, one thread, except the last table's, \
             which time the background worker."
        )
    } else {
        format!(
            "This page is not cross-origin isolated (no SharedArrayBuffer), so Web Workers cannot share memory: the Digits, \
             GAN, Text and tiny GPT lessons train in a background worker on one thread, although your browser reports {cores} logical cores. \
             A page served with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: \
             require-corp (or reloaded once our offline helper is installed) trains on all of them. The timings below run on this page's own thread, except the last table's, which time the \
             background worker."
        )
    }
}

#[component]
pub fn LabPage() -> impl IntoView {
    let compute = expect_context::<ReadSignal<Compute>>();
    view! {
        <article class="lesson lab">
            <PageIntro kicker="Lab" title="Our two engines, on your machine">
                "Stepwise trains with its own engine, written twice: once as WebGPU compute shaders "
                "that run on your graphics card, once as WebAssembly SIMD code that runs on your CPU. "
                "Here you can check that both compute the same numbers, and see which one is faster."
            </PageIntro>
            <More label="Where does training run?">
                <p class="muted" data-testid="lab-backend">{move || compute.get().explanation()}</p>
            </More>
            <More label="How many threads?">
                <p class="muted" data-testid="lab-threads" data-isolated=isolated().to_string()>{threads_sentence()}</p>
            </More>
            <agreement::Agreement compute/>
            <speed::Speed compute/>
            <training::Training compute/>
            <threads::WorkerThreads/>
            <Panel title="When does the GPU win?">
                <More label="Why">
                    <p>
                        "A GPU runs thousands of multiply-adds at once, but every kernel launch and every "
                        "read back to the page costs a fixed delay. For tiny matrices that delay is most of "
                        "the time, and the CPU wins. For large ones, such as a 1024 × 1024 product, the "
                        "parallel work dominates and a real GPU wins by far."
                    </p>
                </More>
                <p>
                    "If the badge at the top says the adapter is "
                    <em>"SwiftShader"</em>
                    ", your browser is emulating a GPU on the CPU, so the WebGPU column is slow: "
                    "that is a software fallback, not your graphics card."
                </p>
                <p class="muted">
                    "A comparison with TensorFlow.js on the same machine is in the project's benchmarks "
                    "(bench/ in the source), not on this page: it would download TensorFlow.js."
                </p>
            </Panel>
        </article>
    }
}
