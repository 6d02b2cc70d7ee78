//! The stepper's state on the page, and what its buttons, keys and host page do to it: one
//! step at a time, phase by phase, play, time travel and branching. The panels that show it
//! are `stepper_controls.rs` and `stepper_views.rs`; the run itself is `descent.rs` (native).

use leptos::prelude::*;

use super::charts::{surface_view, View};
use super::race_view::animation_frame;
use super::regression::{least_squares, Point, Step};
use super::descent::{Run, Settings};
use crate::lessons::shared::frame::Frame;

/// The five phases one step is shown in.
pub const PHASES: [&str; 5] = ["Predictions", "Residuals", "Loss", "Gradient", "Update"];

#[derive(Clone, Copy)]
pub struct StepperState {
    pub settings: RwSignal<Settings>,
    pub run: RwSignal<Run>,
    /// How much of the viewed step is shown: 0 = none yet, 1..=5 = up to that phase.
    pub phase: RwSignal<usize>,
    pub playing: RwSignal<bool>,
    pub speed_ms: RwSignal<u32>,
    /// Time travel: the step being looked at (`None` follows the newest), and the path of the
    /// run this one branched from, drawn faint.
    pub looking_at: RwSignal<Option<usize>>,
    pub ghost: RwSignal<Vec<[f64; 2]>>,
    /// Once the learner edits points, the axes stay still (a point must stay under the
    /// pointer); a preset or pasted data lets them fit the data again.
    pub edit_range: RwSignal<Option<Frame>>,
    pub edit_message: RwSignal<Option<String>>,
    /// The best line, solved exactly (least squares).
    pub best: Memo<Option<[f64; 2]>>,
    /// θ so far (without the step being revealed).
    pub shown_path: Memo<Vec<[f64; 2]>>,
    /// The view of the loss surface around that path: a memo, so the heat map behind is
    /// redrawn only when the view really changes.
    pub surface: Memo<View>,
}

impl StepperState {
    /// The stepper at `settings` after `steps` steps (replayed, as a link asks).
    pub fn new(settings: Settings, steps: usize) -> Self {
        let run = RwSignal::new(Run::replayed(settings.clone(), steps));
        let settings = RwSignal::new(settings);
        let phase = RwSignal::new(0usize);
        let looking_at = RwSignal::new(None::<usize>);
        let best = Memo::new(move |_| settings.with(|s| least_squares(&s.points)));
        let viewed = move || looking_at.get().unwrap_or_else(|| run.with(|r| r.steps.len()));
        let mid_step = move || phase.get() > 0 && phase.get() < PHASES.len();
        let shown_path = Memo::new(move |_| {
            let k = viewed();
            let shown = if mid_step() { k } else { k + 1 };
            run.with(|r| r.thetas[..shown.min(r.thetas.len())].to_vec())
        });
        let surface = Memo::new(move |_| shown_path.with(|path| surface_view(path, best.get())));
        StepperState {
            settings,
            run,
            phase,
            playing: RwSignal::new(false),
            speed_ms: RwSignal::new(400),
            looking_at,
            ghost: RwSignal::new(Vec::new()),
            edit_range: RwSignal::new(None),
            edit_message: RwSignal::new(None),
            best,
            shown_path,
            surface,
        }
    }

    /// Steps taken.
    pub fn newest(self) -> usize {
        self.run.with(|r| r.steps.len())
    }

    pub fn newest_now(self) -> usize {
        self.run.with_untracked(|r| r.steps.len())
    }

    /// The step on show: the one looked back at, or the newest.
    pub fn viewed(self) -> usize {
        self.looking_at.get().unwrap_or_else(|| self.newest())
    }

    pub fn restart(self) {
        self.playing.set(false);
        self.run.set(Run::new(self.settings.get_untracked()));
        self.phase.set(0);
        self.looking_at.set(None);
        self.ghost.set(Vec::new());
    }

    /// A step forward: replays the kept run when looking back, else takes a new step.
    fn take_step(self) -> bool {
        if let Some(k) = self.looking_at.get_untracked() {
            let next = k + 1;
            self.looking_at.set(if next >= self.newest_now() { None } else { Some(next) });
            return true;
        }
        let mut taken = false;
        let mut stopped = false;
        self.run.update(|r| {
            taken = r.step().is_some();
            stopped = r.stopped.is_some();
        });
        // The step that diverges is still shown, but play ends with it, not one tick later.
        if !taken || stopped {
            self.playing.set(false);
        }
        taken
    }

    pub fn next_phase(self) {
        let phase = self.phase.get_untracked();
        if phase == 0 || phase >= PHASES.len() {
            if self.take_step() {
                self.phase.set(1);
            }
        } else {
            self.phase.update(|p| *p += 1);
        }
    }

    pub fn next_step(self) {
        let phase = self.phase.get_untracked();
        if (phase > 0 && phase < PHASES.len()) || self.take_step() {
            self.phase.set(PHASES.len());
        }
    }

    /// Plays, or pauses when playing.
    pub fn play(self) {
        if self.playing.get_untracked() {
            self.playing.set(false);
            return;
        }
        self.playing.set(true);
        wasm_bindgen_futures::spawn_local(async move {
            while self.playing.get_untracked() {
                if self.take_step() {
                    self.phase.set(PHASES.len());
                }
                // The fastest speed is one step a frame: drawn as often as the screen shows it, no more.
                match self.speed_ms.get_untracked() {
                    0..=16 => animation_frame().await,
                    ms => gloo::timers::future::TimeoutFuture::new(ms).await,
                }
            }
        });
    }

    /// A setting changed: the run branches at the step being looked at. The steps after it
    /// are not lost from view: their path stays on the loss surface, faint.
    pub fn change(self, edit: &dyn Fn(&mut Settings)) {
        self.playing.set(false);
        self.settings.update(|s| edit(s));
        let at = self.looking_at.get_untracked().unwrap_or_else(|| self.newest_now());
        let fresh = self.settings.get_untracked();
        self.run.update(|r| {
            if at < r.steps.len() {
                self.ghost.set(r.thetas.clone());
            }
            *r = r.branch(at, fresh);
        });
        self.looking_at.set(None);
        self.phase.set(if at > 0 { PHASES.len() } else { 0 });
    }

    /// New data: the old steps mean nothing for them, so the run starts again.
    pub fn set_points(self, points: Vec<Point>) {
        self.settings.update(|s| {
            s.points = points;
            s.batch_size = s.batch_size.clamp(1, s.points.len().max(1));
        });
        self.restart();
    }

    /// Opens the state a link (or a host's `set`) describes: `settings` after `steps` steps.
    pub fn open(self, settings: Settings, steps: usize) {
        self.playing.set(false);
        self.settings.set(settings.clone());
        self.run.set(Run::replayed(settings, steps));
        self.phase.set(if steps > 0 { PHASES.len() } else { 0 });
        self.looking_at.set(None);
        self.ghost.set(Vec::new());
    }

    /// The step on show (the one that led to the viewed θ).
    pub fn last_step(self) -> Option<Step> {
        let k = self.viewed();
        self.run.with(|r| k.checked_sub(1).and_then(|i| r.steps.get(i).cloned()))
    }

    /// A step is being revealed phase by phase (not all of it is shown yet).
    pub fn mid_step(self) -> bool {
        self.phase.get() > 0 && self.phase.get() < PHASES.len()
    }

    /// θ as the phases reveal it.
    pub fn shown_theta(self) -> [f64; 2] {
        let k = self.viewed();
        self.run.with(|r| match k.checked_sub(1).and_then(|i| r.steps.get(i)) {
            Some(s) if self.mid_step() => s.theta,
            _ => r.thetas[k.min(r.thetas.len() - 1)],
        })
    }
}
