//! The optimiser race in a link: `?rl=rosenbrock&rs=-1.5,2&ra=0.001,…&rn=40`. Its keys start
//! with `r`, so they share the lesson's address with the stepper's. The race is replayed from
//! its settings to step `rn` on opening (it is deterministic: the engine's f32 optimisers on an
//! exact gradient). Read with the shared total reader: bad values are clamped or replaced, with a note.

use super::landscape::Landscape;
use super::race::{RaceSettings, MAX_STEPS};
use crate::engine::optim::Method;
use crate::lessons::shared::url_state::{Query, QueryWriter};

/// Every key the race writes (the page's address keeps other widgets' keys as they are).
pub const RACE_KEYS: &[&str] = &["rl", "rk", "rs", "ra", "rmu", "rrho", "rb", "reps", "ron", "rn"];

const NAMES: [(&str, Landscape); 5] = [
    ("bowl", Landscape::Bowl),
    ("rosenbrock", Landscape::Rosenbrock),
    ("saddle", Landscape::Saddle),
    ("beale", Landscape::Beale),
    ("himmelblau", Landscape::Himmelblau),
];

pub fn landscape_slug(landscape: Landscape) -> &'static str {
    NAMES.iter().find(|(_, l)| *l == landscape).map_or("bowl", |(n, _)| n)
}

/// The racers' method-specific numbers, in link order.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Extras {
    momentum: [f32; 2],
    decay: f32,
    betas: [f32; 2],
    epsilons: [f32; 2],
}

fn extras(settings: &RaceSettings) -> Extras {
    let mut e = Extras { momentum: [0.9, 0.9], decay: 0.9, betas: [0.9, 0.999], epsilons: [1e-8, 1e-8] };
    for racer in &settings.racers {
        match racer.method {
            Method::Momentum { momentum } => e.momentum[0] = momentum,
            Method::Nesterov { momentum } => e.momentum[1] = momentum,
            Method::RmsProp { decay, epsilon } => (e.decay, e.epsilons[0]) = (decay, epsilon),
            Method::Adam { beta1, beta2, epsilon } => (e.betas, e.epsilons[1]) = ([beta1, beta2], epsilon),
            Method::Sgd => {}
        }
    }
    e
}

fn with_extras(settings: &mut RaceSettings, e: Extras) {
    for racer in &mut settings.racers {
        racer.method = match racer.method {
            Method::Momentum { .. } => Method::Momentum { momentum: e.momentum[0] },
            Method::Nesterov { .. } => Method::Nesterov { momentum: e.momentum[1] },
            Method::RmsProp { .. } => Method::RmsProp { decay: e.decay, epsilon: e.epsilons[0] },
            Method::Adam { .. } => Method::Adam { beta1: e.betas[0], beta2: e.betas[1], epsilon: e.epsilons[1] },
            Method::Sgd => Method::Sgd,
        };
    }
}

fn f32s(values: &[f64]) -> Vec<f32> {
    values.iter().map(|&v| v as f32).collect()
}
fn f64s(values: &[f32]) -> Vec<f64> {
    values.iter().map(|&v| v as f64).collect()
}

impl RaceSettings {
    /// The race's keys; nothing at all for the untouched default race.
    pub fn to_query(&self, steps: usize) -> String {
        if *self == RaceSettings::default() && steps == 0 {
            return String::new();
        }
        let e = extras(self);
        let rates: Vec<f32> = self.racers.iter().map(|r| r.learning_rate).collect();
        let on: Vec<f64> = self.racers.iter().map(|r| if r.enabled { 1.0 } else { 0.0 }).collect();
        QueryWriter::new()
            .text("rl", landscape_slug(self.landscape))
            .number("rk", self.condition)
            .numbers("rs", &self.start)
            .numbers_f32("ra", &rates)
            .numbers_f32("rmu", &e.momentum)
            .numbers_f32("rrho", &[e.decay])
            .numbers_f32("rb", &e.betas)
            .numbers_f32("reps", &e.epsilons)
            .numbers("ron", &on)
            .number("rn", steps as f64)
            .finish()
    }

    /// The race a link describes, the steps to replay, and a note per value it replaced.
    pub fn from_query(search: &str) -> (RaceSettings, usize, Vec<String>) {
        let mut q = Query::parse(search);
        let landscape = q.choice("rl", Landscape::Bowl, &NAMES);
        let condition = q.number("rk", 10.0, 1.0, 50.0);
        let mut s = RaceSettings::for_landscape(landscape, condition);
        let ((x0, x1), (y0, y1)) = landscape.view();
        let start = q.numbers("rs", &s.start, (2, 2), (x0.min(y0), x1.max(y1)));
        s.start = [start[0].clamp(x0, x1), start[1].clamp(y0, y1)];
        let n = s.racers.len();
        let rates = q.numbers("ra", &f64s(&s.racers.iter().map(|r| r.learning_rate).collect::<Vec<_>>()), (n, n), (1e-6, 100.0));
        let on = q.numbers("ron", &vec![1.0; n], (n, n), (0.0, 1.0));
        for (racer, (rate, on)) in s.racers.iter_mut().zip(rates.iter().zip(&on)) {
            racer.learning_rate = *rate as f32;
            racer.enabled = *on >= 0.5;
        }
        let d = extras(&s);
        let momentum = f32s(&q.numbers("rmu", &f64s(&d.momentum), (2, 2), (0.0, 0.999)));
        let decay = f32s(&q.numbers("rrho", &[d.decay as f64], (1, 1), (0.0, 0.999)));
        let betas = f32s(&q.numbers("rb", &f64s(&d.betas), (2, 2), (0.0, 0.9999)));
        let epsilons = f32s(&q.numbers("reps", &f64s(&d.epsilons), (2, 2), (1e-12, 1.0)));
        with_extras(
            &mut s,
            Extras { momentum: [momentum[0], momentum[1]], decay: decay[0], betas: [betas[0], betas[1]], epsilons: [epsilons[0], epsilons[1]] },
        );
        let steps = q.integer("rn", 0, 0, MAX_STEPS);
        (s, steps, q.notes)
    }
}

#[cfg(test)]
mod tests {
    use super::super::race::Race;
    use super::*;

    #[test]
    fn the_default_race_writes_nothing() {
        assert_eq!(RaceSettings::default().to_query(0), "");
        let (s, n, notes) = RaceSettings::from_query("");
        assert_eq!((s, n, notes.len()), (RaceSettings::default(), 0, 0));
    }

    #[test]
    fn every_setting_survives_the_link_and_the_replay_matches() {
        let mut s = RaceSettings::for_landscape(Landscape::Rosenbrock, 10.0);
        s.start = [0.25, -0.5];
        s.racers[0].learning_rate = 0.0015;
        s.racers[2].enabled = false;
        with_extras(&mut s, Extras { momentum: [0.8, 0.85], decay: 0.95, betas: [0.7, 0.99], epsilons: [1e-6, 1e-7] });
        let link = s.to_query(25);
        assert!(link.contains("rl=rosenbrock") && link.contains("ra=0.0015"), "{link}");
        let (back, steps, notes) = RaceSettings::from_query(&link);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!((back.clone(), steps), (s.clone(), 25));
        // Replaying 25 steps from the link lands every racer where the original run did.
        let (mut a, mut b) = (Race::new(s), Race::new(back));
        for _ in 0..25 {
            a.step();
            b.step();
        }
        for (x, y) in a.racers.iter().zip(&b.racers) {
            assert_eq!(x.last().position, y.last().position);
        }
    }

    #[test]
    fn bad_values_are_clamped_or_replaced_with_notes() {
        let (s, steps, notes) = RaceSettings::from_query("rl=moon&rk=1e9&rs=99,-99&ra=1,2&rmu=1.5,0.5&reps=0,0&ron=x&rn=-4");
        assert_eq!(s.landscape, Landscape::Bowl);
        assert_eq!(s.condition, 50.0);
        assert_eq!(s.start, [5.0, -3.0], "clamped to the bowl's view");
        assert_eq!(s.racers[0].learning_rate, RaceSettings::default().racers[0].learning_rate, "a list of 2 rates is replaced");
        assert!(matches!(s.racers[1].method, Method::Momentum { momentum } if momentum == 0.999));
        assert!(matches!(s.racers[4].method, Method::Adam { epsilon, .. } if epsilon == 1e-12));
        assert!(s.racers.iter().all(|r| r.enabled));
        assert_eq!(steps, 0);
        assert_eq!(notes.len(), 8, "{notes:?}");
    }
}
