//! The ten probability bars, one per digit, the most likely one highlighted: shown for a
//! drawn digit and for a misread test digit.

use leptos::prelude::*;

use crate::lessons::shared::numbers::fixed;

/// The digit with the largest probability (the first, on ties).
pub fn most_likely(probabilities: &[f64]) -> usize {
    (0..probabilities.len()).max_by(|&a, &b| probabilities[a].total_cmp(&probabilities[b]).then(b.cmp(&a))).unwrap_or(0)
}

#[component]
pub fn ProbabilityBars(probabilities: Vec<f64>, #[prop(optional)] testid: Option<&'static str>) -> impl IntoView {
    let best = most_likely(&probabilities);
    view! {
        <ul class="prob-bars" data-testid=testid>
            {probabilities.into_iter().enumerate().map(|(digit, share)| view! {
                <li class:best=digit == best>
                    <span class="prob-digit">{digit}</span>
                    <span class="prob-track"><span class="prob-fill" style=format!("width: {:.1}%", 100.0 * share)></span></span>
                    <span class="prob-value">{format!("{}%", fixed(100.0 * share, 1))}</span>
                </li>
            }).collect_view()}
        </ul>
    }
}
