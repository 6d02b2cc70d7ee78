//! Times the standard training step (784-500-10 ReLU network, Adam, softmax cross-entropy; see
//! `engine::workload`) on each backend, at batch 64 and 256: samples per second, and what that
//! means for one pass over MNIST's 60,000 training images.

use leptos::prelude::*;

use super::agreement::yield_to_browser;
use super::speed::now;
use crate::app::compute::Compute;
use crate::engine::webgpu::WebGpuBackend;
use crate::engine::workload::TrainingStep;
use crate::engine::{Backend, CpuBackend};

const BATCHES: [usize; 2] = [64, 256];
const MIN_MILLISECONDS: f64 = 1000.0;

/// Samples per second. The loss is read back every 4 steps, which waits for WebGPU to finish
/// (the CPU is done already); the clock stops only at such a read.
async fn samples_per_second<B: Backend>(backend: &B, batch: usize) -> f64 {
    let mut workload = TrainingStep::new(backend, batch, 11);
    workload.step().to_vec().await; // warm-up: pipelines compiled, buffers pooled, state allocated
    yield_to_browser().await;
    let mut steps = 0;
    let start = now();
    loop {
        let loss = workload.step();
        steps += 1;
        if steps % 4 == 0 {
            loss.to_vec().await;
            if now() - start >= MIN_MILLISECONDS {
                break;
            }
        }
    }
    (steps * batch) as f64 / ((now() - start) / 1000.0)
}

#[component]
pub fn Training(compute: ReadSignal<Compute>) -> impl IntoView {
    let cpu = RwSignal::new(Vec::<(usize, f64)>::new());
    let gpu = RwSignal::new(Vec::<(usize, f64)>::new());
    let running = RwSignal::new(false);
    let note = RwSignal::new(None::<String>);

    let measure = move |_| {
        if running.get_untracked() {
            return;
        }
        running.set(true);
        cpu.set(Vec::new());
        gpu.set(Vec::new());
        note.set(None);
        wasm_bindgen_futures::spawn_local(async move {
            let backend = CpuBackend::new();
            for batch in BATCHES {
                yield_to_browser().await;
                let rate = samples_per_second(&backend, batch).await;
                cpu.update(|r| r.push((batch, rate)));
            }
            if matches!(compute.get_untracked(), Compute::WebGpu { .. }) {
                match WebGpuBackend::new().await {
                    Ok(backend) => {
                        for batch in BATCHES {
                            yield_to_browser().await;
                            let rate = samples_per_second(&backend, batch).await;
                            gpu.update(|r| r.push((batch, rate)));
                        }
                    }
                    Err(error) => note.set(Some(error)),
                }
            }
            running.set(false);
        });
    };

    let cell = move |rates: Vec<(usize, f64)>, batch: usize| match rates.iter().find(|(b, _)| *b == batch) {
        Some(&(_, rate)) => view! {
            <td class="number">{format!("{rate:.0} /s")}</td>
            <td class="number">{format!("{:.1} s", 60_000.0 / rate)}</td>
        }
        .into_any(),
        None => view! { <td class="muted">"—"</td><td class="muted">"—"</td> }.into_any(),
    };

    view! {
        <section class="panel" data-testid="training-speed">
            <h2>"How fast does each engine train?"</h2>
            <p>
                "One training step of the network the digits lesson uses: 784 pixels in, 500 hidden "
                "units (ReLU), 10 digits out. Forward pass, softmax cross-entropy loss, backward pass "
                "and an Adam update, on a batch of 64 or 256 images. The last column is how long one "
                "pass over all 60,000 MNIST training images would take at that speed."
            </p>
            <button class="primary" on:click=measure disabled=move || running.get() data-testid="measure-training">
                {move || if running.get() { "Measuring…" } else { "Measure a training step" }}
            </button>
            {move || note.get().map(|n| view! { <p class="muted">{n}</p> })}
            <div class="table-scroll">
                <table class="timings">
                    <thead>
                        <tr><th rowspan="2">"batch"</th><th colspan="2">"CPU (WebAssembly SIMD)"</th><th colspan="2">"WebGPU"</th></tr>
                        <tr><th>"samples"</th><th>"one epoch"</th><th>"samples"</th><th>"one epoch"</th></tr>
                    </thead>
                    <tbody>
                        {BATCHES
                            .iter()
                            .map(|&batch| view! {
                                <tr data-testid=format!("training-{batch}")>
                                    <td class="number">{batch}</td>
                                    {move || cell(cpu.get(), batch)}
                                    {move || cell(gpu.get(), batch)}
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
