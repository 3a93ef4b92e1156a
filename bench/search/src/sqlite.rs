//! The same documents in SQLite: a `docs` table with an FTS5 index (`docs_fts`, external
//! content, accents folded, prefix indexes), searched directly with bm25; and the same
//! file served by Datasette.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use pilote_search::{Document, Facet};
use rusqlite::{Connection, OpenFlags, params, params_from_iter};

use crate::corpus::facet_values;
use crate::queries::{BenchQuery, fts5_expression};
use crate::{Outcome, PAGE_SIZE};

/// The facets held in a column of `docs` (one value), for Datasette's `_facet`.
pub const COLUMN_FACETS: [(Facet, &str); 5] = [
    (Facet::Kind, "kind"),
    (Facet::Phase, "phase"),
    (Facet::Licence, "licence"),
    (Facet::Access, "access"),
    (Facet::Year, "year"),
];

/// The facets held as a JSON array in a column of `docs` (several values), for
/// Datasette's `_facet_array`.
pub const ARRAY_FACETS: [(Facet, &str); 3] = [
    (Facet::Incubator, "incubators"),
    (Facet::Ministry, "ministries"),
    (Facet::Format, "formats"),
];

const SCHEMA: &str = r#"
CREATE TABLE docs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    date TEXT,
    year INTEGER,
    phase TEXT,
    licence TEXT,
    access TEXT,
    incubators TEXT NOT NULL,
    ministries TEXT NOT NULL,
    formats TEXT NOT NULL
);
CREATE TABLE doc_facets (
    doc INTEGER NOT NULL,
    facet TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (doc, facet, value)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE docs_fts USING fts5(
    title, summary, body,
    content="docs", content_rowid="id",
    tokenize="unicode61 remove_diacritics 2",
    prefix="2 3 4"
);
"#;

const INDEXES: &str = r"
CREATE INDEX doc_facets_value ON doc_facets (facet, value, doc);
CREATE INDEX docs_kind ON docs (kind);
CREATE INDEX docs_year ON docs (year);
CREATE INDEX docs_phase ON docs (phase);
CREATE INDEX docs_licence ON docs (licence);
CREATE INDEX docs_access ON docs (access);
";

/// Writes the documents to a new SQLite file at `path`; returns the time it took.
pub fn build(path: &Path, documents: &[Document]) -> rusqlite::Result<Duration> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
    let start = Instant::now();
    let mut conn = Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -524288;",
    )?;
    conn.execute_batch(SCHEMA)?;
    let tx = conn.transaction()?;
    {
        let mut doc = tx.prepare(
            "INSERT INTO docs (id, kind, slug, title, summary, body, date, year, phase, licence,
                access, incubators, ministries, formats)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?;
        let mut facet =
            tx.prepare("INSERT OR IGNORE INTO doc_facets (doc, facet, value) VALUES (?1, ?2, ?3)")?;
        for (id, document) in (1i64..).zip(documents) {
            let values = facet_values(document);
            let single = |wanted: Facet| {
                values
                    .iter()
                    .find(|(f, _)| *f == wanted)
                    .map(|(_, v)| v.as_str())
            };
            let array = |wanted: Facet| {
                serde_json::Value::from(
                    values
                        .iter()
                        .filter(|(f, _)| *f == wanted)
                        .map(|(_, v)| v.as_str())
                        .collect::<Vec<_>>(),
                )
                .to_string()
            };
            doc.execute(params![
                id,
                document.kind.as_str(),
                document.slug,
                document.title,
                document.summary,
                document.body.join("\n"),
                document.date.map(|d| d.to_string()),
                single(Facet::Year).and_then(|y| y.parse::<i64>().ok()),
                single(Facet::Phase),
                single(Facet::Licence),
                single(Facet::Access),
                array(Facet::Incubator),
                array(Facet::Ministry),
                array(Facet::Format),
            ])?;
            for (f, value) in &values {
                facet.execute(params![id, f.as_str(), value])?;
            }
        }
    }
    tx.commit()?;
    conn.execute_batch(
        "INSERT INTO docs_fts (docs_fts) VALUES ('rebuild');
         INSERT INTO docs_fts (docs_fts) VALUES ('optimize');
         INSERT INTO docs_fts (docs_fts, rank) VALUES ('rank', 'bm25(3.0, 2.0, 1.0)');",
    )?;
    conn.execute_batch(INDEXES)?;
    conn.execute_batch("ANALYZE; PRAGMA journal_mode = DELETE;")?;
    drop(conn);
    Ok(start.elapsed())
}

/// Direct FTS5 search on one read-only connection, statements prepared once and cached.
pub struct Fts5 {
    conn: Connection,
}

/// The clause keeping documents with a facet's value (bound as two parameters).
const FILTER: &str = " AND EXISTS (SELECT 1 FROM doc_facets x
    WHERE x.doc = docs_fts.rowid AND x.facet = ? AND x.value = ?)";

impl Fts5 {
    /// Opens the file read-only.
    pub fn open(path: &Path) -> rusqlite::Result<Fts5> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.execute_batch("PRAGMA cache_size = -524288; PRAGMA mmap_size = 8589934592;")?;
        conn.set_prepared_statement_cache_capacity(512);
        Ok(Fts5 { conn })
    }

    /// The query's plan, for the report.
    pub fn plan(&self, query: &BenchQuery) -> rusqlite::Result<String> {
        let (sql, _) = page_sql(query);
        let mut statement = self.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let rows = statement.query_map(params_from_iter(page_params(query)), |row| {
            row.get::<_, String>(3)
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.join("; "))
    }

    /// Runs a query as pilote-search does: the first page by bm25 with snippets, the total,
    /// and every facet counted with the other facets' filters.
    pub fn search(&self, query: &BenchQuery) -> rusqlite::Result<Outcome> {
        let expression = fts5_expression(query.text);
        let (sql, _) = page_sql(query);
        let mut hits = Vec::with_capacity(PAGE_SIZE);
        {
            let mut statement = self.conn.prepare_cached(&sql)?;
            let mut rows = statement.query(params_from_iter(page_params(query)))?;
            while let Some(row) = rows.next()? {
                let kind: String = row.get(0)?;
                let slug: String = row.get(1)?;
                let _title: String = row.get(2)?;
                let _summary: String = row.get(3)?;
                let _snippet: String = row.get(5)?;
                hits.push(format!("{kind}/{slug}"));
            }
        }
        let filters: String = FILTER.repeat(query.filters.len());
        let all_filters = filter_params(query, None);
        let total: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM docs_fts WHERE docs_fts MATCH ?{filters}"
            ))?
            .query_row(
                params_from_iter(std::iter::once(expression.clone()).chain(all_filters.clone())),
                |row| row.get(0),
            )?;

        // Facets without a selected value, with every filter; then each facet with one,
        // with the others only.
        let mut counts: BTreeMap<String, Vec<(String, i64)>> = BTreeMap::new();
        let selected: Vec<&str> = query.filters.iter().map(|(f, _)| f.as_str()).collect();
        let not_in = if selected.is_empty() {
            String::new()
        } else {
            format!(
                " AND f.facet NOT IN ({})",
                vec!["?"; selected.len()].join(", ")
            )
        };
        self.facet_counts(
            &format!(
                "SELECT f.facet, f.value, count(*) FROM docs_fts CROSS JOIN doc_facets f
                 ON f.doc = docs_fts.rowid WHERE docs_fts MATCH ?{filters}{not_in}
                 GROUP BY f.facet, f.value"
            ),
            std::iter::once(expression.clone())
                .chain(all_filters)
                .chain(selected.iter().map(|s| (*s).to_owned())),
            &mut counts,
        )?;
        for (facet, _) in query.filters {
            let others = FILTER.repeat(query.filters.len() - 1);
            self.facet_counts(
                &format!(
                    "SELECT f.facet, f.value, count(*) FROM docs_fts CROSS JOIN doc_facets f
                     ON f.doc = docs_fts.rowid WHERE docs_fts MATCH ?{others} AND f.facet = ?
                     GROUP BY f.facet, f.value"
                ),
                std::iter::once(expression.clone())
                    .chain(filter_params(query, Some(*facet)))
                    .chain(std::iter::once(facet.as_str().to_owned())),
                &mut counts,
            )?;
        }
        let facet_values = counts
            .values_mut()
            .map(|values| {
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                values.truncate(pilote_search::FACET_VALUES);
                values.len()
            })
            .sum();
        Ok(Outcome {
            total: u64::try_from(total).unwrap_or_default(),
            hits,
            facet_values,
        })
    }

    fn facet_counts(
        &self,
        sql: &str,
        params: impl Iterator<Item = String>,
        counts: &mut BTreeMap<String, Vec<(String, i64)>>,
    ) -> rusqlite::Result<()> {
        let mut statement = self.conn.prepare_cached(sql)?;
        let mut rows = statement.query(params_from_iter(params))?;
        while let Some(row) = rows.next()? {
            counts
                .entry(row.get(0)?)
                .or_default()
                .push((row.get(1)?, row.get(2)?));
        }
        Ok(())
    }
}

fn page_sql(query: &BenchQuery) -> (String, usize) {
    let filters = FILTER.repeat(query.filters.len());
    (
        format!(
            "SELECT d.kind, d.slug, d.title, d.summary, d.date,
                snippet(docs_fts, -1, '<mark>', '</mark>', '…', 24)
             FROM docs_fts CROSS JOIN docs d ON d.id = docs_fts.rowid
             WHERE docs_fts MATCH ?{filters} ORDER BY rank LIMIT {PAGE_SIZE}"
        ),
        1 + 2 * query.filters.len(),
    )
}

fn page_params(query: &BenchQuery) -> impl Iterator<Item = String> {
    std::iter::once(fts5_expression(query.text)).chain(filter_params(query, None))
}

fn filter_params(query: &BenchQuery, except: Option<Facet>) -> Vec<String> {
    query
        .filters
        .iter()
        .filter(|(facet, _)| Some(*facet) != except)
        .flat_map(|(facet, value)| [facet.as_str().to_owned(), (*value).to_owned()])
        .collect()
}
