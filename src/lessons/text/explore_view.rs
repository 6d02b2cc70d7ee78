//! "Look into the embedding": the words that pull hardest each way, the nearest neighbours of
//! a chosen word, and a flat map (PCA) of the 300 most frequent words, refreshed at each check.

use crate::ui::chart::Canvas;
use std::sync::Arc;

use leptos::prelude::*;
use crate::ui::More;

use crate::ui::Panel;
use plotters::prelude::*;

use super::explain::word_score;
use super::explore::{extremes, frequent_words, neighbours, pca_2d, Projection, Ranked};
use super::model::Weights;
use crate::ui::{css_colour, Chart};
use crate::data::{ImdbSet, UNKNOWN_ID};
use crate::lessons::shared::numbers::fixed;

const MAP_WORDS: usize = 300;
const MAP_LABELS: usize = 45;

/// The words on the map, where they land, and their scores.
#[derive(Clone, PartialEq)]
struct Map {
    words: Vec<String>,
    projection: Projection,
    scores: Vec<f64>,
}

#[component]
fn RankedList(items: Vec<Ranked>, testid: &'static str, tone: &'static str, digits: usize) -> impl IntoView {
    view! {
        <ol class="text-words" data-testid=testid>
            {items.into_iter().map(|r| view! {
                <li><span class=tone>{r.word}</span><span class="text-share">{fixed(r.value, digits)}</span></li>
            }).collect_view()}
        </ol>
    }
}

#[component]
pub fn Explore(set: RwSignal<Option<Arc<ImdbSet>>>, weights: RwSignal<Option<Arc<Weights>>>) -> impl IntoView {
    let ends = Memo::new(move |_| {
        let (w, s) = (weights.get()?, set.get()?);
        Some(extremes(&w, &s.vocabulary, 12))
    });
    let query = RwSignal::new(String::from("excellent"));
    let near = Memo::new(move |_| {
        let (w, s) = (weights.get()?, set.get()?);
        let typed = query.get();
        let tokens = crate::data::tokenize(&typed);
        Some(match tokens.as_slice() {
            [] => Err("Type one word.".to_string()),
            [word] if s.vocabulary.id(word) == UNKNOWN_ID => Err(format!("\"{word}\" is not among the 20,000 words the model knows.")),
            [word] => {
                let id = s.vocabulary.id(word);
                Ok((word.clone(), word_score(&w, id), neighbours(&w, &s.vocabulary, id, 10)))
            }
            _ => Err("One word at a time: the box holds more than one token.".to_string()),
        })
    });
    let map = Memo::new(move |_| {
        let (w, s) = (weights.get()?, set.get()?);
        let ids = frequent_words(&s.vocabulary, MAP_WORDS);
        let rows: Vec<Vec<f64>> = ids.iter().map(|&id| w.vector(id).iter().map(|&v| v as f64).collect()).collect();
        Some(Map {
            words: ids.iter().map(|&id| s.vocabulary.word(id).to_owned()).collect(),
            projection: pca_2d(&rows),
            scores: ids.iter().map(|&id| word_score(&w, id)).collect(),
        })
    });

    view! {
        <Panel title="Look into the word vectors" testid="text-explore">
            {move || ends.with(|e| e.is_none()).then(|| view! { <p class="muted">"Train the model to see what it learned about words."</p> })}
            <More label="How a word is scored">
                <p class="muted">
                    "A word's score is the logit of a review made of that word alone, minus that of an empty review: how hard the word pulls on its own. "
                    "A review averages its words, so in a review of n words each occurrence adds about score / n: a word scoring 200 adds about 1 to the logit of a 200-word review. "
                    "Words are compared by the cosine of the angle between their vectors (1: same direction, −1: opposite)."
                </p>
            </More>
            {move || weights.with(|w| w.as_ref().is_some_and(|w| w.hidden.is_none())).then(|| view! {
                <p class="notice" data-testid="text-one-direction">
                    <strong>"Why every word lies on one line here: "</strong>
                    "with no hidden layer the logit only depends on v·e(word), so the gradient of the loss with respect to a word's vector always points along v, "
                    "the output weights. Training therefore moves every vector only along v: each ends as its small random start plus a multiple of v. "
                    "Words that matter have cosine near +1 with words that pull the same way and −1 with the rest, and the map below is nearly one line. "
                    "So here \"nearest\" mostly means \"pulls the same way, and strongly\". A hidden layer gives the vectors more room, "
                    "though while the same ReLU units stay on the same argument holds and most cosines stay near ±1."
                </p>
            })}
            <div class="text-explore-grid">
                <div>
                    <h3>"Most positive words"</h3>
                    {move || ends.get().map(|(p, _)| view! { <RankedList items=p testid="text-positive-words" tone="pos-text" digits=3/> })}
                </div>
                <div>
                    <h3>"Most negative words"</h3>
                    {move || ends.get().map(|(_, n)| view! { <RankedList items=n testid="text-negative-words" tone="neg-text" digits=3/> })}
                </div>
                <div>
                    <h3>"Nearest neighbours"</h3>
                    <label class="field">
                        <span class="field-label">"a word"</span>
                        <input type="text" data-testid="text-neighbour-word" prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
                    </label>
                    {move || near.get().map(|n| match n {
                        Ok((word, score, list)) => view! {
                            <p class="muted">{format!("\"{word}\" scores {}. Most similar vectors:", fixed(score, 3))}</p>
                            <RankedList items=list testid="text-neighbours" tone="" digits=5/>
                        }.into_any(),
                        Err(message) => view! { <p class="field-problem" role="status" data-testid="text-neighbour-problem">{message}</p> }.into_any(),
                    })}
                </div>
            </div>
            <h3>"A map of the 300 most frequent words"</h3>
            <More label="How to read the map">
                <p class="muted">
                    {move || map.with(|m| m.as_ref().map(|m| format!(
                        "Each dot is a word's vector, flattened onto the two directions along which these vectors vary most \
                         (principal component analysis: they hold {}% and {}% of the variance). Blue words pull toward positive, orange toward negative; \
                         only the {MAP_LABELS} strongest are labelled. Words the model treats alike land close together.",
                        fixed(100.0 * m.projection.explained[0], 0), fixed(100.0 * m.projection.explained[1], 0)
                    )).unwrap_or_default())}
                </p>
            </More>
            <Chart
                label=Signal::derive(move || "The 300 most frequent words, projected onto two principal components".to_string())
                testid="text-map"
                aspect=0.62
                draw=move |area, ratio| map.with(|m| match m { Some(m) => draw_map(area, ratio, m), None => draw_empty_map(area, ratio) })
            />
        </Panel>
    }
}

/// Before any training there is nothing to project: the box says so instead of staying blank.
fn draw_empty_map(area: DrawingArea<Canvas, plotters::coord::Shift>, ratio: f64) {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let _ = area.fill(&css_colour("--surface-2"));
    let (w, h) = area.dim_in_pixel();
    let style = ("sans-serif", (15.0 * ratio) as u32).into_font().color(&css_colour("--muted")).pos(Pos::new(HPos::Center, VPos::Center));
    let _ = area.draw(&Text::new("The map appears once the model has trained (a few seconds).", (w as i32 / 2, h as i32 / 2), style));
}

fn draw_map(area: DrawingArea<Canvas, plotters::coord::Shift>, ratio: f64, map: &Map) {
    let _ = area.fill(&css_colour("--surface"));
    let points = &map.projection.points;
    if points.is_empty() {
        return;
    }
    let span = |f: fn(&(f64, f64)) -> f64| {
        let (lo, hi) = points.iter().map(f).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        let pad = ((hi - lo) * 0.06).max(1e-6);
        (lo - pad)..(hi + pad)
    };
    let font = (12.0 * ratio) as i32;
    let muted = css_colour("--muted");
    let Ok(mut chart) = ChartBuilder::on(&area)
        .margin((10.0 * ratio) as i32)
        .x_label_area_size((28.0 * ratio) as i32)
        .y_label_area_size((40.0 * ratio) as i32)
        .build_cartesian_2d(span(|p| p.0), span(|p| p.1))
    else {
        return;
    };
    let _ = chart
        .configure_mesh()
        .x_desc("first component")
        .y_desc("second component")
        .disable_mesh()
        .label_style(("sans-serif", font).into_font().color(&muted))
        .axis_desc_style(("sans-serif", font).into_font().color(&css_colour("--text")))
        .axis_style(muted)
        .draw();
    let largest = map.scores.iter().fold(0.0f64, |a, s| a.max(s.abs())).max(1e-9);
    // Blue and vermillion, not green and red: readable with every common colour-vision deficiency.
    let (good, bad) = (css_colour("--positive"), css_colour("--negative"));
    let colour = |score: f64| {
        let base = if score >= 0.0 { good } else { bad };
        base.mix((0.25 + 0.75 * (score.abs() / largest)).min(1.0))
    };
    let _ = chart.draw_series(points.iter().zip(&map.scores).map(|(&p, &s)| Circle::new(p, (3.0 * ratio) as i32, colour(s).filled())));
    let mut strongest: Vec<usize> = (0..points.len()).collect();
    strongest.sort_by(|&a, &b| map.scores[b].abs().total_cmp(&map.scores[a].abs()));
    strongest.truncate(MAP_LABELS);
    let text = css_colour("--text");
    let _ = chart.draw_series(strongest.into_iter().map(|i| {
        Text::new(map.words[i].clone(), points[i], ("sans-serif", font).into_font().color(&text))
    }));
}
