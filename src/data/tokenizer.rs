//! Splits review text into tokens. The converter and the browser (on the learner's typed text)
//! run this same code, so a word typed in the page gets the id it had in training.
//!
//! Rules, in order:
//! 1. HTML line breaks (`<br />`, `<br>`, `<p>`, `</p>`, `<hr>`) separate tokens; the formatting
//!    tags `<i> <b> <em> <u> <strong>` (and their closing forms) vanish without separating.
//! 2. Windows-1252 punctuation mis-decoded as C1 controls (`\u{96}` for "–", `\u{92}` for "’", …)
//!    is mapped back to the intended character. Other control characters separate tokens.
//! 3. Invisible format characters (soft hyphen, zero-width joiner, variation selectors, BOM)
//!    are skipped without separating.
//! 4. A word is a run of letters and digits (any script), lowercased. An apostrophe
//!    (`'`, `’`, `‘`, `´`, `` ` ``, `ʼ`) between two letters or digits stays in the word and is
//!    written `'`: "Don´t" gives "don't".
//! 5. Every other visible character (punctuation, symbols, emoji) is a token of its own:
//!    "Wow!!" gives "wow", "!", "!".

/// Tags that end a line: they separate tokens and become a newline in [`clean_text`].
const LINE_BREAK_TAGS: [&str; 3] = ["br", "p", "hr"];
/// Inline formatting tags: removed entirely.
const FORMATTING_TAGS: [&str; 5] = ["i", "b", "em", "u", "strong"];

enum Tag {
    LineBreak,
    Formatting,
}

/// If `s` starts with one of the known HTML tags, its kind and byte length.
fn html_tag(s: &str) -> Option<(Tag, usize)> {
    let b = s.as_bytes();
    let mut i = 1; // b[0] == b'<'
    let closing = b.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while b.get(i).is_some_and(u8::is_ascii_alphabetic) {
        i += 1;
    }
    let name = s[name_start..i].to_ascii_lowercase();
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    if !closing && b.get(i) == Some(&b'/') {
        i += 1;
    }
    if b.get(i) != Some(&b'>') {
        return None;
    }
    let kind = if LINE_BREAK_TAGS.contains(&name.as_str()) {
        Tag::LineBreak
    } else if FORMATTING_TAGS.contains(&name.as_str()) {
        Tag::Formatting
    } else {
        return None;
    };
    Some((kind, i + 1))
}

/// Maps C1 control characters that are really Windows-1252 bytes to what they meant.
fn repair_cp1252(c: char) -> char {
    if !('\u{80}'..='\u{9f}').contains(&c) {
        return c;
    }
    const TABLE: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    TABLE[c as usize - 0x80]
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | '´' | '`' | 'ʼ')
}

/// Characters with no visible width that may sit inside a word or an emoji sequence.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{fe00}'..='\u{fe0f}'
    )
}

fn first_char(s: &str) -> Option<char> {
    s.chars().next().map(repair_cp1252)
}

/// Calls `emit` with each token of `text`, in order, without allocating per token.
pub fn for_each_token(text: &str, mut emit: impl FnMut(&str)) {
    for_each_token_span(text, |token, _| emit(token));
}

/// Like [`for_each_token`], also giving the bytes of `text` each token came from, so a page can
/// highlight the learner's own words (`text[span]` is the word as typed, e.g. `Don´t`).
pub fn for_each_token_span(text: &str, mut emit: impl FnMut(&str, std::ops::Range<usize>)) {
    let mut word = String::with_capacity(32);
    // Where the current word started in `text`, and where its last character ended.
    let (mut word_start, mut word_end) = (0, 0);
    let mut at = 0;
    while let Some(raw) = text[at..].chars().next() {
        if raw == '<' {
            if let Some((kind, len)) = html_tag(&text[at..]) {
                if matches!(kind, Tag::LineBreak) && !word.is_empty() {
                    emit(&word, word_start..word_end);
                    word.clear();
                }
                at += len;
                continue;
            }
        }
        let start = at;
        at += raw.len_utf8();
        let c = repair_cp1252(raw);
        if c.is_alphanumeric() {
            if word.is_empty() {
                word_start = start;
            }
            word_end = at;
            if c.is_ascii() {
                word.push(c.to_ascii_lowercase());
            } else {
                word.extend(c.to_lowercase());
            }
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        if is_apostrophe(c)
            && !word.is_empty()
            && first_char(&text[at..]).is_some_and(char::is_alphanumeric)
        {
            word.push('\'');
            continue;
        }
        if !word.is_empty() {
            emit(&word, word_start..word_end);
            word.clear();
        }
        if c.is_whitespace() || c.is_control() {
            continue;
        }
        let c = if is_apostrophe(c) { '\'' } else { c };
        emit(c.encode_utf8(&mut [0; 4]), start..at);
    }
    if !word.is_empty() {
        emit(&word, word_start..word_end);
    }
}

/// The tokens of `text`, in order.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for_each_token(text, |t| tokens.push(t.to_owned()));
    tokens
}

/// True if `text` ends inside something that could still become a tag (`<`, `<b`, `</ `…).
fn ends_in_open_tag(text: &str) -> bool {
    text.rfind('<').is_some_and(|at| {
        text[at + 1..]
            .bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'/' || b == b' ')
    })
}

/// The review as a learner should read it: line-break tags become newlines, formatting tags
/// disappear, Windows-1252 punctuation is repaired, stray control characters become newlines;
/// case and wording are untouched. Tokenizing the cleaned text gives the same tokens as the
/// raw text (so no removal may glue the pieces of a new tag together).
pub fn clean_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut at = 0;
    while let Some(c) = raw[at..].chars().next() {
        if c == '<' {
            if let Some((kind, len)) = html_tag(&raw[at..]) {
                match kind {
                    Tag::LineBreak => out.push('\n'),
                    Tag::Formatting if ends_in_open_tag(&out) => out.push_str(&raw[at..at + len]),
                    Tag::Formatting => {}
                }
                at += len;
                continue;
            }
        }
        at += c.len_utf8();
        let c = repair_cp1252(c);
        out.push(if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            '\n'
        } else {
            c
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<String> {
        tokenize(text)
    }

    #[test]
    fn html_line_breaks_separate_words_and_vanish() {
        assert_eq!(toks("end.<br /><br />Next"), ["end", ".", "next"]);
        assert_eq!(
            toks("a<br/>b<BR>c<br >d<p>e</p>f<hr>g"),
            ["a", "b", "c", "d", "e", "f", "g"]
        );
        assert_eq!(toks("a <i>Titanic</i> b"), ["a", "titanic", "b"]);
    }

    #[test]
    fn text_that_only_looks_like_a_tag_is_kept_as_punctuation() {
        assert_eq!(toks("<3 <grin>"), ["<", "3", "<", "grin", ">"]);
        assert_eq!(toks("x < y"), ["x", "<", "y"]);
        assert_eq!(toks("<"), ["<"]);
        assert_eq!(toks("<br"), ["<", "br"]);
    }

    #[test]
    fn words_are_lowercased_and_punctuation_is_one_token_per_character() {
        assert_eq!(
            toks("Wow!! A 10/10, SO good..."),
            ["wow", "!", "!", "a", "10", "/", "10", ",", "so", "good", ".", ".", "."]
        );
        assert_eq!(
            toks("well-made (really)"),
            ["well", "-", "made", "(", "really", ")"]
        );
    }

    #[test]
    fn apostrophes_inside_words_are_kept_and_normalised() {
        assert_eq!(toks("Don't"), ["don't"]);
        assert_eq!(toks("DON´T can’t it`s"), ["don't", "can't", "it's"]);
        assert_eq!(toks("the 80's"), ["the", "80's"]);
        assert_eq!(
            toks("'cause dogs' ''"),
            ["'", "cause", "dogs", "'", "'", "'"]
        );
    }

    #[test]
    fn windows_1252_punctuation_is_repaired() {
        assert_eq!(toks("good\u{96}bad\u{85}"), ["good", "–", "bad", "…"]);
        assert_eq!(toks("don\u{92}t"), ["don't"]);
        assert_eq!(clean_text("a\u{97}b\u{93}c\u{94}"), "a—b“c”");
    }

    #[test]
    fn other_scripts_and_emoji_never_panic() {
        assert_eq!(toks("Ünïcödé ÉCOLE"), ["ünïcödé", "école"]);
        assert_eq!(toks("映画は最高"), ["映画は最高"]);
        assert_eq!(toks("Фильм ХОРОШИЙ!"), ["фильм", "хороший", "!"]);
        assert_eq!(toks("great 👍🏽!"), ["great", "👍", "🏽", "!"]);
        assert_eq!(toks("👨\u{200d}👩\u{200d}👧"), ["👨", "👩", "👧"]);
        assert_eq!(toks("beau\u{ad}tiful"), ["beautiful"]);
        // 'İ' lowercases to two characters.
        assert_eq!(toks("İstanbul"), ["i\u{307}stanbul"]);
        for text in [
            "\u{0}\u{1}\u{7f}",
            "\u{301}",
            "<<<<<br />",
            "'''",
            "\u{fffd}",
        ] {
            let _ = toks(text);
        }
    }

    #[test]
    fn spans_point_at_each_token_as_typed() {
        let text = "Don´t <i>MISS</i> it!!<br />Ça va 👍";
        let mut spans = Vec::new();
        for_each_token_span(text, |token, span| {
            spans.push((token.to_owned(), &text[span]))
        });
        let expected = [
            ("don't", "Don´t"),
            ("miss", "MISS"),
            ("it", "it"),
            ("!", "!"),
            ("!", "!"),
            ("ça", "Ça"),
            ("va", "va"),
            ("👍", "👍"),
        ];
        let expected: Vec<(String, &str)> =
            expected.iter().map(|&(t, s)| (t.to_owned(), s)).collect();
        assert_eq!(spans, expected);
    }

    #[test]
    fn empty_and_blank_text_has_no_tokens() {
        assert!(toks("").is_empty());
        assert!(toks(" \n\t<br /><br />").is_empty());
    }

    #[test]
    fn clean_text_keeps_wording_and_turns_breaks_into_newlines() {
        let raw = "Great <i>film</i>.<br /><br />Don\u{92}t miss it\u{85}";
        assert_eq!(clean_text(raw), "Great film.\n\nDon’t miss it…");
        assert_eq!(tokenize(&clean_text(raw)), tokenize(raw));
    }

    #[test]
    fn cleaning_never_glues_a_new_tag_together() {
        for raw in ["<<b>br>", "<b<i>r>", "</<i>p>", "<br\u{1}>", "a<\u{1}b"] {
            assert_eq!(tokenize(&clean_text(raw)), tokenize(raw), "{raw:?}");
        }
    }
}
