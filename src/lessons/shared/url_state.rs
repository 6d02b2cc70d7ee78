//! A lesson's state in its link: `?p=0.9,0.1&q=0.5,0.5&u=bits`. Reading is total: a missing key
//! takes its default quietly; a malformed or out-of-range value is replaced or clamped and a
//! note says so in plain words (the page shows the notes); unknown keys are ignored. Nothing a
//! link holds can make a lesson fail to open.
//!
//! Written by hand on `form_urlencoded` rather than with serde: a derive would reject a whole
//! link for one bad field, and the lessons need per-field clamping with a reason.

use std::collections::HashMap;

/// Longest link we read, in bytes: a pasted megabyte is cut, not parsed.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;
/// Most numbers read from one list value.
pub const MAX_LIST: usize = 256;

/// A lesson's state as it lives in its link: the keys it writes, and a total reader.
pub trait LinkState: Clone + PartialEq + Sized + 'static {
    /// Every key the state writes (the address keeps any other, like `present=1`).
    const KEYS: &'static [&'static str];
    /// The link's query; only values that differ from the defaults are written.
    fn to_query(&self) -> String;
    /// The state a link describes, and a note for each value it had to replace.
    fn from_query(search: &str) -> (Self, Vec<String>);
    /// Whether going from `self` to `fresh` starts a lesson's training again: by default any
    /// change does (a link holds settings, and new settings mean a new run).
    fn restarts_training(&self, fresh: &Self) -> bool {
        self != fresh
    }
}

/// A link's query, read field by field.
#[derive(Debug, Default)]
pub struct Query {
    values: HashMap<String, String>,
    /// One plain sentence per problem found, in the order fields were read.
    pub notes: Vec<String>,
}

impl Query {
    /// `search` is `location.search`, with or without its leading `?`.
    pub fn parse(search: &str) -> Query {
        let mut search = search.strip_prefix('?').unwrap_or(search);
        let mut notes = Vec::new();
        if search.len() > MAX_QUERY_BYTES {
            let mut cut = MAX_QUERY_BYTES;
            while !search.is_char_boundary(cut) {
                cut -= 1;
            }
            search = &search[..cut];
            notes.push(format!("The link was too long; only its first {MAX_QUERY_BYTES} characters were read."));
        }
        // The first value of a key wins, so a link cannot be made ambiguous by repeating it.
        let mut values = HashMap::new();
        for (key, value) in form_urlencoded::parse(search.as_bytes()) {
            values.entry(key.into_owned()).or_insert_with(|| value.into_owned());
        }
        Query { values, notes }
    }

    pub fn has(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    /// The value as written, for readers with their own rules (it is not checked here).
    pub fn raw(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// Free text (a typed review, a field of the checker), kept as written up to `max_chars`.
    pub fn text(&mut self, key: &str, default: &str, max_chars: usize) -> String {
        let Some(text) = self.values.get(key).cloned() else { return default.to_string() };
        if text.chars().count() > max_chars {
            self.note(format!("{key} was longer than {max_chars} characters; only its start was kept."));
            return text.chars().take(max_chars).collect();
        }
        text
    }

    /// A whole number that must be one of `allowed`: another number becomes the nearest allowed one.
    pub fn one_of(&mut self, key: &str, default: usize, allowed: &[usize]) -> usize {
        let Some(text) = self.values.get(key).cloned() else { return default };
        match text.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => {
                let nearest = allowed.iter().copied().min_by(|a, b| (*a as f64 - x).abs().total_cmp(&(*b as f64 - x).abs())).unwrap_or(default);
                if nearest as f64 != x {
                    self.note(format!("{key} = {x} is not one of {allowed:?}; using {nearest}."));
                }
                nearest
            }
            _ => {
                self.note(format!("{key} = “{}” is not a number; using {default}.", shorten(&text)));
                default
            }
        }
    }

    pub fn note(&mut self, text: String) {
        self.notes.push(text);
    }

    /// A number in `[lo, hi]`.
    pub fn number(&mut self, key: &str, default: f64, lo: f64, hi: f64) -> f64 {
        let Some(text) = self.values.get(key).cloned() else { return default };
        match text.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => {
                let clamped = x.clamp(lo, hi);
                if clamped != x {
                    self.note(format!("{key} = {x} is outside {lo} … {hi}; using {clamped}."));
                }
                clamped
            }
            _ => {
                self.note(format!("{key} = “{}” is not a number; using {default}.", shorten(&text)));
                default
            }
        }
    }

    /// A whole number in `[lo, hi]`.
    pub fn integer(&mut self, key: &str, default: usize, lo: usize, hi: usize) -> usize {
        let Some(text) = self.values.get(key).cloned() else { return default };
        match text.trim().parse::<i64>() {
            Ok(n) => {
                let clamped = n.clamp(lo as i64, hi as i64) as usize;
                if clamped as i64 != n {
                    self.note(format!("{key} = {n} is outside {lo} … {hi}; using {clamped}."));
                }
                clamped
            }
            Err(_) => {
                self.note(format!("{key} = “{}” is not a whole number; using {default}.", shorten(&text)));
                default
            }
        }
    }

    /// One of a fixed set of words.
    pub fn choice<T: Copy>(&mut self, key: &str, default: T, options: &[(&str, T)]) -> T {
        let Some(text) = self.values.get(key).cloned() else { return default };
        match options.iter().find(|(name, _)| name.eq_ignore_ascii_case(text.trim())) {
            Some(&(_, value)) => value,
            None => {
                let names: Vec<&str> = options.iter().map(|(name, _)| *name).collect();
                self.note(format!("{key} = “{}” is not one of {}; using the default.", shorten(&text), names.join(", ")));
                default
            }
        }
    }

    /// A comma-separated list of `min_len ..= max_len` numbers, each in `[lo, hi]`. A list with
    /// any unreadable entry, or of the wrong length, is replaced by `default` as a whole (half a
    /// distribution is no distribution); entries out of range are clamped.
    pub fn numbers(&mut self, key: &str, default: &[f64], len: (usize, usize), range: (f64, f64)) -> Vec<f64> {
        let Some(text) = self.values.get(key).cloned() else { return default.to_vec() };
        let parts: Vec<&str> = text.split(',').take(MAX_LIST + 1).collect();
        let parsed: Option<Vec<f64>> =
            parts.iter().map(|p| p.trim().parse::<f64>().ok().filter(|x| x.is_finite())).collect();
        match parsed {
            Some(list) if (len.0..=len.1).contains(&list.len()) => {
                let clamped: Vec<f64> = list.iter().map(|x| x.clamp(range.0, range.1)).collect();
                if clamped != list {
                    self.note(format!("Some values of {key} were outside {} … {} and were clamped.", range.0, range.1));
                }
                clamped
            }
            Some(list) => {
                self.note(format!(
                    "{key} has {} values; it needs {} to {}. Using the default.",
                    list.len().min(MAX_LIST),
                    len.0,
                    len.1
                ));
                default.to_vec()
            }
            None => {
                self.note(format!("{key} = “{}” is not a list of numbers; using the default.", shorten(&text)));
                default.to_vec()
            }
        }
    }
}

/// Quotes at most 40 characters of a bad value, so a note stays a sentence.
fn shorten(text: &str) -> String {
    let mut s: String = text.chars().take(40).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

/// Writes a state's fields as a query, numbers in their shortest exact form.
pub struct QueryWriter {
    out: form_urlencoded::Serializer<'static, String>,
}

impl Default for QueryWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl QueryWriter {
    pub fn new() -> Self {
        QueryWriter { out: form_urlencoded::Serializer::new(String::new()) }
    }
    pub fn text(mut self, key: &str, value: &str) -> Self {
        self.out.append_pair(key, value);
        self
    }
    pub fn number(self, key: &str, value: f64) -> Self {
        self.text(key, &format!("{value}"))
    }
    pub fn numbers(self, key: &str, values: &[f64]) -> Self {
        let list: Vec<String> = values.iter().map(|v| format!("{v}")).collect();
        self.text(key, &list.join(","))
    }
    /// 32-bit numbers in their own shortest form (`0.001`, not `0.0010000000474974513`); read
    /// back as f64 and narrowed, they are the same f32.
    pub fn numbers_f32(self, key: &str, values: &[f32]) -> Self {
        let list: Vec<String> = values.iter().map(|v| format!("{v}")).collect();
        self.text(key, &list.join(","))
    }
    pub fn finish(mut self) -> String {
        self.out.finish()
    }

    // A link writes only what differs from the defaults: these write `value` unless it is
    // `default`.
    pub fn text_unless(self, key: &str, value: &str, default: &str) -> Self {
        if value == default { self } else { self.text(key, value) }
    }
    pub fn number_unless(self, key: &str, value: f64, default: f64) -> Self {
        if value == default { self } else { self.number(key, value) }
    }
    pub fn f32_unless(self, key: &str, value: f32, default: f32) -> Self {
        if value == default { self } else { self.numbers_f32(key, &[value]) }
    }
}

/// `current` without the keys `owned` names, then `own` after it: how one widget writes its
/// keys into an address it shares with other widgets (and with `present=1`).
pub fn replace_keys(current: &str, owned: &[&str], own: &str) -> String {
    keys_then(current, |k| !owned.contains(&k), own)
}

/// The keys of `current` that `kept` names, then `own` after them: how a widget writes its
/// whole state into an address without dropping the page's own keys (an embed's `host`).
pub fn keep_keys(current: &str, kept: &[&str], own: &str) -> String {
    keys_then(current, |k| kept.contains(&k), own)
}

/// The pairs of `current` whose key `keep` accepts, then `own`.
fn keys_then(current: &str, keep: impl Fn(&str) -> bool, own: &str) -> String {
    let kept = form_urlencoded::parse(current.trim_start_matches('?').as_bytes())
        .into_owned()
        .filter(|(k, _)| keep(k));
    let mut out = form_urlencoded::Serializer::new(String::new());
    out.extend_pairs(kept);
    let kept = out.finish();
    match (kept.is_empty(), own.is_empty()) {
        (true, _) => own.to_string(),
        (false, true) => kept,
        (false, false) => format!("{kept}&{own}"),
    }
}

/// The current query with `changes` replacing (or adding) their keys: how a host page's
/// partial `set` becomes a whole state, read like any link.
pub fn merged(current: &str, changes: &[(String, String)]) -> String {
    let mut out: Vec<(String, String)> =
        form_urlencoded::parse(current.trim_start_matches('?').as_bytes()).into_owned().collect();
    for (key, value) in changes {
        match out.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value.clone(),
            None => out.push((key.clone(), value.clone())),
        }
    }
    form_urlencoded::Serializer::new(String::new()).extend_pairs(out).finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn changes_replace_or_add_keys_in_place() {
        let changes = vec![("a".to_string(), "0.3".to_string()), ("new".to_string(), "x y".to_string())];
        assert_eq!(merged("?n=2&a=0.1&m=batch", &changes), "n=2&a=0.3&m=batch&new=x+y");
        assert_eq!(merged("", &changes), "a=0.3&new=x+y");
    }

    #[test]
    fn a_widget_replaces_only_its_own_keys() {
        assert_eq!(replace_keys("?present=1&a=1&rl=bowl", &["rl", "rn"], "rl=saddle&rn=3"), "present=1&a=1&rl=saddle&rn=3");
        assert_eq!(replace_keys("rl=bowl", &["rl"], ""), "");
        assert_eq!(replace_keys("", &["rl"], "rl=x"), "rl=x");
        assert_eq!(keep_keys("?present=1&a=1&host=https%3A%2F%2Fb.org", &["present", "host"], "z=1"), "present=1&host=https%3A%2F%2Fb.org&z=1");
        assert_eq!(keep_keys("?a=1", &["present", "host"], ""), "");
    }

    #[test]
    fn text_is_kept_and_cut_and_choices_snap_to_the_nearest() {
        let mut q = Query::parse("r=caf%C3%A9+%26+more&b=100&c=abc&l=xxxxxxxx");
        assert_eq!(q.text("r", "", 100), "café & more");
        assert_eq!(q.text("l", "", 3), "xxx");
        assert_eq!(q.one_of("b", 64, &[16, 32, 64, 128]), 128);
        assert_eq!(q.one_of("c", 64, &[16, 32, 64, 128]), 64);
        assert_eq!(q.notes.len(), 3, "{:?}", q.notes);
        assert_eq!(q.raw("r"), Some("café & more"));
    }

    #[test]
    fn reads_good_values_quietly() {
        let mut q = Query::parse("?a=0.25&n=3&u=NATS&l=0.5,%200.5");
        assert_eq!(q.number("a", 1.0, 0.0, 1.0), 0.25);
        assert_eq!(q.integer("n", 1, 0, 9), 3);
        assert_eq!(q.choice("u", 0, &[("bits", 0), ("nats", 1)]), 1);
        assert_eq!(q.numbers("l", &[1.0], (1, 4), (0.0, 1.0)), vec![0.5, 0.5]);
        assert_eq!(q.number("missing", 7.0, 0.0, 9.0), 7.0);
        assert!(q.notes.is_empty(), "{:?}", q.notes);
    }

    #[test]
    fn bad_values_fall_back_with_a_note_each() {
        let mut q = Query::parse("a=NaN&b=1e999&c=-4&n=2.5&u=furlongs&l=0.5,x&m=1,2,3,4,5&a=0.5");
        assert_eq!(q.number("a", 1.0, 0.0, 1.0), 1.0, "NaN is not a number; the repeated a is ignored");
        assert_eq!(q.number("b", 1.0, 0.0, 1.0), 1.0, "1e999 parses to infinity");
        assert_eq!(q.number("c", 1.0, 0.0, 1.0), 0.0, "clamped");
        assert_eq!(q.integer("n", 1, 0, 9), 1);
        assert_eq!(q.choice("u", 0, &[("bits", 0)]), 0);
        assert_eq!(q.numbers("l", &[1.0], (1, 4), (0.0, 1.0)), vec![1.0]);
        assert_eq!(q.numbers("m", &[1.0], (1, 4), (0.0, 9.0)), vec![1.0]);
        assert_eq!(q.notes.len(), 7, "{:?}", q.notes);
        assert!(q.notes[2].contains("outside"));
    }

    #[test]
    fn a_huge_link_is_cut_not_parsed() {
        let huge = format!("a=1&{}", "x=é&".repeat(100_000));
        let mut q = Query::parse(&huge);
        assert_eq!(q.number("a", 0.0, 0.0, 9.0), 1.0);
        assert!(q.notes[0].contains("too long"));
    }

    #[test]
    fn written_values_read_back_exactly() {
        let link = QueryWriter::new().number("a", 0.1 + 0.2).numbers("l", &[1.0 / 3.0, 2.0 / 3.0]).text("u", "bits & more").finish();
        let mut q = Query::parse(&link);
        assert_eq!(q.number("a", 0.0, 0.0, 1.0), 0.1 + 0.2);
        assert_eq!(q.numbers("l", &[], (2, 2), (0.0, 1.0)), vec![1.0 / 3.0, 2.0 / 3.0]);
        assert_eq!(q.choice("u", 0, &[("bits & more", 1)]), 1);
        assert!(q.notes.is_empty());
    }

    /// A number, a whole number and a list read from `search` are each within their ranges.
    fn reads_in_range(search: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let mut q = Query::parse(search);
        let a = q.number("a", 0.5, 0.0, 1.0);
        prop_assert!((0.0..=1.0).contains(&a));
        let n = q.integer("n", 2, 2, 10);
        prop_assert!((2..=10).contains(&n));
        let l = q.numbers("l", &[0.5, 0.5], (2, 10), (0.0, 1.0));
        prop_assert!((2..=10).contains(&l.len()) && l.iter().all(|x| (0.0..=1.0).contains(x)));
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Any string at all: reading never panics, and every value read is in range.
        #[test]
        fn any_link_reads_to_values_in_range(search in ".{0,300}") {
            reads_in_range(&search)?;
        }

        /// Links built from plausible pieces (the keys we use, numbers, junk) read the same way.
        #[test]
        fn structured_links_read_to_values_in_range(
            pairs in proptest::collection::vec(
                (prop_oneof![Just("a".to_string()), Just("n".to_string()), Just("l".to_string()), "[a-z%=&]{0,3}"],
                 prop_oneof![any::<f64>().prop_map(|x| x.to_string()), "[-0-9.,eE%]{0,12}", ".{0,8}"]),
                0..12)
        ) {
            let search: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            reads_in_range(&search.join("&"))?;
        }
    }
}
