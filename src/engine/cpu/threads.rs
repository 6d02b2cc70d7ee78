//! Splitting the CPU backend's heavy kernels across threads, so that a seed gives the same run,
//! bit for bit, on any number of threads.
//!
//! Each kernel is split by its output: every thread writes its own contiguous block of whole
//! rows (or elements), and each output number is computed by exactly the same arithmetic, in
//! the same order, as it would be on one thread. Nothing is summed across threads, so nothing
//! depends on how many there are (`tests` and `engine/training/tests.rs` check it).
//!
//! Threads come from rayon: natively its global pool, and in the browser's threaded worker
//! build (`feature = "threads"`) a pool of Web Workers started by wasm-bindgen-rayon. The plain
//! wasm build has one thread and no rayon at all.

/// Below this many multiply-adds (about 40 µs of work) a part is not worth a thread: handing
/// work to another Web Worker and waiting for it costs tens of microseconds.
pub const MIN_WORK_PER_PART: usize = 1 << 20;

use std::sync::atomic::{AtomicUsize, Ordering};

/// At most this many threads (see [`set_limit`]).
static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);

/// How many threads the CPU backend splits work across.
pub fn count() -> usize {
    // A thread outside the pool (the worker's own, or a test's) does the first part of each
    // split itself, beside the pool's threads (see `for_each`).
    #[cfg(any(not(target_arch = "wasm32"), feature = "threads"))]
    let threads = rayon::current_num_threads() + usize::from(rayon::current_thread_index().is_none());
    #[cfg(all(target_arch = "wasm32", not(feature = "threads")))]
    let threads = 1;
    threads.min(LIMIT.load(Ordering::Relaxed)).max(1)
}

/// Splits work across at most `threads` threads from now on (0: all there are), so one build
/// can be timed on 1 thread and on all of them (the worker's probe; bench/threads.mjs).
pub fn set_limit(threads: usize) {
    LIMIT.store(if threads == 0 { usize::MAX } else { threads }, Ordering::Relaxed);
}

/// How many parts `rows` rows (`work_per_row` each) split into: at most one per thread, each of
/// at least `MIN_WORK_PER_PART`, and each a whole number of `align`-row blocks.
pub fn parts(rows: usize, align: usize, work_per_row: usize) -> usize {
    let by_work = (rows * work_per_row) / MIN_WORK_PER_PART;
    count().min(rows.div_ceil(align)).min(by_work).max(1)
}

/// Runs `work(first_row, block)` over `out` (`rows` rows of `cols` numbers) split into
/// [`parts`] blocks of whole rows, in parallel where there are threads.
pub fn for_row_blocks(out: &mut [f32], rows: usize, cols: usize, align: usize, work_per_row: usize, work: impl Fn(usize, &mut [f32]) + Sync + Send) {
    let out = &mut out[..rows * cols];
    let parts = parts(rows, align, work_per_row);
    if parts <= 1 || cols == 0 {
        work(0, out);
        return;
    }
    let block_rows = rows.div_ceil(parts).div_ceil(align) * align;
    let blocks: Vec<(usize, &mut [f32])> = out.chunks_mut(block_rows * cols).enumerate().collect();
    for_each(blocks, |(index, block)| work(index * block_rows, block));
}

/// Runs `work` on each item (blocks that the caller split by [`parts`]): the calling thread
/// takes the first, the pool's threads the others, and the call returns when all are done.
///
/// Why the caller works too (rayon's `in_place_scope`) instead of handing every part to the
/// pool and waiting: in the browser, measured on this project's 2-core machine, the caller's
/// part starts at once while a sleeping helper takes tens of microseconds to wake, and the
/// helpers (Web Workers started by another Web Worker) ran the same kernel about 25% slower
/// than the worker that started them.
pub fn for_each<T: Send>(items: Vec<T>, work: impl Fn(T) + Sync + Send) {
    #[cfg(any(not(target_arch = "wasm32"), feature = "threads"))]
    if items.len() > 1 {
        let work = &work;
        let mut items = items.into_iter();
        let first = items.next().expect("more than one item");
        rayon::in_place_scope(|scope| {
            for item in items {
                scope.spawn(move |_| work(item));
            }
            work(first);
        });
        return;
    }
    items.into_iter().for_each(work);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap()
    }

    #[test]
    fn parts_respect_threads_work_and_alignment() {
        // Inside a pool the thread is one of the pool's; outside, it works beside them.
        assert_eq!(count(), rayon::current_num_threads() + 1);
        pool(4).install(|| {
            assert_eq!(parts(64, 4, MIN_WORK_PER_PART), 4, "one part a thread");
            assert_eq!(parts(6, 4, MIN_WORK_PER_PART), 2, "no more parts than 4-row blocks");
            assert_eq!(parts(64, 4, 100), 1, "too little work to split");
            assert_eq!(parts(64, 4, MIN_WORK_PER_PART / 32), 2, "two parts' worth of work");
        });
        pool(1).install(|| assert_eq!(parts(1000, 1, MIN_WORK_PER_PART), 1));
    }

    #[test]
    fn every_row_is_visited_once_with_its_own_index() {
        for threads in [1, 2, 3] {
            pool(threads).install(|| {
                let (rows, cols) = (37, 5);
                let mut out = vec![0.0f32; rows * cols];
                for_row_blocks(&mut out, rows, cols, 4, MIN_WORK_PER_PART, |first, block| {
                    for (r, row) in block.chunks_mut(cols).enumerate() {
                        row.iter_mut().for_each(|v| *v += (first + r) as f32);
                    }
                });
                let want: Vec<f32> = (0..rows).flat_map(|r| [r as f32; 5]).collect();
                assert_eq!(out, want, "{threads} threads");
            });
        }
    }
}
