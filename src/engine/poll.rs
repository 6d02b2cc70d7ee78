//! Driving the backend's async reads from synchronous code.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Polls a future once: `Some(output)` if it was already complete. Reads from the CPU backend
/// always are, so synchronous code (a native test, a CPU-only training loop) can use this
/// instead of an executor. A WebGPU read returns `None` here and must be awaited.
pub fn now_or_never<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}
