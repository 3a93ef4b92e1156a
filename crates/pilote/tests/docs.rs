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
