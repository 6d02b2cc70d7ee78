//! The GPT lesson in a link: the model's shape and run (`ly` layers, `hd` heads, `w` width,
//! `ctx` context, `tied`, `bs`, `lr`, `seed`, and the learning rate's `warmup` and cosine
//! `decay` in steps), the writing prompt and its sampling (`prompt`,
//! `temp`, `topk`, `sseed`), and the text the attention views read with the head stepped
//! through (`look`, `layer`, `head`). A link holds settings, not a trained model. Only values
//! that differ from the defaults are written; bad values are clamped or replaced with a note.

use super::settings::{Settings, BATCH_SIZES, CONTEXTS, HEADS, LAYERS, SCHEDULE_STEPS, WIDTHS};
use crate::lessons::shared::url_state::{LinkState, Query, QueryWriter};

pub const KEYS: &[&str] = &["ly", "hd", "w", "ctx", "tied", "bs", "lr", "seed", "warmup", "decay", "prompt", "temp", "topk", "sseed", "look", "layer", "head"];
pub const DEFAULT_PROMPT: &str = "The whale ";
pub const DEFAULT_LOOK: &str = "the sea (and the ship)";
/// The longest prompt and attention text a link holds; the page reads at most the context.
pub const MAX_TEXT: usize = 256;
pub const TEMPERATURES: (f64, f64) = (0.0, 5.0);
pub const TOP_K: (usize, usize) = (0, 256);

#[derive(Clone, Debug, PartialEq)]
pub struct GptLink {
    pub settings: Settings,
    pub prompt: String,
    pub temperature: f32,
    pub top_k: usize,
    pub sample_seed: u64,
    pub look: String,
    /// The layer and head stepped through (from 0).
    pub layer: usize,
    pub head: usize,
}

impl Default for GptLink {
    fn default() -> Self {
        GptLink { settings: Settings::default(), prompt: DEFAULT_PROMPT.into(), temperature: 0.8, top_k: 0, sample_seed: 1, look: DEFAULT_LOOK.into(), layer: 0, head: 0 }
    }
}

impl LinkState for GptLink {
    const KEYS: &'static [&'static str] = KEYS;

    fn to_query(&self) -> String {
        let (s, d, l) = (&self.settings, Settings::default(), GptLink::default());
        let mut w = QueryWriter::new()
            .number_unless("ly", s.layers as f64, d.layers as f64)
            .number_unless("hd", s.heads as f64, d.heads as f64)
            .number_unless("w", s.width as f64, d.width as f64)
            .number_unless("ctx", s.context as f64, d.context as f64);
        if s.tied != d.tied {
            w = w.text("tied", if s.tied { "on" } else { "off" });
        }
        let w = w.number_unless("bs", s.batch as f64, d.batch as f64)
            .f32_unless("lr", s.learning_rate, d.learning_rate)
            .number_unless("seed", s.seed as f64, d.seed as f64)
            .number_unless("warmup", s.warmup as f64, d.warmup as f64)
            .number_unless("decay", s.decay as f64, d.decay as f64)
            .text_unless("prompt", &self.prompt, &l.prompt)
            .f32_unless("temp", self.temperature, l.temperature)
            .number_unless("topk", self.top_k as f64, l.top_k as f64)
            .number_unless("sseed", self.sample_seed as f64, l.sample_seed as f64);
        write_look(w, &self.look, self.layer, self.head).finish()
    }

    fn from_query(search: &str) -> (Self, Vec<String>) {
        let mut q = Query::parse(search);
        let (d, l) = (Settings::default(), GptLink::default());
        let read = Settings {
            layers: q.integer("ly", d.layers, LAYERS.0, LAYERS.1),
            heads: q.integer("hd", d.heads, HEADS.0, HEADS.1),
            width: q.integer("w", d.width, WIDTHS.0, WIDTHS.1),
            context: q.integer("ctx", d.context, CONTEXTS.0, CONTEXTS.1),
            tied: q.choice("tied", d.tied, &[("on", true), ("off", false), ("true", true), ("false", false)]),
            batch: q.one_of("bs", d.batch, &BATCH_SIZES),
            learning_rate: q.number("lr", d.learning_rate as f64, 1e-6, 10.0) as f32,
            seed: q.integer("seed", d.seed as usize, 0, u32::MAX as usize) as u64,
            warmup: q.integer("warmup", d.warmup as usize, SCHEDULE_STEPS.0, SCHEDULE_STEPS.1) as u32,
            decay: q.integer("decay", d.decay as usize, SCHEDULE_STEPS.0, SCHEDULE_STEPS.1) as u32,
        };
        let (settings, note) = read.with_whole_heads();
        if let Some(note) = note {
            q.note(note);
        }
        let (look, layer, head) = read_look(&mut q, &settings);
        let link = GptLink {
            prompt: q.text("prompt", &l.prompt, MAX_TEXT),
            temperature: q.number("temp", l.temperature as f64, TEMPERATURES.0, TEMPERATURES.1) as f32,
            top_k: q.integer("topk", l.top_k, TOP_K.0, TOP_K.1),
            sample_seed: q.integer("sseed", l.sample_seed as usize, 0, u32::MAX as usize) as u64,
            look,
            layer,
            head,
            settings,
        };
        (link, q.notes)
    }

    /// New prompt, sampling or attention text keep the trained model; new settings train again.
    fn restarts_training(&self, fresh: &Self) -> bool {
        self.settings != fresh.settings
    }
}

/// [`read_look`]'s three values, each written only when it is not the default.
pub fn write_look(w: QueryWriter, look: &str, layer: usize, head: usize) -> QueryWriter {
    let l = GptLink::default();
    w.text_unless("look", look, &l.look).number_unless("layer", layer as f64, l.layer as f64).number_unless("head", head as f64, l.head as f64)
}

/// The text the attention views read and the layer and head stepped through, within a model of
/// these settings: read the same way by the lesson's link and the `attention` widget's.
pub fn read_look(q: &mut Query, settings: &Settings) -> (String, usize, usize) {
    let l = GptLink::default();
    let look = q.text("look", &l.look, MAX_TEXT);
    let layer = q.integer("layer", l.layer, 0, settings.layers - 1);
    let head = q.integer("head", l.head, 0, settings.heads - 1);
    (look, layer, head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_survives_the_link() {
        let link = GptLink {
            settings: Settings { layers: 2, heads: 2, width: 64, context: 32, tied: false, batch: 8, learning_rate: 3e-3, seed: 9, warmup: 100, decay: 5000 },
            prompt: "Ahab & the “whale”?".into(),
            temperature: 0.0,
            top_k: 5,
            sample_seed: 4,
            look: "(a)".into(),
            layer: 1,
            head: 1,
        };
        let (back, notes) = GptLink::from_query(&link.to_query());
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(back, link);
        assert_eq!(GptLink::default().to_query(), "");
    }

    /// The absurd settings: a width that does not split into the heads, context 0,
    /// temperature −1; and a layer past the model's.
    #[test]
    fn absurd_settings_are_clamped_with_a_note() {
        let (l, notes) = GptLink::from_query("w=130&ctx=0&temp=-1&ly=2&layer=5&hd=3&head=-1");
        assert_eq!((l.settings.width, l.settings.heads, l.settings.context), (132, 3, 1));
        assert_eq!(l.temperature, 0.0);
        assert_eq!((l.layer, l.head), (1, 0));
        assert_eq!(notes.len(), 5, "{notes:?}");
        assert!(notes.iter().any(|n| n.contains("does not split into 3 heads")), "{notes:?}");
    }
}
