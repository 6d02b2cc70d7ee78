//! The settings: "break it" presets, the generator's loss, learning rates, batch size and seed.
//! Applying starts a new run.

use leptos::prelude::*;
use crate::ui::More;

use crate::ui::Panel;

use super::{DiscriminatorSteps, GeneratorLoss, Settings, PRESETS};

/// The form's text, parsed only on Apply so a half-typed number is not an error yet.
#[derive(Clone, PartialEq)]
struct Form {
    generator_rate: String,
    discriminator_rate: String,
    batch: String,
    real_label: String,
    average_decay: String,
    pack: String,
    dropout: String,
    spread: bool,
    conditional: bool,
    seed: String,
    loss: GeneratorLoss,
    steps: DiscriminatorSteps,
}

impl Form {
    fn from(s: &Settings) -> Form {
        Form {
            generator_rate: s.generator_learning_rate.to_string(),
            discriminator_rate: s.discriminator_learning_rate.to_string(),
            batch: s.batch_size.to_string(),
            real_label: s.real_label.to_string(),
            average_decay: s.average_decay.to_string(),
            pack: s.pack.to_string(),
            dropout: s.discriminator_dropout.to_string(),
            spread: s.minibatch_spread,
            conditional: s.conditional,
            seed: s.seed.to_string(),
            loss: s.generator_loss,
            steps: s.discriminator_steps,
        }
    }

    fn parse(&self, base: &Settings) -> Result<Settings, String> {
        let rate = |text: &str, who: &str| text.trim().parse::<f32>().map_err(|_| format!("“{text}” is not a number ({who}'s learning rate)"));
        let settings = Settings {
            generator_learning_rate: rate(&self.generator_rate, "G")?,
            discriminator_learning_rate: rate(&self.discriminator_rate, "D")?,
            batch_size: self.batch.trim().parse().map_err(|_| format!("“{}” is not a whole number of images", self.batch))?,
            real_label: self.real_label.trim().parse().map_err(|_| format!("“{}” is not a number (the label for real digits)", self.real_label))?,
            average_decay: self.average_decay.trim().parse().map_err(|_| format!("“{}” is not a number (the averaging decay)", self.average_decay))?,
            pack: self.pack.trim().parse().map_err(|_| format!("“{}” is not a whole number of images (D's pack)", self.pack))?,
            discriminator_dropout: self.dropout.trim().parse().map_err(|_| format!("“{}” is not a number (D's dropout)", self.dropout))?,
            seed: self.seed.trim().parse().map_err(|_| format!("“{}” is not a seed (a whole number from 0)", self.seed))?,
            minibatch_spread: self.spread,
            conditional: self.conditional,
            generator_loss: self.loss,
            discriminator_steps: self.steps,
            ..base.clone()
        };
        settings.check()?;
        Ok(settings)
    }
}

#[component]
pub fn SettingsPanel(settings: RwSignal<Settings>, on_apply: Callback<()>) -> impl IntoView {
    let form = RwSignal::new(Form::from(&settings.get_untracked()));
    // Settings set from outside (a link, a host page's `set`) show in the form too.
    Effect::new(move |_| form.set(Form::from(&settings.get())));
    let problem = RwSignal::new(None::<String>);
    // The preset these settings are (a link may open one), else the first.
    let chosen = RwSignal::new(settings.with_untracked(|s| PRESETS.iter().position(|p| (p.apply)(s) == *s).unwrap_or(0)));
    // Settings that become a preset from elsewhere (the grid's "make it conditional") mark it.
    Effect::new(move |_| {
        if let Some(i) = settings.with(|s| PRESETS.iter().position(|p| (p.apply)(s) == *s)) {
            chosen.set(i);
        }
    });
    let apply_settings = move |new: Settings| {
        form.set(Form::from(&new));
        settings.set(new);
        problem.set(None);
        on_apply.run(());
    };
    let apply = move |_| match form.get_untracked().parse(&settings.get_untracked()) {
        Ok(new) => apply_settings(new),
        Err(p) => problem.set(Some(p)),
    };
    let text = move |label: &'static str, testid: &'static str, get: fn(&Form) -> String, set: fn(&mut Form, String)| view! {
        <label class="field">
            <span class="field-label">{label}</span>
            <input type="text" data-testid=testid prop:value=move || form.with(get) on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))/>
        </label>
    };
    view! {
        <Panel title="Settings, and breaking it on purpose" class="gan-settings" testid="gan-settings" intro=concat!(
            "G: 100 → 256 → 512 → 784 (tanh), D: 784 → 512 → 256 → 1, leaky ReLU (0.2) between layers, binary cross-entropy ",
            "on D's logit, Adam with β₁ = 0.5. While D trains, 30% of its hidden units are switched off at random in each pass ",
            "(dropout), and D's last layer also sees how much its batch varies (the spread, below): measured here, dropout made G's digits ",
            "clearer sooner, and the spread made G draw all ten digits instead of mostly 1s. Each preset below starts a new run; read what to watch for, then press Train.",
        )>
            <More label="The stabilisers, one by one">
                <p class="muted">
                    "Five well-known stabilisers are settings too. D's label for real digits: 0.9 instead of 1 is one-sided label smoothing, "
                    "so D never grows fully sure of real digits. The averaging decay: how slowly the averaged generator follows G (0 turns it off). "
                    "Images D judges together: with 2 or more (PacGAN), D sees several images as one input, and a G that draws the same few digits "
                    "makes packs that look alike, which D learns to spot. D's dropout: the share of D's hidden units switched off at random in each "
                    "of its training passes, so D cannot lean on a few pixels. D sees its batch's spread: D's last layer also gets one more number, "
                    "how much the batch's images differ from each other (the variance of D's features across the batch); a G that draws "
                    "mostly one kind of digit makes batches that vary too little, and D catches it by that."
                </p>
            </More>
            <Show when=move || settings.with(|s| s.conditional)>
                <p class="muted" data-testid="gan-conditional-note">
                    "Conditional: G's input is the 100 noise numbers and ten more, the digit as a one-hot (a 1 in the digit's place, 0 elsewhere), "
                    "so G's first layer has 110 inputs. D's first layer gets the one-hot of each image's digit too (real digits their own label, "
                    "forgeries the digit G was asked for), and D's last layer adds one learnt number per digit and feature "
                    "(a projection discriminator, Miyato and Koyama 2018): D can then catch a well-drawn 7 that was asked to be a 3. "
                    "Forgeries are asked for digits drawn at random, each equally often."
                </p>
            </Show>
            <div class="button-row">
                {PRESETS.iter().enumerate().map(|(i, preset)| view! {
                    <button data-testid=format!("gan-preset-{i}") class:primary=move || chosen.get() == i
                        on:click=move |_| { chosen.set(i); apply_settings((preset.apply)(&settings.get_untracked())); }>{preset.name}</button>
                }).collect_view()}
            </div>
            <p class="gan-watch" data-testid="gan-watch-for"><strong>"Watch for: "</strong>{move || PRESETS[chosen.get()].watch_for}</p>
            <div class="settings-form">
                <label class="field">
                    <span class="field-label">"generator loss"</span>
                    <select data-testid="gan-loss" on:change=move |ev| form.update(|f| f.loss = if event_target_value(&ev) == "minimax" { GeneratorLoss::Minimax } else { GeneratorLoss::NonSaturating })>
                        <option value="non-saturating" selected=move || form.with(|f| f.loss == GeneratorLoss::NonSaturating)>"non-saturating: −E[log D(G(z))]"</option>
                        <option value="minimax" selected=move || form.with(|f| f.loss == GeneratorLoss::Minimax)>"minimax: E[log(1 − D(G(z)))]"</option>
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">"D's Adam steps"</span>
                    <select data-testid="gan-d-steps" on:change=move |ev| form.update(|f| f.steps = if event_target_value(&ev) == "per-batch" { DiscriminatorSteps::OnePerBatch } else { DiscriminatorSteps::OneForBoth })>
                        <option value="one-for-both" selected=move || form.with(|f| f.steps == DiscriminatorSteps::OneForBoth)>"one step for real + fake"</option>
                        <option value="per-batch" selected=move || form.with(|f| f.steps == DiscriminatorSteps::OnePerBatch)>"one step after each batch"</option>
                    </select>
                </label>
                {text("G's learning rate", "gan-g-rate", |f| f.generator_rate.clone(), |f, v| f.generator_rate = v)}
                {text("D's learning rate", "gan-d-rate", |f| f.discriminator_rate.clone(), |f, v| f.discriminator_rate = v)}
                {text("batch size", "gan-batch", |f| f.batch.clone(), |f, v| f.batch = v)}
                {text("D's label for real digits", "gan-real-label", |f| f.real_label.clone(), |f, v| f.real_label = v)}
                {text("averaging decay (0 = off)", "gan-average-decay", |f| f.average_decay.clone(), |f, v| f.average_decay = v)}
                {text("images D judges together", "gan-pack", |f| f.pack.clone(), |f, v| f.pack = v)}
                {text("D's dropout", "gan-dropout", |f| f.dropout.clone(), |f, v| f.dropout = v)}
                <label class="field field-check">
                    <input type="checkbox" data-testid="gan-spread" prop:checked=move || form.with(|f| f.spread)
                        on:change=move |ev| form.update(|f| f.spread = event_target_checked(&ev))/>
                    <span class="field-label">"D sees its batch's spread"</span>
                </label>
                <label class="field field-check">
                    <input type="checkbox" data-testid="gan-conditional" prop:checked=move || form.with(|f| f.conditional)
                        on:change=move |ev| form.update(|f| f.conditional = event_target_checked(&ev))/>
                    <span class="field-label">"G and D see the digit (conditional)"</span>
                </label>
                {text("seed", "gan-seed", |f| f.seed.clone(), |f, v| f.seed = v)}
                <div class="field field-action">
                    <button class="primary" data-testid="gan-apply" on:click=apply>"Apply and start over"</button>
                </div>
            </div>
            {move || problem.get().map(|p| view! { <p class="notice" role="alert" data-testid="gan-settings-problem">{p}</p> })}
        </Panel>
    }
}
