//! A run copied to the host: everything it takes to go on training elsewhere (on the CPU when
//! the GPU is lost, in the training worker, back on the page). As bytes it is one transferable
//! `ArrayBuffer`: a small JSON header (shapes, the generator, the place in the epoch), then the
//! floats and the epoch's order as little-endian binary. Floats are never written as text, so
//! they arrive bit for bit.

use serde::{Deserialize, Serialize};

use super::EpochCursor;
use crate::engine::optim::{Optimiser, OptimiserSnapshot};
use crate::engine::rng::Pcg32;
use crate::engine::{Backend, Tensor};

/// The weights (in the learner's own order), its optimisers' state, its generator and its place
/// in the epoch, and one count of the learner's own (the GAN's iterations; 0 where unused).
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub parameters: Vec<Vec<f32>>,
    pub optimisers: Vec<OptimiserSnapshot>,
    pub rng: Pcg32,
    pub cursor: EpochCursor,
    pub count: u64,
}

#[derive(Serialize, Deserialize)]
struct Header {
    parameters: Vec<usize>,
    /// Per optimiser, per parameter, the lengths of its state buffers.
    state: Vec<Vec<Vec<usize>>>,
    optimiser_steps: Vec<u32>,
    count: u64,
    rng: Pcg32,
    order: usize,
    position: usize,
    epoch: usize,
}

/// Floats as little-endian bytes. On little-endian machines (wasm32, x86, ARM) that is their
/// memory as it is, so one copy does it (measured: per-float loops made a GAN snapshot, 15 MB,
/// a noticeable share of the worker's time).
fn floats(out: &mut Vec<u8>, values: &[f32]) {
    if cfg!(target_endian = "little") {
        out.extend_from_slice(bytemuck::cast_slice(values));
    } else {
        for v in values {
            out.extend_from_slice(&v.to_le_bytes());
        }
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
        let bytes = self.take(n * 4)?;
        if cfg!(target_endian = "little") {
            // The bytes need not be aligned for f32: copy them into a float vector.
            let mut out = vec![0f32; n];
            bytemuck::cast_slice_mut::<f32, u8>(&mut out).copy_from_slice(bytes);
            return Ok(out);
        }
        Ok(bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }

    fn words(&mut self, n: usize) -> Result<Vec<u32>, String> {
        Ok(self.take(n * 4)?.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }
}

/// The values of `parameters`. Every read starts before the first is awaited, so a GPU answers
/// them all in one round trip.
pub fn read_weights<'a, B: Backend + 'a>(parameters: impl IntoIterator<Item = &'a Tensor<B>>) -> impl std::future::Future<Output = Vec<Vec<f32>>> + 'a {
    let reads: Vec<_> = parameters.into_iter().map(|p| p.backend().read(p.value(), p.len())).collect();
    async move {
        let mut values = Vec::with_capacity(reads.len());
        for read in reads {
            values.push(read.await);
        }
        values
    }
}

/// Sets each parameter to its values in a snapshot (in the same order).
pub fn write_weights<'a, B: Backend + 'a>(parameters: impl IntoIterator<Item = &'a Tensor<B>>, values: &[Vec<f32>]) {
    for (parameter, v) in parameters.into_iter().zip(values) {
        parameter.set_values(v);
    }
}

/// What a learner with one optimiser (the Digits network, the Text model) carries from step
/// to step besides its model: the parameters' handles, the optimiser's state, its generator and
/// its place in the shuffled epochs. A snapshot copies exactly this.
pub struct OneOptimiserRun<B: Backend> {
    pub parameters: Vec<Tensor<B>>,
    pub optimiser: Optimiser<B>,
    pub rng: Pcg32,
    /// Where in which shuffled epoch of the training examples the run is.
    pub cursor: EpochCursor,
}

/// Lets a learner that keeps its run in a field `run` be read as that run (`steps()`,
/// `epoch()`, `snapshot()`, `restore()` …): `one_optimiser_run_deref!(Trainer);`.
#[macro_export]
macro_rules! one_optimiser_run_deref {
    ($learner:ident) => {
        impl<B: $crate::engine::Backend> std::ops::Deref for $learner<B> {
            type Target = $crate::engine::training::OneOptimiserRun<B>;
            fn deref(&self) -> &Self::Target {
                &self.run
            }
        }

        impl<B: $crate::engine::Backend> std::ops::DerefMut for $learner<B> {
            fn deref_mut(&mut self) -> &mut Self::Target {
                &mut self.run
            }
        }
    };
}

impl<B: Backend> OneOptimiserRun<B> {
    /// A copy of the run on the host. Every read starts before the first is awaited, so on a
    /// GPU this is one round trip.
    pub async fn snapshot(&self) -> Snapshot {
        let weights = read_weights(&self.parameters);
        let optimiser = self.optimiser.snapshot(&self.parameters).await;
        Snapshot { parameters: weights.await, optimisers: vec![optimiser], rng: self.rng.clone(), cursor: self.cursor.clone(), count: 0 }
    }

    /// Becomes the run in `snapshot` (taken from one of the same shape, on any backend): the
    /// next step is the one that run would have taken. A weights-only copy sets the weights alone.
    pub fn restore(&mut self, snapshot: &Snapshot) {
        write_weights(&self.parameters, &snapshot.parameters);
        if !snapshot.is_full() {
            return; // weights only: the views' copy between full snapshots
        }
        self.optimiser.restore(&snapshot.optimisers[0], &self.parameters);
        self.rng = snapshot.rng.clone();
        self.cursor.clone_from(&snapshot.cursor);
    }

    /// Steps taken so far (Adam's t).
    pub fn steps(&self) -> u32 {
        self.optimiser.steps()
    }

    /// Examples seen in the current epoch.
    pub fn position(&self) -> usize {
        self.cursor.position()
    }

    /// Completed epochs.
    pub fn epoch(&self) -> usize {
        self.cursor.epoch()
    }
}

impl Snapshot {
    /// Only the weights (and the learner's count): what the page's views need between full
    /// copies, at less than half the size (no optimiser state).
    pub fn weights(&self) -> Snapshot {
        Snapshot { parameters: self.parameters.clone(), optimisers: Vec::new(), rng: self.rng.clone(), cursor: EpochCursor::from_parts(Vec::new(), 0, self.cursor.epoch()), count: self.count }
    }

    /// Whether this is a whole run (a [`Snapshot::weights`] copy is not).
    pub fn is_full(&self) -> bool {
        !self.optimisers.is_empty()
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let (order, position, epoch) = self.cursor.parts();
        let header = Header {
            parameters: self.parameters.iter().map(Vec::len).collect(),
            state: self.optimisers.iter().map(|o| o.state.iter().map(|s| s.iter().map(Vec::len).collect()).collect()).collect(),
            optimiser_steps: self.optimisers.iter().map(|o| o.steps).collect(),
            count: self.count,
            rng: self.rng.clone(),
            order: order.len(),
            position,
            epoch,
        };
        let json = serde_json::to_vec(&header).expect("a header always serialises");
        let mut out = Vec::with_capacity(8 + json.len() + 4 * (order.len() + header.parameters.iter().sum::<usize>() * (1 + 2 * self.optimisers.len())));
        out.extend_from_slice(&(json.len() as u32).to_le_bytes());
        out.extend_from_slice(&json);
        for p in &self.parameters {
            floats(&mut out, p);
        }
        for optimiser in &self.optimisers {
            for buffers in &optimiser.state {
                for b in buffers {
                    floats(&mut out, b);
                }
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
        if header.state.len() != header.optimiser_steps.len() {
            return Err("the training snapshot does not match its header".into());
        }
        let mut optimisers = Vec::with_capacity(header.state.len());
        for (lengths, &steps) in header.state.iter().zip(&header.optimiser_steps) {
            let state = lengths.iter().map(|lens| lens.iter().map(|&n| reader.floats(n)).collect::<Result<Vec<_>, _>>()).collect::<Result<Vec<_>, _>>()?;
            optimisers.push(OptimiserSnapshot { steps, state });
        }
        let order: Vec<usize> = reader.words(header.order)?.into_iter().map(|i| i as usize).collect();
        if !reader.bytes.is_empty() || header.position > order.len() {
            return Err("the training snapshot does not match its header".into());
        }
        Ok(Snapshot {
            parameters,
            optimisers,
            rng: header.rng,
            cursor: EpochCursor::from_parts(order, header.position, header.epoch),
            count: header.count,
        })
    }
}

