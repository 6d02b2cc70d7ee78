//! "Step through": the three phases of an iteration as separate buttons, each showing its loss
//! formula with this batch's numbers and the images involved with D's verdict on each.

use leptos::prelude::*;

use crate::ui::Panel;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::formulas::{discriminator_objective, discriminator_objective_formula, general, with_numbers};
use super::model::{Phase, PhaseReport};
use crate::lessons::shared::pictures::grey;
use super::{DiscriminatorSteps, Settings};
use crate::ui::Math;
use crate::data::mnist::IMAGE_PIXELS;
use crate::lessons::shared::numbers::fixed;

/// Images shown per phase (of the batch's 64).
const SHOWN: usize = 16;

const PHASES: [(Phase, &str, &str); 3] = [
    (Phase::DiscriminatorOnReal, "gan-step-real", "Train D on a real batch"),
    (Phase::DiscriminatorOnFake, "gan-step-fake", "Train D on a fake batch"),
    (Phase::Generator, "gan-step-generator", "Train G"),
];

/// What a phase does, in words; D's phases depend on when D takes its Adam step.
fn explanation(phase: Phase, steps: DiscriminatorSteps) -> &'static str {
    match (phase, steps) {
        (Phase::DiscriminatorOnReal, DiscriminatorSteps::OneForBoth) =>
            "D sees 64 real digits, all labelled “real” (1). Its loss is small when it gives them probabilities near 1. \
             The gradient of this loss is kept, not used yet: D takes one Adam step for both of its batches, after the fake one.",
        (Phase::DiscriminatorOnReal, DiscriminatorSteps::OnePerBatch) =>
            "D sees 64 real digits, all labelled “real” (1). Its loss is small when it gives them probabilities near 1; one Adam step pushes D(x) up.",
        (Phase::DiscriminatorOnFake, DiscriminatorSteps::OneForBoth) =>
            "G draws 64 images from fresh noise, labelled “fake” (0); G does not change here. This gradient is added to the real batch's, \
             and D takes one Adam step: D(x) goes up and D(G(z)) goes down. The same 64 images wait for G's step.",
        (Phase::DiscriminatorOnFake, DiscriminatorSteps::OnePerBatch) =>
            "G draws 64 images from fresh noise, labelled “fake” (0). G does not change here; one Adam step of D pushes D(G(z)) down. \
             The same 64 images wait for G's step.",
        (Phase::Generator, _) =>
            "G takes the 64 images D has just seen as fakes (G has not changed since, so they are still G's; without that phase G draws 64 new ones). \
             D, now frozen, scores them with its updated weights. The loss's gradient flows back through D's layers into the pixels and on through G; \
             one Adam step of G makes D score its images higher.",
    }
}

fn phase_name(phase: Phase) -> &'static str {
    PHASES.iter().find(|p| p.0 == phase).map(|p| p.2).unwrap_or("")
}

#[component]
fn Thumb(image: Vec<f32>) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        let Some(element) = canvas.get() else { return };
        let element: HtmlCanvasElement = element.unchecked_into();
        let rgba: Vec<u8> = image.iter().flat_map(|&v| {
            let g = grey(v);
            [g, g, g, 255]
        }).collect();
        let context = element.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok());
        if let (Some(ctx), Ok(data)) = (context, ImageData::new_with_u8_clamped_array(Clamped(&rgba), 28)) {
            let _ = ctx.put_image_data(&data, 0.0, 0.0);
        }
    });
    view! { <canvas class="gan-thumb" width="28" height="28" node_ref=canvas></canvas> }
}

#[component]
pub fn StepThrough(
    report: RwSignal<Option<PhaseReport>>,
    next: Signal<Phase>,
    last_losses: RwSignal<(Option<f64>, Option<f64>)>,
    settings: RwSignal<Settings>,
    ready: Signal<bool>,
    on_step: Callback<Phase>,
) -> impl IntoView {
    let loss_kind = move || settings.with(|s| s.generator_loss);
    view! {
        <Panel title="Step through one iteration" class="gan-steps stage-3" testid="gan-step-through" intro=concat!(
            "One training iteration is three phases. Run them one at a time (training pauses) and read each loss with ",
            "this batch's numbers. The highlighted button is the phase a normal iteration runs next; you may press any.",
        )>
            <div class="button-row">
                {PHASES.iter().map(|&(phase, testid, label)| view! {
                    <button data-testid=testid class:primary=move || next.get() == phase disabled=move || !ready.get()
                        on:click=move |_| on_step.run(phase)>{label}</button>
                }).collect_view()}
            </div>
            {move || report.get().map(|r| {
                let explanation = explanation(r.phase, settings.with(|s| s.discriminator_steps));
                let scores_attr = serde_json::to_string(&r.scores).unwrap_or_default();
                let (real_loss, fake_loss) = last_losses.get();
                // With packs, D gives one probability per pack: each image shows its pack's.
                let pack = (r.images.len() / IMAGE_PIXELS / r.scores.len().max(1)).max(1);
                // A conditional GAN's images carry a digit: a real one's label, or the one G was asked for.
                let shown: Vec<(Vec<f32>, f64, Option<u8>)> = r.images.chunks_exact(IMAGE_PIXELS).enumerate().take(SHOWN)
                    .map(|(i, image)| (image.to_vec(), r.scores.get(i / pack).copied().unwrap_or(f64::NAN), r.digits.get(i).copied())).collect();
                let labelled = if r.digits.is_empty() {
                    ""
                } else if r.phase == Phase::DiscriminatorOnReal {
                    " Each is shown with its label (“3:”), which D sees too."
                } else {
                    " Each is shown with the digit G was asked for (“3:”), which D sees too: D learns to call a good 7 fake when a 3 was asked for."
                };
                let (dropout, inputs) = settings.with(|s| (s.discriminator_dropout, if s.pack == 1 { "images".to_string() } else { format!("packs of {} images", s.pack) }));
                let who = if r.phase == Phase::DiscriminatorOnReal { "D(x)" } else { "D(G(z))" };
                let real_label = settings.with(|s| s.real_label as f64);
                let tex = with_numbers(&r, loss_kind(), real_label);
                view! {
                    <div class="phase" data-testid="gan-phase-report" data-phase=format!("{:?}", r.phase) data-loss=r.loss.to_string() data-scores=scores_attr>
                        <h3>{phase_name(r.phase)}</h3>
                        <p>{explanation}</p>
                        <Math block=true tex=general(r.phase, loss_kind(), real_label)/>
                        <Math block=true tex=tex/>
                        <p class="muted">{format!(
                            "m = {} {inputs}; the first two terms are shown. Mean {who} over the batch: {} (before this phase's update{}).",
                            r.scores.len(), fixed(r.mean_score(), 3),
                            if dropout > 0.0 { format!(", with {}% of D's hidden units dropped at random, as in training", fixed(100.0 * dropout as f64, 0)) } else { String::new() }
                        )}</p>
                        {(r.phase != Phase::Generator).then(|| match (real_loss, fake_loss) {
                            (Some(a), Some(b)) => view! {
                                <p>"D maximises its objective, the negative of its two losses added:"</p>
                                <Math block=true tex=discriminator_objective_formula(real_label)/>
                                <Math block=true tex=discriminator_objective(a, b)/>
                            }.into_any(),
                            _ => view! { <p class="muted">"Run both D phases to see D's whole objective, E[log D(x)] + E[log(1 − D(G(z)))]."</p> }.into_any(),
                        })}
                        <p class="muted">{if pack == 1 {
                            format!("The first {SHOWN} images of the batch, with D's probability that each is real.{labelled}")
                        } else {
                            format!("The first {SHOWN} images of the batch, with D's probability that their pack of {pack} is real.{labelled}")
                        }}</p>
                        <ul class="gan-thumbs" data-testid="gan-phase-images">
                            {shown.into_iter().map(|(image, score, digit)| view! {
                                <li><Thumb image/><span>{digit.map(|d| format!("{d}: ")).unwrap_or_default()}{fixed(score, 2)}</span></li>
                            }).collect_view()}
                        </ul>
                    </div>
                }
            })}
        </Panel>
    }
}
