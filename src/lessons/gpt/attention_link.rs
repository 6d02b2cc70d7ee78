//! The `attention` widget: attention maps and one head stepped through, on a small GPT the
//! widget trains at load. Nothing pre-trained may be passed off as live training, so the widget
//! ships no weights: it trains this model for [`WIDGET_STEPS`] steps first (about 15 s in the
//! worker on a laptop; the maps follow every check). Its link holds only what the learner looks
//! at (`look`, `layer`, `head`, as in the lesson's link); the model is fixed.

use super::link::{read_look, write_look, GptLink};
use super::settings::Settings;
use crate::lessons::shared::url_state::{LinkState, Query, QueryWriter};

/// Steps the widget trains at load (and each time the learner asks for more): enough for the
/// small model to pass what counting pairs of characters achieves, in the e2e run about 11 s.
pub const WIDGET_STEPS: u32 = 300;

/// The widget's model: 2 layers × 4 heads, width 64, context 32, batch 16, learning rate 3e-3
/// (the e2e suite's small model).
pub fn widget_settings() -> Settings {
    Settings { layers: 2, heads: 4, width: 64, context: 32, batch: 16, learning_rate: 3e-3, ..Settings::default() }
}

pub const KEYS: &[&str] = &["look", "layer", "head"];

#[derive(Clone, Debug, PartialEq)]
pub struct AttentionLink {
    pub look: String,
    /// The layer and head stepped through (from 0).
    pub layer: usize,
    pub head: usize,
}

impl Default for AttentionLink {
    fn default() -> Self {
        let l = GptLink::default();
        AttentionLink { look: l.look, layer: l.layer, head: l.head }
    }
}

impl LinkState for AttentionLink {
    const KEYS: &'static [&'static str] = KEYS;

    fn to_query(&self) -> String {
        write_look(QueryWriter::new(), &self.look, self.layer, self.head).finish()
    }

    fn from_query(search: &str) -> (Self, Vec<String>) {
        let mut q = Query::parse(search);
        let settings = widget_settings();
        let (look, layer, head) = read_look(&mut q, &settings);
        (AttentionLink { look, layer, head }, q.notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_widget_link_holds_what_is_looked_at_and_clamps_to_its_model() {
        let link = AttentionLink { look: "(a) [b]".into(), layer: 1, head: 3 };
        let (back, notes) = AttentionLink::from_query(&link.to_query());
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(back, link);
        assert_eq!(AttentionLink::default().to_query(), "");
        let (clamped, notes) = AttentionLink::from_query("layer=7&head=9");
        assert_eq!((clamped.layer, clamped.head), (1, 3), "2 layers × 4 heads");
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(widget_settings().too_big(83).is_none());
    }
}
