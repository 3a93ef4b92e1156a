// WORKING NOTE, REMOVE BEFORE COMMIT: read /work/wt-searchbench/READ-FIRST.md first (deadline 13:25 UTC, build rules).
//! The tantivy index: schema, writing, searching.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use tantivy::collector::Count;
use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query as TQuery,
    TermQuery,
};
use tantivy::schema::{
    FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::tokenizer::TokenStream as _;
use tantivy::{
    Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::analysis::{self, FOLDED, FRENCH, QueryWord};
use crate::collect::{Faceted, Order, SegmentCache};
use crate::document::{Document, Facet, Kind};

/// Bumped whenever the schema or the analysis changes: an index of another version is
/// rebuilt rather than read.
pub const SCHEMA_VERSION: u32 = 1;
/// The most results one page holds.
pub const MAX_PAGE_SIZE: usize = 1000;
/// The most values listed per facet.
pub const FACET_VALUES: usize = 50;

const WRITER_MEMORY: usize = 50_000_000;
const DOCSTORE_BLOCK: usize = 4096;
const TITLE_BOOST: f32 = 3.0;
const SUMMARY_BOOST: f32 = 2.0;
const BODY_BOOST: f32 = 1.0;
const TITLE_LOOSE_BOOST: f32 = 1.5;
const TEXT_LOOSE_BOOST: f32 = 0.3;
/// Documents a word must be in for the index to take it as spelt right: its one-typo
/// neighbours are then left out, as they would only add noise to a large result, at the
/// highest cost of any query.
const COMMON_WORD_DOCS: u64 = 1_000;

/// The search layer's error.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index could not be read or written.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index directory could not be prepared.
    #[error("search index directory {path}: {source}")]
    Directory {
        /// The directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A lock was poisoned by a panicking writer.
    #[error("search index writer poisoned")]
    Poisoned,
}

/// A write to the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Adds the document, replacing any with the same kind and slug.
    Upsert(Document),
    /// Removes the document of this kind and slug, if any.
    Delete {
        /// Its kind.
        kind: Kind,
        /// Its slug.
        slug: String,
    },
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first (most recent first without words).
    #[default]
    Relevance,
    /// Most recent first.
    Date,
}

/// A search: words, filters, order and page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The words typed; the last one is matched as a prefix.
    pub text: String,
    /// Selected facet values: within a facet any value matches, across facets all must.
    pub filters: BTreeMap<Facet, BTreeSet<String>>,
    /// The order.
    pub sort: Sort,
    /// The page, from 1.
    pub page: usize,
    /// Results per page, from 1 to [`MAX_PAGE_SIZE`].
    pub page_size: usize,
}

impl Default for Query {
    fn default() -> Query {
        Query {
            text: String::new(),
            filters: BTreeMap::new(),
            sort: Sort::Relevance,
            page: 1,
            page_size: 20,
        }
    }
}

impl Query {
    /// A query for these words, first page.
    pub fn new(text: impl Into<String>) -> Query {
        Query {
            text: text.into(),
            ..Query::default()
        }
    }

    /// Adds a filter value.
    #[must_use]
    pub fn filter(mut self, facet: Facet, value: impl Into<String>) -> Query {
        self.filters.entry(facet).or_default().insert(value.into());
        self
    }

    /// Sets the order.
    #[must_use]
    pub fn sort(mut self, sort: Sort) -> Query {
        self.sort = sort;
        self
    }

    /// Sets the page and its size.
    #[must_use]
    pub fn page(mut self, page: usize, page_size: usize) -> Query {
        self.page = page;
        self.page_size = page_size;
        self
    }
}

/// A piece of a matching text with the matched words' byte ranges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Highlight {
    /// Which text: `title`, `summary` or `body`.
    pub field: &'static str,
    /// The excerpt.
    pub text: String,
    /// Byte ranges of the matched words in `text`.
    pub ranges: Vec<Range<usize>>,
}

impl Highlight {
    /// The excerpt as HTML, matched words in `<mark>`, everything else escaped.
    pub fn to_html(&self) -> String {
        let mut html = String::with_capacity(self.text.len() + 16 * self.ranges.len());
        let mut at = 0;
        for range in &self.ranges {
            escape_into(&mut html, &self.text[at..range.start]);
            html.push_str("<mark>");
            escape_into(&mut html, &self.text[range.clone()]);
            html.push_str("</mark>");
            at = range.end;
        }
        escape_into(&mut html, &self.text[at..]);
        html
    }
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Its kind.
    pub kind: Kind,
    /// Its slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Its summary.
    pub summary: String,
    /// Its date.
    pub date: Option<NaiveDate>,
    /// Relevance score (0 when sorted by date).
    pub score: f32,
    /// Excerpts with the matched words.
    pub highlights: Vec<Highlight>,
}

/// The counts of one facet's values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCounts {
    /// The facet.
    pub facet: Facet,
    /// Values and how many results each would give, most first.
    pub values: Vec<(String, u64)>,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    /// How many documents match.
    pub total: usize,
    /// The page's results.
    pub hits: Vec<Hit>,
    /// Each facet's counts, computed with every other facet's filter applied.
    pub facets: Vec<FacetCounts>,
}

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    kind: Field,
    slug: Field,
    title: Field,
    summary: Field,
    body: Field,
    title_words: Field,
    text_words: Field,
    facets: Field,
    date: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let french = |stored: bool| {
        let options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(FRENCH)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let folded = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(FOLDED)
            .set_index_option(IndexRecordOption::Basic),
    );
    let fields = Fields {
        key: builder.add_text_field("key", STRING),
        kind: builder.add_text_field("kind", STRING | STORED),
        slug: builder.add_text_field("slug", STORED),
        title: builder.add_text_field("title", french(true)),
        summary: builder.add_text_field("summary", french(true)),
        body: builder.add_text_field("body", french(true)),
        title_words: builder.add_text_field("title_words", folded.clone()),
        text_words: builder.add_text_field("text_words", folded),
        facets: builder.add_facet_field("facets", FacetOptions::default()),
        date: builder.add_i64_field("date", INDEXED | STORED | tantivy::schema::FAST),
    };
    (builder.build(), fields)
}

/// Stored documents in small blocks: a page reads one block per result, and a small one is
/// quicker to decompress.
fn settings() -> IndexSettings {
    IndexSettings {
        docstore_blocksize: DOCSTORE_BLOCK,
        ..IndexSettings::default()
    }
}

fn key(kind: Kind, slug: &str) -> String {
    format!("{}/{slug}", kind.as_str())
}

fn facet_term(fields: &Fields, facet: Facet, value: &str) -> Term {
    Term::from_facet(
        fields.facets,
        &tantivy::schema::Facet::from_path([facet.as_str(), value]),
    )
}

/// One search index: in a directory or in memory, written by one process at a time.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    segments: SegmentCache,
    fields: Fields,
    position: Mutex<Option<String>>,
    directory: Option<PathBuf>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("directory", &self.directory)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// An empty index in memory.
    pub fn in_ram() -> Result<SearchIndex, SearchError> {
        let (schema, _) = schema();
        let index = Index::builder()
            .schema(schema)
            .settings(settings())
            .create_in_ram()?;
        SearchIndex::from_index(&index, None)
    }

    /// The index in `directory`, created empty when missing. An index that cannot be opened,
    /// fails its checksums, or was written by another schema version is wiped and created
    /// empty: its [`position`](Self::position) is then `None`, telling the caller to rebuild.
    pub fn open(directory: &Path) -> Result<SearchIndex, SearchError> {
        let io = |source| SearchError::Directory {
            path: directory.to_owned(),
            source,
        };
        std::fs::create_dir_all(directory).map_err(io)?;
        if let Some(index) = SearchIndex::open_valid(directory) {
            return SearchIndex::from_index(&index, Some(directory.to_owned()));
        }
        // Unreadable, corrupted or outdated: start again from nothing.
        std::fs::remove_dir_all(directory).map_err(io)?;
        std::fs::create_dir_all(directory).map_err(io)?;
        let (schema, _) = schema();
        let index = Index::builder()
            .schema(schema)
            .settings(settings())
            .create_in_dir(directory)?;
        SearchIndex::from_index(&index, Some(directory.to_owned()))
    }

    fn open_valid(directory: &Path) -> Option<Index> {
        // tantivy may panic on garbage rather than fail: both mean « rebuild ».
        std::panic::catch_unwind(|| SearchIndex::try_open(directory))
            .ok()
            .flatten()
    }

    fn try_open(directory: &Path) -> Option<Index> {
        let index = Index::open_in_dir(directory).ok()?;
        if index.schema() != schema().0 {
            return None;
        }
        let metas = index.load_metas().ok()?;
        let (version, _) = split_payload(metas.payload.as_deref()?)?;
        if version != SCHEMA_VERSION {
            return None;
        }
        match index.validate_checksum() {
            Ok(broken) if broken.is_empty() => {}
            _ => return None,
        }
        // Opening every segment reads its footers and dictionaries.
        let reader = index.reader().ok()?;
        let searcher = reader.searcher();
        // A search through every field touches each segment's dictionaries and postings.
        let _ = searcher.search(&AllQuery, &Count).ok()?;
        for segment in searcher.segment_readers() {
            for field in [
                "title",
                "summary",
                "body",
                "title_words",
                "text_words",
                "facets",
                "key",
            ] {
                let field = index.schema().get_field(field).ok()?;
                let inverted = segment.inverted_index(field).ok()?;
                let _ = inverted.terms().num_terms();
            }
        }
        Some(index)
    }

    fn from_index(index: &Index, directory: Option<PathBuf>) -> Result<SearchIndex, SearchError> {
        index.tokenizers().register(FRENCH, analysis::french());
        index.tokenizers().register(FOLDED, analysis::folded());
        let fields = schema().1;
        let position = index
            .load_metas()
            .ok()
            .and_then(|metas| metas.payload)
            .and_then(|payload| split_payload(&payload).map(|(_, p)| p.to_owned()));
        let writer = index.writer(WRITER_MEMORY)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let search = SearchIndex {
            index: index.clone(),
            reader,
            writer: Mutex::new(writer),
            segments: SegmentCache::default(),
            fields,
            position: Mutex::new(position),
            directory,
        };
        search.segments.warm(&search.reader.searcher())?;
        Ok(search)
    }

    /// The directory holding the index, `None` in memory.
    pub fn directory(&self) -> Option<&Path> {
        self.directory.as_deref()
    }

    /// The caller's position saved with the last commit (e.g. the last store change
    /// applied); `None` for an index never committed, which needs a full build.
    pub fn position(&self) -> Option<String> {
        self.position.lock().ok().and_then(|p| p.clone())
    }

    /// How many documents the index holds.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Replaces the whole content with `documents` and saves `position`.
    pub fn rebuild<I>(&self, documents: I, position: &str) -> Result<usize, SearchError>
    where
        I: IntoIterator<Item = Document>,
    {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        // No merge while writing everything again: one merge of it all at the end.
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let written = self.rebuild_with(&mut writer, documents, position);
        writer.set_merge_policy(Box::new(LogMergePolicy::default()));
        written
    }

    fn rebuild_with<I>(
        &self,
        writer: &mut IndexWriter,
        documents: I,
        position: &str,
    ) -> Result<usize, SearchError>
    where
        I: IntoIterator<Item = Document>,
    {
        writer.delete_all_documents()?;
        let mut count = 0;
        for document in documents {
            writer.add_document(self.tantivy_document(&document))?;
            count += 1;
        }
        self.commit(writer, position)?;
        // A search visits every segment: one is fastest to read.
        let segments = self.index.searchable_segment_ids()?;
        if segments.len() > 1 {
            writer.merge(&segments).wait()?;
            self.reload()?;
        }
        let _ = writer.garbage_collect_files().wait();
        Ok(count)
    }

    /// Applies changes and saves `position`, visible to searches on return.
    pub fn apply<I>(&self, changes: I, position: &str) -> Result<(), SearchError>
    where
        I: IntoIterator<Item = Change>,
    {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        for change in changes {
            match change {
                Change::Upsert(document) => {
                    writer.delete_term(Term::from_field_text(
                        self.fields.key,
                        &key(document.kind, &document.slug),
                    ));
                    writer.add_document(self.tantivy_document(&document))?;
                }
                Change::Delete { kind, slug } => {
                    writer.delete_term(Term::from_field_text(self.fields.key, &key(kind, &slug)));
                }
            }
        }
        self.commit(&mut writer, position)
    }

    fn commit(&self, writer: &mut IndexWriter, position: &str) -> Result<(), SearchError> {
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&format!("{SCHEMA_VERSION}:{position}"));
        prepared.commit()?;
        self.reload()?;
        if let Ok(mut saved) = self.position.lock() {
            *saved = Some(position.to_owned());
        }
        Ok(())
    }

    /// Makes the last commit visible, its new segments read for searches.
    fn reload(&self) -> Result<(), SearchError> {
        self.reader.reload()?;
        self.segments.warm(&self.reader.searcher())?;
        Ok(())
    }

    fn tantivy_document(&self, document: &Document) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, key(document.kind, &document.slug));
        doc.add_text(f.kind, document.kind.as_str());
        doc.add_text(f.slug, &document.slug);
        doc.add_text(f.title, &document.title);
        doc.add_text(f.title_words, &document.title);
        doc.add_text(f.summary, &document.summary);
        doc.add_text(f.text_words, &document.summary);
        for text in &document.body {
            doc.add_text(f.body, text);
            doc.add_text(f.text_words, text);
        }
        doc.add_facet(
            f.facets,
            tantivy::schema::Facet::from_path([Facet::Kind.as_str(), document.kind.as_str()]),
        );
        let mut has_year = false;
        for (facet, value) in &document.facets {
            if *facet == Facet::Kind {
                continue;
            }
            has_year |= *facet == Facet::Year;
            doc.add_facet(
                f.facets,
                tantivy::schema::Facet::from_path([facet.as_str(), value]),
            );
        }
        if let Some(date) = document.date {
            doc.add_i64(f.date, i64::from(date.num_days_from_ce()));
            if !has_year {
                let year = date.year().to_string();
                doc.add_facet(
                    f.facets,
                    tantivy::schema::Facet::from_path([Facet::Year.as_str(), year.as_str()]),
                );
            }
        }
        doc
    }

    /// Runs a search.
    pub fn search(&self, query: &Query) -> Result<Results, SearchError> {
        let searcher = self.reader.searcher();
        let words = analysis::query_words(&query.text);
        let text = self.text_query(&searcher, &words);
        let page_size = query.page_size.clamp(1, MAX_PAGE_SIZE);
        // Past the last document every page is empty.
        let documents = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
        let offset = query
            .page
            .max(1)
            .saturating_sub(1)
            .saturating_mul(page_size)
            .min(documents);
        let by_date = query.sort == Sort::Date || words.iter().all(|w| w.stem.is_none());

        // One pass over the documents matching the words and all the filters but at most
        // one: those matching every filter make the total, the page and every facet's
        // counts; those missing one filter count for that facet only.
        let filters: Vec<(usize, &BTreeSet<String>)> = Facet::ALL
            .iter()
            .enumerate()
            .filter_map(|(position, facet)| {
                query
                    .filters
                    .get(facet)
                    .filter(|values| !values.is_empty())
                    .map(|values| (position, values))
            })
            .collect();
        let collector = Faceted {
            segments: &self.segments,
            filters,
            order: if by_date { Order::Date } else { Order::Score },
            keep: offset + page_size,
        };
        let collected = searcher.search(&self.filtered(text, &query.filters), &collector)?;

        let mut facets = Vec::with_capacity(Facet::ALL.len());
        for (facet, mut values) in Facet::ALL.into_iter().zip(collected.counts) {
            let selected = query.filters.get(&facet);
            // Selected values stay listed, even when nothing else matches them.
            for value in selected.into_iter().flatten() {
                if !values.iter().any(|(v, _)| v == value) {
                    values.push((value.clone(), 0));
                }
            }
            values.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            values.truncate(FACET_VALUES.max(selected.map_or(0, BTreeSet::len)));
            facets.push(FacetCounts { facet, values });
        }

        let mut french = analysis::french();
        let mut folded = analysis::folded();
        let addresses = collected.page.into_iter().skip(offset);
        let mut hits = Vec::with_capacity(page_size);
        for (score, address) in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text_of = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            };
            let Some(kind) = Kind::parse(&text_of(self.fields.kind)) else {
                continue;
            };
            let title = text_of(self.fields.title);
            let summary = text_of(self.fields.summary);
            let date = doc
                .get_first(self.fields.date)
                .and_then(|v| v.as_i64())
                .and_then(|days| i32::try_from(days).ok())
                .and_then(NaiveDate::from_num_days_from_ce_opt);
            let mut highlights = Vec::new();
            if !words.is_empty() {
                if let Some(h) = highlight(
                    "title",
                    &title,
                    &words,
                    &mut folded,
                    &mut french,
                    usize::MAX,
                ) {
                    highlights.push(h);
                }
                if let Some(h) =
                    highlight("summary", &summary, &words, &mut folded, &mut french, 240)
                {
                    highlights.push(h);
                }
                for value in doc.get_all(self.fields.body) {
                    if let Some(body) = value.as_str()
                        && let Some(h) =
                            highlight("body", body, &words, &mut folded, &mut french, 240)
                    {
                        highlights.push(h);
                        break;
                    }
                }
            }
            hits.push(Hit {
                kind,
                slug: text_of(self.fields.slug),
                title,
                summary,
                date,
                score,
                highlights,
            });
        }
        Ok(Results {
            total: collected.total,
            hits,
            facets,
        })
    }

    fn text_query(&self, searcher: &Searcher, words: &[QueryWord]) -> Box<dyn TQuery> {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        for word in words {
            let mut alternatives: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
            if let Some(stem) = &word.stem {
                for (field, boost) in [
                    (f.title, TITLE_BOOST),
                    (f.summary, SUMMARY_BOOST),
                    (f.body, BODY_BOOST),
                ] {
                    let term = TermQuery::new(
                        Term::from_field_text(field, stem),
                        IndexRecordOption::WithFreqs,
                    );
                    alternatives.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(term), boost)),
                    ));
                }
            }
            for (field, boost) in [
                (f.title_words, TITLE_LOOSE_BOOST),
                (f.text_words, TEXT_LOOSE_BOOST),
            ] {
                let term = Term::from_field_text(field, &word.folded);
                if word.fuzzy() {
                    let common = searcher
                        .doc_freq(&term)
                        .is_ok_and(|docs| docs >= COMMON_WORD_DOCS);
                    let loose: Box<dyn TQuery> = if common {
                        Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs))
                    } else {
                        Box::new(FuzzyTermQuery::new(term.clone(), 1, true))
                    };
                    alternatives.push((Occur::Should, Box::new(BoostQuery::new(loose, boost))));
                }
                if word.prefix() {
                    let prefix = FuzzyTermQuery::new_prefix(term, 0, false);
                    alternatives.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(prefix), boost)),
                    ));
                }
            }
            if alternatives.is_empty() {
                continue;
            }
            // Stop words never narrow the results.
            let occur = if word.stem.is_some() {
                Occur::Must
            } else {
                Occur::Should
            };
            clauses.push((occur, Box::new(BooleanQuery::new(alternatives))));
        }
        if clauses.iter().any(|(occur, _)| *occur == Occur::Must) {
            Box::new(BooleanQuery::new(clauses))
        } else {
            Box::new(AllQuery)
        }
    }

    /// The words' query, restricted to documents matching every filter but at most one
    /// (the collector tells them apart).
    fn filtered(
        &self,
        text: Box<dyn TQuery>,
        filters: &BTreeMap<Facet, BTreeSet<String>>,
    ) -> Box<dyn TQuery> {
        let clauses: Vec<(Occur, Box<dyn TQuery>)> = filters
            .iter()
            .filter(|(_, values)| !values.is_empty())
            .map(|(facet, values)| {
                let any: Vec<(Occur, Box<dyn TQuery>)> = values
                    .iter()
                    .map(|value| {
                        let term = TermQuery::new(
                            facet_term(&self.fields, *facet, value),
                            IndexRecordOption::Basic,
                        );
                        (Occur::Should, Box::new(term) as Box<dyn TQuery>)
                    })
                    .collect();
                (
                    Occur::Should,
                    Box::new(BooleanQuery::new(any)) as Box<dyn TQuery>,
                )
            })
            .collect();
        if clauses.len() < 2 {
            return text;
        }
        let required = clauses.len() - 1;
        let filters = BooleanQuery::with_minimum_required_clauses(clauses, required);
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, text),
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(filters), 0.0)),
            ),
        ]))
    }
}

fn split_payload(payload: &str) -> Option<(u32, &str)> {
    let (version, position) = payload.split_once(':')?;
    Some((version.parse().ok()?, position))
}

/// The excerpt of `text` around its first matched word, at most about `width` bytes.
fn highlight(
    field: &'static str,
    text: &str,
    words: &[QueryWord],
    folded: &mut tantivy::tokenizer::TextAnalyzer,
    french: &mut tantivy::tokenizer::TextAnalyzer,
    width: usize,
) -> Option<Highlight> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    // Words past the excerpt are not looked at.
    let mut until = usize::MAX;
    let mut stream = folded.token_stream(text);
    while let Some(token) = stream.next() {
        if token.offset_from >= until {
            break;
        }
        if words.iter().any(|w| w.matches(&token.text, french)) {
            if ranges.is_empty() && text.len() > width {
                until = token.offset_from.saturating_sub(width / 4) + width;
            }
            ranges.push(token.offset_from..token.offset_to);
        }
    }
    let first = ranges.first()?.start;
    if text.len() <= width {
        return Some(Highlight {
            field,
            text: text.to_owned(),
            ranges,
        });
    }
    // Start a little before the first match, on a character boundary.
    let mut start = first.saturating_sub(width / 4);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + width).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if end < text.len() { "…" } else { "" };
    let shift = prefix.len();
    let ranges = ranges
        .into_iter()
        .filter(|r| r.start >= start && r.end <= end)
        .map(|r| r.start - start + shift..r.end - start + shift)
        .collect();
    Some(Highlight {
        field,
        text: format!("{prefix}{}{suffix}", &text[start..end]),
        ranges,
    })
}
