//! The `/functions` page: an activation explorer, a loss explorer and the worked-example
//! checker, sharing one state struct.

mod charts;
mod checker_view;
mod explorer;
mod loss_view;

use leptos::prelude::*;

use super::FunctionsState;

#[component]
pub fn FunctionsPage() -> impl IntoView {
    let state = RwSignal::new(FunctionsState::default());
    view! {
        <article class="lesson functions" data-testid="lesson-functions">
            <p class="kicker">"Lesson"</p>
            <h1>"Activation and loss functions"</h1>
            <p class="lede">
                "A neuron computes a weighted sum z and passes it through an activation function; the network's output is scored by a loss. "
                "Training needs the derivative of each, chained together. Explore them here, then check a worked example step by step."
            </p>
            <explorer::ActivationExplorer state=state/>
            <loss_view::LossExplorer state=state/>
            <checker_view::Checker state=state/>
        </article>
    }
}
