//! The 2-D test functions of the optimiser race, each with its exact gradient (in f64), the
//! region worth looking at, a starting point and where its minima are.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Landscape {
    /// ½(x² + κy²): a bowl stretched κ times more steeply along y (κ is the condition number).
    Bowl,
    /// (1 − x)² + 100(y − x²)²: a long, curved, nearly flat valley.
    Rosenbrock,
    /// x² + y⁴/4 − y²/2: flat ground at a saddle (0, 0) between two valleys at y = ±1.
    Saddle,
    /// Beale's function: steep walls and a flat basin with its minimum at (3, 0.5).
    Beale,
    /// Himmelblau's function: four minima, all with f = 0.
    Himmelblau,
}

pub const LANDSCAPES: [(Landscape, &str); 5] = [
    (Landscape::Bowl, "stretched bowl"),
    (Landscape::Rosenbrock, "Rosenbrock's valley"),
    (Landscape::Saddle, "saddle"),
    (Landscape::Beale, "Beale's function"),
    (Landscape::Himmelblau, "Himmelblau's (four minima)"),
];

impl Landscape {
    /// f(x, y). `condition` is κ and only shapes the bowl.
    pub fn value(self, p: [f64; 2], condition: f64) -> f64 {
        let [x, y] = p;
        match self {
            Landscape::Bowl => 0.5 * (x * x + condition * y * y),
            Landscape::Rosenbrock => (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2),
            Landscape::Saddle => x * x + y.powi(4) / 4.0 - y * y / 2.0,
            Landscape::Beale => {
                (1.5 - x + x * y).powi(2) + (2.25 - x + x * y * y).powi(2) + (2.625 - x + x * y.powi(3)).powi(2)
            }
            Landscape::Himmelblau => (x * x + y - 11.0).powi(2) + (x + y * y - 7.0).powi(2),
        }
    }

    /// ∇f(x, y), worked out by hand (the tests check it by finite differences).
    pub fn gradient(self, p: [f64; 2], condition: f64) -> [f64; 2] {
        let [x, y] = p;
        match self {
            Landscape::Bowl => [x, condition * y],
            Landscape::Rosenbrock => [-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)],
            Landscape::Saddle => [2.0 * x, y.powi(3) - y],
            Landscape::Beale => {
                let a = 1.5 - x + x * y;
                let b = 2.25 - x + x * y * y;
                let c = 2.625 - x + x * y.powi(3);
                [
                    2.0 * a * (y - 1.0) + 2.0 * b * (y * y - 1.0) + 2.0 * c * (y.powi(3) - 1.0),
                    2.0 * a * x + 2.0 * b * 2.0 * x * y + 2.0 * c * 3.0 * x * y * y,
                ]
            }
            Landscape::Himmelblau => {
                let a = x * x + y - 11.0;
                let b = x + y * y - 7.0;
                [4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b]
            }
        }
    }

    /// The region drawn: (x range, y range).
    pub fn view(self) -> ((f64, f64), (f64, f64)) {
        match self {
            Landscape::Bowl => ((-5.0, 5.0), (-3.0, 3.0)),
            Landscape::Rosenbrock => ((-2.0, 2.0), (-1.0, 3.0)),
            Landscape::Saddle => ((-2.5, 2.5), (-2.0, 2.0)),
            Landscape::Beale => ((-4.5, 4.5), (-4.5, 4.5)),
            Landscape::Himmelblau => ((-5.0, 5.0), (-5.0, 5.0)),
        }
    }

    /// Where the race starts until the learner clicks elsewhere.
    pub fn start(self) -> [f64; 2] {
        match self {
            Landscape::Bowl => [-4.0, 2.0],
            Landscape::Rosenbrock => [-1.5, 2.0],
            Landscape::Saddle => [-2.0, 0.01],
            Landscape::Beale => [1.0, 1.4],
            Landscape::Himmelblau => [-0.5, -0.5],
        }
    }

    /// The global minima, marked on the contour.
    pub fn minima(self) -> Vec<[f64; 2]> {
        match self {
            Landscape::Bowl => vec![[0.0, 0.0]],
            Landscape::Rosenbrock => vec![[1.0, 1.0]],
            Landscape::Saddle => vec![[0.0, 1.0], [0.0, -1.0]],
            Landscape::Beale => vec![[3.0, 0.5]],
            Landscape::Himmelblau => vec![[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]],
        }
    }

    /// The lowest value of f (for the colour scale and for "how far from the bottom").
    pub fn lowest(self) -> f64 {
        match self {
            Landscape::Saddle => -0.25,
            _ => 0.0,
        }
    }

    /// Learning rates that make a fair, watchable race here, in the order SGD, momentum,
    /// Nesterov, RMSProp, Adam (steep landscapes need far smaller steps for the plain methods).
    pub fn learning_rates(self) -> [f32; 5] {
        match self {
            Landscape::Bowl => [0.1, 0.02, 0.02, 0.05, 0.1],
            Landscape::Rosenbrock => [0.001, 0.0002, 0.0002, 0.01, 0.05],
            Landscape::Saddle => [0.05, 0.01, 0.01, 0.02, 0.05],
            Landscape::Beale => [0.005, 0.001, 0.001, 0.02, 0.05],
            Landscape::Himmelblau => [0.005, 0.001, 0.001, 0.05, 0.1],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_gradient_matches_finite_differences() {
        let points = [[0.3, -0.7], [-1.2, 0.9], [2.1, 1.4], [1.0, 1.0], [-0.4, 2.2]];
        for (landscape, name) in LANDSCAPES {
            for condition in [1.0, 7.5] {
                for p in points {
                    let g = landscape.gradient(p, condition);
                    for k in 0..2 {
                        let h = 1e-6;
                        let (mut up, mut down) = (p, p);
                        up[k] += h;
                        down[k] -= h;
                        let numeric = (landscape.value(up, condition) - landscape.value(down, condition)) / (2.0 * h);
                        let tolerance = 1e-6 * numeric.abs().max(1.0);
                        assert!((numeric - g[k]).abs() < tolerance, "{name} at {p:?}, ∂{k}: {numeric} vs {}", g[k]);
                    }
                }
            }
        }
    }

    #[test]
    fn the_minima_are_where_the_gradient_vanishes_and_f_is_lowest() {
        for (landscape, name) in LANDSCAPES {
            for m in landscape.minima() {
                let g = landscape.gradient(m, 3.0);
                assert!(g[0].abs() < 1e-3 && g[1].abs() < 1e-3, "{name} at {m:?}: {g:?}");
                assert!((landscape.value(m, 3.0) - landscape.lowest()).abs() < 1e-8, "{name} at {m:?}");
            }
        }
        assert_eq!(Landscape::Saddle.gradient([0.0, 0.0], 1.0), [0.0, 0.0], "the saddle point is flat too");
    }
}
