//! The learner's own data as CSV: one "x, y" pair a line. Bad lines are reported by number and
//! skipped; the good ones are kept.

use super::regression::Point;

/// The points read, and one message per line that could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub points: Vec<Point>,
    pub problems: Vec<String>,
}

/// How many points a data set may have (the table and the charts stay readable).
pub const MAX_POINTS: usize = 200;

/// Reads "x, y" lines. Commas, semicolons, tabs or spaces separate the two numbers; blank
/// lines and lines starting with `#` are ignored; a first line that is not numeric (a header
/// such as "x,y") is skipped without complaint.
pub fn parse(text: &str) -> Parsed {
    let mut points = Vec::new();
    let mut problems = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(|c: char| c == ',' || c == ';' || c == '\t' || c == ' ').filter(|f| !f.is_empty()).collect();
        let values: Vec<Option<f64>> = fields.iter().map(|f| f.parse::<f64>().ok().filter(|v| v.is_finite())).collect();
        let all_text = values.iter().all(Option::is_none);
        if points.is_empty() && problems.is_empty() && all_text {
            continue; // a header line
        }
        let problem = match values.as_slice() {
            [Some(x), Some(y)] if x.abs() <= 1e6 && y.abs() <= 1e6 => {
                if points.len() >= MAX_POINTS {
                    Some(format!("line {number}: more than {MAX_POINTS} points; the rest are left out"))
                } else {
                    points.push((*x, *y));
                    None
                }
            }
            [Some(_), Some(_)] => Some(format!("line {number}: a number beyond ±1,000,000 (“{line}”)")),
            [_, _] => Some(format!("line {number}: “{line}” is not two numbers")),
            _ => Some(format!("line {number}: expected two numbers x, y, found {} value{} (“{line}”)", fields.len(), if fields.len() == 1 { "" } else { "s" })),
        };
        if let Some(p) = problem {
            let over_limit = p.contains("the rest are left out");
            problems.push(p);
            if over_limit {
                break;
            }
        }
    }
    Parsed { points, problems }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_rows_are_kept_and_bad_ones_reported_by_line_number() {
        let text = "x,y\n1, 2\n\n2;3.5\nthree,4\n4 5 6\n# a comment\n5\t-1e-1\nnan,1\n6,2e9\n";
        let parsed = parse(text);
        assert_eq!(parsed.points, vec![(1.0, 2.0), (2.0, 3.5), (5.0, -0.1)]);
        assert_eq!(parsed.problems.len(), 4, "{:?}", parsed.problems);
        assert!(parsed.problems[0].starts_with("line 5:"), "{}", parsed.problems[0]);
        assert!(parsed.problems[1].starts_with("line 6:") && parsed.problems[1].contains("found 3 values"));
        assert!(parsed.problems[2].starts_with("line 9:"));
        assert!(parsed.problems[3].starts_with("line 10:") && parsed.problems[3].contains("1,000,000"));
    }

    #[test]
    fn a_header_is_skipped_only_as_the_first_line() {
        assert_eq!(parse("x,y\n1,1").problems, Vec::<String>::new());
        let parsed = parse("1,1\nx,y\n2,2");
        assert_eq!(parsed.points, vec![(1.0, 1.0), (2.0, 2.0)]);
        assert_eq!(parsed.problems, vec!["line 2: “x,y” is not two numbers".to_string()]);
    }

    #[test]
    fn too_many_points_are_cut_with_a_message() {
        let text: String = (0..MAX_POINTS + 5).map(|i| format!("{i},1\n")).collect();
        let parsed = parse(&text);
        assert_eq!(parsed.points.len(), MAX_POINTS);
        assert_eq!(parsed.problems.len(), 1);
    }
}
