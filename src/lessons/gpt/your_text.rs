//! The learner's own text for fine-tuning: cut to a stated limit, put in the book's characters
//! (what is left out is counted), refused plainly when too short, and split by position like the
//! book (the first 90% to train on, the last 10% to check on). It never leaves the browser: it
//! is not in the link, and goes only to this page's own worker.

use serde::{Deserialize, Serialize};

use super::settings::Settings;
use crate::data::BookSet;
use crate::lessons::shared::numbers::grouped;

/// Fewer characters than this cannot teach anything a check could see.
pub const MIN_CHARACTERS: usize = 200;
/// A longer paste is cut to its first this many characters (fine-tuning reads a few thousand
/// windows at most, and the text travels to the worker in the settings).
pub const MAX_CHARACTERS: usize = 100_000;
/// Both runs, fine-tuned and from scratch, take this many steps, with the same seed.
pub const FINE_TUNE_STEPS: u32 = 200;
/// Each run's loss on the held-out part is checked every this many steps.
pub const FINE_TUNE_CHECK_EVERY: u32 = 25;

/// The text in the book's characters, split by position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct YourText {
    pub ids: Vec<u8>,
    pub train_len: usize,
}

impl YourText {
    pub fn train(&self) -> &[u8] {
        &self.ids[..self.train_len]
    }

    pub fn validation(&self) -> &[u8] {
        &self.ids[self.train_len..]
    }
}

/// What the worker needs for one of the two runs: the model's settings, the text, and how many
/// steps to take.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FineTune {
    pub settings: Settings,
    /// The book's characters: the model's vocabulary.
    pub vocabulary: usize,
    pub text: YourText,
    pub steps: u32,
}

/// The learner's text ready to train on, and notes on what changed; or why it cannot be used
/// (too short, or too short for windows of `context` characters).
pub fn prepare_text(book: &BookSet, text: &str, context: usize) -> Result<(YourText, Vec<String>), String> {
    let mut notes = Vec::new();
    let total = text.chars().count();
    let kept: String = if total > MAX_CHARACTERS {
        notes.push(format!("Your text has {} characters; only its first {} are used.", grouped(total as u64), grouped(MAX_CHARACTERS as u64)));
        text.chars().take(MAX_CHARACTERS).collect()
    } else {
        text.to_string()
    };
    let (ids, dropped) = book.encode(&kept);
    if dropped.count > 0 {
        let shown: String = dropped.characters.iter().take(12).map(|c| format!("“{c}”")).collect::<Vec<_>>().join(", ");
        notes.push(format!(
            "{} characters are not among the book's {} and were left out (emoji, other scripts, symbols the book never uses): {shown}.",
            grouped(dropped.count as u64),
            book.vocabulary_size()
        ));
    }
    if ids.len() < MIN_CHARACTERS {
        return Err(format!(
            "Paste at least {MIN_CHARACTERS} characters the book uses (a poem, lyrics, some code); this has {}.",
            ids.len()
        ));
    }
    let train_len = ids.len() * 9 / 10;
    if train_len <= context {
        let need = (context + 1) * 10 / 9 + 2;
        return Err(format!("For a context of {context} characters, paste at least {need} characters the book uses; this has {}.", ids.len()));
    }
    Ok((YourText { ids, train_len }, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> BookSet {
        BookSet::from_text("abcdefghijklmnopqrstuvwxyz .,\n").unwrap()
    }

    #[test]
    fn a_short_text_is_refused_with_a_message() {
        let why = prepare_text(&book(), "too short", 64).unwrap_err();
        assert!(why.contains("at least 200") && why.contains("this has 9"), "{why}");
        // Emoji do not count towards the 200.
        assert!(prepare_text(&book(), &"🐋".repeat(500), 64).unwrap_err().contains("this has 0"));
        // 300 characters train on 270: enough for a context of 64, not of 270.
        let text = "a".repeat(300);
        assert!(prepare_text(&book(), &text, 64).is_ok());
        let why = prepare_text(&book(), &text, 270).unwrap_err();
        assert!(why.contains("context of 270") && why.contains("at least 303"), "{why}");
    }

    #[test]
    fn a_huge_paste_is_cut_to_the_limit_with_a_note() {
        let text = "call me ishmael. ".repeat(300_000); // 5.1 MB
        let (yours, notes) = prepare_text(&book(), &text, 64).unwrap();
        assert_eq!(yours.ids.len(), MAX_CHARACTERS);
        assert_eq!(notes, vec![format!("Your text has 5,100,000 characters; only its first 100,000 are used.")]);
        assert_eq!((yours.train().len(), yours.validation().len()), (90_000, 10_000));
    }

    #[test]
    fn other_scripts_and_emoji_are_counted_and_named() {
        let text = format!("{}Ünïcode 🐋🐋 κόσμε", "the sea. ".repeat(30));
        let (yours, notes) = prepare_text(&book(), &text, 64).unwrap();
        assert_eq!(notes.len(), 1);
        // Ü, ï, two whales, and five Greek letters: 9; n, c, o, d, e kept.
        assert!(notes[0].starts_with("9 characters are not among the book's 30"), "{}", notes[0]);
        assert!(notes[0].contains("“🐋”") && notes[0].contains("“κ”"));
        assert_eq!(yours.ids.len(), text.chars().count() - 9);
    }
}
