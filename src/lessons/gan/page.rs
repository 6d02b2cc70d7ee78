//! The `/gan` page: download MNIST, then train the GAN live, one phase at a time in short
//! slices so the page stays responsive; the fixed-noise sample grid, the curves, the
//! step-through panel and the judge read what the loop produces.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;

use crate::ui::Panel;

use super::charts::{draw_losses, draw_scores, CurvePoint};
use super::curves::CurveSums;
use super::worker_run::GanPage;
use super::gpu_run::{train_on_gpu, GpuPage};
use super::worker_run::train_judge_alongside;
use crate::ui::gpu_training::{open_gpu, say_gpu_lost, GpuEnded};
use crate::ui::{GpuChoice, Thread, WhereTraining};
use crate::ui::worker_client::{train_in_worker_or_say_why, TrainingWorker};
use super::pictures_view::ImageGrid;
use super::judge::Verdict;
use super::judge_view::{JudgePanel, JudgeState, Judging};
use super::model::{Phase, PhaseReport};
use super::run::{Run, Sets, JUDGE_EVERY};
use super::settings_view::SettingsPanel;
use crate::ui::training::{now, play, Ended, Hooks, SLICE_MILLISECONDS};
use crate::ui::download::{load_mnist, Dataset, DatasetStatus};
use serde_json::json;

use super::Settings;
use crate::ui::share::opening_state;
use crate::ui::training_link::{serve_training, Training, TrainingLink, TrainingLinkBar};
use crate::ui::Chart;
use crate::engine::training::{Driver, Flow, RateMeter, Slice};
use crate::lessons::shared::numbers::fixed;

/// Said to a host that plays or steps before the data is in.
const WAITING: &str = "the digits are still downloading; wait for metrics.ready.";

/// The sample grid is redrawn at most this often.
const GRID_EVERY_MILLISECONDS: f64 = 600.0;
#[component]
pub fn GanPage() -> impl IntoView {
    let data = RwSignal::new(Dataset::Loading { received: 0, expected: None });
    let sets: StoredValue<Option<Rc<Sets>>, LocalStorage> = StoredValue::new_local(None);
    let (opened, link_notes) = opening_state::<Settings>();
    let settings = RwSignal::new(opened);
    let run: StoredValue<Rc<RefCell<Option<Run>>>, LocalStorage> = StoredValue::new_local(Rc::new(RefCell::new(None)));
    let judge: StoredValue<Rc<RefCell<JudgeState>>, LocalStorage> = StoredValue::new_local(Rc::new(RefCell::new(JudgeState::default())));
    let judging = RwSignal::new(Judging::Waiting);
    let running = RwSignal::new(false);
    let iterations = RwSignal::new(0u32);
    let epoch = RwSignal::new(0usize);
    let curves = RwSignal::new(Vec::<CurvePoint>::new());
    let speed = RwSignal::new(0.0f64);
    let training_seconds = RwSignal::new(0.0f64);
    let problem = RwSignal::new(None::<String>);
    let grid = RwSignal::new(Vec::<f32>::new());
    let phase_report = RwSignal::new(None::<PhaseReport>);
    let last_losses = RwSignal::new((None::<f64>, None::<f64>)); // D's last real and fake losses
    // (iteration, seconds, verdict, whether the averaged generator was judged)
    let verdicts = RwSignal::new(Vec::<(u32, f64, Verdict, bool)>::new());
    let averaged = RwSignal::new(true); // show the averaged generator
    let worker: StoredValue<Option<TrainingWorker>, LocalStorage> = StoredValue::new_local(None);
    // Where the GAN trains, and why on the page if not in the worker.
    let thread = RwSignal::new(Thread::Idle);
    let gpu = GpuChoice::new();
    // Bumped by reset: a run from before stops without writing into the new one.
    let generation = StoredValue::new(0u64);
    // The worker is still training (or sending its last report after a pause): a phase stepped
    // on the page now would be overwritten by that report, so stepping waits.
    let busy = RwSignal::new(false);

    let redraw_grid = move || {
        let cell = run.get_value();
        let Ok(guard) = cell.try_borrow() else { return };
        if let Some(r) = guard.as_ref() {
            grid.set(r.draw(&r.grid_noise));
        }
    };

    let judge_now = move || {
        let cell = run.get_value();
        let Ok(guard) = cell.try_borrow() else { return };
        let Some(r) = guard.as_ref() else { return };
        if let Some(verdict) = judge.get_value().borrow().judge(r, &r.judge_noise) {
            verdicts.update(|v| v.push((r.gan.iterations, training_seconds.get_untracked(), verdict, r.averaged)));
        }
    };

    let ensure_run = move || {
        let cell = run.get_value();
        if cell.borrow().is_none() {
            *cell.borrow_mut() = Some(Run::new(settings.get_untracked()));
        }
        if let Some(r) = cell.borrow_mut().as_mut() {
            r.averaged = averaged.get_untracked();
        };
    };

    let reset = move || {
        running.set(false);
        generation.update_value(|g| *g += 1);
        run.get_value().borrow_mut().take();
        gpu.lost.set(None); // the notice was about the run just reset; the header keeps saying it
        curves.set(Vec::new());
        verdicts.set(Vec::new());
        iterations.set(0);
        epoch.set(0);
        speed.set(0.0);
        training_seconds.set(0.0);
        problem.set(None);
        phase_report.set(None);
        last_losses.set((None, None));
        grid.set(Vec::new());
        ensure_run();
        redraw_grid();
    };

    let start_loading = move || {
        wasm_bindgen_futures::spawn_local(async move {
            if let Some((train, test)) = load_mnist(data).await {
                let loaded = Rc::new(Sets { train, test });
                sets.set_value(Some(loaded.clone()));
                judge.get_value().borrow_mut().start(&loaded.test, judging);
                reset(); // a fresh run, so the grid shows G's untrained static at once
            }
        });
    };
    start_loading();

    let stop_for = move |loss: f64, phase: Phase, iteration: u32| {
        running.set(false);
        let who = if phase == Phase::Generator { "generator" } else { "discriminator" };
        problem.set(Some(format!(
            "The {who}'s loss became {} at iteration {iteration}: the weights blew up (a learning rate too large does this). \
             Training has stopped and the curves so far are kept. Pick the known-good preset or lower the learning rates, then start over.",
            fixed(loss, 3)
        )));
    };

    let train_loop = move || {
        wasm_bindgen_futures::spawn_local(async move {
            let Some(sets) = sets.get_value() else { return };
            ensure_run();
            let cell = run.get_value();
            // In the background worker; if it cannot start or it fails, on this page's thread
            // from the mirror's last snapshot, and the page says why.
            let started = generation.get_value();
            let current = move || generation.get_value() == started;
            let keep_going = move || running.get_untracked();
            let mut last_grid = now();
            let mut last_report = now();
            // What the page shows of each report, wherever the GAN trains.
            let mut show = |points: Vec<CurvePoint>, done: u32, epochs: usize, rate: f64, judge_due: bool| {
                curves.update(|c| c.extend(points));
                iterations.set(done);
                epoch.set(epochs);
                speed.set(rate);
                training_seconds.update(|t| *t += (now() - last_report) / 1000.0);
                last_report = now();
                if judge_due || judge.get_value().borrow().just_became_ready() {
                    judge_now();
                }
                if now() - last_grid > GRID_EVERY_MILLISECONDS {
                    redraw_grid();
                    last_grid = now();
                }
            };
            // Back to the mirror's run (the last whole copy of a run that stopped elsewhere).
            let rewind = || {
                let done = cell.borrow().as_ref().map_or(0, |r| r.gan.iterations);
                iterations.set(done);
                curves.update(|c| c.retain(|p| p.iteration <= done));
                done
            };
            busy.set(true);
            // On the GPU when it is offered and chosen; if it is lost, on in the worker from the
            // mirror's last copy.
            if let Some(adapter) = gpu.chosen_now() {
                match open_gpu(gpu.device).await {
                    Ok(backend) => {
                        thread.set(Thread::Gpu(adapter));
                        train_judge_alongside(&sets, judge.get_value(), judging, current, keep_going);
                        let page = GpuPage {
                            current,
                            running: keep_going,
                            on_slice: |points, done, epochs, rate| show(points, done, epochs, rate, false),
                            on_copy: |judge_due| {
                                if judge_due {
                                    judge_now();
                                }
                                redraw_grid();
                            },
                            on_diverged: stop_for,
                        };
                        match train_on_gpu(&sets, &cell, &backend, page).await {
                            GpuEnded::Lost { step, reason } => gpu.lost.set(Some(say_gpu_lost("iteration", step, rewind(), &reason))),
                            GpuEnded::Stopped | GpuEnded::Diverged => {
                                busy.set(false);
                                redraw_grid();
                                return;
                            }
                        }
                    }
                    Err(error) => gpu.lost.set(Some(format!("The GPU could not be opened ({error}), so the GAN trains on the CPU."))),
                }
                if !keep_going() || !current() {
                    busy.set(false);
                    return;
                }
            }
            thread.set(Thread::Worker(None));
            let page = GanPage {
                current,
                running: keep_going,
                on_report: |points: Vec<CurvePoint>, done: u32, epochs: usize, rate: f64, judge_due: bool, threads: u32| {
                    Thread::report(thread, threads);
                    show(points, done, epochs, rate, judge_due);
                },
                on_diverged: |step: u32, loss: f64, who: &str| {
                    stop_for(loss, if who == "generator" { Phase::Generator } else { Phase::DiscriminatorOnReal }, step);
                },
            };
            let fell_back = train_in_worker_or_say_why(
                worker,
                |w| {
                    let (sets, cell) = (sets.clone(), cell.clone());
                    async move { super::worker_run::train_in_worker(&sets, &cell, &w, judge.get_value(), judging, page).await }
                },
                || format!("iteration {}", rewind()),
            )
            .await;
            busy.set(false);
            let Some(why) = fell_back else {
                redraw_grid();
                return;
            };
            thread.set(Thread::Page(Some(why)));
            if !running.get_untracked() || !current() {
                return;
            }
            let mut sums = CurveSums::default();
            let mut last_grid = now();
            let judge_due = Cell::new(false);
            let last_phase = Cell::new(Phase::DiscriminatorOnReal);
            // Speed counts the GAN's own phases only (the driver times its steps, not the
            // background classifier or the judge), averaged since Train was pressed.
            let mut driver = Driver::new(SLICE_MILLISECONDS);
            let hooks = Hooks {
                before_slice: || {},
                after_step: |r: &mut Run, report: &PhaseReport| {
                    judge.get_value().borrow_mut().train_a_little(&sets, judging);
                    last_phase.set(report.phase);
                    if let Some(point) = sums.add(report, r.gan.iterations) {
                        curves.update(|c| c.push(point));
                    }
                    if report.phase == Phase::Generator && r.gan.iterations.is_multiple_of(JUDGE_EVERY) {
                        judge_due.set(true);
                    }
                    Flow::end_if(judge_due.get())
                },
                after_slice: |slice: &Slice, rate: &RateMeter| {
                    if let Some(r) = cell.borrow().as_ref() {
                        iterations.set(r.gan.iterations);
                        epoch.set(r.gan.epoch());
                    }
                    training_seconds.update(|t| *t += slice.milliseconds / 1000.0);
                    speed.set(rate.overall());
                    if judge_due.replace(false) || judge.get_value().borrow().just_became_ready() {
                        judge_now();
                    }
                    if now() - last_grid > GRID_EVERY_MILLISECONDS {
                        redraw_grid();
                        last_grid = now();
                    }
                },
            };
            if let Ended::Diverged(d) = play(&cell, &sets.train, &mut driver, move || running.get_untracked(), hooks).await {
                stop_for(d.loss, last_phase.get(), d.step);
            }
            redraw_grid();
        });
    };

    let toggle = move |_| {
        if running.get_untracked() {
            running.set(false);
        } else {
            problem.set(None);
            running.set(true);
            train_loop();
        }
    };

    // One phase on its own, from the step-through panel (training pauses first).
    let step_phase = move |phase: Phase| {
        running.set(false);
        if busy.get_untracked() {
            return; // the worker's last report is on its way; press again once it is in
        }
        let Some(sets) = sets.get_value() else { return };
        ensure_run();
        let cell = run.get_value();
        let Ok(mut guard) = cell.try_borrow_mut() else { return };
        let Some(r) = guard.as_mut() else { return };
        let report = r.gan.run_phase(phase, &sets.train);
        iterations.set(r.gan.iterations);
        epoch.set(r.gan.epoch());
        match phase {
            Phase::DiscriminatorOnReal => last_losses.update(|l| l.0 = Some(report.loss)),
            Phase::DiscriminatorOnFake => last_losses.update(|l| l.1 = Some(report.loss)),
            Phase::Generator => {}
        }
        if !report.loss.is_finite() {
            stop_for(report.loss, phase, r.gan.iterations);
        }
        drop(guard);
        phase_report.set(Some(report));
        redraw_grid();
    };

    let next_phase = Signal::derive(move || {
        iterations.track();
        phase_report.track();
        run.get_value().try_borrow().ok().and_then(|g| g.as_ref().map(|r| r.gan.next_phase)).unwrap_or(Phase::DiscriminatorOnReal)
    });
    let ready = Signal::derive(move || data.get() == Dataset::Ready);
    let latest = move || curves.with(|c| c.last().copied());
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
                reset: Callback::new(move |_| reset()),
                train: Callback::new(move |_| {
                    problem.set(None);
                    running.set(true);
                    train_loop();
                }),
                step: Ok(Callback::new(move |_| step_phase(next_phase.get_untracked()))),
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
        <article class="lesson gan" data-testid="lesson-gan">
            <p class="kicker">"Lesson"</p>
            <h1>"Two networks play a game: one forges digits, one catches forgeries"</h1>
            <p class="lede">
                "The " <strong>"generator"</strong> " G turns 100 random numbers into a 28 × 28 image. The "
                <strong>"discriminator"</strong> " D looks at an image and says how likely it is to be a real handwritten digit. "
                "D learns from real MNIST digits and from G's forgeries; G learns only from D's verdicts. Press "
                <strong>"Train"</strong> " and watch the same 64 noise vectors turn from static into digits, in your browser."
            </p>
            <TrainingLinkBar query notes=link_notes widget="gan-trainer"
                holds="A link holds the settings and seed, not the trained networks: whoever opens it trains from the same start."/>
            <DatasetStatus data what="digits" testid="gan" on_retry=Callback::new(move |_| start_loading())/>
            <div class="gan-top">
                <Panel title="What G draws" class="gan-samples" intro="The same 64 noise vectors, redrawn as G learns: each square keeps its noise, so you see one forgery sharpen in place.">
                    <ImageGrid images=grid columns=8 testid="gan-grid" label="Sixty-four images drawn by the generator"/>
                    <super::pictures_view::AveragedChoice averaged settings on_change=Callback::new(move |_| { ensure_run(); redraw_grid(); judge_now(); })/>
                    <div class="button-row">
                        <button class="primary" data-testid="gan-train" disabled=move || !ready.get() || (busy.get() && !running.get()) on:click=toggle>
                            {move || if running.get() { "Pause" } else if iterations.get() > 0 { "Resume" } else { "Train" }}
                        </button>
                        <button data-testid="gan-reset" on:click=move |_| reset() disabled=move || !ready.get()>"Reset"</button>
                    </div>
                    {move || problem.get().map(|p| view! { <p class="notice" role="alert" data-testid="gan-problem">{p}</p> })}
                </Panel>
                <Panel title="Progress" class="gan-progress">
                    <div class="stat-row">
                        <div class="stat"><span class="stat-label">"iterations"</span><span class="stat-value" data-testid="gan-iterations">{move || iterations.get()}</span>
                            <span class="stat-note">{move || format!("epoch {} of the 60,000 digits", epoch.get() + 1)}</span></div>
                        <div class="stat"><span class="stat-label">"iterations per second"</span><span class="stat-value" data-testid="gan-speed">{move || fixed(speed.get(), 1)}</span>
                            <span class="stat-note">"3 phases each; the two networks only"</span></div>
                        <div class="stat"><span class="stat-label">"training time"</span><span class="stat-value" data-testid="gan-time">{move || format!("{} s", fixed(training_seconds.get(), 0))}</span></div>
                        <div class="stat"><span class="stat-label">"mean D(x)"</span><span class="stat-value" data-testid="gan-real-score">{move || latest().map(|p| fixed(p.real, 3)).unwrap_or_else(|| "—".into())}</span>
                            <span class="stat-note">"D's belief that real digits are real"</span></div>
                        <div class="stat"><span class="stat-label">"mean D(G(z))"</span><span class="stat-value" data-testid="gan-fake-score">{move || latest().map(|p| fixed(p.fake, 3)).unwrap_or_else(|| "—".into())}</span>
                            <span class="stat-note">"D's belief that forgeries are real"</span></div>
                    </div>
                    <WhereTraining thread lesson="gan" gpu running=running.into()/>
                    <p class="muted">"Each point averages 10 iterations. D's loss is the sum of its real and fake losses; at the game's balance D(x) = D(G(z)) = ½ and D's loss is 2 ln 2 = 1.386."
                        {move || (settings.with(|s| s.discriminator_dropout) > 0.0).then_some(" D's numbers come from its training passes, dropout included.")}</p>
                    <Chart label=Signal::derive(move || format!("D and G losses over {} iterations", iterations.get())) testid="gan-losses" aspect=0.42
                        draw=move |area, ratio| draw_losses(area, ratio, &curves.get())/>
                    <Chart label=Signal::derive(move || "Mean D(x) and mean D(G(z))".to_string()) testid="gan-scores" aspect=0.42
                        draw=move |area, ratio| draw_scores(area, ratio, &curves.get())/>
                </Panel>
            </div>
            <super::phases_view::StepThrough report=phase_report next=next_phase last_losses settings ready on_step=Callback::new(step_phase)/>
            <super::latent_view::LatentSpace run redraw=grid seed=Signal::derive(move || settings.with(|s| s.seed))/>
            <JudgePanel judging verdicts training_seconds ready on_judge=Callback::new(move |_| judge_now())/>
            <SettingsPanel settings on_apply=Callback::new(move |_| reset())/>
            <Panel title="Coming to this page">
                <p class="notice" data-testid="gan-not-built">
                    <strong>"Not built yet: "</strong>
                    "a conditional GAN, where you pick the digit G draws."
                </p>
            </Panel>
        </article>
    }
}
