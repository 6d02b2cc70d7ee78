//! Where a lesson's CPU training runs (the background worker, on how many threads, or the
//! page's own thread and why), said the same way on every lesson that trains in the worker.

use leptos::prelude::*;

use crate::app::worker_client::threads_phrase;

#[derive(Clone, Debug, PartialEq)]
pub enum Thread {
    /// Not trained yet this visit.
    Idle,
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

/// One sentence; `data-thread` is "worker", "page" or "idle" for the tests.
#[component]
pub fn WhereTraining(thread: RwSignal<Thread>, testid: &'static str) -> impl IntoView {
    const CPU: &str = "your CPU (WebAssembly SIMD)";
    view! {
        <p class="muted" data-testid=testid data-thread=move || match thread.get() { Thread::Worker(_) => "worker", Thread::Page(_) => "page", Thread::Idle => "idle" }>
            {move || match thread.get() {
                Thread::Idle => format!("Trains on {CPU} in a background worker, so this page stays responsive."),
                Thread::Worker(threads) => format!(
                    "Training on {CPU} in a background worker{}; this page shows a copy refreshed four times a second.",
                    threads.map(threads_phrase).unwrap_or_default()
                ),
                Thread::Page(None) => format!("Training on {CPU}, on this page's thread."),
                Thread::Page(Some(why)) => format!("Training on {CPU} on this page's thread: {why}."),
            }}
        </p>
    }
}
