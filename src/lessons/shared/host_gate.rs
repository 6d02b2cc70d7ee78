//! Which page may drive an embed through the host API (`ui::host_api`), and where its answers
//! go. An embed's state can hold what a learner typed (a review, a poem), so it is never
//! broadcast: before a host has spoken the embed says only that it is ready; the first valid
//! command fixes the host's origin, and from then on answers go to that origin alone and
//! commands from any other are ignored. An author can pin the host in the embed's link
//! (`host=https://blog.example.org`): then only that origin is obeyed or answered, and a
//! command from another is refused where the learner sees it.

/// The `host` key of an embed's link, read (the origin itself is worked out by the browser).
#[derive(Clone, Debug, PartialEq)]
pub enum Pin {
    /// No `host` key: the first page that speaks becomes the host.
    Open,
    /// Only this origin (`https://blog.example.org`).
    Origin(String),
    /// A `host` value that is not a web origin, as written: the embed answers no page.
    Invalid(String),
}

/// What to do with one command.
#[derive(Clone, Debug, PartialEq)]
pub enum Heard {
    /// Carry it out; answer this origin.
    Obey(String),
    /// Ignore it, and show the learner why (a pinned host that does not match).
    Refuse(String),
    /// Ignore it without a word (another origin than the host that spoke first).
    Ignore,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HostGate {
    pin: Pin,
    host: Option<String>,
}

impl HostGate {
    pub fn new(pin: Pin) -> HostGate {
        HostGate { pin, host: None }
    }

    /// Where `ready` goes (it carries no state): the pinned origin, or any page when none is
    /// pinned; nowhere when the pin is not an origin.
    pub fn ready_target(&self) -> Option<&str> {
        match &self.pin {
            Pin::Open => Some("*"),
            Pin::Origin(origin) => Some(origin),
            Pin::Invalid(_) => None,
        }
    }

    /// Where state and errors go: the host, once it has spoken.
    pub fn answer_target(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// A command from a page at `origin` (`valid`: one the API knows). The first valid one
    /// from an acceptable origin fixes the host. A page with no origin (`"null"`: a sandboxed
    /// frame, a file opened from disk) cannot be answered only to itself, so it is refused.
    pub fn hear(&mut self, origin: &str, valid: bool) -> Heard {
        if let Pin::Invalid(text) = &self.pin {
            return Heard::Refuse(format!(
                "This embed's link pins its host to “{text}”, which is not a web origin such as https://blog.example.org, so it answers no page."
            ));
        }
        if let Pin::Origin(pinned) = &self.pin {
            if origin != pinned {
                return Heard::Refuse(format!("This embed answers only {pinned} (the host in its link); it ignored a command from {origin}."));
            }
        }
        match &self.host {
            Some(host) if host != origin => Heard::Ignore,
            Some(_) => Heard::Obey(origin.to_string()),
            None if origin == "null" || origin.is_empty() => {
                Heard::Refuse("A page without an origin (a sandboxed frame, or a file opened from disk) tried to drive this embed; serve the page over http(s).".into())
            }
            None => {
                if valid {
                    self.host = Some(origin.to_string());
                }
                Heard::Obey(origin.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOG: &str = "https://blog.example.org";
    const EVIL: &str = "https://evil.example";

    #[test]
    fn the_first_valid_command_fixes_the_host_and_others_are_ignored() {
        let mut gate = HostGate::new(Pin::Open);
        assert_eq!((gate.ready_target(), gate.answer_target()), (Some("*"), None), "only ready, to anyone");
        assert_eq!(gate.hear(EVIL, false), Heard::Obey(EVIL.into()), "an unknown command is answered (an error) but fixes nothing");
        assert_eq!(gate.answer_target(), None);
        assert_eq!(gate.hear(BLOG, true), Heard::Obey(BLOG.into()));
        assert_eq!(gate.answer_target(), Some(BLOG));
        assert_eq!(gate.hear(EVIL, true), Heard::Ignore);
        assert_eq!(gate.hear(BLOG, true), Heard::Obey(BLOG.into()));
        assert_eq!(gate.answer_target(), Some(BLOG));
    }

    #[test]
    fn a_pinned_host_is_the_only_one_obeyed_or_answered() {
        let mut gate = HostGate::new(Pin::Origin(BLOG.into()));
        assert_eq!(gate.ready_target(), Some(BLOG));
        assert!(matches!(gate.hear(EVIL, true), Heard::Refuse(why) if why.contains(BLOG) && why.contains(EVIL)));
        assert_eq!(gate.answer_target(), None);
        assert_eq!(gate.hear(BLOG, true), Heard::Obey(BLOG.into()));
        assert_eq!(gate.answer_target(), Some(BLOG));
    }

    #[test]
    fn a_bad_pin_and_a_page_without_an_origin_are_refused_visibly() {
        let mut gate = HostGate::new(Pin::Invalid("blog dot org".into()));
        assert_eq!(gate.ready_target(), None);
        assert!(matches!(gate.hear(BLOG, true), Heard::Refuse(why) if why.contains("blog dot org")));
        let mut open = HostGate::new(Pin::Open);
        assert!(matches!(open.hear("null", true), Heard::Refuse(_)));
        assert_eq!(open.answer_target(), None);
    }
}
