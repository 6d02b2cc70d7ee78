//! Three charts: the reconstruction term, the KL term and their sum (the negative ELBO), each
//! on the training batches (blue line) and on the first 1,000 test digits (orange dots).

use leptos::prelude::*;
use plotters::prelude::*;

use super::curves::Point;
use super::model::Terms;
use crate::ui::chart::{curve_chart, draw_dotted_curve, Canvas};
use crate::ui::{css_colour, Chart, More};

type Value = fn(&Terms) -> f64;

const CHARTS: [(&str, &str, Value); 3] = [
    ("vae-curve-elbo", "−ELBO, their sum", Terms::total),
    ("vae-curve-reconstruction", "reconstruction", |t| t.reconstruction),
    ("vae-curve-kl", "KL", |t| t.kl),
];

fn draw(area: DrawingArea<Canvas, plotters::coord::Shift>, ratio: f64, value: Value, train: &[Point], test: &[Point]) {
    let all = || train.iter().chain(test).map(|p| value(&p.terms)).filter(|v| v.is_finite());
    let last = train.iter().chain(test).map(|p| p.step).max().unwrap_or(0).max(100) as f64;
    // From 0 (a term is never negative) to a little above the largest value after the first
    // few points, so the untrained start (about 550 nats) does not flatten the rest.
    let settled = || train.iter().skip(train.len() / 10).chain(test.iter().skip(1)).map(|p| value(&p.terms)).filter(|v| v.is_finite());
    let settled = settled().fold(f64::NEG_INFINITY, f64::max);
    let top = if settled.is_finite() { settled } else { all().fold(0.0, f64::max) };
    let top = (top * 1.15).max(0.01);
    let Some(mut chart) = curve_chart(&area, ratio, 0.0..last, 0.0..top, "step", "nats per image") else { return };
    let blue = css_colour("--accent");
    let at = |p: &Point| (p.step as f64, value(&p.terms).clamp(0.0, top));
    let _ = chart.draw_series(LineSeries::new(train.iter().map(at), blue.stroke_width((2.0 * ratio) as u32)));
    let test: Vec<(u32, f64)> = test.iter().map(|p| (p.step, value(&p.terms))).collect();
    draw_dotted_curve(&mut chart, &test, css_colour("--second"), ratio, 0.0..top);
}

#[component]
pub fn Curves(train: RwSignal<Vec<Point>>, test: RwSignal<Vec<Point>>) -> impl IntoView {
    view! {
        <p class="muted vae-legend"><span class="key key-blue">"—"</span>" training batches  "<span class="key key-orange">"●"</span>" the first 1,000 test digits"</p>
        <div class="vae-curves">
            {CHARTS.iter().map(|&(testid, name, value)| view! {
                <figure class="vae-curve">
                    <figcaption>{name}</figcaption>
                    <Chart label=Signal::derive(move || format!("{name}, nats per image, over training steps")) testid=testid aspect=0.62
                        draw=move |area, ratio| train.with(|tr| test.with(|te| draw(area, ratio, value, tr, te)))/>
                </figure>
            }).collect_view()}
        </div>
        <More label="How to read the curves">
            <p class="muted">
                "All three are in nats per image. The reconstruction term sums the cross-entropy of the 784 pixels: an untrained decoder "
                "that says ½ for every pixel pays 784 × ln 2 ≈ 543 nats. The KL term measures how far the encoder's clouds are from "
                "N(0, I): it rises at first (the codes must spread out to tell digits apart) and then settles. Their sum is the "
                "negative ELBO, an upper bound on −log p(x): lower is better. Test points use the same noise ε at every check, so "
                "they move only because the model changed."
            </p>
        </More>
    }
}
