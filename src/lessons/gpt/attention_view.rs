//! What attention looks at: for the text the learner types or picks, every layer × head as a
//! small map (row: the position reading; column: the position it reads from), one head large
//! with the characters on both axes, and what each head mostly does, from its numbers.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::head_steps::habits;
use super::link::DEFAULT_LOOK;
use super::looking::Read;
use super::page::{Looks, TextField};
use crate::ui::chart::{show_rgba, DarkTheme};
use crate::ui::{css_colour, Panel};

/// Texts to pick: one with brackets and spaces, the book's first line, and a repeated word.
const PICKS: &[&str] = &[DEFAULT_LOOK, "Call me Ishmael. Some years ago", "whale, whale, whale"];
/// A habit is named when it takes at least this share of the head's attention (uniform
/// attention over a 20-character text gives each earlier character about 10%).
const HABIT_SHARE: f64 = 0.3;

/// How a character shows on an axis (a space or a newline would be invisible).
pub fn shown(c: char) -> String {
    match c {
        ' ' => "␣".into(),
        '\n' => "↵".into(),
        c => c.to_string(),
    }
}

/// One head's map as pixels: a cell per pair of positions, shaded by the √ of its share;
/// the hidden cells (later positions) left in the surface colour.
fn map_rgba(rows: &[Vec<f32>]) -> (Vec<u8>, u32) {
    let (surface, accent) = (css_colour("--surface"), css_colour("--accent"));
    let n = rows.len().max(1);
    let mix = |a: u8, b: u8, t: f64| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
    let mut rgba = Vec::with_capacity(n * n * 4);
    for i in 0..n {
        for j in 0..n {
            let t = rows.get(i).and_then(|r| r.get(j)).map_or(0.0, |&w| (w as f64).clamp(0.0, 1.0).sqrt());
            rgba.extend([mix(surface.0, accent.0, t), mix(surface.1, accent.1, t), mix(surface.2, accent.2, t), 255]);
        }
    }
    (rgba, n as u32)
}

/// One head's small map, redrawn (not rebuilt) with each new reading and theme.
#[component]
fn Map(read: RwSignal<Option<Arc<Read>>>, layer: usize, head: usize) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let dark = use_context::<DarkTheme>();
    Effect::new(move |_| {
        if let Some(DarkTheme(dark)) = dark {
            dark.track();
        }
        let Some(element) = canvas.get() else { return };
        let rows = read.with(|r| r.as_ref().and_then(|r| r.reader.attention.get(layer)?.get(head).cloned()).unwrap_or_default());
        let (rgba, n) = map_rgba(&rows);
        show_rgba(&element.unchecked_into(), &rgba, n, n);
    });
    view! { <canvas node_ref=canvas class="gpt-map-canvas" role="img" aria-label=format!("Attention of layer {} head {}", layer + 1, head + 1)></canvas> }
}

#[component]
pub fn Attention(looks: Looks, read: RwSignal<Option<Arc<Read>>>, notes: RwSignal<Vec<String>>) -> impl IntoView {
    let Looks { look, layer, head, .. } = looks;
    // The grid changes only with the model's shape: each map keeps its canvas and redraws when
    // a new reading comes (rebuilding 16 charts at every check made 100 ms main-thread tasks).
    let heads = Memo::new(move |_| read.with(|r| r.as_ref().map_or((0, 0), |r| (r.reader.weights.shape.layers, r.reader.weights.shape.heads))));
    let habit_of = move |l: usize, h: usize| {
        read.with(|r| r.as_ref().map(|r| habits(&r.reader.attention[l][h], &r.characters).describe(HABIT_SHARE).unwrap_or_else(|| "spreads its attention: no habit takes 30%".into())))
    };
    view! {
    <Panel title="What attention looks at" intro=concat!(
        "Each small map is one head of one layer on the text below: row i is the character reading, column j the one it reads ",
        "from, darker for a larger share. Nothing is above the diagonal: a position never sees what comes after it (the causal mask). ",
        "Click a map to see it large and to step through it below.",
    )>
        <div class="settings-form">
            <TextField label="text to look at" testid="gpt-look" value=look/>
        </div>
        <div class="button-row gpt-picks">
            <span class="muted">"or pick:"</span>
            {PICKS.iter().map(|&p| view! { <button on:click=move |_| look.set(p.to_string())>{format!("“{p}”")}</button> }).collect_view()}
        </div>
        {move || notes.get().into_iter().map(|n| view! { <p class="notice" role="status" data-testid="gpt-look-note">{n}</p> }).collect_view()}
        {move || read.with(|r| r.as_ref().is_some_and(|r| r.characters.is_empty())).then(|| view! {
            <p class="notice" role="status">"Type a text of at least one of the book's characters to see attention."</p>
        })}
        <div class="gpt-maps" data-testid="gpt-attention-maps" style=move || format!("--heads: {}", heads.get().1.max(1))>
            {move || {
                let (layers, heads) = heads.get();
                (0..layers).flat_map(|l| (0..heads).map(move |h| (l, h))).map(|(l, h)| view! {
                    <button class="gpt-map" class:chosen=move || layer.get() == l && head.get() == h
                        on:click=move |_| { layer.set(l); head.set(h); }>
                        <Map read layer=l head=h/>
                        <span class="gpt-map-name">{format!("layer {} · head {}", l + 1, h + 1)}</span>
                        <span class="gpt-map-habit">{move || habit_of(l, h)}</span>
                    </button>
                }).collect_view()
            }}
        </div>
        <h3>{move || format!("Layer {}, head {}", layer.get() + 1, head.get() + 1)}</h3>
        <p class="muted gpt-axes">"Rows: the character reading. Columns: the character it reads from."</p>
        <div class="gpt-big-wrap">
            <table class="gpt-big" data-testid="gpt-attention-big">
                {move || read.with(|r| r.as_ref().map(|r| {
                    let rows = r.reader.attention.get(layer.get()).and_then(|l| l.get(head.get())).cloned().unwrap_or_default();
                    let chars = r.characters.clone();
                    view! {
                        <thead><tr><th></th>{chars.iter().map(|&c| view! { <th>{shown(c)}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {rows.into_iter().enumerate().map(|(i, row)| view! {
                                <tr>
                                    <th>{shown(chars[i])}</th>
                                    {(0..chars.len()).map(|j| {
                                        let w = row.get(j).copied();
                                        let style = w.map(|w| format!("--w: {:.1}%", 100.0 * (w as f64).sqrt())).unwrap_or_default();
                                        let title = w.map(|w| format!("{} reads {}: {:.1}%", shown(chars[i]), shown(chars[j]), 100.0 * w)).unwrap_or_else(|| "hidden (a later position)".into());
                                        view! { <td class:hidden=w.is_none() style=style title=title></td> }
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    }
                }))}
            </table>
        </div>
        <p class="muted">"Shading uses the square root of each share, so that small shares still show; hover a cell for its number."</p>
    </Panel>
    }
}
