//! The optimiser race's state on the page, and what its buttons and host page do to it. The
//! race itself is `race.rs` (native); its panels are `race_panels.rs`.

use leptos::prelude::*;

use super::race::{Race, RaceSettings};
use super::race_view::animation_frame;
use crate::lessons::shared::frame::Frame;

#[derive(Clone, Copy)]
pub struct RaceState {
    pub settings: RwSignal<RaceSettings>,
    pub race: RwSignal<Race, LocalStorage>,
    /// The step the learner is looking at; `None` follows the race.
    pub looking_at: RwSignal<Option<usize>>,
    pub playing: RwSignal<bool>,
    pub steps_per_frame: RwSignal<usize>,
    /// Where the map was last drawn (for clicks on it).
    pub frame: StoredValue<Option<Frame>>,
    /// A racer's number that could not be used: (racer, setting, why).
    pub problems: RwSignal<Vec<(usize, &'static str, String)>>,
}

/// A race replayed to `steps` (a link holds the settings and the step; the race is deterministic).
pub fn replayed(settings: RaceSettings, steps: usize) -> Race {
    let mut race = Race::new(settings);
    for _ in 0..steps {
        if !race.step() {
            break;
        }
    }
    race
}

impl RaceState {
    pub fn new(settings: RaceSettings, steps: usize) -> Self {
        RaceState {
            race: RwSignal::new_local(replayed(settings.clone(), steps)),
            settings: RwSignal::new(settings),
            looking_at: RwSignal::new(None),
            playing: RwSignal::new(false),
            steps_per_frame: RwSignal::new(2),
            frame: StoredValue::new(None),
            problems: RwSignal::new(Vec::new()),
        }
    }

    pub fn restart(self) {
        self.playing.set(false);
        self.looking_at.set(None);
        self.race.set(Race::new(self.settings.get_untracked()));
    }

    /// A setting changed: the race starts again from the start.
    pub fn change(self, edit: &dyn Fn(&mut RaceSettings)) {
        self.settings.update(|s| edit(s));
        self.restart();
    }

    /// One step of every racer; whether any still runs.
    pub fn step_once(self) -> bool {
        self.looking_at.set(None);
        let mut running = false;
        self.race.update(|r| running = r.step());
        running
    }

    /// Plays, or pauses when playing.
    pub fn play(self) {
        if self.playing.get_untracked() {
            self.playing.set(false);
            return;
        }
        self.looking_at.set(None);
        self.playing.set(true);
        wasm_bindgen_futures::spawn_local(async move {
            while self.playing.get_untracked() {
                let n = self.steps_per_frame.get_untracked();
                let mut running = true;
                self.race.update(|r| {
                    for _ in 0..n {
                        running = r.step();
                    }
                    running = running && r.running();
                });
                if !running {
                    self.playing.set(false);
                }
                animation_frame().await;
            }
        });
    }

    /// Opens the race a link (or a host's `set`) describes: `settings` after `steps` steps.
    pub fn open(self, settings: RaceSettings, steps: usize) {
        self.playing.set(false);
        self.looking_at.set(None);
        self.problems.set(Vec::new());
        self.settings.set(settings.clone());
        self.race.set(replayed(settings, steps));
    }

    /// Steps taken.
    pub fn total(self) -> usize {
        self.race.with(|r| r.steps())
    }

    /// The step on show: the one looked back at, or the newest.
    pub fn shown_step(self) -> usize {
        self.looking_at.get().unwrap_or_else(|| self.total())
    }
}
