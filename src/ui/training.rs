//! The page's side of the training driver: plays a [`Learner`] a slice at a time between
//! frames, so the page keeps painting while it trains. The Digits (on the CPU), GAN and Text
//! lessons all train through this one loop; what they do around it (curves, checks, the judge)
//! they pass in as hooks.

use std::cell::RefCell;
use std::rc::Rc;

use crate::engine::training::{Diverged, Driver, Flow, Learner, RateMeter, Slice};

/// Each slice of training runs about this long before the page gets the thread back to paint
/// (a 60 Hz frame is 16.7 ms; the rest is for drawing).
pub const SLICE_MILLISECONDS: f64 = 12.0;

/// Milliseconds since the page opened.
pub fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

/// Gives the thread back to the browser until its next task (a frame can be painted).
pub async fn next_frame() {
    gloo::timers::future::TimeoutFuture::new(0).await;
}

/// What a lesson does around the driver's slices.
pub struct Hooks<Before, After, Done> {
    /// Before each slice, with the learner free (say, a slice of a test check); its time is
    /// taken from the slice's.
    pub before_slice: Before,
    /// After each step, inside the slice: the lesson's own sums; `EndSlice` when a check is due.
    pub after_step: After,
    /// After each slice, with the learner free again (its borrow released): signals, checks;
    /// with the driver's rate meter.
    pub after_slice: Done,
}

/// Why [`play`] returned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ended {
    /// `keep_going` said stop (paused, reset, another run started), or there is no learner.
    Stopped,
    /// A loss was not a number: the run stops there (the driver refuses more steps until it is
    /// reset), and the lesson says so.
    Diverged(Diverged),
}

/// Plays `learner` on `data` through `driver` while `keep_going()` holds, a slice per frame.
pub async fn play<L, Before, After, Done>(
    learner: &Rc<RefCell<Option<L>>>,
    data: &L::Data,
    driver: &mut Driver,
    keep_going: impl Fn() -> bool,
    mut hooks: Hooks<Before, After, Done>,
) -> Ended
where
    L: Learner,
    Before: FnMut(),
    After: FnMut(&mut L, &L::Outcome) -> Flow,
    Done: FnMut(&Slice, &RateMeter),
{
    let budget = driver.budget_milliseconds;
    while keep_going() {
        // The lesson's own work before the slice counts against the slice's time.
        let start = now();
        (hooks.before_slice)();
        driver.budget_milliseconds = (budget - (now() - start)).max(0.0);
        let slice = {
            let mut guard = learner.borrow_mut();
            let Some(l) = guard.as_mut() else { break };
            driver.run_slice(l, data, &now, &mut hooks.after_step)
        };
        driver.budget_milliseconds = budget;
        (hooks.after_slice)(&slice, &driver.rate);
        if let Some(diverged) = slice.diverged {
            return Ended::Diverged(diverged);
        }
        next_frame().await;
    }
    driver.budget_milliseconds = budget;
    Ended::Stopped
}
