//! "Step through one image": a test digit x through the VAE as it is now, with every number:
//! μ and σ from the encoder, ε, z = μ + σ·ε, the decoder's x̂, and both terms of the loss with
//! their formulas. Each coordinate's KL links to the Information lesson with its μ and σ.

use leptos::prelude::*;

use super::lesson::VaeLesson;
use super::map_view::Digits;
use super::step::{epsilon, information_link, Explained};
use crate::engine::poll::now_or_never;
use crate::lessons::shared::numbers::fixed;
use crate::ui::Panel;

/// Coordinates listed one by one (a 32-dimensional code shows its first ones and a total).
const SHOWN: usize = 4;

/// The image and what the VAE makes of it now.
#[derive(Clone, PartialEq)]
struct Shown {
    x: Vec<f32>,
    label: u8,
    explained: Explained,
    beta: f64,
}

fn explain(lesson: VaeLesson, image: usize, draw: u64) -> Option<Shown> {
    let sets = lesson.sets.try_get_value()??;
    let image = image.min(sets.test.count.saturating_sub(1));
    let cell = lesson.run.try_get_value()?;
    let mut guard = cell.try_borrow_mut().ok()?;
    let vae = guard.as_mut()?;
    let (latent, seed, beta) = (vae.settings.latent, vae.settings.seed, vae.settings.beta as f64);
    let (mean, log_variance) = now_or_never(vae.encode_images(&sets.test, &[image]))?;
    let eps = epsilon(seed, image, draw, latent);
    let sigma: Vec<f64> = log_variance.iter().map(|&v| (0.5 * v as f64).exp()).collect();
    let z: Vec<f32> = Explained::z_of(&mean.iter().map(|&m| m as f64).collect::<Vec<_>>(), &sigma, &eps).iter().map(|&z| z as f32).collect();
    let logits = now_or_never(vae.logits(&z))?;
    let x = sets.test.image_f32(image);
    let explained = Explained::new(&x, &mean, &log_variance, &eps, &logits);
    Some(Shown { x, label: sets.test.label(image), explained, beta })
}

fn signed(v: f64, digits: usize) -> String {
    if v < 0.0 { format!("(−{})", fixed(-v, digits)) } else { fixed(v, digits) }
}

#[component]
pub fn StepThrough(lesson: VaeLesson) -> impl IntoView {
    let image = RwSignal::new(0usize);
    let draw = RwSignal::new(0u64);
    let shown = Memo::new(move |_| {
        lesson.version.track();
        lesson.ready.track();
        explain(lesson, image.get(), draw.get())
    });
    let view_of = move |s: Shown| {
        let e = &s.explained;
        let n = e.mean.len();
        let rows = (0..n.min(SHOWN))
            .map(|j| {
                let (m, sd, eps, z, kl) = (e.mean[j], e.sigma[j], e.epsilon[j], e.z[j], e.kl_parts[j]);
                view! {
                    <tr data-testid="vae-step-row">
                        <td>{format!("z{}", subscript(j + 1))}</td>
                        <td data-testid="vae-step-mu" data-value=m.to_string()>{fixed(m, 3)}</td>
                        <td data-testid="vae-step-sigma" data-value=sd.to_string()>{fixed(sd, 3)}</td>
                        <td>{fixed(eps, 3)}</td>
                        <td>{format!("{} + {} × {} = {}", fixed(m, 3), fixed(sd, 3), signed(eps, 3), fixed(z, 3))}</td>
                        <td data-testid="vae-step-kl-part" data-value=kl.to_string()>
                            {fixed(kl, 3)} " "
                            <a href=information_link(m, sd) data-testid="vae-step-information">"see it"</a>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        let more = (n > SHOWN).then(|| view! { <tr><td colspan="6" class="muted">{format!("… and {} more coordinates, all in the KL term below", n - SHOWN)}</td></tr> });
        let (kl, rec) = (e.kl(), e.reconstruction);
        view! {
            <div class="vae-step-flow">
                <figure><Digits images=Signal::stored(s.x.clone()) columns=1 testid="vae-step-x" class="vae-step-image" label="The test digit x"/><figcaption>{format!("x, a test {}", s.label)}</figcaption></figure>
                <span class="vae-step-arrow" aria-hidden="true">"→ encoder → z →"</span>
                <figure><Digits images=Signal::stored(e.pixels.clone()) columns=1 testid="vae-step-xhat" class="vae-step-image" label="The decoder's redrawing x̂"/><figcaption>"x̂, the decoder's redrawing"</figcaption></figure>
            </div>
            <div class="table-scroll">
                <table class="vae-step-table" data-testid="vae-step-table">
                    <thead><tr><th>""</th><th>"μ"</th><th>"σ"</th><th>"ε ~ N(0, 1)"</th><th>"z = μ + σ·ε"</th><th>"KL, ½(μ² + σ² − log σ² − 1)"</th></tr></thead>
                    <tbody>{rows}{more}</tbody>
                </table>
            </div>
            <p class="vae-step-term">
                "Reconstruction: −Σ over the 784 pixels of [x log x̂ + (1 − x) log(1 − x̂)] = "
                <strong data-testid="vae-step-reconstruction" data-value=rec.to_string()>{fixed(rec, 2)}</strong>" nats"
            </p>
            <p class="vae-step-term">
                "KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² − log σ² − 1) = "
                <strong data-testid="vae-step-kl" data-value=kl.to_string()>{fixed(kl, 3)}</strong>" nats"
            </p>
            <p class="vae-step-term">
                {format!("This image's loss: reconstruction + β × KL = {} + {} × {} = ", fixed(rec, 2), s.beta, fixed(kl, 3))}
                <strong data-testid="vae-step-loss">{fixed(e.loss(s.beta), 2)}</strong>" nats"
            </p>
        }
    };
    view! {
        <Panel title="Step through one image" class="vae-step" testid="vae-step"
            intro="One test digit through the VAE as it is right now, with every number on the way. The noise ε is what makes it a variational autoencoder: z is drawn from the cloud, not taken from its centre, so the decoder must work for every point near μ.">
            <div class="button-row">
                <label class="field">
                    <span class="field-label">"test digit number (0–9,999)"</span>
                    <input type="number" min="0" max="9999" data-testid="vae-step-index" prop:value=move || image.get().to_string()
                        on:change=move |ev| image.set(event_target_value(&ev).trim().parse::<usize>().unwrap_or(0).min(9999))/>
                </label>
                <button data-testid="vae-step-next" on:click=move |_| image.update(|i| *i = (*i + 1) % 10_000)>"Next digit"</button>
                <button data-testid="vae-step-redraw" on:click=move |_| draw.update(|d| *d += 1)>"Draw another ε"</button>
            </div>
            {move || match shown.get() {
                Some(s) => view_of(s).into_any(),
                None => view! { <p class="muted">"Once the digits have downloaded, this shows the first test digit's pass."</p> }.into_any(),
            }}
        </Panel>
    }
}

/// 12 → "₁₂".
fn subscript(n: usize) -> String {
    n.to_string().chars().map(|c| char::from_u32(0x2080 + c.to_digit(10).unwrap_or(0)).unwrap_or(c)).collect()
}
