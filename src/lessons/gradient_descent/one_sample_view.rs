//! The preset "one sample, two weights": one complete step small enough to check by hand.

use leptos::prelude::*;
use crate::ui::More;

use crate::ui::Panel;

use super::one_sample::OneSample;
use crate::ui::Math;
use crate::lessons::shared::numbers::fixed_ascii;

/// A number for TeX: short (trailing zeros dropped), in parentheses when negative.
fn n(x: f64) -> String {
    let text = fixed_ascii(x, 4);
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text };
    if text.starts_with('-') { format!("({text})") } else { text }
}

#[component]
pub fn OneSampleExample() -> impl IntoView {
    let step = RwSignal::new(OneSample::example());
    let count = RwSignal::new(1usize);
    let lines = move || {
        let s = step.get();
        let [x1, x2] = s.x;
        let [t1, t2] = s.theta;
        let error = s.prediction - s.target;
        vec![
            format!(r"\hat y = \theta_1 x_1 + \theta_2 x_2 + b = {} \times {} + {} \times {} + {} = {}", n(t1), n(x1), n(t2), n(x2), n(s.bias), n(s.prediction)),
            format!(r"\text{{loss}} = \tfrac12 (y - \hat y)^2 = \tfrac12 ({} - {})^2 = {}", n(s.target), n(s.prediction), n(s.loss)),
            format!(
                r"\nabla_\theta = (\hat y - y)\,x = {} \times [{}, {}] = [{}, {}], \quad \frac{{\partial\,\text{{loss}}}}{{\partial b}} = \hat y - y = {}",
                n(error), n(x1), n(x2), n(s.grad_theta[0]), n(s.grad_theta[1]), n(s.grad_bias)
            ),
            format!(
                r"\theta \leftarrow [{}, {}] - {} \times [{}, {}] = [{}, {}], \quad b \leftarrow {} - {} \times {} = {}",
                n(t1), n(t2), n(s.learning_rate), n(s.grad_theta[0]), n(s.grad_theta[1]), n(s.next_theta[0]), n(s.next_theta[1]),
                n(s.bias), n(s.learning_rate), n(s.grad_bias), n(s.next_bias)
            ),
        ]
    };
    view! {
        <Panel title="Preset: one sample, two weights" testid="gd-one-sample">
            <More label="What this example is">
                <p>
                    "The smallest whole step, to check with pencil and paper. One example with two inputs x = [1, 2] "
                    "and target y = 3; a model with two weights θ = [1, 2] and a bias b = 1 predicts ŷ = θ·x + b; "
                    "the loss is ½(y − ŷ)² and the learning rate α = 0.1. Each line below uses the numbers of the line before."
                </p>
            </More>
            <p class="muted" data-testid="gd-one-step">{move || format!("Step {}", count.get())}</p>
            <div class="gd-formulas" data-testid="gd-one-formulas" role="group" aria-label="The formulas of this update, with its numbers">
                {move || lines().into_iter().map(|line| view! { <Math block=true tex=line/> }).collect_view()}
            </div>
            <div class="button-row">
                <button data-testid="gd-one-next" on:click=move |_| { step.update(|s| *s = s.next()); count.update(|c| *c += 1); }>
                    "Take the next step from there"
                </button>
                <button on:click=move |_| { step.set(OneSample::example()); count.set(1); }>"Back to the example"</button>
            </div>
        </Panel>
    }
}
