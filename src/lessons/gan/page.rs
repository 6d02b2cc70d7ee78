//! The `/gan` page: download MNIST, then train the GAN live; the fixed-noise sample grid, the
//! curves, the step-through panel and the judge read what the run produces. The lesson's state
//! and actions are `lesson.rs`.

use leptos::prelude::*;
use serde_json::json;

use super::charts::{draw_losses, draw_scores};
use super::judge_view::JudgePanel;
use super::lesson::GanLesson;
use super::pictures_view::ImageGrid;
use super::settings_view::SettingsPanel;
use super::Settings;
use crate::lessons::shared::numbers::fixed;
use crate::ui::download::DatasetStatus;
use crate::ui::share::opening_state;
use crate::ui::training_link::{serve_training, Training, TrainingLink, TrainingLinkBar};
use crate::ui::{PageIntro, Chart, More, Panel, WhereTraining, Stat};

/// Said to a host that plays or steps before the data is in.
const WAITING: &str = "the digits are still downloading; wait for metrics.ready.";

#[component]
pub fn GanPage() -> impl IntoView {
    let (opened, link_notes) = opening_state::<Settings>();
    let g = GanLesson::new(opened);
    g.start_loading();
    let GanLesson { settings, running, iterations, epoch, curves, speed, training_seconds, problem, grid, one_of_each, phase_report, last_losses, verdicts, averaged, thread, gpu, busy, next_phase, judging, run, .. } = g;
    let ready = Signal::derive(move || g.ready());
    let latest = move || g.latest();

    // State in the link and the host page API (ui/training_link.rs).
    let query = serve_training(
        TrainingLink {
            widget: "gan-trainer",
            state: settings.into(),
            apply: Callback::new(move |fresh| settings.set(fresh)),
            // A step is the next phase on its own (D on real, D on fake, G), as the
            // step-through panel does.
            training: Training {
                running,
                busy: busy.into(),
                ready,
                waiting: WAITING,
                reset: Callback::new(move |_| g.reset()),
                train: Callback::new(move |_| {
                    problem.set(None);
                    running.set(true);
                    g.train_loop();
                }),
                step: Ok(Callback::new(move |_| g.step_phase(next_phase.get_untracked()))),
            },
            steps: iterations.into(),
            epoch: epoch.into(),
        },
        // The latest point of the curves (means over 10 iterations).
        move || {
            let p = latest();
            let finite = |v: f64| if v.is_finite() { Some(v) } else { None };
            json!({
                "d_loss": p.and_then(|p| finite(p.d_loss)),
                "g_loss": p.and_then(|p| finite(p.g_loss)),
                "d_real": p.and_then(|p| finite(p.real)),
                "d_fake": p.and_then(|p| finite(p.fake)),
            })
        },
    );

    view! {
        <article class="lesson gan staged" data-testid="lesson-gan">
            <PageIntro title="Two networks play a game: one forges digits, one catches forgeries">
                "The " <strong>"generator"</strong> " G turns 100 random numbers into a 28 × 28 image. The "
                <strong>"discriminator"</strong> " D looks at an image and says how likely it is to be a real handwritten digit. "
                "D learns from real MNIST digits and from G's forgeries; G learns only from D's verdicts. Press "
                <strong>"Train"</strong> " and watch the same 64 noise vectors turn from static into digits, in your browser."
            </PageIntro>
            <TrainingLinkBar query notes=link_notes widget="gan-trainer"
                holds="A link holds the settings and seed, not the trained networks: whoever opens it trains from the same start."/>
            <DatasetStatus data=g.data what="digits" testid="gan" on_retry=Callback::new(move |_| g.start_loading())/>
            <div class="gan-top stage-wrap">
                <Panel title="What G draws" class="gan-samples stage-1" intro="The same 64 noise vectors, redrawn as G learns: each square keeps its noise, so you see one forgery sharpen in place.">
                    <ImageGrid images=grid columns=8 testid="gan-grid" label="Sixty-four images drawn by the generator"/>
                    <super::pictures_view::DigitChoice settings one_of_each on_pick=Callback::new(move |d| g.pick_digit(d))
                        on_make_conditional=Callback::new(move |_| { settings.update(|s| *s = s.pick_the_digit()); g.reset(); })/>
                    <super::pictures_view::AveragedChoice averaged settings on_change=Callback::new(move |_| { g.ensure_run(); g.redraw_grid(); g.judge_now(); })/>
                    <div class="button-row">
                        <button class="primary" data-testid="gan-train" disabled=move || !ready.get() || (busy.get() && !running.get()) on:click=move |_| g.toggle()>
                            {move || if running.get() { "Pause" } else if iterations.get() > 0 { "Resume" } else { "Train" }}
                        </button>
                        <button data-testid="gan-reset" on:click=move |_| g.reset() disabled=move || !ready.get()>"Reset"</button>
                    </div>
                    {move || problem.get().map(|p| view! { <p class="notice" role="alert" data-testid="gan-problem">{p}</p> })}
                </Panel>
                <Panel title="Progress" class="gan-progress stage-2">
                    <div class="stat-row">
                        <div class="stat"><span class="stat-label">"iterations"</span><span class="stat-value" data-testid="gan-iterations">{move || iterations.get()}</span>
                            <span class="stat-note">{move || format!("epoch {} of the 60,000 digits", epoch.get() + 1)}</span></div>
                        <div class="stat"><span class="stat-label">"iterations per second"</span><span class="stat-value" data-testid="gan-speed">{move || fixed(speed.get(), 1)}</span>
                            <span class="stat-note">"3 phases each; the two networks only"</span></div>
                        <Stat label="training time" testid="gan-time">{move || format!("{} s", fixed(training_seconds.get(), 0))}</Stat>
                        <div class="stat"><span class="stat-label">"mean D(x)"</span><span class="stat-value" data-testid="gan-real-score">{move || latest().map(|p| fixed(p.real, 3)).unwrap_or_else(|| "—".into())}</span>
                            <span class="stat-note">"D's belief that real digits are real"</span></div>
                        <div class="stat"><span class="stat-label">"mean D(G(z))"</span><span class="stat-value" data-testid="gan-fake-score">{move || latest().map(|p| fixed(p.fake, 3)).unwrap_or_else(|| "—".into())}</span>
                            <span class="stat-note">"D's belief that forgeries are real"</span></div>
                    </div>
                    <WhereTraining thread lesson="gan" gpu running=running.into()/>
                    <More label="How to read the curves">
                        <p class="muted">"Each point averages 10 iterations. D's loss is the sum of its real and fake losses; at the game's balance D(x) = D(G(z)) = ½ and D's loss is 2 ln 2 = 1.386."
                            {move || (settings.with(|s| s.discriminator_dropout) > 0.0).then_some(" D's numbers come from its training passes, dropout included.")}</p>
                    </More>
                    <Chart label=Signal::derive(move || format!("D and G losses over {} iterations", iterations.get())) testid="gan-losses" aspect=0.42
                        draw=move |area, ratio| draw_losses(area, ratio, &curves.get())/>
                    <Chart label=Signal::derive(move || "Mean D(x) and mean D(G(z))".to_string()) testid="gan-scores" aspect=0.42
                        draw=move |area, ratio| draw_scores(area, ratio, &curves.get())/>
                </Panel>
            </div>
            <super::phases_view::StepThrough report=phase_report next=next_phase last_losses settings ready on_step=Callback::new(move |phase| g.step_phase(phase))/>
            <super::latent_view::LatentSpace run redraw=grid seed=Signal::derive(move || settings.with(|s| s.seed))/>
            <JudgePanel judging verdicts training_seconds ready conditional=Signal::derive(move || settings.with(|s| s.conditional)) on_judge=Callback::new(move |_| g.judge_now())/>
            <SettingsPanel settings on_apply=Callback::new(move |_| g.reset())/>
        </article>
    }
}
