//! Training queued on a device, as the pages train on WebGPU (`engine::training::queued`): each
//! slice's steps leave their numbers on the device and read them all back in one wait. Natively
//! on Vulkan (lavapipe on our machines and CI), the Text and GAN lessons' queued steps report
//! the losses their CPU steps report, and one read of several buffers gives each its own.
//!
//! Skipped, with a message, when no Vulkan adapter exists (set XDG_RUNTIME_DIR=/tmp if the
//! loader complains).

mod common;

use stepwise::data::mnist::{MnistSet, IMAGE_PIXELS};
use stepwise::data::vocabulary::Vocabulary;
use stepwise::data::ImdbSet;
use stepwise::engine::training::{queued_slice, QueuedLearner, Stepped};
use stepwise::engine::{Backend, CpuBackend};
use stepwise::lessons::gan::model::{Gan, UnreadIteration};
use stepwise::lessons::text::trainer::{StepResult, Trainer};

/// Why 2e-3, as in gan_backends_agree.rs: the same weights, batches and noise on both; only the
/// last bits of `exp`, `log` and summation order differ (1e-3 relative per kernel in the
/// conformance suite), and Adam lets them grow a little each step. A wrong gradient or a
/// missed update moves a loss by far more within a few steps.
const LOSS_TOLERANCE: f64 = 2e-3;

/// `slices` queued slices of up to `max_steps` steps each.
fn slices<B: Backend, L: QueuedLearner<B>>(backend: &B, learner: &mut L, data: &L::Data, slices: usize, max_steps: u32) -> Vec<Stepped<L::Kept>> {
    (0..slices).flat_map(|_| pollster::block_on(queued_slice(learner, backend, data, max_steps, f64::INFINITY, &|| 0.0)).steps).collect()
}

fn assert_close(cpu: &[f64], gpu: &[f64], what: &str) {
    assert_eq!(cpu.len(), gpu.len());
    let worst = cpu.iter().zip(gpu).map(|(c, g)| (c - g).abs()).fold(0.0, f64::max);
    eprintln!("{what}: {} steps, largest loss difference {worst:.2e}", cpu.len());
    assert!(worst <= LOSS_TOLERANCE, "{what}: CPU {cpu:?}, GPU {gpu:?}");
}

#[test]
fn one_read_of_several_buffers_gives_each_its_own_numbers() {
    let Some(gpu) = common::gpu_or_skip("one_read_of_several_buffers_gives_each_its_own_numbers") else { return };
    let (a, b, c) = (gpu.upload(&[1.0, 2.0, 3.0]), gpu.zeros(4), gpu.upload(&[-1.5, 0.25]));
    let read = pollster::block_on(gpu.read_many(&[(&a, 3), (&b, 0), (&c, 2), (&a, 1)]));
    assert_eq!(read, vec![vec![1.0, 2.0, 3.0], vec![], vec![-1.5, 0.25], vec![1.0]]);
}

/// 300 reviews of 2 to 11 words from a 60-word vocabulary; words 0–29 lean positive.
fn reviews() -> ImdbSet {
    let names: Vec<String> = (0..60).map(|i| format!("w{i}")).collect();
    let vocabulary = Vocabulary::from_counts(names.iter().map(|n| (n.as_str(), 100)), 62);
    let (mut offsets, mut tokens, mut labels) = (vec![0], Vec::new(), Vec::new());
    let mut state = 7u32;
    let mut next = |below: u32| {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (state >> 8) % below
    };
    for _ in 0..300 {
        let words: Vec<usize> = (0..2 + next(10)).map(|_| next(60) as usize).collect();
        labels.push(u8::from(words.iter().filter(|&&w| w < 30).count() * 2 > words.len()));
        tokens.extend(words.iter().map(|&w| vocabulary.id(&names[w])));
        offsets.push(tokens.len());
    }
    ImdbSet { vocabulary, train_count: 240, test_count: 60, labels, offsets, tokens, samples: Vec::new(), token_cap: None }
}

#[test]
fn the_text_lesson_s_queued_steps_report_the_same_on_the_cpu_and_on_webgpu() {
    let Some(gpu) = common::gpu_or_skip("the_text_lesson_s_queued_steps_report_the_same_on_the_cpu_and_on_webgpu") else { return };
    let set = reviews();
    let settings = stepwise::lessons::text::Settings { batch_size: 16, ..Default::default() };
    fn steps<B: Backend + Clone>(backend: &B, settings: &stepwise::lessons::text::Settings, set: &ImdbSet) -> Vec<StepResult> {
        let mut t = Trainer::new(backend, settings.clone(), set);
        slices(backend, &mut t, set, 5, 8).iter().map(|s| StepResult::from_numbers(&s.values[0], &s.values[1], &s.kept)).collect()
    }
    let (cpu_steps, gpu_steps) = (steps(&CpuBackend::new(), &settings, &set), steps(&gpu, &settings, &set));
    let loss = |steps: &[StepResult]| steps.iter().map(|s| s.loss).collect::<Vec<_>>();
    assert_close(&loss(&cpu_steps), &loss(&gpu_steps), "Text, queued");
    let correct = |steps: &[StepResult]| steps.iter().map(|s| s.correct).collect::<Vec<_>>();
    assert_eq!(correct(&cpu_steps), correct(&gpu_steps), "the reviews each step had right");
    assert!(cpu_steps[0].loss - cpu_steps.last().unwrap().loss > 0.05, "the model learns: {:?}", loss(&cpu_steps));
}

#[test]
fn the_gan_s_queued_iterations_report_the_same_on_the_cpu_and_on_webgpu() {
    let Some(gpu) = common::gpu_or_skip("the_gan_s_queued_iterations_report_the_same_on_the_cpu_and_on_webgpu") else { return };
    // Forty made-up "digits": image i has pixels (j·37 + i·11) mod 256.
    let count = 40;
    let images = (0..count * IMAGE_PIXELS).map(|k| ((k % IMAGE_PIXELS) * 37 + (k / IMAGE_PIXELS) * 11) as u8).collect();
    let set = MnistSet { images, labels: (0..count).map(|i| (i % 10) as u8).collect(), count };
    let settings = stepwise::lessons::gan::Settings { batch_size: 16, ..Default::default() };
    fn losses<B: Backend>(backend: &B, settings: &stepwise::lessons::gan::Settings, set: &MnistSet) -> Vec<f64> {
        let mut gan = Gan::new(backend, settings.clone(), set.count);
        let steps = slices(backend, &mut gan, set, 3, 4);
        steps.iter().flat_map(|s| UnreadIteration::<B>::phases(&s.values).map(|phase| phase.loss)).collect()
    }
    assert_close(&losses(&CpuBackend::new(), &settings, &set), &losses(&gpu, &settings, &set), "GAN, queued (three phases an iteration)");
}
