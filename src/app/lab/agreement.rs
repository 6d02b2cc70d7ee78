//! Runs the engine's conformance suite in this browser on each available backend and shows a
//! table: one row per check, one column per backend.

use leptos::prelude::*;
use crate::ui::More;

use crate::ui::Panel;

use crate::ui::compute::Compute;
use crate::engine::conformance::{run_all, CheckResult, Tolerance};
use crate::engine::webgpu::WebGpuBackend;
use crate::engine::CpuBackend;

type Results = Vec<(&'static str, CheckResult)>;

/// What one backend's column shows.
#[derive(Clone, Debug)]
enum Column {
    Waiting,
    Running,
    Done(Results),
    Unavailable(String),
}

/// `matmul_matches_the_naive_product` → "Matmul matches the naive product".
fn sentence(check: &str) -> String {
    let words = check.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn passed(results: &Results) -> usize {
    results.iter().filter(|(_, result)| result.is_ok()).count()
}

#[component]
pub fn Agreement(compute: ReadSignal<Compute>) -> impl IntoView {
    let cpu = RwSignal::new(Column::Waiting);
    let gpu = RwSignal::new(Column::Waiting);
    let started = StoredValue::new(false);

    // Run once, as soon as we know whether WebGPU is there.
    Effect::new(move |_| {
        let compute = compute.get();
        if compute == Compute::Probing || started.get_value() {
            return;
        }
        started.set_value(true);
        wasm_bindgen_futures::spawn_local(async move {
            cpu.set(Column::Running);
            yield_to_browser().await;
            cpu.set(Column::Done(run_all(&CpuBackend::new(), Tolerance::CPU).await));
            match compute {
                Compute::WebGpu { .. } => {
                    gpu.set(Column::Running);
                    yield_to_browser().await;
                    match WebGpuBackend::new().await {
                        Ok(backend) => gpu.set(Column::Done(run_all(&backend, Tolerance::GPU).await)),
                        Err(error) => gpu.set(Column::Unavailable(error)),
                    }
                }
                Compute::Cpu { reason } => gpu.set(Column::Unavailable(reason)),
                Compute::Probing => {}
            }
        });
    });

    let summary = move |name: &'static str, column: Column| match column {
        Column::Waiting => format!("{name}: waiting"),
        Column::Running => format!("{name}: running…"),
        Column::Done(results) => format!("{name}: {} of {} checks pass", passed(&results), results.len()),
        Column::Unavailable(_) => format!("{name}: not available here"),
    };
    let cell = move |column: Column, row: usize| match column {
        Column::Done(results) => match &results[row].1 {
            Ok(()) => view! { <td class="pass">"✓ agrees"</td> }.into_any(),
            Err(mismatch) => view! { <td class="fail" title=mismatch.clone()>"✗ differs"</td> }.into_any(),
        },
        Column::Running => view! { <td class="muted">"…"</td> }.into_any(),
        _ => view! { <td class="muted">"—"</td> }.into_any(),
    };

    view! {
        <Panel title="Do both engines compute the same numbers?" testid="agreement">
            <More label="How the checks work">
                <p>
                    "Each check below runs one kernel (or a gradient, or an optimiser step) and compares "
                    "it with the same arithmetic done another way: in 64-bit floating point, by finite "
                    "differences, or worked out by hand. The CPU must agree to 1 part in 10,000; WebGPU to "
                    "1 part in 1,000, because GPUs compute exp, log and tanh less exactly and add in a "
                    "different order."
                </p>
            </More>
            <p class="summary">
                <span data-testid="agreement-cpu">{move || summary("CPU", cpu.get())}</span>
                <span data-testid="agreement-webgpu">{move || summary("WebGPU", gpu.get())}</span>
            </p>
            {move || match gpu.get() {
                Column::Unavailable(reason) => Some(view! { <p class="muted">"WebGPU is not used here: " {reason}</p> }),
                _ => None,
            }}
            {move || {
                let Column::Done(results) = cpu.get() else { return None };
                let rows = results
                    .iter()
                    .enumerate()
                    .map(|(row, (check, _))| {
                        view! {
                            <tr>
                                <td>{sentence(check)}</td>
                                {move || cell(cpu.get(), row)}
                                {move || cell(gpu.get(), row)}
                            </tr>
                        }
                    })
                    .collect_view();
                Some(view! {
                    <div class="table-scroll">
                        <table class="checks">
                            <thead><tr><th>"Check"</th><th>"CPU"</th><th>"WebGPU"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                })
            }}
        </Panel>
    }
}

/// Lets the browser paint before a long synchronous stretch of work.
pub async fn yield_to_browser() {
    gloo::timers::future::TimeoutFuture::new(0).await;
}
