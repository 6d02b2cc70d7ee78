//! `/embed/attention`: the attention maps and one head stepped through, alone, for a blog post.
//! The widget trains its small model at load (see `attention_link.rs`) in the worker or on the
//! GPU, as the lesson does, and stops after [`WIDGET_STEPS`]; the learner can ask for more.
//! A host page drives it with the host API: `set` the text, layer or head, `play` for more
//! steps, `pause`, `reset`; the metrics carry the chosen head's attention weights.

use leptos::prelude::*;
use serde_json::json;

use super::attention_link::{widget_settings, AttentionLink, WIDGET_STEPS};
use super::page::Looks;
use super::run::Run;
use crate::lessons::shared::numbers::{fixed, grouped};
use crate::lessons::shared::url_state::LinkState;
use crate::ui::download::{Dataset, DatasetStatus};
use crate::ui::host_api::{serve_host, Command};
use crate::ui::share::{follow_keys_in_address, opening_state, LinkNotes};
use crate::ui::Panel;

#[component]
pub fn AttentionWidget() -> impl IntoView {
    let data = RwSignal::new(Dataset::Loading { received: 0, expected: None });
    let book = RwSignal::new(None);
    let (opened, link_notes) = opening_state::<AttentionLink>();
    let settings = RwSignal::new(widget_settings());
    let looks = Looks {
        prompt: RwSignal::new(String::new()),
        temperature: RwSignal::new(0.0),
        top_k: RwSignal::new(0),
        sample_seed: RwSignal::new(0),
        look: RwSignal::new(opened.look),
        layer: RwSignal::new(opened.layer),
        head: RwSignal::new(opened.head),
    };
    let run = Run::new(book, settings);
    let Run { running, steps, problem, validation_points, .. } = run;
    // Training goes on until this step, then pauses by itself.
    let until = RwSignal::new(WIDGET_STEPS);
    let start_loading = move || run.load_book(data, |_| (), move || run.train());
    start_loading();
    Effect::new(move |_| {
        if steps.get() >= until.get() && running.get_untracked() {
            running.set(false);
        }
    });
    let more = move || {
        if !running.get_untracked() {
            until.set(steps.get_untracked() + WIDGET_STEPS);
            run.train();
        }
    };

    let (read, look_notes) = super::looking::follow(run, looks);
    let query = Signal::derive(move || AttentionLink { look: looks.look.get(), layer: looks.layer.get(), head: looks.head.get() }.to_query());
    follow_keys_in_address(None, query);
    let apply = move |link: AttentionLink| {
        looks.look.set(link.look);
        looks.layer.set(link.layer);
        looks.head.set(link.head);
    };
    serve_host(
        "attention",
        query,
        move |command| match command {
            Command::Set(q) => {
                let (link, notes) = AttentionLink::from_query(&q);
                apply(link);
                notes
            }
            Command::Reset => {
                apply(AttentionLink::default());
                Vec::new()
            }
            Command::Play => {
                more();
                Vec::new()
            }
            Command::Pause => {
                running.set(false);
                Vec::new()
            }
            Command::Step => vec!["the attention widget trains in slices: use play and pause.".into()],
        },
        move || {
            let chosen = read.with(|r| r.as_ref().and_then(|r| r.reader.attention.get(looks.layer.get())?.get(looks.head.get()).cloned()));
            json!({
                "steps": steps.get(),
                "training": running.get(),
                "validation_loss": validation_points.with(|p| p.last().map(|p| p.1)),
                "characters": read.with(|r| r.as_ref().map(|r| r.characters.iter().collect::<String>())),
                "attention": chosen,
            })
        },
    );

    let progress = move || {
        let loss = validation_points.with(|p| p.last().map(|&(at, loss)| format!(" · validation loss {} nats per character at step {at}", fixed(loss, 3))));
        let at = grouped(steps.get() as u64);
        let loss = loss.unwrap_or_default();
        if running.get() {
            format!("Training: step {at} of {}{loss}.", grouped(until.get() as u64))
        } else {
            format!("Trained {at} steps{loss}.")
        }
    };
    view! {
        <LinkNotes notes=link_notes/>
        <DatasetStatus data what="book" testid="gpt" on_retry=Callback::new(move |_| start_loading())/>
        <Panel title="A tiny GPT, trained as you watch">
            <p>
                "This widget trains a small GPT (2 layers × 4 attention heads, 64 numbers wide, reading 32 characters at a time) on "
                "Moby-Dick, here in your browser, for " {WIDGET_STEPS} " steps: nothing pre-trained. Below is what its attention looks at; "
                "the maps and the numbers change as it learns."
            </p>
            <p class="gpt-widget-progress" data-testid="gpt-widget-progress">{progress}</p>
            <div class="button-row">
                <button class="primary" data-testid="gpt-train-more" disabled=move || data.get() != Dataset::Ready
                    on:click=move |_| if running.get_untracked() { running.set(false) } else { more() }>
                    {move || if running.get() { "Pause".to_string() } else { format!("Train {WIDGET_STEPS} more steps") }}
                </button>
            </div>
            <crate::ui::WhereTraining thread=run.thread lesson="gpt" gpu=run.gpu running=running.into()/>
            {move || problem.get().map(|p| view! { <p class="notice" role="alert" data-testid="gpt-problem">{p}</p> })}
        </Panel>
        <super::attention_view::Attention looks read notes=look_notes/>
        <super::steps_view::StepThrough looks read/>
    }
}
