//! "Pre-train, then fine-tune": the learner pastes a text of their own; the model as trained so
//! far and the same network from fresh weights each train on it for the same steps with the
//! same seed; their losses on the text's held-out end and what each writes show side by side.

use leptos::prelude::*;
use plotters::prelude::*;

use super::compare_run::{Comparison, Stage};
use super::page::Looks;
use super::run::{Point, Run};
use super::your_text::{prepare_text, FINE_TUNE_STEPS, MAX_CHARACTERS, MIN_CHARACTERS};
use crate::lessons::shared::numbers::{fixed, grouped};
use crate::ui::chart::{curve_chart, draw_dotted_curve, Canvas};
use crate::ui::{css_colour, Chart, Panel};

fn draw(area: DrawingArea<Canvas, plotters::coord::Shift>, ratio: f64, tuned: &[Point], scratch: &[Point]) {
    let all = || tuned.iter().chain(scratch).map(|p| p.1).filter(|v| v.is_finite());
    let high = all().fold(f64::NAN, f64::max);
    let (low, high) = if high.is_nan() { (0.0, 5.0) } else { (all().fold(high, f64::min).max(0.0) * 0.95, high.min(6.0) * 1.05) };
    let Some(mut chart) = curve_chart(&area, ratio, 0.0..FINE_TUNE_STEPS as f64, low..high, "step on your text", "loss on its held-out end") else { return };
    for (points, colour) in [(tuned, "--accent"), (scratch, "--second")] {
        draw_dotted_curve(&mut chart, points, css_colour(colour), ratio, low..high);
    }
}

#[component]
pub fn Compare(run: Run, looks: Looks) -> impl IntoView {
    let comparison = Comparison::new();
    let pasted = RwSignal::new(String::new());
    let context = move || run.settings.with(|s| s.context);
    let prepared = Memo::new(move |_| run.book.with(|b| b.as_ref().map(|b| pasted.with(|t| prepare_text(b, t, context())))));
    let start = move |_| {
        let Some(Ok((text, _))) = prepared.get_untracked() else { return };
        if run.busy.get_untracked() {
            return;
        }
        run.busy.set(true);
        wasm_bindgen_futures::spawn_local(async move {
            comparison.compare(run, looks, text).await;
            run.busy.set(false);
        });
    };
    let last = move |i: usize| comparison.sides[i].points.with(|p| p.last().map(|p| fixed(p.1, 3)).unwrap_or_else(|| "—".into()));
    view! {
    <Panel title="Pre-train, then fine-tune on your own text" testid="gpt-compare" intro=concat!(
        "Paste a few kilobytes of your own: a poem, lyrics, some code. The model as trained so far, and the same network from fresh ",
        "weights, each train on it for the same 200 steps with the same seed. Blue: fine-tuned from Moby-Dick. Orange: from scratch. ",
        "Both are checked on the last tenth of your text, which neither trains on. Your text stays in this browser: it is not in the link.",
    )>
        <textarea class="gpt-your-text" data-testid="gpt-your-text" rows="6" placeholder="Paste at least 200 characters here."
            prop:value=move || pasted.get() on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
        <p class="muted" data-testid="gpt-your-text-count">
            {move || format!("{} characters (from {MIN_CHARACTERS} to {} are used).", grouped(pasted.with(|t| t.chars().count()) as u64), grouped(MAX_CHARACTERS as u64))}
        </p>
        {move || match prepared.get() {
            Some(Err(why)) if !pasted.with(String::is_empty) => view! { <p class="notice" role="status" data-testid="gpt-your-text-note">{why}</p> }.into_any(),
            Some(Ok((_, notes))) => notes.into_iter().map(|n| view! { <p class="notice" role="status" data-testid="gpt-your-text-note">{n}</p> }).collect_view().into_any(),
            _ => ().into_any(),
        }}
        <div class="button-row">
            <button class="primary" data-testid="gpt-compare-start" on:click=start
                disabled=move || run.busy.get() || run.running.get() || !matches!(prepared.get(), Some(Ok(_)))>
                {format!("Fine-tune and train from scratch ({FINE_TUNE_STEPS} steps each)")}
            </button>
            <span class="muted">{move || if run.running.get() { "Pause the training above first." } else { "" }}</span>
        </div>
        <p class="muted" data-testid="gpt-compare-stage">
            {move || match comparison.stage.get() {
                Stage::Idle => String::new(),
                Stage::Training(0, step) => format!("Fine-tuning the model pre-trained for {} steps: step {step} of {FINE_TUNE_STEPS}…", grouped(comparison.pretrained_steps.get() as u64)),
                Stage::Training(_, step) => format!("Training the same network from scratch: step {step} of {FINE_TUNE_STEPS}…"),
                Stage::Done => format!("Done. On the held-out end of your text: fine-tuned {}, from scratch {} nats per character.", last(0), last(1)),
                Stage::Failed(why) => format!("Stopped: {why}."),
            }}
        </p>
        <Chart label="Loss on your text's held-out end" testid="gpt-compare-curve" aspect=0.45
            draw=move |area, ratio| comparison.sides[0].points.with(|t| comparison.sides[1].points.with(|s| draw(area, ratio, t, s)))/>
        <div class="gpt-compare-samples">
            {[(0, "Fine-tuned from Moby-Dick", "gpt-compare-tuned"), (1, "From scratch", "gpt-compare-scratch")].into_iter().map(|(i, title, testid)| view! {
                <div class="gpt-compare-side">
                    <h3>{title}</h3>
                    <p class="muted">{move || format!("loss {}", last(i))}</p>
                    <p class="gpt-sample" data-testid=testid>
                        {move || comparison.sides[i].sample.get().map(|s| view! { <strong>{comparison.prompt.get()}</strong>{s} })}
                    </p>
                </div>
            }).collect_view()}
        </div>
    </Panel>
    }
}
