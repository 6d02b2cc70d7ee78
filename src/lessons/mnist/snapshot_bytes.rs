//! A training snapshot as bytes, so a run can move between the page and its training worker
//! as one transferable `ArrayBuffer`: a small JSON header (shapes, the generator, the place in
//! the epoch), then the floats and the epoch's order as little-endian binary. Floats are never
//! written as text, so they arrive bit for bit.

use serde::{Deserialize, Serialize};

use super::trainer::Snapshot;
use crate::engine::optim::OptimiserSnapshot;
use crate::engine::rng::Pcg32;
use crate::engine::training::EpochCursor;

#[derive(Serialize, Deserialize)]
struct Header {
    parameters: Vec<usize>,
    /// Per parameter, the lengths of its optimiser state buffers.
    state: Vec<Vec<usize>>,
    optimiser_steps: u32,
    rng: Pcg32,
    order: usize,
    position: usize,
    epoch: usize,
}

fn floats(out: &mut Vec<u8>, values: &[f32]) {
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

/// Reads little-endian words from the body, failing plainly on a short buffer.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        if self.bytes.len() < n {
            return Err("the training snapshot is cut short".into());
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn floats(&mut self, n: usize) -> Result<Vec<f32>, String> {
        Ok(self.take(n * 4)?.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }

    fn words(&mut self, n: usize) -> Result<Vec<u32>, String> {
        Ok(self.take(n * 4)?.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }
}

impl Snapshot {
    pub fn to_bytes(&self) -> Vec<u8> {
        let (order, position, epoch) = self.cursor.parts();
        let header = Header {
            parameters: self.parameters.iter().map(Vec::len).collect(),
            state: self.optimiser.state.iter().map(|s| s.iter().map(Vec::len).collect()).collect(),
            optimiser_steps: self.optimiser.steps,
            rng: self.rng.clone(),
            order: order.len(),
            position,
            epoch,
        };
        let json = serde_json::to_vec(&header).expect("a header always serialises");
        let mut out = Vec::with_capacity(8 + json.len() + 4 * (order.len() + header.parameters.iter().sum::<usize>() * 3));
        out.extend_from_slice(&(json.len() as u32).to_le_bytes());
        out.extend_from_slice(&json);
        for p in &self.parameters {
            floats(&mut out, p);
        }
        for buffers in &self.optimiser.state {
            for b in buffers {
                floats(&mut out, b);
            }
        }
        for &i in order {
            out.extend_from_slice(&(i as u32).to_le_bytes());
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Snapshot, String> {
        let mut reader = Reader { bytes };
        let length = reader.words(1)?[0] as usize;
        let header: Header = serde_json::from_slice(reader.take(length)?).map_err(|e| format!("the training snapshot's header is unreadable ({e})"))?;
        let parameters = header.parameters.iter().map(|&n| reader.floats(n)).collect::<Result<Vec<_>, _>>()?;
        let state = header.state.iter().map(|lens| lens.iter().map(|&n| reader.floats(n)).collect::<Result<Vec<_>, _>>()).collect::<Result<Vec<_>, _>>()?;
        let order: Vec<usize> = reader.words(header.order)?.into_iter().map(|i| i as usize).collect();
        if !reader.bytes.is_empty() || header.position > order.len() {
            return Err("the training snapshot does not match its header".into());
        }
        Ok(Snapshot {
            parameters,
            optimiser: OptimiserSnapshot { steps: header.optimiser_steps, state },
            rng: header.rng,
            cursor: EpochCursor::from_parts(order, header.position, header.epoch),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::trainer::Trainer;
    use super::super::Settings;
    use super::*;
    use crate::data::mnist::{MnistSet, IMAGE_PIXELS};
    use crate::engine::poll::now_or_never;
    use crate::engine::CpuBackend;

    #[test]
    fn a_snapshot_through_bytes_resumes_the_run_bit_for_bit() {
        let cpu = CpuBackend::new();
        let set = MnistSet {
            images: (0..20 * IMAGE_PIXELS).map(|i| (i * 37 % 256) as u8).collect(),
            labels: (0..20).map(|i| (i % 10) as u8).collect(),
            count: 20,
        };
        let settings = Settings { hidden: vec![8], batch_size: 6, ..Settings::default() };
        let mut original = Trainer::new(&cpu, settings.clone(), set.count);
        for _ in 0..5 {
            original.step(&set);
        }
        let snapshot = now_or_never(original.snapshot()).unwrap();
        let bytes = snapshot.to_bytes();
        let back = Snapshot::from_bytes(&bytes).unwrap();
        assert_eq!(format!("{back:?}"), format!("{snapshot:?}"), "every field, every float's bits");
        let mut copy = Trainer::from_snapshot(&cpu, settings, &back);
        for _ in 0..6 {
            let a = now_or_never(original.step(&set).to_vec()).unwrap();
            let b = now_or_never(copy.step(&set).to_vec()).unwrap();
            assert_eq!(a, b);
        }
        assert!(Snapshot::from_bytes(&bytes[..bytes.len() - 1]).is_err(), "a cut buffer is refused");
        assert!(Snapshot::from_bytes(&[]).is_err());
    }
}
