//! The `/information` page: two distributions edited by dragging bars or typing, the five
//! measures live, the identity with numbers, a term-by-term table stepped through row by row,
//! and a softmax demo linking cross-entropy to the classification loss.

use crate::ui::chart::Canvas;
use std::ops::Range;

use leptos::prelude::*;

use crate::catalog::title_of;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use wasm_bindgen::JsCast;

use super::*;
use crate::ui::host_api::{serve_host, Command};
use crate::lessons::shared::url_state::LinkState;
use crate::ui::share::{follow_in_address, opening_state, LinkNotes, Share};
use crate::ui::{css_colour, Chart, Math};
use crate::lessons::shared::numbers::fixed;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Which {
    P,
    Q,
}

impl Which {
    fn name(self) -> &'static str {
        match self {
            Which::P => "P",
            Which::Q => "Q",
        }
    }
    fn slug(self) -> &'static str {
        match self {
            Which::P => "p",
            Which::Q => "q",
        }
    }
}

/// A probability as the input box shows it: up to 4 decimals, trailing zeros dropped.
fn prob_text(x: f64) -> String {
    let t = format!("{x:.4}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    if t.is_empty() { "0".into() } else { t.to_string() }
}

fn texts(v: &[f64]) -> Vec<String> {
    v.iter().map(|&x| prob_text(x)).collect()
}

#[component]
pub fn InformationPage() -> impl IntoView {
    // The link's state, if it has one; every value it had to change is listed on the page.
    let (opened, link_notes) = opening_state::<InformationState>();
    let state = RwSignal::new(opened);
    let query = Signal::derive(move || state.with(|s| s.to_query()));
    follow_in_address(query);
    let p_text = RwSignal::new(texts(&state.get_untracked().p));
    let q_text = RwSignal::new(texts(&state.get_untracked().q));
    let k = Memo::new(move |_| state.with(|s| s.k));
    let units = Memo::new(move |_| state.with(|s| s.units));

    let text_of = move |w: Which| if w == Which::P { p_text } else { q_text };
    // Replace a whole distribution (drag, preset, normalise, resize) and its input texts.
    let set_dist = move |w: Which, v: Vec<f64>| {
        text_of(w).set(texts(&v));
        state.update(|s| {
            s.preset = None;
            match w {
                Which::P => s.p = v,
                Which::Q => s.q = v,
            }
        });
    };
    let apply_preset = move |preset: Preset| {
        let (p, q) = preset.distributions();
        p_text.set(texts(&p));
        q_text.set(texts(&q));
        state.update(|s| {
            s.k = p.len();
            s.step_row = p.len();
            s.p = p;
            s.q = q;
            s.preset = Some(preset);
        });
    };
    let resize_to = move |n: usize| {
        let (p, q) = state.with_untracked(|s| (resize(&s.p, n), resize(&s.q, n)));
        p_text.set(texts(&p));
        q_text.set(texts(&q));
        state.update(|s| {
            s.k = p.len();
            // A fully stepped table stays fully stepped when an outcome is added.
            s.step_row = if s.step_row >= s.k { p.len() } else { s.step_row.min(p.len()) };
            s.p = p;
            s.q = q;
            s.preset = None;
        });
    };
    let typed = move |w: Which, i: usize, text: String| {
        text_of(w).update(|t| {
            if let Some(slot) = t.get_mut(i) {
                *slot = text.clone();
            }
        });
        if let Ok(x) = parse_probability(&text) {
            state.update(|s| {
                s.preset = None;
                let v = if w == Which::P { &mut s.p } else { &mut s.q };
                if let Some(slot) = v.get_mut(i) {
                    *slot = x;
                }
            });
        }
    };

    // An author's page can drive an embedded copy (ui/host_api.rs): `set` takes the
    // link's keys, `step` adds the next row of the term table, `reset` goes back to the start.
    serve_host(
        "entropy",
        query,
        move |command| match command {
            Command::Set(q) => {
                let (fresh, notes) = InformationState::from_query(&q);
                p_text.set(texts(&fresh.p));
                q_text.set(texts(&fresh.q));
                state.set(fresh);
                notes
            }
            Command::Step => {
                state.update(|s| s.step_row = (s.step_row + 1).min(s.k));
                Vec::new()
            }
            Command::Reset => {
                let fresh = InformationState::default();
                p_text.set(texts(&fresh.p));
                q_text.set(texts(&fresh.q));
                state.set(fresh);
                Vec::new()
            }
            Command::Play | Command::Pause => {
                vec!["This lesson has nothing to play; step adds the next row of the term table.".into()]
            }
        },
        move || {
            state.with(|s| {
                let u = s.units;
                serde_json::json!({
                    "entropy_p": entropy(&s.p, u),
                    "entropy_q": entropy(&s.q, u),
                    "cross_entropy": cross_entropy(&s.p, &s.q, u),
                    "kl_pq": kl(&s.p, &s.q, u),
                    "kl_qp": kl(&s.q, &s.p, u),
                    "rows_added": s.step_row.min(s.k),
                })
            })
        },
    );

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

    // ---------- the chart, with draggable bars ----------
    // The plot area in canvas pixels, saved by the draw closure for the pointer handlers.
    let plot_area = StoredValue::new((0..1, 0..1));
    let dragging = StoredValue::new(None::<(Which, usize)>);
    let wrap = NodeRef::<leptos::html::Div>::new();

    let draw = move |area: DrawingArea<Canvas, plotters::coord::Shift>, ratio: f64| {
        let (p, q) = state.with(|s| (s.p.clone(), s.q.clone()));
        let k = p.len();
        let text = css_colour("--text");
        let muted = css_colour("--muted");
        let pc = css_colour("--accent");
        let qc = css_colour("--second");
        let _ = area.fill(&css_colour("--surface"));
        let font = (13.0 * ratio) as u32;
        let top = p.iter().chain(&q).cloned().fold(1.0f64, f64::max).min(1.5);
        let Ok(mut chart) = ChartBuilder::on(&area)
            .margin((10.0 * ratio) as i32)
            .x_label_area_size((26.0 * ratio) as i32)
            .y_label_area_size((40.0 * ratio) as i32)
            .build_cartesian_2d(0f64..k as f64, 0f64..top)
        else {
            return;
        };
        let _ = chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(6)
            .max_light_lines(0)
            .y_label_formatter(&|y| format!("{y:.1}"))
            .label_style(("sans-serif", font).into_font().color(&muted))
            .axis_style(muted)
            .light_line_style(css_colour("--border").mix(0.4))
            .bold_line_style(css_colour("--border").mix(0.6))
            .draw();
        let bars = p.iter().enumerate().map(|(i, &v)| (i as f64 + 0.1, i as f64 + 0.48, v, pc)).chain(
            q.iter().enumerate().map(|(i, &v)| (i as f64 + 0.52, i as f64 + 0.9, v, qc)),
        );
        let _ = chart.draw_series(bars.map(|(a, b, v, c)| Rectangle::new([(a, 0.0), (b, v.min(top))], c.filled())));
        // Labels on top of the bars when there is room.
        if k <= 6 {
            let small = ("sans-serif", (11.0 * ratio) as u32).into_font().color(&text);
            for (i, (&a, &b)) in p.iter().zip(&q).enumerate() {
                for (x, v) in [(i as f64 + 0.1, a), (i as f64 + 0.52, b)] {
                    let _ = chart.draw_series(std::iter::once(Text::new(
                        format!("{v:.2}"),
                        (x, (v + 0.04 * top).min(top * 0.97)),
                        small.clone(),
                    )));
                }
            }
        }
        let (xs, ys): (Range<i32>, Range<i32>) = chart.plotting_area().get_pixel_range();
        // Outcome numbers centred under each pair of bars.
        let label = ("sans-serif", font).into_font().color(&muted).pos(Pos::new(HPos::Center, VPos::Top));
        for i in 0..k {
            let x = f64::from(xs.start) + (i as f64 + 0.5) / k as f64 * f64::from(xs.end - xs.start);
            let _ = area.draw(&Text::new(format!("{}", i + 1), (x.round() as i32, ys.end + (6.0 * ratio) as i32), label.clone()));
        }
        plot_area.set_value((xs, ys));
    };

    // Pointer position → (which bar, probability).
    let locate = move |ev: &web_sys::PointerEvent| -> Option<(Which, usize, f64)> {
        let div = wrap.get_untracked()?;
        let canvas: web_sys::HtmlCanvasElement = div.query_selector("canvas").ok()??.unchecked_into();
        let rect = canvas.get_bounding_client_rect();
        if rect.width() <= 0.0 || rect.height() <= 0.0 {
            return None;
        }
        let sx = f64::from(canvas.width()) / rect.width();
        let sy = f64::from(canvas.height()) / rect.height();
        let px = (f64::from(ev.client_x()) - rect.left()) * sx;
        let py = (f64::from(ev.client_y()) - rect.top()) * sy;
        let (xs, ys) = plot_area.get_value();
        let (k, top) = state.with_untracked(|s| (s.k, s.p.iter().chain(&s.q).cloned().fold(1.0f64, f64::max).min(1.5)));
        let fx = (px - f64::from(xs.start)) / f64::from((xs.end - xs.start).max(1)) * k as f64;
        let v = (f64::from(ys.end) - py) / f64::from((ys.end - ys.start).max(1)) * top;
        Some((if fx.fract() < 0.5 { Which::P } else { Which::Q }, fx.floor().max(0.0) as usize, v))
    };
    let drag_to = move |w: Which, i: usize, v: f64| {
        let current = state.with_untracked(|s| if w == Which::P { s.p.clone() } else { s.q.clone() });
        if i < current.len() {
            set_dist(w, drag(&current, i, (v * 1000.0).round() / 1000.0));
        }
    };
    let on_down = move |ev: web_sys::PointerEvent| {
        let Some((w, i, v)) = locate(&ev) else { return };
        if i >= state.with_untracked(|s| s.k) {
            return;
        }
        ev.prevent_default();
        if let Some(div) = wrap.get_untracked() {
            let _ = div.set_pointer_capture(ev.pointer_id());
        }
        dragging.set_value(Some((w, i)));
        drag_to(w, i, v);
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        let Some((w, i)) = dragging.get_value() else { return };
        if let Some((_, _, v)) = locate(&ev) {
            drag_to(w, i, v);
        }
    };
    let on_up = move |_: web_sys::PointerEvent| dragging.set_value(None);

    let chart_label = Signal::derive(move || {
        state.with(|s| {
            let list = |v: &[f64]| v.iter().map(|x| fixed(*x, 3)).collect::<Vec<_>>().join(", ");
            format!("Bar chart of P ({}) and Q ({}) over {} outcomes", list(&s.p), list(&s.q), s.k)
        })
    });

    // ---------- one distribution's inputs ----------
    let sum_flag = move |w: Which| {
        view! {
            {move || {
                let v = state.with(|s| if w == Which::P { s.p.clone() } else { s.q.clone() });
                let total = sum(&v);
                (!sums_to_one(&v)).then(|| view! {
                    <div class="information-flag" role="status" data-testid=format!("sum-flag-{}", w.slug())>
                        <span>
                            {format!("{} sums to {}, not 1, so it is not a distribution. ", w.name(), fixed(total, 4))}
                            "The terms are still computed from the numbers as typed."
                        </span>
                        <button
                            data-testid=format!("normalise-{}", w.slug())
                            on:click=move |_| set_dist(w, normalise(&v))
                        >{format!("Normalise {}", w.name())}</button>
                    </div>
                })
            }}
        }
    };

    let inputs = move || {
        (0..k.get())
            .map(|i| {
                let cell = move |w: Which| {
                    let t = text_of(w);
                    let error = move || t.with(|t| t.get(i).and_then(|x| parse_probability(x).err()));
                    let id = format!("information-{}-{}", w.slug(), i);
                    view! {
                        <td>
                            <input
                                id=id.clone()
                                type="text"
                                inputmode="decimal"
                                class="information-input"
                                class:invalid=move || error().is_some()
                                aria-label=format!("{}({})", w.slug(), i + 1)
                                aria-invalid=move || if error().is_some() { "true" } else { "false" }
                                data-testid=format!("input-{}-{}", w.slug(), i)
                                prop:value=move || t.with(|t| t.get(i).cloned().unwrap_or_default())
                                on:input=move |ev| typed(w, i, event_target_value(&ev))
                            />
                            {move || error().map(|e| view! {
                                <span class="information-error" role="alert" data-testid=format!("error-{}-{}", w.slug(), i)>{e}</span>
                            })}
                        </td>
                    }
                };
                view! {
                    <tr>
                        <th scope="row">{format!("{}", i + 1)}</th>
                        {cell(Which::P)}
                        {cell(Which::Q)}
                    </tr>
                }
            })
            .collect_view()
    };

    // ---------- the term table ----------
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
        <article class="lesson information" data-testid="lesson-information">
            <p class="kicker">"Lesson"</p>
            <h1>{title_of("information", None)}</h1>
            <p class="lede">
                "How surprised are you, on average, by outcomes drawn from P? That is the entropy H(P). "
                "If you expect Q while the world follows P, you are surprised more: the cross-entropy H(P, Q). "
                "The extra surprise is the KL divergence. Drag the bars or type the probabilities and watch every number follow."
            </p>
            <LinkNotes notes=link_notes/>
            <Share slug="information" query/>

            <section class="panel">
                <h2>"Two distributions"</h2>
                <div class="button-row information-presets" role="group" aria-label="Presets">
                    <span class="muted">"Presets:"</span>
                    {Preset::ALL.into_iter().map(|preset| view! {
                        <button
                            data-testid=format!("preset-{}", preset.slug())
                            aria-pressed=move || if state.with(|s| s.preset == Some(preset)) { "true" } else { "false" }
                            on:click=move |_| apply_preset(preset)
                        >{preset.label()}</button>
                    }).collect_view()}
                </div>
                <p class="muted information-preset-note" data-testid="preset-note">
                    {move || state.with(|s| s.preset.map(|p| p.describe().to_string()).unwrap_or_else(|| "Your own distributions.".to_string()))}
                </p>
                <div class="button-row">
                    <span class="muted">{move || format!("{} outcomes", k.get())}</span>
                    <button data-testid="remove-outcome" disabled=move || { k.get() <= MIN_K } on:click=move |_| resize_to(k.get_untracked() - 1)>"− Remove outcome"</button>
                    <button data-testid="add-outcome" disabled=move || { k.get() >= MAX_K } on:click=move |_| resize_to(k.get_untracked() + 1)>"+ Add outcome"</button>
                    <span class="information-units" role="group" aria-label="Units">
                        <span class="muted">"Units:"</span>
                        <button
                            data-testid="units-bits"
                            aria-pressed=move || if units.get() == Units::Bits { "true" } else { "false" }
                            on:click=move |_| state.update(|s| s.units = Units::Bits)
                        >"bits (log₂)"</button>
                        <button
                            data-testid="units-nats"
                            aria-pressed=move || if units.get() == Units::Nats { "true" } else { "false" }
                            on:click=move |_| state.update(|s| s.units = Units::Nats)
                        >"nats (ln)"</button>
                    </span>
                </div>
                <div class="information-editor">
                    <div class="information-chart">
                        <p class="information-legend">
                            <span class="information-key information-key-p"></span>"P (the truth)"
                            <span class="information-key information-key-q"></span>"Q (the model)"
                        </p>
                        <p class="muted information-drag-hint">"Drag a bar up or down: the other bars of that distribution rescale so the sum stays 1. Or type the values."</p>
                        <div
                            class="information-drag"
                            node_ref=wrap
                            on:pointerdown=on_down
                            on:pointermove=on_move
                            on:pointerup=on_up
                            on:pointercancel=on_up
                        >
                            <Chart draw=draw label=chart_label aspect=0.55 testid="information-chart"/>
                        </div>
                    </div>
                    <div class="information-typed">
                        <table class="information-inputs">
                            <thead><tr><th>"x"</th><th>"p(x)"</th><th>"q(x)"</th></tr></thead>
                            <tbody>{inputs}</tbody>
                        </table>
                        {sum_flag(Which::P)}
                        {sum_flag(Which::Q)}
                    </div>
                </div>
            </section>

            <section class="panel">
                <h2>"The measures"</h2>
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
            </section>

            <section class="panel">
                <h2>"Term by term"</h2>
                <p class="muted">"Each outcome contributes one term to each sum. Step through the rows to build the sums up."</p>
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
            </section>

            <super::softmax_view::SoftmaxPanel state/>

            <section class="panel">
                <h2>"Beyond: two Gaussians"</h2>
                <p class="notice" data-testid="gaussians-not-built">
                    "Not built yet: the closed-form KL divergence between two Gaussians will appear here."
                </p>
            </section>
        </article>
    }
}

