//! Reading a buffer back: copy it into a mappable staging buffer, ask for the mapping, and
//! resolve when the device says it is ready. In the browser that answer arrives from the event
//! loop, so the future must be awaited; natively `read` waits for the device before returning
//! the future, so the first poll already finds the data.
//!
//! A read that fails (the device was lost) gives NaNs instead of panicking, and marks the
//! device lost, so a page can notice and carry on elsewhere.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use super::context::{mark_lost, Lost};

#[derive(Default)]
struct Shared {
    result: Option<Result<(), wgpu::BufferAsyncError>>,
    waker: Option<Waker>,
}

pub struct ReadFuture {
    staging: Option<wgpu::Buffer>,
    len: usize,
    shared: Arc<Mutex<Shared>>,
    lost: Option<Lost>,
}

impl ReadFuture {
    pub(super) fn ready_empty() -> Self {
        let shared = Shared { result: Some(Ok(())), waker: None };
        ReadFuture { staging: None, len: 0, shared: Arc::new(Mutex::new(shared)), lost: None }
    }

    /// Starts mapping `staging` (already holding a submitted copy of `len` numbers).
    pub(super) fn start(device: &wgpu::Device, staging: wgpu::Buffer, len: usize, lost: Lost) -> Self {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let callback_shared = shared.clone();
        staging.map_async(wgpu::MapMode::Read, .., move |result| {
            let mut shared = callback_shared.lock().unwrap();
            shared.result = Some(result);
            if let Some(waker) = shared.waker.take() {
                waker.wake();
            }
        });
        #[cfg(not(target_arch = "wasm32"))]
        device.poll(wgpu::PollType::wait_indefinitely()).expect("the device was lost while reading a buffer");
        #[cfg(target_arch = "wasm32")]
        let _ = device;
        ReadFuture { staging: Some(staging), len, shared, lost: Some(lost) }
    }
}

impl Future for ReadFuture {
    type Output = Vec<f32>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<f32>> {
        let mut shared = self.shared.lock().unwrap();
        match shared.result.take() {
            None => {
                shared.waker = Some(cx.waker().clone());
                Poll::Pending
            }
            Some(Err(error)) => {
                if let Some(lost) = &self.lost {
                    mark_lost(lost, format!("reading a GPU buffer failed ({error})"));
                }
                Poll::Ready(vec![f32::NAN; self.len])
            }
            Some(Ok(())) => {
                drop(shared);
                let Some(staging) = &self.staging else { return Poll::Ready(Vec::new()) };
                let values = {
                    let view = staging.get_mapped_range(..).expect("the staging buffer is mapped");
                    view[..4 * self.len].chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().unwrap())).collect()
                };
                staging.unmap();
                Poll::Ready(values)
            }
        }
    }
}
