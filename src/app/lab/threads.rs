//! The training step and the matrix product in the background worker, on one thread and on
//! all of them: images per second or GFLOP/s, the speed-up, and whether the two runs computed
//! the same numbers bit for bit (they should: the CPU backend splits work by blocks of output,
//! `engine/cpu/threads.rs`). Each measurement runs in a new worker
//! (`app::worker_client::probe_worker`): a fresh seeded Digits network on the real digits, or
//! seeded matrices.

use leptos::prelude::*;
use crate::ui::More;

use crate::ui::Panel;

use crate::ui::worker_client::{isolated, probe_worker, training_trial, Probed};
use crate::worker::protocol::Trial;

/// What each row times: a training step (batch size, steps timed) or a matrix product (size,
/// products timed); about a second on one core each.
#[derive(Clone, Copy)]
enum Work {
    Step { batch: usize, steps: u32 },
    Matmul { size: usize, repeats: u32 },
}

const WORK: [Work; 4] = [
    Work::Step { batch: 64, steps: 200 },
    Work::Step { batch: 256, steps: 60 },
    Work::Matmul { size: 256, repeats: 200 },
    Work::Matmul { size: 512, repeats: 30 },
];

impl Work {
    fn trial(self) -> Result<Trial, String> {
        match self {
            Work::Step { batch, steps } => training_trial(steps, batch),
            Work::Matmul { size, repeats } => Ok(Trial::Matmul { size, repeats }),
        }
    }

    /// Images per second, or GFLOP/s (2·n³ operations a product).
    fn rate(self, p: &Probed) -> f64 {
        let seconds = p.milliseconds / 1000.0;
        match self {
            Work::Step { batch, steps } => (steps as usize * batch) as f64 / seconds,
            Work::Matmul { size, repeats } => 2.0 * (size as f64).powi(3) * repeats as f64 / seconds / 1e9,
        }
    }

    fn show(self, rate: f64) -> String {
        match self {
            Work::Step { .. } => format!("{rate:.0} images/s"),
            Work::Matmul { .. } => format!("{rate:.1} GFLOP/s"),
        }
    }

    fn name(self) -> String {
        match self {
            Work::Step { batch, .. } => format!("training step, batch {batch}"),
            Work::Matmul { size, .. } => format!("matrix product {size} × {size}"),
        }
    }

    /// The tests' name for the row: `threads-64` (batch 64), `threads-matmul-512`.
    fn testid(self) -> String {
        match self {
            Work::Step { batch, .. } => format!("{batch}"),
            Work::Matmul { size, .. } => format!("matmul-{size}"),
        }
    }
}

/// One row's two runs: (rate, bits) on one thread and (rate, bits, threads) on all.
#[derive(Clone, Default)]
struct Row {
    one: Option<(f64, Vec<u32>)>,
    all: Option<(f64, Vec<u32>, u32)>,
}

#[component]
pub fn WorkerThreads() -> impl IntoView {
    let rows = RwSignal::new(vec![Row::default(); WORK.len()]);
    let running = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let measure = move |_: ()| {
        if running.get_untracked() {
            return;
        }
        running.set(true);
        problem.set(None);
        rows.set(vec![Row::default(); WORK.len()]);
        wasm_bindgen_futures::spawn_local(async move {
            for (index, &work) in WORK.iter().enumerate() {
                for threads in [1, 0] {
                    if threads == 0 && !isolated() {
                        continue; // the worker has one thread: nothing more to time
                    }
                    match work.trial() {
                        Ok(trial) => match probe_worker(trial, threads).await {
                            Ok(p) if threads == 1 => rows.update(|r| r[index].one = Some((work.rate(&p), p.bits))),
                            Ok(p) => rows.update(|r| r[index].all = Some((work.rate(&p), p.bits.clone(), p.threads))),
                            Err(e) => problem.set(Some(e)),
                        },
                        Err(e) => problem.set(Some(e)),
                    }
                }
            }
            running.set(false);
        });
    };
    let threads = move || rows.with(|r| r.iter().find_map(|row| row.all.as_ref().map(|a| a.2)));
    let dash = || view! { <td class="muted">"—"</td> }.into_any();
    view! {
        <Panel title="The background worker: one thread or all" testid="worker-threads">
            <More label="What is compared">
                <p>
                    "The Digits, GAN, Text and tiny GPT lessons train in a background worker. On a cross-origin isolated page it uses every core "
                    "(itself and one helper thread per other core), and each big matrix product is split between them by blocks of rows. Every number "
                    "is computed exactly as on one thread, so the losses (and the products) should be the same to the last bit. Each training run "
                    "trains a fresh network, from the same seed, on the real digits; each product multiplies the same seeded matrices."
                </p>
            </More>
            <super::MeasureButton running on_click=Callback::new(measure) label="Measure the worker" testid="measure-threads"/>
            {move || problem.get().map(|p| view! { <p class="notice">{format!("The worker could not train: {p}.")}</p> })}
            <div class="table-scroll">
                <table class="timings">
                    <thead>
                        <tr>
                            <th>"work"</th>
                            <th>"1 thread"</th>
                            <th>{move || threads().map(|n| format!("{n} threads")).unwrap_or_else(|| "all threads".into())}</th>
                            <th>"speed-up"</th>
                            <th>"same numbers?"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {WORK
                            .iter()
                            .enumerate()
                            .map(|(index, &work)| {
                                let row = move || rows.with(|r| r[index].clone());
                                let id = work.testid();
                                view! {
                                    <tr data-testid=format!("threads-{id}")>
                                        <td>{work.name()}</td>
                                        {move || match row().one {
                                            Some((r, _)) => view! { <td class="number">{work.show(r)}</td> }.into_any(),
                                            None => dash(),
                                        }}
                                        {move || match row().all {
                                            Some((r, _, _)) => view! { <td class="number">{work.show(r)}</td> }.into_any(),
                                            None => dash(),
                                        }}
                                        {move || match row() {
                                            Row { one: Some((one, _)), all: Some((all, _, _)) } => view! { <td class="number">{format!("{:.2} ×", all / one)}</td> }.into_any(),
                                            _ => dash(),
                                        }}
                                        {move || match row() {
                                            Row { one: Some((_, a)), all: Some((_, b, _)) } => {
                                                let same = a == b;
                                                view! { <td data-testid=format!("threads-same-{}", work.testid()) data-same=same.to_string()>{if same { "yes, bit for bit" } else { "no" }}</td> }.into_any()
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
        </Panel>
    }
}
