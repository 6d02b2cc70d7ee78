//! The optimiser race: SGD, momentum, Nesterov, RMSProp and Adam start from one point of a
//! 2-D landscape and each takes its own steps. Each racer is the engine's own `Optimiser`
//! moving a 2-number parameter tensor, so the paths are what the engine really does (in f32);
//! every position, gradient and internal state (velocity, moments) is kept for each step.

use serde::{Deserialize, Serialize};

use super::landscape::Landscape;
use crate::engine::optim::{Method, Optimiser};
use crate::engine::poll::now_or_never;
use crate::engine::{Backend, CpuBackend, Tensor};

/// Okabe & Ito's palette, distinguishable with every common colour-vision deficiency, in the
/// order SGD, momentum, Nesterov, RMSProp, Adam.
pub const COLOURS: [(u8, u8, u8); 5] = [(230, 159, 0), (86, 180, 233), (0, 158, 115), (213, 94, 0), (204, 121, 167)];

/// A racer stops after this many steps, so a race always ends.
pub const MAX_STEPS: usize = 3000;

/// One racer's settings: its update rule with hyperparameters, its learning rate, and whether it runs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RacerConfig {
    pub method: Method,
    pub learning_rate: f32,
    pub enabled: bool,
}

pub fn method_name(method: &Method) -> &'static str {
    match method {
        Method::Sgd => "SGD",
        Method::Momentum { .. } => "Momentum",
        Method::Nesterov { .. } => "Nesterov",
        Method::RmsProp { .. } => "RMSProp",
        Method::Adam { .. } => "Adam",
    }
}

/// A racer's editable numbers, as (name, value): the learning rate first, then the method's own.
pub fn hyperparameters(config: &RacerConfig) -> Vec<(&'static str, f32)> {
    let mut list = vec![("learning rate α", config.learning_rate)];
    match config.method {
        Method::Sgd => {}
        Method::Momentum { momentum } | Method::Nesterov { momentum } => list.push(("momentum μ", momentum)),
        Method::RmsProp { decay, epsilon } => list.extend([("decay ρ", decay), ("ε", epsilon)]),
        Method::Adam { beta1, beta2, epsilon } => list.extend([("β₁", beta1), ("β₂", beta2), ("ε", epsilon)]),
    }
    list
}

/// Sets one of `hyperparameters` from what the learner typed, or says why not (and changes nothing).
pub fn set_hyperparameter(config: &mut RacerConfig, name: &str, typed: &str) -> Result<(), String> {
    let value: f32 = typed.trim().parse().map_err(|_| format!("“{}” is not a number", typed.trim()))?;
    if !value.is_finite() {
        return Err("must be a finite number".into());
    }
    let fraction = |v: f32| if (0.0..1.0).contains(&v) { Ok(v) } else { Err("must be at least 0 and below 1".to_string()) };
    let positive = |v: f32, most: f32| if v > 0.0 && v <= most { Ok(v) } else { Err(format!("must be above 0 and at most {most}")) };
    match (name, &mut config.method) {
        ("learning rate α", _) => config.learning_rate = positive(value, 100.0)?,
        ("momentum μ", Method::Momentum { momentum } | Method::Nesterov { momentum }) => *momentum = fraction(value)?,
        ("decay ρ", Method::RmsProp { decay, .. }) => *decay = fraction(value)?,
        ("β₁", Method::Adam { beta1, .. }) => *beta1 = fraction(value)?,
        ("β₂", Method::Adam { beta2, .. }) => *beta2 = fraction(value)?,
        ("ε", Method::RmsProp { epsilon, .. } | Method::Adam { epsilon, .. }) => *epsilon = positive(value, 1.0)?,
        _ => return Err(format!("{} has no {name}", method_name(&config.method))),
    }
    Ok(())
}

/// The race's settings: the landscape, its condition number (bowl only), the start and the racers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RaceSettings {
    pub landscape: Landscape,
    pub condition: f64,
    pub start: [f64; 2],
    pub racers: Vec<RacerConfig>,
}

impl RaceSettings {
    /// The five racers with their usual hyperparameters and this landscape's learning rates.
    pub fn for_landscape(landscape: Landscape, condition: f64) -> Self {
        let methods = [Method::Sgd, Method::momentum(), Method::nesterov(), Method::RmsProp { decay: 0.9, epsilon: 1e-8 }, Method::adam()];
        let racers = methods
            .iter()
            .zip(landscape.learning_rates())
            .map(|(&method, learning_rate)| RacerConfig { method, learning_rate, enabled: true })
            .collect();
        RaceSettings { landscape, condition, start: landscape.start(), racers }
    }
}

impl Default for RaceSettings {
    fn default() -> Self {
        RaceSettings::for_landscape(Landscape::Bowl, 10.0)
    }
}

/// Where a racer is after a step, and what it carries into the next one.
#[derive(Clone, Debug, PartialEq)]
pub struct Visit {
    /// Steps taken to get here (0 at the start).
    pub step: usize,
    pub position: [f64; 2],
    pub value: f64,
    /// ∇f here: what the next step is given.
    pub gradient: [f64; 2],
    /// The optimiser's state after arriving here, by name ("velocity", "first moment", …).
    pub state: Vec<(&'static str, [f64; 2])>,
}

pub struct Racer {
    pub config: RacerConfig,
    /// Its place among the five (and so its colour), whichever others are left out.
    pub slot: usize,
    pub visits: Vec<Visit>,
    /// Why the racer stopped before the others, in plain words.
    pub stopped: Option<String>,
    parameter: Tensor<CpuBackend>,
    optimiser: Optimiser<CpuBackend>,
}

fn visit(landscape: Landscape, condition: f64, step: usize, position: [f64; 2], state: Vec<(&'static str, [f64; 2])>) -> Visit {
    Visit { step, position, value: landscape.value(position, condition), gradient: landscape.gradient(position, condition), state }
}

impl Racer {
    fn new(cpu: &CpuBackend, slot: usize, config: RacerConfig, settings: &RaceSettings) -> Racer {
        let start = [settings.start[0] as f32, settings.start[1] as f32];
        let parameter = Tensor::parameter(cpu, &start, &[2]);
        let optimiser = Optimiser::new(config.method, config.learning_rate);
        let position = start.map(f64::from);
        let state = optimiser.state_names().iter().map(|&name| (name, [0.0, 0.0])).collect();
        let first = visit(settings.landscape, settings.condition, 0, position, state);
        Racer { config, slot, visits: vec![first], stopped: None, parameter, optimiser }
    }

    pub fn name(&self) -> &'static str {
        method_name(&self.config.method)
    }

    pub fn last(&self) -> &Visit {
        self.visits.last().expect("a racer has its start")
    }

    /// The visit after `step` steps, or the last one if the racer stopped earlier.
    pub fn at(&self, step: usize) -> &Visit {
        &self.visits[step.min(self.visits.len() - 1)]
    }

    /// One step of the engine's optimiser, given the landscape's exact gradient here.
    fn step(&mut self, landscape: Landscape, condition: f64) {
        if self.stopped.is_some() {
            return;
        }
        let here = self.last().clone();
        // The engine has no op to pick out x and y of a tensor, so f cannot be written as a
        // graph; the exact gradient goes straight into the parameter's gradient buffer instead,
        // which is what `backward()` would have left there.
        let gradient = here.gradient.map(|g| g as f32);
        self.parameter.backend().write(&self.parameter.grad_buffer(), &gradient);
        self.optimiser.step(std::slice::from_ref(&self.parameter));
        let read = |values: Vec<f32>| [values[0] as f64, values[1] as f64];
        let position = read(now_or_never(self.parameter.to_vec()).expect("CPU reads are immediate"));
        let state = self
            .optimiser
            .state_names()
            .iter()
            .map(|&name| {
                let values = now_or_never(self.optimiser.read_state(&self.parameter, name)).flatten().unwrap_or(vec![0.0, 0.0]);
                (name, read(values))
            })
            .collect();
        let next = visit(landscape, condition, here.step + 1, position, state);
        let broken = |v: f64| !v.is_finite() || v.abs() > 1e12;
        if broken(next.value) || next.position.iter().any(|&p| broken(p)) {
            self.stopped = Some(format!(
                "{} diverged at step {}: its steps grew without bound. Its learning rate {} is too large for this landscape; lower it.",
                self.name(),
                next.step,
                self.config.learning_rate
            ));
        } else if next.step >= MAX_STEPS {
            self.stopped = Some(format!("{} stopped after {MAX_STEPS} steps (the race's limit).", self.name()));
        }
        self.visits.push(next);
    }
}

/// A race: the settings and every racer with its full history.
pub struct Race {
    pub settings: RaceSettings,
    pub racers: Vec<Racer>,
}

impl Race {
    pub fn new(settings: RaceSettings) -> Race {
        let cpu = CpuBackend::new();
        let racers = settings.racers.iter().enumerate().filter(|(_, c)| c.enabled).map(|(slot, &c)| Racer::new(&cpu, slot, c, &settings)).collect();
        Race { settings, racers }
    }

    /// One step for every racer still running. Returns false when none is.
    pub fn step(&mut self) -> bool {
        let (landscape, condition) = (self.settings.landscape, self.settings.condition);
        let mut any = false;
        for racer in &mut self.racers {
            if racer.stopped.is_none() {
                racer.step(landscape, condition);
                any = true;
            }
        }
        any
    }

    /// The most steps any racer has taken.
    pub fn steps(&self) -> usize {
        self.racers.iter().map(|r| r.visits.len() - 1).max().unwrap_or(0)
    }

    pub fn running(&self) -> bool {
        self.racers.iter().any(|r| r.stopped.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(engine: [f64; 2], hand: [f64; 2], what: &str) {
        for k in 0..2 {
            let tolerance = 1e-5 * hand[k].abs().max(1.0);
            assert!((engine[k] - hand[k]).abs() < tolerance, "{what}: engine {engine:?}, by hand {hand:?}");
        }
    }

    /// Three steps of `method` on the bowl ½(x² + 4y²) from (2, 1), run by the engine.
    fn race_of(method: Method, learning_rate: f32) -> Racer {
        let settings = RaceSettings {
            landscape: Landscape::Bowl,
            condition: 4.0,
            start: [2.0, 1.0],
            racers: vec![RacerConfig { method, learning_rate, enabled: true }],
        };
        let mut race = Race::new(settings);
        for _ in 0..3 {
            race.step();
        }
        race.racers.remove(0)
    }

    fn bowl_gradient(p: [f64; 2]) -> [f64; 2] {
        [p[0], 4.0 * p[1]]
    }

    #[test]
    fn sgd_steps_are_theta_minus_rate_times_gradient() {
        let racer = race_of(Method::Sgd, 0.1);
        let mut p = [2.0, 1.0];
        for t in 1..=3 {
            let g = bowl_gradient(p);
            p = [p[0] - 0.1 * g[0], p[1] - 0.1 * g[1]];
            close(racer.visits[t].position, p, &format!("SGD step {t}"));
        }
        // The first by hand: (2, 1) − 0.1·(2, 4) = (1.8, 0.6).
        close(racer.visits[1].position, [1.8, 0.6], "SGD step 1");
    }

    #[test]
    fn momentum_and_nesterov_keep_a_velocity() {
        for nesterov in [false, true] {
            let method = if nesterov { Method::Nesterov { momentum: 0.9 } } else { Method::Momentum { momentum: 0.9 } };
            let racer = race_of(method, 0.05);
            let (mut p, mut v) = ([2.0f64, 1.0], [0.0f64, 0.0]);
            for t in 1..=3 {
                let g = bowl_gradient(p);
                for k in 0..2 {
                    v[k] = 0.9 * v[k] + g[k];
                    p[k] -= 0.05 * if nesterov { g[k] + 0.9 * v[k] } else { v[k] };
                }
                let what = format!("{} step {t}", racer.name());
                close(racer.visits[t].position, p, &what);
                assert_eq!(racer.visits[t].state[0].0, "velocity");
                close(racer.visits[t].state[0].1, v, &what);
            }
        }
        // Momentum's first step by hand: v = (2, 4), θ = (2, 1) − 0.05·(2, 4) = (1.9, 0.8).
        close(race_of(Method::Momentum { momentum: 0.9 }, 0.05).visits[1].position, [1.9, 0.8], "momentum step 1");
    }

    #[test]
    fn rms_prop_divides_by_the_root_mean_square() {
        let racer = race_of(Method::RmsProp { decay: 0.9, epsilon: 1e-8 }, 0.01);
        let (mut p, mut s) = ([2.0f64, 1.0], [0.0f64, 0.0]);
        for t in 1..=3 {
            let g = bowl_gradient(p);
            for k in 0..2 {
                s[k] = 0.9 * s[k] + 0.1 * g[k] * g[k];
                p[k] -= 0.01 * g[k] / (s[k].sqrt() + 1e-8);
            }
            close(racer.visits[t].position, p, &format!("RMSProp step {t}"));
            close(racer.visits[t].state[0].1, s, &format!("RMSProp mean square {t}"));
        }
        // First step: s = 0.1·g², so each coordinate moves 0.01/√0.1 = 0.0316 whatever g is.
        close(racer.visits[1].position, [2.0 - 0.01 / 0.1f64.sqrt(), 1.0 - 0.01 / 0.1f64.sqrt()], "RMSProp step 1");
    }

    #[test]
    fn adam_corrects_its_moments_for_their_start_at_zero() {
        let racer = race_of(Method::adam(), 0.1);
        let (mut p, mut m, mut v) = ([2.0f64, 1.0], [0.0f64; 2], [0.0f64; 2]);
        for t in 1..=3 {
            let g = bowl_gradient(p);
            for k in 0..2 {
                m[k] = 0.9 * m[k] + 0.1 * g[k];
                v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k];
                let m_hat = m[k] / (1.0 - 0.9f64.powi(t as i32));
                let v_hat = v[k] / (1.0 - 0.999f64.powi(t as i32));
                p[k] -= 0.1 * m_hat / (v_hat.sqrt() + 1e-8);
            }
            close(racer.visits[t].position, p, &format!("Adam step {t}"));
            close(racer.visits[t].state[0].1, m, &format!("Adam first moment {t}"));
            close(racer.visits[t].state[1].1, v, &format!("Adam second moment {t}"));
        }
        // First step: m̂ = g and v̂ = g², so each coordinate moves by α = 0.1 exactly.
        close(racer.visits[1].position, [1.9, 0.9], "Adam step 1");
    }

    #[test]
    fn hyperparameters_are_edited_only_within_their_range() {
        let mut adam = RacerConfig { method: Method::adam(), learning_rate: 0.1, enabled: true };
        assert_eq!(hyperparameters(&adam).iter().map(|h| h.0).collect::<Vec<_>>(), ["learning rate α", "β₁", "β₂", "ε"]);
        set_hyperparameter(&mut adam, "β₁", "0.5").unwrap();
        assert_eq!(adam.method, Method::Adam { beta1: 0.5, beta2: 0.999, epsilon: 1e-8 });
        let before = adam;
        assert_eq!(set_hyperparameter(&mut adam, "β₂", "1"), Err("must be at least 0 and below 1".into()));
        assert!(set_hyperparameter(&mut adam, "learning rate α", "-0.1").is_err());
        assert!(set_hyperparameter(&mut adam, "learning rate α", "abc").unwrap_err().contains("not a number"));
        assert!(set_hyperparameter(&mut adam, "learning rate α", "NaN").is_err());
        assert!(set_hyperparameter(&mut adam, "momentum μ", "0.9").is_err(), "Adam has no momentum μ");
        assert_eq!(adam, before, "a refused value changes nothing");
    }

    #[test]
    fn a_racer_that_diverges_stops_alone_with_a_reason() {
        let mut settings = RaceSettings::for_landscape(Landscape::Bowl, 10.0);
        settings.racers[0].learning_rate = 5.0; // SGD on κ = 10 is stable only below 2/10
        let mut race = Race::new(settings);
        for _ in 0..200 {
            race.step();
        }
        let sgd = &race.racers[0];
        assert!(sgd.stopped.as_deref().unwrap_or("").contains("SGD diverged at step"), "{:?}", sgd.stopped);
        assert!(sgd.visits.len() < 100);
        assert!(race.racers[1..].iter().all(|r| r.stopped.is_none() && r.visits.len() == 201), "the others race on");
    }

    #[test]
    fn the_default_races_do_not_diverge_and_adam_gets_near_a_minimum() {
        for (landscape, name) in super::super::landscape::LANDSCAPES {
            let mut race = Race::new(RaceSettings::for_landscape(landscape, 10.0));
            for _ in 0..1500 {
                race.step();
            }
            for racer in &race.racers {
                assert!(racer.stopped.is_none(), "{name}: {:?}", racer.stopped);
            }
            let adam = race.racers.last().unwrap().last().position;
            let nearest = landscape.minima().iter().map(|m| ((m[0] - adam[0]).powi(2) + (m[1] - adam[1]).powi(2)).sqrt()).fold(f64::INFINITY, f64::min);
            assert!(nearest < 0.2, "{name}: Adam ended at {adam:?}");
        }
    }
}
