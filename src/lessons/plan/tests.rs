use super::*;
use proptest::prelude::*;

const SITE: Stepwise = Stepwise { origin: "https://stepwise.example", base: "/stepwise" };

fn plan_of(steps: &[(&str, &str)]) -> Plan {
    let mut plan = Plan { title: "Week 3: learning".to_string(), ..Plan::default() };
    for (link, note) in steps {
        plan.push(link.to_string(), note.to_string());
    }
    plan
}

#[test]
fn a_plan_reads_back_from_its_own_link_in_order() {
    let plan = plan_of(&[
        ("/gradient-descent?lr=0.1&present=1", "Start slow: & watch the line"),
        ("/information", ""),
        ("/embed/softmax?z=1,2,3", "Then the softmax"),
    ]);
    let query = plan.to_query();
    let back = Plan::read(&format!("?{query}"));
    assert!(back.refused.is_none() && back.notes.is_empty(), "{:?} {:?}", back.refused, back.notes);
    assert_eq!(back.plan.title, plan.title);
    let steps: Vec<(&str, &str)> = back.plan.steps.iter().map(|s| (s.link.as_str(), s.note.as_str())).collect();
    assert_eq!(steps, vec![
        ("/gradient-descent?lr=0.1&present=1", "Start slow: & watch the line"),
        ("/information", ""),
        ("/embed/softmax?z=1,2,3", "Then the softmax"),
    ]);
}

#[test]
fn a_note_belongs_to_the_step_before_it() {
    let reading = Plan::read("n=orphan&s=%2Fgan&n=one&n=two&s=%2Ftext&t=Title&t=Second");
    let notes: Vec<&str> = reading.plan.steps.iter().map(|s| s.note.as_str()).collect();
    assert_eq!(notes, vec!["one", ""]);
    assert_eq!(reading.plan.title, "Title", "the first title wins");
    assert_eq!(reading.notes.len(), 2, "{:?}", reading.notes);
}

#[test]
fn over_the_limits_the_whole_plan_is_refused_and_the_limit_named() {
    let many = vec!["s=%2Fgan"; 500].join("&");
    let reading = Plan::read(&many);
    assert!(reading.plan.steps.is_empty());
    let why = reading.refused.expect("500 steps are refused");
    assert!(why.contains("500 steps") && why.contains(&MAX_STEPS.to_string()), "{why}");

    let huge = format!("s=%2Fgan%3Fx%3D{}", "a".repeat(100 * 1024));
    let why = Plan::read(&huge).refused.expect("a 100 kB link is refused");
    assert!(why.contains("101 kB") && why.contains("32 kB"), "{why}");

    let exactly = vec!["s=%2Fgan"; MAX_STEPS].join("&");
    assert_eq!(Plan::read(&exactly).plan.steps.len(), MAX_STEPS);
}

#[test]
fn long_titles_and_notes_are_cut_with_a_note() {
    let reading = Plan::read(&format!("t={}&s=%2Fgan&n={}", "x".repeat(500), "é".repeat(900)));
    assert_eq!(reading.plan.title.chars().count(), MAX_TITLE);
    assert_eq!(reading.plan.steps[0].note.chars().count(), MAX_NOTE);
    assert_eq!(reading.notes.len(), 2);
}

#[test]
fn editing_keeps_ids_and_stops_at_the_limit() {
    let mut plan = plan_of(&[("/gan", "a"), ("/text", "b"), ("/gpt", "c")]);
    let ids: Vec<u32> = plan.steps.iter().map(|s| s.id).collect();
    plan.shift(ids[0], -1);
    plan.shift(ids[2], 1);
    assert_eq!(plan.steps.iter().map(|s| s.id).collect::<Vec<_>>(), ids, "ends stay put");
    plan.shift(ids[0], 1);
    assert_eq!(plan.steps[0].link, "/text");
    plan.remove(ids[1]);
    assert_eq!(plan.steps.len(), 2);
    plan.step_mut(ids[2]).unwrap().note = "changed".to_string();
    assert_eq!(plan.steps[1].note, "changed");
    while plan.push("/gan".to_string(), String::new()).is_some() {}
    assert_eq!(plan.steps.len(), MAX_STEPS);
    let fresh: Vec<u32> = plan.steps.iter().map(|s| s.id).collect();
    let mut unique = fresh.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), fresh.len(), "ids are never reused");
}

#[test]
fn good_links_open_as_paths_inside_the_site() {
    let cases = [
        ("https://stepwise.example/stepwise/gradient-descent?lr=0.1", "/gradient-descent?lr=0.1"),
        ("https://stepwise.example/stepwise/embed/softmax?z=1#top", "/embed/softmax?z=1"),
        ("https://stepwise.example/stepwise/", "/"),
        ("/stepwise/gan?zd=8", "/gan?zd=8"),
        ("/information?p=0.5,0.5", "/information?p=0.5,0.5"),
        ("  text?r=a+b  ", "/text?r=a+b"),
        ("/embed/mnist", "/embed/mnist"),
        ("/embed/attention?look=1", "/embed/attention?look=1"),
        ("/stepwiseless", "/stepwiseless"),
    ];
    for (raw, want) in cases {
        let got = SITE.open(raw);
        if raw == "/stepwiseless" {
            assert!(got.is_err(), "a path that only starts like the base is not inside it");
        } else {
            assert_eq!(got.as_deref(), Ok(want), "{raw}");
        }
    }
    let root = Stepwise { origin: "http://127.0.0.1:8080", base: "" };
    assert_eq!(root.open("http://127.0.0.1:8080/gpt?ly=2").as_deref(), Ok("/gpt?ly=2"));
}

#[test]
fn bad_links_say_why_in_words_a_teacher_can_act_on() {
    let cases = [
        ("", "no link yet"),
        ("https://evil.example/stepwise/gan", "another site (evil.example)"),
        ("https://stepwise.example.evil/stepwise/gan", "another site"),
        ("javascript:alert(1)", "“javascript:” link is not a web page"),
        ("/stepwise/nonsense?x=1", "“/nonsense” is not a Stepwise page"),
        ("/embed/nothing", "not a Stepwise page"),
        ("/plan?s=%2Fgan", "cannot hold another plan"),
    ];
    for (raw, why) in cases {
        let got = SITE.open(raw).expect_err(raw);
        assert!(got.contains(why), "{raw}: {got}");
    }
    let long = format!("/gan?x={}", "a".repeat(9000));
    assert!(SITE.open(&long).unwrap_err().contains("at most 8 kB"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// Any string at all: reading a plan never panics, stays within the limits, and a plan read
    /// back from its own link is the same plan.
    #[test]
    fn any_plan_link_reads_within_limits_and_round_trips(search in ".{0,400}") {
        let reading = Plan::read(&search);
        prop_assert!(reading.plan.steps.len() <= MAX_STEPS);
        prop_assert!(reading.plan.title.chars().count() <= MAX_TITLE);
        let again = Plan::read(&reading.plan.to_query());
        prop_assert_eq!(&again.plan.title, &reading.plan.title);
        let links = |p: &Plan| p.steps.iter().map(|s| (s.link.clone(), s.note.clone())).collect::<Vec<_>>();
        prop_assert_eq!(links(&again.plan), links(&reading.plan));
    }

    /// Any step link: `open` never panics, and what it accepts is a path of a known page.
    #[test]
    fn any_step_link_opens_a_known_page_or_says_why(raw in prop_oneof![".{0,80}", "(https?://[a-z.]{1,20})?(/stepwise)?/[a-z/-]{0,24}(\\?[a-z=&0-9]{0,12})?"]) {
        match SITE.open(&raw) {
            Ok(path) => {
                prop_assert!(path.starts_with('/'));
                let route = path.split('?').next().unwrap().trim_matches('/');
                prop_assert!(route.is_empty() || catalog::lesson(route).is_some() || route.starts_with("embed/"));
            }
            Err(why) => prop_assert!(!why.is_empty()),
        }
    }
}
