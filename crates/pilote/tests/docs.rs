//! The documentation shows the permission table the code enforces: this test fails when they
//! drift apart (`PILOTE_UPDATE_DOCS=1` rewrites the README's copy).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

const START: &str = "<!-- permission-table -->\n";
const END: &str = "<!-- /permission-table -->";

#[test]
fn the_readme_shows_the_permission_table() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find(START)
        .expect("the README marks the permission table")
        + START.len();
    let end = readme
        .find(END)
        .expect("the README closes the permission table");
    let table = pilote_domain::identity::permission_table_markdown();
    if std::env::var_os("PILOTE_UPDATE_DOCS").is_some() {
        let updated = format!("{}{table}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert_eq!(
        readme[start..end],
        table,
        "the README's permission table differs from pilote_domain::identity::PERMISSIONS; run with PILOTE_UPDATE_DOCS=1"
    );
}

/// Every `PILOTE_*` variable the command line reads is in the README's settings table, and the
/// table names no variable the code has dropped.
#[test]
fn the_readme_lists_every_setting() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let cli = std::fs::read_to_string(root.join("src/cli.rs")).unwrap();
    let readme = std::fs::read_to_string(root.join("../../README.md")).unwrap();
    let start = readme
        .find("<!-- settings-table -->")
        .expect("the README marks the settings table");
    let end = readme
        .find("<!-- /settings-table -->")
        .expect("the README closes the settings table");
    let variables = |text: &str| -> std::collections::BTreeSet<String> {
        text.split('"')
            .chain(text.split('`'))
            .filter(|word| {
                word.starts_with("PILOTE_")
                    && word[7..]
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c == '_')
            })
            .map(str::to_owned)
            .collect()
    };
    let read = variables(&cli);
    let listed = variables(&readme[start..end]);
    assert!(read.len() >= 20, "read from cli.rs: {read:?}");
    assert_eq!(
        read, listed,
        "the README's settings table and the variables src/cli.rs reads differ"
    );
}
