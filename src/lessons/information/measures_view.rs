//! "The measures": H(P), H(Q), H(P, Q) and both KL divergences, live; why KL is not a
//! distance; infinities and non-distributions said plainly; and the identity with numbers.

use leptos::prelude::*;

use crate::ui::Panel;

use super::*;
use crate::lessons::shared::numbers::fixed;
use crate::ui::Math;

#[component]
pub fn MeasuresPanel(state: RwSignal<InformationState>) -> impl IntoView {
    let units = Memo::new(move |_| state.with(|s| s.units));
    let measures = Memo::new(move |_| {
        state.with(|s| {
            let u = s.units;
            (
                entropy(&s.p, u),
                entropy(&s.q, u),
                cross_entropy(&s.p, &s.q, u),
                kl(&s.p, &s.q, u),
                kl(&s.q, &s.p, u),
            )
        })
    });

    let stat = move |label: &'static str, testid: &'static str, value: Signal<f64>, note: &'static str| {
        view! {
            <div class="stat">
                <span class="stat-label">{label}</span>
                <span class="stat-value" data-testid=testid>{move || fixed(value.get(), 4)}</span>
                <span class="stat-note">{move || format!("{} · {}", units.get().name(), note)}</span>
            </div>
        }
    };

    view! {
    <Panel title="The measures" class="info-measures stage-2">
        <div class="stat-row information-stats">
            {stat("H(P)", "value-hp", Signal::derive(move || measures.get().0), "entropy of P")}
            {stat("H(Q)", "value-hq", Signal::derive(move || measures.get().1), "entropy of Q")}
            {stat("H(P, Q)", "value-ce", Signal::derive(move || measures.get().2), "cross-entropy")}
            {stat("D_KL(P‖Q)", "value-kl-pq", Signal::derive(move || measures.get().3), "extra surprise expecting Q")}
            {stat("D_KL(Q‖P)", "value-kl-qp", Signal::derive(move || measures.get().4), "the other way round")}
        </div>
        <p class="information-asymmetry" data-testid="asymmetry">
            {move || {
                let (_, _, _, a, b) = measures.get();
                if a == b {
                    "D_KL(P‖Q) and D_KL(Q‖P) are equal here, but in general they are not: KL divergence is not a distance.".to_string()
                } else {
                    format!("D_KL(P‖Q) = {} but D_KL(Q‖P) = {}: swapping the roles changes the answer. KL divergence is not symmetric, so it is not a distance.", fixed(a, 4), fixed(b, 4))
                }
            }}
        </p>
        {move || state.with(|s| !sums_to_one(&s.p) || !sums_to_one(&s.q)).then(|| view! {
            <p class="notice" data-testid="not-distribution-note">
                "P or Q does not sum to 1, so these numbers are the sums of the terms as typed, not true entropies and divergences: "
                "a KL divergence computed this way can even come out negative. Normalise to get the real thing."
            </p>
        })}
        {move || state.with(|s| infinite_reason(&s.p, &s.q, "P", "Q")).map(|r| view! {
            <p class="notice" data-testid="infinite-pq">{format!("D_KL(P‖Q) = ∞ and H(P, Q) = ∞. {r}")}</p>
        })}
        {move || state.with(|s| infinite_reason(&s.q, &s.p, "Q", "P")).map(|r| view! {
            <p class="notice" data-testid="infinite-qp">{format!("D_KL(Q‖P) = ∞. {r}")}</p>
        })}
        <div class="information-formulas">
            <Math tex=Signal::derive(move || tex_entropy(units.get())) block=true/>
            <Math tex=Signal::derive(move || tex_cross_entropy(units.get())) block=true/>
            <Math tex=Signal::derive(move || tex_kl(units.get())) block=true/>
        </div>
        <h3>"Cross-entropy = entropy + KL divergence"</h3>
        <p class="muted">"With the current numbers (each rounded to 4 decimals, in " {move || units.get().name()} "):"</p>
        <div data-testid="identity">
            <Math tex=Signal::derive(move || { let (h, _, ce, d, _) = measures.get(); tex_identity(h, ce, d) }) block=true/>
        </div>
        <p class="muted">
            "The entropy is the surprise you cannot avoid; the KL divergence is what using the wrong model costs you on top. "
            "It is 0 exactly when Q = P."
        </p>
    </Panel>
    }
}
