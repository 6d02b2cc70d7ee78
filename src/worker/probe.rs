//! [`ToWorker::Probe`](super::protocol::ToWorker::Probe): a seeded trial on a given number of
//! threads, timed inside its work only. The same seed gives the same numbers, bit for bit, on
//! any thread count (engine/cpu/threads.rs); the e2e suite and the Lab check that here, in the
//! browser, and bench/threads.mjs times it.

use super::host::{digits, now};
use super::protocol::{FromWorker, Trial};
use crate::engine::backend::Matmul;
use crate::engine::poll::now_or_never;
use crate::engine::rng::Pcg32;
use crate::engine::{Backend, CpuBackend};
use crate::lessons::mnist::trainer::Trainer;
use crate::lessons::mnist::Settings;

pub(super) async fn probe(trial: Trial, threads: u32) -> Result<FromWorker, String> {
    let training = match &trial {
        Trial::Training { url, .. } => Some(digits(url).await?),
        Trial::Matmul { .. } => None,
    };
    crate::engine::cpu::limit_threads(threads as usize);
    let cpu = CpuBackend::new();
    let (bits, milliseconds) = match trial {
        Trial::Training { steps, batch_size, .. } => {
            let set = training.expect("downloaded above");
            let mut trainer = Trainer::new(&cpu, Settings { batch_size, ..Settings::default() }, set.count);
            let mut bits = Vec::with_capacity(steps as usize);
            let started = now();
            for _ in 0..steps {
                let loss = now_or_never(trainer.step(&set).to_vec()).and_then(|l| l.first().copied()).unwrap_or(f32::NAN);
                bits.push(loss.to_bits());
            }
            (bits, now() - started)
        }
        Trial::Matmul { size, repeats } => {
            let mut rng = Pcg32::new(7, 0);
            let mut values = || cpu.upload(&(0..size * size).map(|_| rng.uniform_between(-1.0, 1.0)).collect::<Vec<_>>());
            let (a, b) = (values(), values());
            let c = cpu.zeros(size * size);
            let started = now();
            for _ in 0..repeats {
                cpu.matmul(&a, &b, &c, Matmul::new(size, size, size));
            }
            let milliseconds = now() - started;
            let product = now_or_never(cpu.read(&c, size * size)).unwrap_or_default();
            (vec![checksum(&product)], milliseconds)
        }
    };
    let used = crate::engine::cpu::threads() as u32;
    crate::engine::cpu::limit_threads(0);
    Ok(FromWorker::Probed { bits, milliseconds, threads: used })
}

/// FNV-1a over the numbers' bits: equal products give equal sums; a difference in any bit of
/// any number changes it (almost surely).
fn checksum(values: &[f32]) -> u32 {
    values.iter().flat_map(|v| v.to_bits().to_le_bytes()).fold(0x811c_9dc5u32, |hash, byte| (hash ^ byte as u32).wrapping_mul(0x0100_0193))
}
