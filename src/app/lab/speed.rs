//! Times square matrix products on each backend: milliseconds per product and GFLOP/s
//! (2·n³ floating-point operations per n × n product).

use leptos::prelude::*;

use crate::ui::Panel;

use super::agreement::yield_to_browser;
use crate::ui::compute::Compute;
use crate::engine::backend::Matmul;
use crate::engine::rng::Pcg32;
use crate::engine::Backend;

const SIZES: [usize; 4] = [64, 256, 512, 1024];
/// Each size repeats until this much time has passed, so small sizes are not lost in timer noise.
const MIN_MILLISECONDS: f64 = 300.0;

/// Billions of floating-point operations per second: an n × n product is 2n³ of them.
fn gflops(size: usize, milliseconds: f64) -> f64 {
    2.0 * (size as f64).powi(3) / (milliseconds * 1e6)
}

pub fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

fn random_values(len: usize, rng: &mut Pcg32) -> Vec<f32> {
    (0..len).map(|_| rng.uniform_between(-1.0, 1.0)).collect()
}

/// Milliseconds per `n × n` product on `backend`. Reading one number back waits until the
/// device has really finished (WebGPU runs asynchronously).
async fn time_matmul<B: Backend>(backend: &B, n: usize) -> f64 {
    let mut rng = Pcg32::new(7, 0);
    let a = backend.upload(&random_values(n * n, &mut rng));
    let b = backend.upload(&random_values(n * n, &mut rng));
    let c = backend.zeros(n * n);
    backend.matmul(&a, &b, &c, Matmul::new(n, n, n));
    backend.read(&c, 1).await; // warm-up: pipelines compiled, buffers allocated
    let mut repetitions = 0;
    let start = now();
    loop {
        backend.matmul(&a, &b, &c, Matmul::new(n, n, n));
        repetitions += 1;
        if repetitions % 4 == 0 || n >= 512 {
            backend.read(&c, 1).await;
            if now() - start >= MIN_MILLISECONDS {
                break;
            }
        }
    }
    (now() - start) / repetitions as f64
}

/// The products' timings, in milliseconds, per size, on each engine.
#[derive(Clone, Copy)]
struct Products(super::Columns);

impl super::Measurement for Products {
    fn clear(self) {
        self.0.clear();
    }

    async fn on<B: Backend>(self, backend: &B, on_gpu: bool) {
        for size in SIZES {
            yield_to_browser().await;
            self.0.add(on_gpu, size, time_matmul(backend, size).await);
        }
    }
}

#[component]
pub fn Speed(compute: ReadSignal<Compute>) -> impl IntoView {
    let columns = super::Columns::new();
    let running = RwSignal::new(false);
    let note = RwSignal::new(None::<String>);

    let measure = move |_: ()| super::measure_on_each_engine(compute, running, note, Products(columns));

    view! {
        <Panel title="How fast is each engine?" testid="speed">
            <p>
                "Multiplying two n × n matrices takes 2n³ floating-point operations; this is most of the "
                "work of training a neural network. GFLOP/s is billions of those operations per second."
            </p>
            <super::MeasureButton running on_click=Callback::new(measure) label="Measure matrix multiplication" testid="measure"/>
            {move || note.get().map(|n| view! { <p class="muted">{n}</p> })}
            <super::CpuGpuTable headings=("n", ["time", "GFLOP/s"]) rows=&SIZES testid="speed" columns
                shown=|size, milliseconds| [format!("{milliseconds:.2} ms"), format!("{:.1}", gflops(size, milliseconds))]/>
        </Panel>
    }
}
