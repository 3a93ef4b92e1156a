//! Every reader of a real source, fed mutated copies of the real files and arbitrary bytes:
//! each answers with records, or with findings that name the file and the field, or with the
//! file it could not read, and never panics. A panic fails the property and proptest shrinks
//! it to a small input.
//!
//! The seeds are the real files of `../shared/data` (or `PILOTE_SHARED_DATA`); the test says
//! so and passes when they are absent. `PROPTEST_CASES` raises the number of cases per source.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::path::{Path, PathBuf};

use pilote_domain::quality::reference::Standard;
use pilote_import::{Finding, ImportError, commons, data, portfolio, quality};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

fn shared_data() -> Option<PathBuf> {
    let path = std::env::var_os("PILOTE_SHARED_DATA").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
        PathBuf::from,
    );
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!(
            "skipped: the real data is absent ({}); set PILOTE_SHARED_DATA",
            path.display()
        );
        None
    }
}

/// A source as its reader sees it: files under a folder, one of which is mutated per case.
struct Source {
    name: &'static str,
    files: Vec<(PathBuf, Vec<u8>)>,
    read: fn(&Path) -> Outcome,
    /// What the reader is given: the folder, or its only file.
    reads_folder: bool,
}

/// What a reader answered, reduced to what this test checks.
enum Outcome {
    Read { findings: Vec<Finding> },
    Failed(ImportError),
}

fn outcome<T>(result: Result<T, ImportError>, findings: impl FnOnce(T) -> Vec<Finding>) -> Outcome {
    match result {
        Ok(read) => Outcome::Read {
            findings: findings(read),
        },
        Err(error) => Outcome::Failed(error),
    }
}

/// Tokens that matter to the formats read (CSV, JSON, YAML front matter, Markdown), inserted
/// more often than random bytes would produce them.
const TOKENS: &[&str] = &[
    "\"",
    ",",
    ";",
    "\n",
    "\r\n",
    "{",
    "}",
    "[",
    "]",
    ":",
    "---\n",
    "null",
    "true",
    "-1",
    "0",
    "1e999",
    "99999999999999999999",
    "\"\"",
    "é",
    "\u{0}",
    "\u{feff}",
    "- ",
    "  ",
    "#",
    "'",
    "2020-13-45",
    "http://",
    "&",
    "\\",
];

#[derive(Debug, Clone)]
enum Mutation {
    Set(Index, u8),
    Insert(Index, Vec<u8>),
    InsertToken(Index, Index),
    Delete(Index, usize),
    Duplicate(Index, usize),
    Truncate(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        // Mostly text, so that most cases get past UTF-8 decoding to the formats' checks;
        // arbitrary bytes come from `Change::Replaced` and from the odd raw byte.
        (
            any::<Index>(),
            prop_oneof![9 => 0x20u8..0x7f, 1 => any::<u8>()]
        )
            .prop_map(|(at, byte)| Mutation::Set(at, byte)),
        (any::<Index>(), "\\PC{1,12}")
            .prop_map(|(at, text): (Index, String)| Mutation::Insert(at, text.into_bytes())),
        (any::<Index>(), any::<Index>()).prop_map(|(at, token)| Mutation::InsertToken(at, token)),
        (any::<Index>(), 1usize..256).prop_map(|(at, len)| Mutation::Delete(at, len)),
        (any::<Index>(), 1usize..256).prop_map(|(at, len)| Mutation::Duplicate(at, len)),
        any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let position = |at: &Index, bytes: &Vec<u8>| at.index(bytes.len() + 1);
    match mutation {
        Mutation::Set(at, byte) => {
            if !bytes.is_empty() {
                let at = at.index(bytes.len());
                bytes[at] = *byte;
            }
        }
        Mutation::Insert(at, inserted) => {
            let at = position(at, bytes);
            bytes.splice(at..at, inserted.iter().copied());
        }
        Mutation::InsertToken(at, token) => {
            let at = position(at, bytes);
            let token = TOKENS[token.index(TOKENS.len())].as_bytes();
            bytes.splice(at..at, token.iter().copied());
        }
        Mutation::Delete(at, len) => {
            let at = position(at, bytes);
            let end = (at + len).min(bytes.len());
            bytes.drain(at..end);
        }
        Mutation::Duplicate(at, len) => {
            let at = position(at, bytes);
            let end = (at + len).min(bytes.len());
            let span = bytes[at..end].to_vec();
            bytes.splice(at..at, span);
        }
        Mutation::Truncate(at) => {
            let at = position(at, bytes);
            bytes.truncate(at);
        }
    }
}

/// How a case changes the mutated file.
#[derive(Debug, Clone)]
enum Change {
    Mutated(Vec<Mutation>),
    Replaced(Vec<u8>),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        6 => prop::collection::vec(mutation(), 1..8).prop_map(Change::Mutated),
        1 => prop::collection::vec(any::<u8>(), 0..2048).prop_map(Change::Replaced),
        1 => "\\PC{0,512}".prop_map(|text: String| Change::Replaced(text.into_bytes())),
    ]
}

/// Writes the source in a temporary folder, with the file `change.0` changed, and gives the
/// folder, what the reader takes, and the changed file's relative path.
fn write(
    source: &Source,
    change: Option<(usize, &Change)>,
) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let mut changed_file = PathBuf::new();
    for (index, (relative, seed)) in source.files.iter().enumerate() {
        let path = dir.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let bytes = match change {
            Some((target, change)) if target == index => {
                changed_file.clone_from(relative);
                match change {
                    Change::Mutated(mutations) => {
                        let mut bytes = seed.clone();
                        for mutation in mutations {
                            apply(&mut bytes, mutation);
                        }
                        bytes
                    }
                    Change::Replaced(bytes) => bytes.clone(),
                }
            }
            _ => seed.clone(),
        };
        std::fs::write(&path, bytes).unwrap();
    }
    let given = if source.reads_folder {
        dir.path().to_owned()
    } else {
        dir.path().join(&source.files[0].0)
    };
    (dir, given, changed_file)
}

/// How the cases of one source were answered.
#[derive(Debug, Default)]
struct Tally {
    clean: usize,
    with_findings: usize,
    invalid: usize,
    unreadable: usize,
}

/// Reads the source with one file changed, and checks the answer.
fn run_case(
    source: &Source,
    target: usize,
    change: &Change,
    tally: &std::cell::RefCell<Tally>,
) -> Result<(), TestCaseError> {
    let (_dir, given, changed_file) = write(source, Some((target, change)));
    match (source.read)(&given) {
        Outcome::Read { findings } => {
            let mut tally = tally.borrow_mut();
            if findings.is_empty() {
                tally.clean += 1;
            } else {
                tally.with_findings += 1;
            }
            for finding in &findings {
                prop_assert!(
                    !finding.file.is_empty() && !finding.message.is_empty(),
                    "{}: a finding without file or message: {finding:?}",
                    source.name
                );
            }
        }
        Outcome::Failed(ImportError::Invalid(findings)) => {
            tally.borrow_mut().invalid += 1;
            prop_assert!(
                !findings.is_empty(),
                "{}: invalid, with no finding",
                source.name
            );
            for finding in &findings {
                prop_assert!(
                    !finding.file.is_empty()
                        && !finding.message.is_empty()
                        && !finding.field.is_empty(),
                    "{}: a finding without file, field or message: {finding:?}",
                    source.name
                );
            }
        }
        Outcome::Failed(ImportError::Io { path, .. }) => {
            tally.borrow_mut().unreadable += 1;
            // Only the changed file can be unreadable (invalid UTF-8).
            prop_assert!(
                path.ends_with(&changed_file),
                "{}: {} reported unreadable, {} was changed",
                source.name,
                path.display(),
                changed_file.display()
            );
        }
        Outcome::Failed(other) => {
            prop_assert!(false, "{}: unexpected error: {other}", source.name);
        }
    }
    Ok(())
}

/// The first `lines` lines of a file: enough records, a fast case.
fn head(path: &Path, lines: usize) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
    let end = bytes
        .iter()
        .enumerate()
        .filter(|(_, byte)| **byte == b'\n')
        .nth(lines - 1)
        .map_or(bytes.len(), |(at, _)| at + 1);
    bytes[..end].to_vec()
}

/// The first `count` Markdown files of a folder, by name.
fn some_files(root: &Path, folder: &str, count: usize) -> Vec<(PathBuf, Vec<u8>)> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(root.join(folder))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "md"))
        .collect();
    names.sort();
    names
        .into_iter()
        .take(count)
        .map(|path| {
            let relative = Path::new(folder).join(path.file_name().unwrap());
            (relative, std::fs::read(&path).unwrap())
        })
        .collect()
}

fn one_file(relative: &str, bytes: Vec<u8>) -> Vec<(PathBuf, Vec<u8>)> {
    vec![(PathBuf::from(relative), bytes)]
}

fn sources(root: &Path) -> Vec<Source> {
    let beta = root.join("betagouv");
    let apigouv = root.join("apigouv");
    vec![
        Source {
            name: "beta.gouv.fr",
            files: [
                ("_startups", 6),
                ("_authors", 6),
                ("_incubators", 3),
                ("_organisations", 3),
                ("_teams", 2),
            ]
            .into_iter()
            .flat_map(|(folder, count)| some_files(&beta, folder, count))
            .collect(),
            read: |path| outcome(portfolio::beta::read(path), |read| read.rejects),
            reads_folder: true,
        },
        Source {
            name: "data.gouv.fr export",
            files: one_file(
                "datasets.csv",
                head(&root.join("datagouv/datasets-export-2020-01-11.csv"), 60),
            ),
            read: |path| {
                outcome(data::datagouv::read(path), |read| {
                    [read.rejects, read.warnings].concat()
                })
            },
            reads_folder: false,
        },
        Source {
            name: "udata API",
            files: one_file(
                "api-fixtures.json",
                std::fs::read(root.join("udata/api-fixtures.json")).unwrap(),
            ),
            read: |path| {
                outcome(data::udata::read(path), |read| {
                    [read.rejects, read.warnings].concat()
                })
            },
            reads_folder: false,
        },
        Source {
            name: "api.gouv.fr",
            files: [
                some_files(&apigouv, "producteurs", 3),
                some_files(&apigouv, "api", 6),
            ]
            .concat(),
            read: |path| {
                outcome(data::apigouv::read(path), |read| {
                    [read.rejects, read.warnings].concat()
                })
            },
            reads_folder: true,
        },
        Source {
            name: "SILL",
            files: one_file(
                "sill.json",
                std::fs::read(root.join("sill/sill.json")).unwrap(),
            ),
            read: |path| {
                outcome(commons::read_sill(path), |read| {
                    [read.rejects, read.warnings].concat()
                })
            },
            reads_folder: false,
        },
        Source {
            name: "SILL contributors",
            files: one_file(
                "sill-contributors.json",
                std::fs::read(root.join("sill/sill-contributors.json")).unwrap(),
            ),
            read: |path| outcome(commons::read_contributors(path), |(_, findings)| findings),
            reads_folder: false,
        },
        Source {
            name: "RGAA criteria",
            files: one_file(
                "rgaa.json",
                std::fs::read(root.join("reference/rgaa-4.1-criteria.json")).unwrap(),
            ),
            read: |path| outcome(quality::read(Standard::Rgaa, path), |_| Vec::new()),
            reads_folder: false,
        },
        Source {
            name: "RGESN criteria",
            files: one_file(
                "rgesn.json",
                std::fs::read(root.join("reference/rgesn-v1.json")).unwrap(),
            ),
            read: |path| outcome(quality::read(Standard::Rgesn, path), |_| Vec::new()),
            reads_folder: false,
        },
    ]
}

#[test]
fn every_reader_answers_mutated_and_arbitrary_input_without_panicking() {
    let Some(root) = shared_data() else { return };
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(256);
    for source in sources(&root) {
        // The unchanged seed reads: mutations start from a valid source.
        let (_dir, seed, _) = write(&source, None);
        assert!(
            matches!((source.read)(&seed), Outcome::Read { .. }),
            "{}: the unchanged seed does not read",
            source.name
        );
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        let files = source.files.len();
        let started = std::time::Instant::now();
        let tally = std::cell::RefCell::new(Tally::default());
        runner
            .run(&(0..files, change()), |(target, change)| {
                run_case(&source, target, &change, &tally)
            })
            .unwrap_or_else(|failure| panic!("{}: {failure}", source.name));
        let tally = tally.into_inner();
        eprintln!(
            "{}: {cases} cases over {files} file(s) in {:.1} s: {} read whole, {} read with findings, {} refused as invalid, {} unreadable",
            source.name,
            started.elapsed().as_secs_f64(),
            tally.clean,
            tally.with_findings,
            tally.invalid,
            tally.unreadable
        );
        // The mutations reach the readers' checks, not only their happy path.
        assert!(
            tally.with_findings + tally.invalid + tally.unreadable > 0,
            "{}: no case was refused: {tally:?}",
            source.name
        );
    }
}
