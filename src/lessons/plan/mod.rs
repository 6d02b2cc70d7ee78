//! `/plan`: a teacher's lesson plan. A plan is a title and a list of steps; each step is a
//! Stepwise link (any lesson in any state, or a widget's embed link) and a note for the class.
//! The whole plan is one link (`/plan#t=…&s=…&n=…&s=…`), so it is shared and kept like any
//! lesson state, and works offline like the rest of the site. It sits in the fragment, which
//! is never sent to a server: a plan of many steps outgrows what servers accept in a request
//! line (often 8 kB), and the page could not even load.
//!
//! Here: the plan, its link, and the check that a step's link opens a Stepwise page. Plain
//! Rust, tested natively. `page.rs` is the editor, `bar.rs` the corner card that steps through
//! a plan with PageDown and PageUp (what a presentation clicker sends).

#[cfg(test)]
mod tests;

use crate::catalog;

crate::lessons::page_files! {
    pub mod bar;
}
// The editor is in the full build only: the light embed build routes no `/plan`.
#[cfg(all(target_arch = "wasm32", feature = "full"))]
pub mod page;

/// Most steps a plan holds: a lesson is an hour, not a slide deck of 500.
pub const MAX_STEPS: usize = 100;
/// Longest plan link we read, in bytes (32 kB): a longer one is refused whole, with this limit
/// named, rather than cut part-way through a step.
pub const MAX_PLAN_BYTES: usize = 32 * 1024;
/// Longest link one step may hold: the limit every lesson reads its own link up to.
pub const MAX_STEP_BYTES: usize = crate::lessons::shared::url_state::MAX_QUERY_BYTES;
/// Longest title and note kept, in characters.
pub const MAX_TITLE: usize = 120;
pub const MAX_NOTE: usize = 500;

/// One step: where the class goes, and what the teacher wants to say there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Stable while the plan is edited (the editor keys its rows by it); not part of the link.
    pub id: u32,
    /// The link as the teacher gave it; `Stepwise::open` says whether and where it opens.
    pub link: String,
    pub note: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub title: String,
    pub steps: Vec<Step>,
    next_id: u32,
}

/// What reading a plan link gave: the plan, a note for each thing it had to change, or a
/// refusal (the whole link was over a limit, and the plan is empty).
#[derive(Debug)]
pub struct Reading {
    pub plan: Plan,
    pub notes: Vec<String>,
    pub refused: Option<String>,
}

impl Plan {
    /// Every key a plan link writes.
    pub const KEYS: &'static [&'static str] = &["t", "s", "n"];

    /// The plan a link's query describes. Steps keep their order; `n` is the note of the `s`
    /// before it. Total: nothing in a link makes this fail.
    pub fn read(search: &str) -> Reading {
        let search = search.strip_prefix('?').unwrap_or(search);
        let mut plan = Plan::default();
        let mut notes = Vec::new();
        if search.len() > MAX_PLAN_BYTES {
            let refused = format!(
                "This plan's link is {} kB; a plan link may be at most {} kB. Nothing of it was opened: make the plan \
                 shorter (fewer or shorter steps) and share it again.",
                search.len().div_ceil(1024),
                MAX_PLAN_BYTES / 1024
            );
            return Reading { plan, notes, refused: Some(refused) };
        }
        let pairs: Vec<(String, String)> = form_urlencoded::parse(search.as_bytes()).into_owned().collect();
        let steps = pairs.iter().filter(|(k, _)| k == "s").count();
        if steps > MAX_STEPS {
            let refused = format!(
                "This plan has {steps} steps; a plan may have at most {MAX_STEPS}. Nothing of it was opened: split it \
                 into shorter plans."
            );
            return Reading { plan, notes, refused: Some(refused) };
        }
        let mut title_seen = false;
        for (key, value) in pairs {
            match key.as_str() {
                "t" if !title_seen => {
                    title_seen = true;
                    plan.title = cut(&value, MAX_TITLE, "The title", &mut notes);
                }
                "s" => {
                    plan.push(value, String::new());
                }
                "n" => match (plan.steps.len(), plan.steps.last_mut()) {
                    (number, Some(step)) if step.note.is_empty() => {
                        step.note = cut(&value, MAX_NOTE, &format!("The note of step {number}"), &mut notes);
                    }
                    _ => notes.push("A note came before any step (or a step had two); it was left out.".to_string()),
                },
                _ => {}
            }
        }
        Reading { plan, notes, refused: None }
    }

    /// The plan's link query: the title, then each step's link and note, in order.
    pub fn to_query(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if !self.title.is_empty() {
            out.append_pair("t", &self.title);
        }
        for step in &self.steps {
            out.append_pair("s", &step.link);
            if !step.note.is_empty() {
                out.append_pair("n", &step.note);
            }
        }
        out.finish()
    }

    /// Adds a step at the end and returns its id; `None` (and nothing added) at `MAX_STEPS`.
    pub fn push(&mut self, link: String, note: String) -> Option<u32> {
        if self.steps.len() >= MAX_STEPS {
            return None;
        }
        let id = self.next_id;
        self.next_id += 1;
        self.steps.push(Step { id, link, note });
        Some(id)
    }

    pub fn index_of(&self, id: u32) -> Option<usize> {
        self.steps.iter().position(|s| s.id == id)
    }

    pub fn step_mut(&mut self, id: u32) -> Option<&mut Step> {
        self.steps.iter_mut().find(|s| s.id == id)
    }

    pub fn remove(&mut self, id: u32) {
        self.steps.retain(|s| s.id != id);
    }

    /// Moves a step one place up (`by` = −1) or down (+1); at an end it stays.
    pub fn shift(&mut self, id: u32, by: isize) {
        let Some(i) = self.index_of(id) else { return };
        let j = i as isize + by;
        if (0..self.steps.len() as isize).contains(&j) {
            self.steps.swap(i, j as usize);
        }
    }
}

/// `text` up to `max` characters, with a note when it was longer.
fn cut(text: &str, max: usize, what: &str, notes: &mut Vec<String>) -> String {
    if text.chars().count() > max {
        notes.push(format!("{what} was longer than {max} characters; only its start was kept."));
        return text.chars().take(max).collect();
    }
    text.to_string()
}

/// Where the site lives, so a pasted full link can be told from another site's.
#[derive(Clone, Copy, Debug)]
pub struct Stepwise<'a> {
    /// `https://example.org`, no trailing slash.
    pub origin: &'a str,
    /// `/stepwise` when the site is served under a sub-path, else empty.
    pub base: &'a str,
}

impl Stepwise<'_> {
    /// The page a step's link opens, as a path inside the site with its query (`/gan?lr=0.001`,
    /// without the base path), or why it cannot be a step, in words a teacher can act on.
    pub fn open(&self, raw: &str) -> Result<String, String> {
        let text = raw.trim();
        if text.is_empty() {
            return Err("This step has no link yet. Paste a link copied from a lesson's Share panel.".to_string());
        }
        if text.len() > MAX_STEP_BYTES {
            return Err(format!(
                "This link is {} kB; a step's link may be at most {} kB.",
                text.len().div_ceil(1024),
                MAX_STEP_BYTES / 1024
            ));
        }
        let rest = match scheme_of(text) {
            None => text,
            Some(scheme) if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") => {
                match text.strip_prefix(self.origin).filter(|r| r.is_empty() || r.starts_with(['/', '?', '#'])) {
                    Some(rest) => rest,
                    None => {
                        return Err(format!(
                            "This link leads to another site ({}), not to this one ({}). A plan opens only Stepwise \
                             pages, so a shared plan cannot send a class anywhere else.",
                            host_of(text),
                            host_of(self.origin)
                        ))
                    }
                }
            }
            Some(scheme) => {
                return Err(format!("A “{scheme}:” link is not a web page. Paste a link copied from a lesson's Share panel."))
            }
        };
        let rest = rest.split('#').next().unwrap_or_default();
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let path = if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
        let path = match path.strip_prefix(self.base) {
            Some(inner) if !self.base.is_empty() && (inner.is_empty() || inner.starts_with('/')) => inner.to_string(),
            _ => path,
        };
        let route = path.trim_matches('/');
        let known = route.is_empty()
            || catalog::lesson(route).is_some()
            || route.strip_prefix("embed/").is_some_and(|id| catalog::widget(id).is_some() || catalog::lesson(id).is_some());
        if route == "plan" {
            return Err("A plan cannot hold another plan. Add the other plan's steps to this one instead.".to_string());
        }
        if !known {
            let lessons: Vec<&str> = catalog::LESSONS.iter().map(|l| l.slug).collect();
            return Err(format!(
                "“/{route}” is not a Stepwise page. A step opens a lesson ({}) or a widget's /embed/ link.",
                lessons.join(", ")
            ));
        }
        let route = if route.is_empty() { "/".to_string() } else { format!("/{route}") };
        Ok(if query.is_empty() { route } else { format!("{route}?{query}") })
    }
}

/// The scheme of an absolute link (`https` of `https://…`, `javascript` of `javascript:…`):
/// letters before a `:` that comes before any `/`, `?` or `#`.
fn scheme_of(text: &str) -> Option<&str> {
    let colon = text.find(':')?;
    let scheme = &text[..colon];
    let plain = !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    plain.then_some(scheme)
}

/// `example.org` of `https://example.org/x`.
fn host_of(link: &str) -> &str {
    let after = link.split_once("://").map_or(link, |(_, rest)| rest);
    after.split(['/', '?', '#']).next().unwrap_or(after)
}
