//! "Beyond: two Gaussians": P and Q as bell curves a learner drags (the top of a curve: left
//! and right moves its mean, up and down its σ, as the peak's height is 1/(σ√2π)) or types;
//! their differential entropies, cross-entropy and KL both ways in closed form with the
//! formula's live terms; and a seeded Monte-Carlo estimate of KL(P‖Q) settling as n grows.
//! Also the `gaussians` widget, alone, with the host page API.

use leptos::prelude::*;
use crate::ui::More;
use plotters::prelude::*;

use super::gaussians::*;
use super::Units;
use crate::lessons::shared::frame::Frame;
use crate::lessons::shared::numbers::grouped;
use crate::ui::chart::Canvas;
use crate::ui::host_api::{serve_link_state, Command};
use crate::ui::pointer::{canvas_in, canvas_pixel};
use crate::ui::share::{opening_state, LinkNotes};
use crate::ui::{css_colour, Chart, Panel};

#[derive(Clone, Copy, PartialEq)]
enum Which {
    P,
    Q,
}

/// A number as the page shows it, with its full value in `data-value` for the tests.
fn number(testid: &'static str, x: f64) -> impl IntoView {
    view! { <span class="gaussians-number" data-testid=testid data-value=x.to_string()>{shown(x)}</span> }
}

#[component]
fn DensityChart(state: RwSignal<GaussiansState>) -> impl IntoView {
    let frame = StoredValue::new(None::<Frame>);
    // What is dragged, and the frame the drag started in: the chart rescales as a curve moves,
    // so the pointer keeps the mapping it started with.
    let dragging = StoredValue::new(None::<(Which, Frame)>);
    let wrap = NodeRef::<leptos::html::Div>::new();
    let draw = move |area: DrawingArea<Canvas, plotters::coord::Shift>, ratio: f64| {
        let (p, q) = state.with(|s| (s.p, s.q));
        let range = plot_range(p, q);
        let top = p.pdf(p.mean).max(q.pdf(q.mean)) * 1.12;
        let _ = area.fill(&css_colour("--surface"));
        let Ok(mut chart) = ChartBuilder::on(&area)
            .margin((10.0 * ratio) as i32)
            .x_label_area_size((30.0 * ratio) as i32)
            .y_label_area_size((52.0 * ratio) as i32)
            .build_cartesian_2d(range.0..range.1, 0.0..top)
        else {
            return;
        };
        let _ = crate::ui::chart::themed_mesh(&mut chart, "x", "density", (13.0 * ratio) as i32).y_label_formatter(&|y| shown(*y)).draw();
        for (g, colour) in [(p, css_colour("--accent")), (q, css_colour("--second"))] {
            let points = density_points(g, range, 400);
            let _ = chart.draw_series(AreaSeries::new(points.iter().copied(), 0.0, colour.mix(0.15)));
            let _ = chart.draw_series(LineSeries::new(points, colour.stroke_width((2.5 * ratio) as u32)));
            let _ = chart.draw_series(std::iter::once(Circle::new((g.mean, g.pdf(g.mean)), (6.0 * ratio) as i32, colour.filled())));
        }
        let (xs, ys) = chart.plotting_area().get_pixel_range();
        frame.set_value(Some(Frame {
            pixels_x: (f64::from(xs.start), f64::from(xs.end)),
            pixels_y: (f64::from(ys.start), f64::from(ys.end)),
            x: range,
            y: (0.0, top),
        }));
    };
    let pixel = move |ev: &web_sys::PointerEvent| canvas_in(&wrap.get_untracked()?.into()).and_then(|c| canvas_pixel(&c, ev));
    let move_to = move |which: Which, at: &Frame, (px, py): (f64, f64)| {
        let Some([x, y]) = at.to_data_anywhere(px, py) else { return };
        let mean = checked_mean("μ", (x * 100.0).round() / 100.0, 0.0).0;
        // The peak's height is 1/(σ√2π).
        let sd = checked_sd("σ", 1.0 / (y.max(1e-9) * (2.0 * std::f64::consts::PI).sqrt()), 1.0).0;
        let sd = (sd * 1000.0).round().max(1.0) / 1000.0;
        state.update(|s| *if which == Which::P { &mut s.p } else { &mut s.q } = Gaussian::new(mean, sd));
    };
    let on_down = move |ev: web_sys::PointerEvent| {
        let (Some(at), Some((px, py))) = (frame.get_value(), pixel(&ev)) else { return };
        // The nearer peak, within reach of a finger.
        let peaks = state.with_untracked(|s| [s.p, s.q].map(|g| at.to_pixel([g.mean, g.pdf(g.mean)])));
        let distance = |(x, y): (f64, f64)| (x - px).hypot(y - py);
        let (which, near) = if distance(peaks[0]) <= distance(peaks[1]) { (Which::P, peaks[0]) } else { (Which::Q, peaks[1]) };
        let reach = 40.0 * web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        if distance(near) > reach {
            return;
        }
        ev.prevent_default();
        if let Some(div) = wrap.get_untracked() {
            let _ = div.set_pointer_capture(ev.pointer_id());
        }
        dragging.set_value(Some((which, at)));
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        if let (Some((which, at)), Some(px)) = (dragging.get_value(), pixel(&ev)) {
            move_to(which, &at, px);
        }
    };
    let on_up = move |_: web_sys::PointerEvent| dragging.set_value(None);
    let label = Signal::derive(move || {
        state.with(|s| format!("The densities of P = N({}, {}²) and Q = N({}, {}²)", shown(s.p.mean), shown(s.p.sd), shown(s.q.mean), shown(s.q.sd)))
    });
    view! {
        <div class="information-chart">
            <super::bars_view::Legend/>
            <p class="muted information-drag-hint">"Drag the top of a curve: sideways moves its mean, up makes it narrower, down wider. Or type the numbers."</p>
            <div class="information-drag" node_ref=wrap on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointercancel=on_up>
                <Chart draw=draw label aspect=0.45 testid="gaussians-chart"/>
            </div>
        </div>
    }
}

/// A typed number: applied when the learner leaves the box or presses Enter, checked (with a
/// note when it had to change) by `check`.
#[component]
fn NumberBox(label: &'static str, testid: &'static str, value: Signal<f64>, check: fn(f64) -> (f64, Option<String>), set: Callback<f64>, notes: RwSignal<Vec<String>>) -> impl IntoView {
    let on_change = move |ev| {
        let (x, note) = check(event_target_value(&ev).trim().parse::<f64>().unwrap_or(f64::NAN));
        notes.set(note.into_iter().collect());
        set.run(x);
    };
    view! {
        <label class="field">
            <span class="field-label">{label}</span>
            <input type="text" inputmode="decimal" data-testid=testid prop:value=move || value.get().to_string() on:change=on_change/>
        </label>
    }
}

/// The formula with the live terms of KL(`from`‖`to`), named `a` and `b`.
fn formula(t: KlTerms, units: Units, a: &str, b: &str, testid: &'static str) -> impl IntoView {
    let per = if units == Units::Bits { " (each term ÷ ln 2, for bits)" } else { "" };
    let first = shown(t.log_ratio);
    let then = |x: f64| if x < 0.0 { format!("− {}", shown(-x)) } else { format!("+ {}", shown(x)) };
    view! {
        <p class="gaussians-formula">
            {format!("KL({a}‖{b}) = ln(σ_{b}/σ_{a}) + (σ_{a}² + (μ_{a} − μ_{b})²)/(2σ_{b}²) − ½{per} = {first} {} {} = ", then(t.spread), then(t.minus_half))}
            <strong>{number(testid, t.total)}</strong>
            {format!(" {}", units.name())}
        </p>
    }
}

#[component]
pub fn GaussiansPanel(state: RwSignal<GaussiansState>) -> impl IntoView {
    let notes = RwSignal::new(Vec::<String>::new());
    let units = Memo::new(move |_| state.with(|s| s.units));
    let mc = Memo::new(move |_| state.with(GaussiansState::monte_carlo));
    let field = move |label, testid, get: fn(&GaussiansState) -> f64, check, put: fn(&mut GaussiansState, f64)| {
        view! { <NumberBox label testid value=Signal::derive(move || state.with(get)) check set=Callback::new(move |x| state.update(|s| put(s, x))) notes/> }
    };
    view! {
    <Panel title="Beyond: two Gaussians" testid="gaussians">
        <More label="From sums to integrals">
            <p>
                "With outcomes you can count, KL adds up p·log(p/q) over them. For a continuous x the sum becomes an integral over the "
                "densities: KL(P‖Q) = ∫ p(x) log(p(x)/q(x)) dx. For two normal distributions the integral has a closed form. "
                "Entropy becomes the " <em>"differential"</em> " entropy h(P) = −∫ p(x) log p(x) dx = ½ log(2πeσ²), and that word changes one "
                "thing: a density can be larger than 1, so h can be negative (any Gaussian narrower than σ ≈ 0.242 has h < 0). "
                "KL is still never negative, and H(P, Q) = h(P) + KL(P‖Q) still holds."
            </p>
        </More>
        <DensityChart state/>
        <div class="settings-form gaussians-inputs">
            {field("μ_P (mean of P)", "gaussians-mean-p", |s| s.p.mean, |x| checked_mean("μ_P", x, 0.0), |s, x| s.p.mean = x)}
            {field("σ_P (standard deviation of P)", "gaussians-sd-p", |s| s.p.sd, |x| checked_sd("σ_P", x, 1.0), |s, x| s.p.sd = x)}
            {field("μ_Q (mean of Q)", "gaussians-mean-q", |s| s.q.mean, |x| checked_mean("μ_Q", x, 1.0), |s, x| s.q.mean = x)}
            {field("σ_Q (standard deviation of Q)", "gaussians-sd-q", |s| s.q.sd, |x| checked_sd("σ_Q", x, 2.0), |s, x| s.q.sd = x)}
        </div>
        {move || notes.get().into_iter().map(|n| view! { <p class="notice" role="status" data-testid="gaussians-note">{n}</p> }).collect_view()}
        <div class="button-row information-units" role="group" aria-label="Units of the Gaussians">
            <span class="muted">"Units:"</span>
            {[(Units::Bits, "bits (log₂)", "gaussians-bits"), (Units::Nats, "nats (ln)", "gaussians-nats")].map(|(u, name, testid)| view! {
                <button data-testid=testid aria-pressed=move || (units.get() == u).to_string() on:click=move |_| state.update(|s| s.units = u)>{name}</button>
            }).into_iter().collect_view()}
        </div>
        {move || state.with(|s| {
            let u = s.units;
            view! {
                <p>"Differential entropy: h(P) = " {number("gaussians-h-p", s.p.entropy(u))} ", h(Q) = " {number("gaussians-h-q", s.q.entropy(u))}
                   {format!(" {}. Cross-entropy: H(P, Q) = ", u.name())} {number("gaussians-cross-pq", cross_entropy(s.p, s.q, u))}
                   ", H(Q, P) = " {number("gaussians-cross-qp", cross_entropy(s.q, s.p, u))} {format!(" {}.", u.name())}</p>
                {formula(kl_terms(s.p, s.q, u), u, "P", "Q", "gaussians-kl-pq")}
                {formula(kl_terms(s.q, s.p, u), u, "Q", "P", "gaussians-kl-qp")}
            }
        })}
        <h3>"Checked by sampling"</h3>
        <More label="How sampling checks KL">
            <p class="muted">
                "Draw n values x from P and average log p(x) − log q(x): by the law of large numbers the average tends to KL(P‖Q), "
                "and its standard error (the spread of the terms ÷ √n) says how far off it may still be. With few draws the average can even be negative, "
                "though KL never is. The draws are seeded, so the same n and seed give the same numbers."
            </p>
        </More>
        <div class="settings-form gaussians-inputs">
            {field("n (draws of P)", "gaussians-samples", |s| s.samples as f64, |x| { let (n, note) = checked_samples(x); (n as f64, note) }, |s, x| s.samples = x as usize)}
            {field("seed", "gaussians-seed", |s| s.seed as f64, |x| { let (n, note) = checked_seed(x); (n as f64, note) }, |s, x| s.seed = x as u64)}
        </div>
        {move || mc.with(|m| {
            let exact = state.with(|s| kl(s.p, s.q, s.units));
            let e = m.estimate;
            view! {
                <p>"From " {grouped(e.samples as u64)} " draws: KL(P‖Q) ≈ " <strong>{number("gaussians-mc", e.kl)}</strong> " ± " {number("gaussians-mc-se", e.standard_error)}
                   {format!(" {} (one standard error); the closed form is {}, {} standard errors away.", units.get().name(), shown(exact), shown((e.kl - exact).abs() / e.standard_error))}</p>
                <div class="table-wrap"><table class="gaussians-convergence" data-testid="gaussians-convergence">
                    <thead><tr><th>"n"</th><th>"estimate"</th><th>"standard error"</th></tr></thead>
                    <tbody>{m.convergence.iter().map(|c| view! { <tr><td>{grouped(c.samples as u64)}</td><td>{shown(c.kl)}</td><td>{shown(c.standard_error)}</td></tr> }).collect_view()}</tbody>
                </table></div>
            }
        })}
    </Panel>
    }
}

/// `/embed/gaussians`: the section alone, its state in the link, driven by a host page.
#[component]
pub fn GaussiansWidget() -> impl IntoView {
    let (opened, link_notes) = opening_state::<GaussiansState>();
    let state = RwSignal::new(opened);
    serve_link_state(
        "gaussians",
        state,
        None,
        |command| match command {
            Command::Step | Command::Play | Command::Pause => vec!["the Gaussians widget has nothing to step or play; set gmp, gsp, gmq, gsq, gn, gseed or gu.".into()],
            Command::Set(_) | Command::Reset => Vec::new(),
        },
        move || {
            state.with(|s| {
                let (u, m) = (s.units, s.monte_carlo().estimate);
                serde_json::json!({
                    "kl_pq": kl(s.p, s.q, u), "kl_qp": kl(s.q, s.p, u),
                    "entropy_p": s.p.entropy(u), "entropy_q": s.q.entropy(u),
                    "cross_entropy": cross_entropy(s.p, s.q, u),
                    "monte_carlo": m.kl, "standard_error": m.standard_error,
                })
            })
        },
    );
    view! { <LinkNotes notes=link_notes/> <GaussiansPanel state/> }
}
