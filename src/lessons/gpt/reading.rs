//! A learner's text made ready for the model, with a plain note for everything changed on the
//! way: characters the book never uses are left out (named, and counted), an empty prompt
//! starts from a new line, and a text longer than the context keeps its end.

use crate::data::BookSet;

/// What the model reads of a learner's text, and what the page says about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Prepared {
    pub ids: Vec<u8>,
    pub notes: Vec<String>,
}

/// How dropped characters are named: quoted, with emoji and other scripts as they are.
fn named(characters: &[char]) -> String {
    let shown: Vec<String> = characters.iter().take(8).map(|c| if c.is_whitespace() { format!("U+{:04X}", *c as u32) } else { format!("“{c}”") }).collect();
    let more = characters.len().saturating_sub(8);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// `text` in the book's characters, cut to its last `keep` characters; `what` names it in the
/// notes ("The prompt"). With `start`, an empty result becomes that one character.
pub fn prepare(book: &BookSet, text: &str, keep: usize, what: &str, start: Option<char>) -> Prepared {
    let (mut ids, dropped) = book.encode(text);
    let mut notes = Vec::new();
    if dropped.count > 0 {
        let plural = if dropped.count == 1 { "character" } else { "characters" };
        notes.push(format!(
            "{what} had {} {plural} the book never uses, left out: {}. The model knows only the book's {} characters.",
            dropped.count,
            named(&dropped.characters),
            book.vocabulary_size()
        ));
    }
    if ids.len() > keep {
        notes.push(format!("{what} is longer than the model's context of {keep} characters; it reads the last {keep}."));
        ids.drain(..ids.len() - keep);
    }
    if let (true, Some(start)) = (ids.is_empty(), start) {
        if let Some(id) = book.id_of(start) {
            notes.push(format!("{what} is empty, so the model starts from a new line."));
            ids.push(id);
        }
    }
    Prepared { ids, notes }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> BookSet {
        BookSet::from_text("Call me Ishmael.\nSome years ago (never mind how long)").unwrap()
    }

    #[test]
    fn characters_outside_the_book_are_left_out_and_named() {
        let p = prepare(&book(), "Call é me 🐋🐋", 64, "The prompt", Some('\n'));
        assert_eq!(book().text_of(&p.ids), "Call  me ");
        assert_eq!(p.notes.len(), 1);
        assert!(p.notes[0].starts_with("The prompt had 3 characters the book never uses, left out: “é”, “🐋”."), "{}", p.notes[0]);
    }

    #[test]
    fn an_empty_prompt_starts_from_a_new_line() {
        let p = prepare(&book(), "", 64, "The prompt", Some('\n'));
        assert_eq!(book().text_of(&p.ids), "\n");
        assert!(p.notes[0].contains("empty"));
        // Emptied by dropping: both notes.
        let p = prepare(&book(), "é", 64, "The prompt", Some('\n'));
        assert_eq!((p.ids.len(), p.notes.len()), (1, 2));
        // Without a start character it stays empty.
        assert!(prepare(&book(), "", 8, "The text", None).ids.is_empty());
    }

    #[test]
    fn a_long_text_keeps_its_last_characters() {
        let p = prepare(&book(), "Some years ago", 4, "The prompt", Some('\n'));
        assert_eq!(book().text_of(&p.ids), " ago");
        assert_eq!(p.notes, vec!["The prompt is longer than the model's context of 4 characters; it reads the last 4.".to_string()]);
    }
}
