//! The training step in the background worker, on one thread and on all of them: images per
//! second, the speed-up, and whether the two runs' losses are the same bit for bit (they
//! should be: the CPU backend splits work by blocks of output, `engine/cpu/threads.rs`).
//! Each measurement trains a fresh seeded Digits network on the real digits in a new worker
//! (`app::worker_client::probe_worker`).

use leptos::prelude::*;

use crate::app::worker_client::{isolated, probe_worker, Probed};

/// Batch sizes, and the steps timed at each (about a second of training on one core).
const RUNS: [(usize, u32); 2] = [(64, 200), (256, 60)];

/// One batch size's two runs: (images per second, losses) on one thread and on all.
#[derive(Clone, Default)]
struct Row {
    one: Option<(f64, Vec<u32>)>,
    all: Option<(f64, Vec<u32>, u32)>,
}

fn rate(p: &Probed, steps: u32, batch: usize) -> f64 {
    (steps as usize * batch) as f64 / (p.milliseconds / 1000.0)
}

#[component]
pub fn WorkerThreads() -> impl IntoView {
    let rows = RwSignal::new(vec![Row::default(); RUNS.len()]);
    let running = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let measure = move |_: ()| {
        if running.get_untracked() {
            return;
        }
        running.set(true);
        problem.set(None);
        rows.set(vec![Row::default(); RUNS.len()]);
        wasm_bindgen_futures::spawn_local(async move {
            for (index, &(batch, steps)) in RUNS.iter().enumerate() {
                match probe_worker(steps, batch, 1).await {
                    Ok(p) => rows.update(|r| r[index].one = Some((rate(&p, steps, batch), p.loss_bits))),
                    Err(e) => problem.set(Some(e)),
                }
                if !isolated() {
                    continue; // the worker has one thread: nothing more to time
                }
                match probe_worker(steps, batch, 0).await {
                    Ok(p) => rows.update(|r| r[index].all = Some((rate(&p, steps, batch), p.loss_bits.clone(), p.threads))),
                    Err(e) => problem.set(Some(e)),
                }
            }
            running.set(false);
        });
    };
    let threads = move || rows.with(|r| r.iter().find_map(|row| row.all.as_ref().map(|a| a.2)));
    let dash = || view! { <td class="muted">"—"</td> }.into_any();
    view! {
        <section class="panel" data-testid="worker-threads">
            <h2>"Training in the background worker: one thread or all"</h2>
            <p>
                "The Digits and GAN lessons train in a background worker. On a cross-origin isolated page it uses every core "
                "(itself and one helper thread per other core), and each big matrix product is split between them by blocks of rows. Every number "
                "is computed exactly as on one thread, so the losses should be the same to the last bit. Each run trains a "
                "fresh network, from the same seed, on the real digits."
            </p>
            <super::MeasureButton running on_click=Callback::new(measure) label="Measure the worker" testid="measure-threads"/>
            {move || problem.get().map(|p| view! { <p class="notice">{format!("The worker could not train: {p}.")}</p> })}
            <div class="table-scroll">
                <table class="timings">
                    <thead>
                        <tr>
                            <th>"batch"</th>
                            <th>"1 thread, images/s"</th>
                            <th>{move || threads().map(|n| format!("{n} threads, images/s")).unwrap_or_else(|| "all threads".into())}</th>
                            <th>"speed-up"</th>
                            <th>"same losses?"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {RUNS
                            .iter()
                            .enumerate()
                            .map(|(index, &(batch, _))| {
                                let row = move || rows.with(|r| r[index].clone());
                                view! {
                                    <tr data-testid=format!("threads-{batch}")>
                                        <td class="number">{batch}</td>
                                        {move || match row().one {
                                            Some((r, _)) => view! { <td class="number">{format!("{r:.0}")}</td> }.into_any(),
                                            None => dash(),
                                        }}
                                        {move || match row().all {
                                            Some((r, _, _)) => view! { <td class="number">{format!("{r:.0}")}</td> }.into_any(),
                                            None => dash(),
                                        }}
                                        {move || match row() {
                                            Row { one: Some((one, _)), all: Some((all, _, _)) } => view! { <td class="number">{format!("{:.2} ×", all / one)}</td> }.into_any(),
                                            _ => dash(),
                                        }}
                                        {move || match row() {
                                            Row { one: Some((_, a)), all: Some((_, b, _)) } => {
                                                let same = a == b;
                                                view! { <td data-testid=format!("threads-same-{batch}") data-same=same.to_string()>{if same { "yes, bit for bit" } else { "no" }}</td> }.into_any()
                                            }
                                            _ => dash(),
                                        }}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="muted">
                {move || if isolated() {
                    "Measured on this page's machine, now: other programs running at the same time slow both columns."
                } else {
                    "This page is not cross-origin isolated, so the worker has one thread and only that column is measured."
                }}
            </p>
        </section>
    }
}
