//! "Term by term": each outcome's three terms, added into the sums one row at a time, with a
//! sentence for the row just added.

use leptos::prelude::*;

use crate::ui::Panel;

use super::*;
use crate::lessons::shared::numbers::fixed;
use crate::ui::Math;

#[component]
pub fn TermsPanel(state: RwSignal<InformationState>) -> impl IntoView {
    let k = Memo::new(move |_| state.with(|s| s.k));
    let units = Memo::new(move |_| state.with(|s| s.units));
    let step_row = Memo::new(move |_| state.with(|s| s.step_row.min(s.k)));
    let rows = move || {
        let (p, q, u, shown) = state.with(|s| (s.p.clone(), s.q.clone(), s.units, s.step_row.min(s.k)));
        terms(&p, &q, u)
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let added = i < shown;
                let current = shown > 0 && i + 1 == shown && shown < p.len();
                let cell = move |x: f64| if added { fixed(x, 4) } else { "…".to_string() };
                let class = if current {
                    "information-row information-current"
                } else if added {
                    "information-row"
                } else {
                    "information-row information-pending"
                };
                view! {
                    <tr class=class data-testid=format!("term-row-{i}")>
                        <th scope="row">{i + 1}</th>
                        <td class="number">{fixed(t.p, 4)}</td>
                        <td class="number">{fixed(t.q, 4)}</td>
                        <td class="number" data-testid=format!("term-h-{i}")>{cell(t.entropy)}</td>
                        <td class="number" data-testid=format!("term-ce-{i}")>{cell(t.cross)}</td>
                        <td class="number" data-testid=format!("term-kl-{i}")>{cell(t.kl)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let running = move || {
        let (p, q, u, shown) = state.with(|s| (s.p.clone(), s.q.clone(), s.units, s.step_row.min(s.k)));
        let ts = terms(&p, &q, u);
        let part = |f: fn(&Term) -> f64| ts.iter().take(shown).map(f).sum::<f64>();
        (part(|t| t.entropy), part(|t| t.cross), part(|t| t.kl), shown, p.len())
    };
    let term_explain = move || {
        let (p, q, u, shown) = state.with(|s| (s.p.clone(), s.q.clone(), s.units, s.step_row.min(s.k)));
        if shown == 0 {
            return "Press “Next row” to add the first outcome's terms into the sums.".to_string();
        }
        let i = shown - 1;
        let t = term(p[i], q[i], u);
        let log = if u == Units::Bits { "log₂" } else { "ln" };
        let mut text = if t.p == 0.0 {
            format!("Row {}: p = 0, so every term is 0 (p log p → 0 as p → 0: an outcome that never happens adds no surprise).", i + 1)
        } else if t.q == 0.0 {
            format!(
                "Row {}: q = 0 but p = {}: −p {log} q = ∞, so H(P, Q) and D_KL(P‖Q) become infinite.",
                i + 1,
                fixed(t.p, 4)
            )
        } else {
            format!(
                "Row {}: −{} × {log} {} = {} goes into H(P); −{} × {log} {} = {} into H(P, Q); {} × {log}({} / {}) = {} into D_KL(P‖Q).",
                i + 1,
                fixed(t.p, 4),
                fixed(t.p, 4),
                fixed(t.entropy, 4),
                fixed(t.p, 4),
                fixed(t.q, 4),
                fixed(t.cross, 4),
                fixed(t.p, 4),
                fixed(t.p, 4),
                fixed(t.q, 4),
                fixed(t.kl, 4)
            )
        };
        if shown == p.len() {
            text.push_str(" All rows added: the sums are the totals above.");
        }
        text
    };

    view! {
    <Panel title="Term by term" intro="Each outcome contributes one term to each sum. Step through the rows to build the sums up.">
        <div class="button-row">
            <button class="primary" data-testid="step-next"
                disabled=move || { step_row.get() >= k.get() }
                on:click=move |_| state.update(|s| s.step_row = (s.step_row + 1).min(s.k))>"Next row"</button>
            <button data-testid="step-all" on:click=move |_| state.update(|s| s.step_row = s.k)>"Show all"</button>
            <button data-testid="step-reset" on:click=move |_| state.update(|s| s.step_row = 0)>"Reset"</button>
            <span class="muted" data-testid="step-status">{move || format!("{} of {} rows added", step_row.get(), k.get())}</span>
        </div>
        <div class="table-scroll">
            <table class="information-terms" data-testid="term-table">
                <thead>
                    <tr>
                        <th>"x"</th>
                        <th class="number">"p(x)"</th>
                        <th class="number">"q(x)"</th>
                        <th class="number"><Math tex=Signal::derive(move || format!(r"-p\,{}\,p", units.get().tex()))/></th>
                        <th class="number"><Math tex=Signal::derive(move || format!(r"-p\,{}\,q", units.get().tex()))/></th>
                        <th class="number"><Math tex=Signal::derive(move || format!(r"p\,{}\frac{{p}}{{q}}", units.get().tex()))/></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    {move || {
                        let (h, ce, d, shown, n) = running();
                        let label = if shown == n { "Sum (all rows)".to_string() } else { format!("Sum so far (rows 1–{shown})") };
                        let (sp, sq) = state.with(|s| (s.p.iter().take(shown).sum::<f64>(), s.q.iter().take(shown).sum::<f64>()));
                        view! {
                            <tr class="information-sum">
                                <th scope="row">{label}</th>
                                <td class="number" data-testid="sum-p">{fixed(sp, 4)}</td>
                                <td class="number" data-testid="sum-q">{fixed(sq, 4)}</td>
                                <td class="number" data-testid="sum-h">{fixed(h, 4)}</td>
                                <td class="number" data-testid="sum-ce">{fixed(ce, 4)}</td>
                                <td class="number" data-testid="sum-kl">{fixed(d, 4)}</td>
                            </tr>
                            <tr class="information-sum-names">
                                <th></th><td></td><td></td>
                                <td class="number">"→ H(P)"</td>
                                <td class="number">"→ H(P, Q)"</td>
                                <td class="number">"→ D_KL(P‖Q)"</td>
                            </tr>
                        }
                    }}
                </tfoot>
            </table>
        </div>
        <p class="information-step-explain" data-testid="step-explain">{term_explain}</p>
        <p class="muted">
            "Edge cases: a row with p(x) = 0 adds 0 to every sum (an outcome that never happens costs no surprise). "
            "A row with q(x) = 0 but p(x) > 0 makes H(P, Q) and D_KL(P‖Q) infinite: the model rules out something that happens."
        </p>
    </Panel>
    }
}
