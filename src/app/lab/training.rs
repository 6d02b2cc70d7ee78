//! Times the standard training step (784-500-10 ReLU network, Adam, softmax cross-entropy; see
//! `engine::workload`) on each backend, at batch 64 and 256: samples per second, and what that
//! means for one pass over MNIST's 60,000 training images. Then one iteration of the GAN
//! lesson's game (its default networks and settings) on each backend.

use leptos::prelude::*;
use crate::ui::More;

use crate::ui::Panel;

use super::agreement::yield_to_browser;
use super::speed::now;
use crate::ui::compute::Compute;
use crate::engine::workload::TrainingStep;
use crate::data::mnist::{MnistSet, IMAGE_PIXELS};
use crate::engine::rng::Pcg32;
use crate::engine::Backend;
use crate::lessons::gan::model::Gan;

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

/// GAN iterations per second: D on a real batch, D on a fake batch, G's step (the GAN lesson's
/// defaults, batch 64), G's loss read back every 2 iterations. The "real" images are seeded
/// random bytes: the speed does not depend on the pixels, and the Lab downloads no dataset.
async fn gan_iterations_per_second<B: Backend>(backend: &B) -> f64 {
    let mut rng = Pcg32::from_seed(12);
    let count = 256;
    let set = MnistSet { images: (0..count * IMAGE_PIXELS).map(|_| (rng.uniform() * 255.0) as u8).collect(), labels: vec![0; count], count };
    let mut gan = Gan::new(backend, crate::lessons::gan::Settings::default(), count);
    gan.iterate_unread(&set).to_vec().await; // warm-up
    yield_to_browser().await;
    let (mut iterations, start) = (0, now());
    loop {
        let loss = gan.iterate_unread(&set);
        iterations += 1;
        if iterations % 2 == 0 {
            loss.to_vec().await;
            if now() - start >= MIN_MILLISECONDS {
                break;
            }
        }
    }
    iterations as f64 / ((now() - start) / 1000.0)
}

/// Training steps per second by batch size, and GAN iterations per second, on each engine.
#[derive(Clone, Copy)]
struct Steps {
    batches: super::Columns,
    /// (CPU, WebGPU).
    gan: RwSignal<(Option<f64>, Option<f64>)>,
}

impl super::Measurement for Steps {
    fn clear(self) {
        self.batches.clear();
        self.gan.set((None, None));
    }

    async fn on<B: Backend>(self, backend: &B, on_gpu: bool) {
        for batch in BATCHES {
            yield_to_browser().await;
            self.batches.add(on_gpu, batch, samples_per_second(backend, batch).await);
        }
        yield_to_browser().await;
        let rate = gan_iterations_per_second(backend).await;
        self.gan.update(|g| if on_gpu { g.1 = Some(rate) } else { g.0 = Some(rate) });
    }
}

#[component]
pub fn Training(compute: ReadSignal<Compute>) -> impl IntoView {
    let batches = super::Columns::new();
    let running = RwSignal::new(false);
    let note = RwSignal::new(None::<String>);
    // GAN iterations per second: (CPU, WebGPU).
    let gan = RwSignal::new((None::<f64>, None::<f64>));

    let measure = move |_: ()| super::measure_on_each_engine(compute, running, note, Steps { batches, gan });

    view! {
        <Panel title="How fast does each engine train?" testid="training-speed">
            <More label="What is timed">
                <p>
                    "One training step of the network the digits lesson uses: 784 pixels in, 500 hidden "
                    "units (ReLU), 10 digits out. Forward pass, softmax cross-entropy loss, backward pass "
                    "and an Adam update, on a batch of 64 or 256 images. The last column is how long one "
                    "pass over all 60,000 MNIST training images would take at that speed."
                </p>
            </More>
            <super::MeasureButton running on_click=Callback::new(measure) label="Measure a training step" testid="measure-training"/>
            {move || note.get().map(|n| view! { <p class="muted">{n}</p> })}
            <super::CpuGpuTable headings=("batch", ["samples", "one epoch"]) rows=&BATCHES testid="training" columns=batches
                shown=|_, rate| [format!("{rate:.0} /s"), format!("{:.1} s", 60_000.0 / rate)]/>
            <p>
                "And one iteration of the GAN lesson's game, with its default networks (G: 100 → 256 → 512 → 784, "
                "D: 784 → 512 → 256 → 1, batch 64): D learns from a real batch and a fake batch, then G takes its step."
            </p>
            <div class="table-scroll">
                <table class="timings">
                    <thead><tr><th>"GAN"</th><th>"CPU (WebAssembly SIMD)"</th><th>"WebGPU"</th></tr></thead>
                    <tbody>
                        <tr data-testid="training-gan">
                            <td>"iterations per second"</td>
                            {move || [gan.get().0, gan.get().1].into_iter().map(|rate| match rate {
                                Some(rate) => view! { <td class="number">{format!("{rate:.1} /s")}</td> }.into_any(),
                                None => view! { <td class="muted">"—"</td> }.into_any(),
                            }).collect_view()}
                        </tr>
                    </tbody>
                </table>
            </div>
        </Panel>
    }
}
