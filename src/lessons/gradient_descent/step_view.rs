//! The numbers of one step, revealed phase by phase: the formulas with the current numbers
//! substituted, and a table of each point's share.

use leptos::prelude::*;

use super::regression::Step;
use crate::ui::Math;
use crate::lessons::shared::numbers::{fixed, fixed_ascii};

/// A number as TeX, in parentheses when negative so "− α × (−1.274)" reads right.
fn tex(x: f64) -> String {
    let text = fixed_ascii(x, 3);
    if text.starts_with('-') { format!("({text})") } else { text }
}

/// The current step's numbers, revealed up to phase `p`.
pub fn step_view(s: Step, p: usize) -> impl IntoView {
    let m = s.terms.len();
    let [a, b] = s.theta;
    let [g0, g1] = s.gradient;
    let alpha = s.learning_rate;
    let sum_r2: f64 = s.terms.iter().map(|t| t.residual * t.residual).sum();
    // Each line with the phase that adds it: presenter mode shows only the current phase's lines
    // (www/lessons/gradient-descent.css), so they fit beside the pictures on one screen.
    let formulas = move || {
        let mut lines = vec![(1, format!(r"h(x) = \theta_0 + \theta_1 x = {} + {} x", tex(a), tex(b)))];
        if p >= 2 {
            lines.push((2, r"r_i = h(x_i) - y_i".to_string()));
        }
        if p >= 3 {
            lines.push((3, format!(r"J(\theta) = \frac{{1}}{{2m}} \sum_i r_i^2 = \frac{{{}}}{{2 \times {m}}} = {}", fixed_ascii(sum_r2, 4), fixed_ascii(s.loss, 4))));
        }
        if p >= 4 {
            lines.push((4, format!(r"\frac{{\partial J}}{{\partial \theta_0}} = \frac{{1}}{{m}} \sum_i r_i = {}", tex(g0))));
            lines.push((4, format!(r"\frac{{\partial J}}{{\partial \theta_1}} = \frac{{1}}{{m}} \sum_i r_i x_i = {}", tex(g1))));
        }
        if p >= 5 {
            lines.push((5, format!(r"\theta_0 \leftarrow {} - {} \times {} = {}", tex(a), alpha, tex(g0), fixed_ascii(s.next[0], 3))));
            lines.push((5, format!(r"\theta_1 \leftarrow {} - {} \times {} = {}", tex(b), alpha, tex(g1), fixed_ascii(s.next[1], 3))));
        }
        lines
    };
    let explain = match p {
        1 => "1. Predictions: the current line's value h(x) at each point in the batch.",
        2 => "2. Residuals: how far each prediction is from its point, r = h(x) − y (positive: the line is too high).",
        3 => "3. Loss: half the mean of the squared residuals. One number for how wrong the line is.",
        4 => "4. Gradient: how the loss changes as θ₀ and θ₁ change, summed from each point's share in the table. The arrow on the loss surface points downhill, along −∇J.",
        _ => "5. Update: move each θ a step of size α against its gradient. The line moves, and the next step starts from there.",
    };
    view! {
        <p class="gd-explain" data-testid="gd-explain">{explain}</p>
        <div class="gd-formulas" data-testid="gd-formulas" role="group" aria-label="The formulas of this phase, with its numbers">
            {formulas().into_iter().map(|(phase, line)| view! { <div class="gd-formula" class:earlier=phase < p><Math block=true tex=line/></div> }).collect_view()}
        </div>
        <div class="table-scroll">
            <table class="gd-table" data-testid="gd-table">
                <thead><tr>
                    <th>"point"</th><th class="number">"x"</th><th class="number">"y"</th>
                    <th class="number">"h(x)"</th>
                    <th class="number">"residual r"</th>
                    <th class="number">"r / m"</th>
                    <th class="number">"r·x / m"</th>
                </tr></thead>
                <tbody>
                    {s.terms.iter().map(|t| view! {
                        <tr>
                            <td>{t.index + 1}</td>
                            <td class="number">{fixed(t.x, 3)}</td>
                            <td class="number">{fixed(t.y, 3)}</td>
                            <td class="number">{if p >= 1 { fixed(t.prediction, 3) } else { String::new() }}</td>
                            <td class="number">{if p >= 2 { fixed(t.residual, 3) } else { String::new() }}</td>
                            <td class="number">{if p >= 4 { fixed(t.d_theta0, 4) } else { String::new() }}</td>
                            <td class="number">{if p >= 4 { fixed(t.d_theta1, 4) } else { String::new() }}</td>
                        </tr>
                    }).collect_view()}
                    {(p >= 4).then(|| view! {
                        <tr class="sum-row">
                            <td colspan="5">"sum: the gradient (∂J/∂θ₀, ∂J/∂θ₁)"</td>
                            <td class="number" data-testid="gd-grad0">{fixed(g0, 4)}</td>
                            <td class="number" data-testid="gd-grad1">{fixed(g1, 4)}</td>
                        </tr>
                    })}
                </tbody>
            </table>
        </div>
        <p class="muted">{format!("m = {m} point{} in this step's batch.", if m == 1 { "" } else { "s" })}</p>
    }
}
