//! Markdown files with a YAML front matter, and finding the line of a field in it.

/// A file split into its YAML front matter and its Markdown body.
pub(crate) struct Document<'a> {
    /// The YAML between the two `---` lines.
    pub front_matter: &'a str,
    /// The Markdown after the closing `---`, without leading blank lines.
    pub body: &'a str,
}

/// The file line where the front matter starts (line 1 is the opening `---`).
pub(crate) const FIRST_LINE: usize = 2;

/// Splits a file; `None` when it has no front matter.
pub(crate) fn split(text: &str) -> Option<Document<'_>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text.strip_prefix("---")?;
    let rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let body = &rest[offset + line.len()..];
            return Some(Document {
                front_matter: &rest[..offset],
                body: body.trim_start_matches(['\n', '\r']).trim_end(),
            });
        }
        offset += line.len();
    }
    None
}

/// One step of a field path: a key or a list index.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn steps(path: &str) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    for part in path.split('.').filter(|part| !part.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|key| !key.is_empty()) {
            steps.push(Step::Key(key));
        }
        for index in pieces {
            if let Ok(index) = index.trim_end_matches(']').parse() {
                steps.push(Step::Index(index));
            }
        }
    }
    steps
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The text of a line after its indentation and any list dash.
fn content(line: &str) -> &str {
    let trimmed = line.trim_start();
    trimmed.strip_prefix("- ").map_or(trimmed, str::trim_start)
}

fn is_item(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with("- ") || trimmed == "-"
}

/// The 1-based file line of a field given as a path (`phases[2].start`): the line of the
/// deepest step found, or the front matter's first line. Block-style YAML, as the real
/// content is written, is followed step by step; anything else falls back to the nearest
/// enclosing field.
pub(crate) fn line_of(front_matter: &str, path: &str) -> usize {
    let lines: Vec<&str> = front_matter.lines().collect();
    let (mut from, mut to) = (0, lines.len());
    let mut found = None;
    for step in steps(path) {
        let hit = match step {
            Step::Key(key) => (from..to).find(|&i| {
                content(lines[i])
                    .strip_prefix(key)
                    .is_some_and(|rest| rest.starts_with(':'))
            }),
            Step::Index(index) => {
                let start = if found.is_some() { from + 1 } else { from };
                let first = (start..to).find(|&i| is_item(lines[i]));
                first.and_then(|first| {
                    let depth = indentation(lines[first]);
                    (first..to)
                        .filter(|&i| is_item(lines[i]) && indentation(lines[i]) == depth)
                        .nth(index)
                        .inspect(|&item| {
                            let end = (item + 1..to)
                                .find(|&i| {
                                    !lines[i].trim().is_empty()
                                        && indentation(lines[i]) <= depth
                                        && (is_item(lines[i]) || indentation(lines[i]) < depth)
                                })
                                .unwrap_or(to);
                            to = end;
                        })
                })
            }
        };
        match hit {
            Some(line) => {
                found = Some(line);
                from = line;
            }
            None => break,
        }
    }
    found.unwrap_or(0) + FIRST_LINE
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRODUCT: &str = "---\ntitle: A\nphases:\n  - name: investigation\n    start: 2021-02-01\n  - name: construction\n    start: 2021-09-01\n    end: nope\nsponsors:\n- /organisations/a\n- /organisations/b\n---\n\nBody\n";

    #[test]
    fn splits_front_matter_and_body() {
        let document = split(PRODUCT).unwrap();
        assert!(document.front_matter.starts_with("title: A\n"));
        assert_eq!(document.body, "Body");
        assert!(split("no front matter").is_none());
        assert!(
            split("---\ntitle: x\n").is_none(),
            "an unclosed front matter is none"
        );
    }

    #[test]
    fn finds_the_line_of_nested_fields() {
        let fm = split(PRODUCT).unwrap().front_matter;
        assert_eq!(line_of(fm, "title"), 2);
        assert_eq!(line_of(fm, "phases"), 3);
        assert_eq!(line_of(fm, "phases[0].name"), 4);
        assert_eq!(line_of(fm, "phases[1].start"), 7);
        assert_eq!(line_of(fm, "phases[1].end"), 8);
        assert_eq!(line_of(fm, "sponsors[1]"), 11);
        assert_eq!(line_of(fm, "missing"), 2);
        assert_eq!(
            line_of(fm, "phases[7].start"),
            3,
            "falls back to the enclosing field"
        );
    }
}
