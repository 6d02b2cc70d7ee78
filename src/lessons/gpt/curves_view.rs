//! The loss curves: training (blue, the mean of the steps since the point before) and
//! validation (orange, every 50 steps), with what counting characters achieves on the same
//! validation text drawn across as dashed lines, so the learner sees the Transformer pass them.

use leptos::prelude::*;
use plotters::prelude::*;

use super::counting::Baselines;
use super::run::{Point, Run};
use crate::lessons::shared::numbers::fixed;
use crate::ui::chart::{curve_chart, draw_dotted_curve, Canvas};
use crate::ui::{css_colour, Chart, Panel};

fn draw(area: DrawingArea<Canvas, plotters::coord::Shift>, ratio: f64, train: &[Point], validation: &[Point], reference: Option<Baselines>) {
    let grey = css_colour("--muted");
    let last_step = train.iter().chain(validation).map(|p| p.0).max().unwrap_or(0).max(100) as f64;
    let high = train.iter().chain(validation).map(|p| p.1).filter(|v| v.is_finite()).fold(4.5f64, f64::max).min(6.0);
    let low = train.iter().chain(validation).map(|p| p.1).filter(|v| v.is_finite()).fold(1.5f64, f64::min).max(0.0);
    let font = (13.0 * ratio) as i32;
    let low = (low - 0.1).max(0.0);
    let Some(mut chart) = curve_chart(&area, ratio, 0.0..last_step, low..high, "step", "loss (nats per character)") else { return };
    let stroke = (2.0 * ratio) as u32;
    if let Some(r) = reference {
        for (value, name) in [(r.unigram, "counting single characters"), (r.bigram, "counting pairs of characters")] {
            let dashes = (0..40).map(|i| i as f64 * last_step / 40.0).collect::<Vec<_>>();
            let _ = chart.draw_series(dashes.chunks(2).filter(|c| c.len() == 2).map(|c| PathElement::new(vec![(c[0], value), (c[1], value)], grey.stroke_width(stroke))));
            let label = format!("{name}: {}", fixed(value, 3));
            let _ = chart.draw_series(std::iter::once(Text::new(label, (last_step * 0.02, value + (high - low) * 0.06), ("sans-serif", font).into_font().color(&grey))));
        }
    }
    let blue = css_colour("--accent");
    let _ = chart.draw_series(LineSeries::new(train.iter().map(|&(s, v)| (s as f64, v.clamp(low, high))), blue.stroke_width(stroke)));
    // A dot at the newest point, so the first one shows before there is a line.
    let _ = chart.draw_series(train.last().map(|&(s, v)| Circle::new((s as f64, v.clamp(low, high)), (2.5 * ratio) as i32, blue.filled())));
    draw_dotted_curve(&mut chart, validation, css_colour("--second"), ratio, low..high);
}

#[component]
pub fn Curves(run: Run, reference: RwSignal<Option<Baselines>>) -> impl IntoView {
    let Run { train_points, validation_points, steps, .. } = run;
    view! {
    <Panel title="Learning curves" class="gpt-curves-panel stage-2" intro=concat!(
        "Blue: the loss on the training batches. Orange: on the validation text, which the model never trains on. ",
        "Dashed: what simple counting achieves on the same validation text, counted by this page from the training text: ",
        "the frequency of each character, and of each character after the one before it (both with add-one smoothing).",
    )>
        <Chart
            label=Signal::derive(move || format!("Loss over {} steps", steps.get()))
            testid="gpt-loss-curve"
            aspect=0.5
            draw=move |area, ratio| train_points.with(|t| validation_points.with(|v| draw(area, ratio, t, v, reference.get())))
        />
        <p class="muted" data-testid="gpt-reference">
            {move || reference.get().map(|r| format!(
                "Counting single characters scores {} nats per validation character; counting pairs, {}. Below the pairs line, the model uses more than the one character before.",
                fixed(r.unigram, 3), fixed(r.bigram, 3))).unwrap_or_default()}
        </p>
    </Panel>
    }
}
