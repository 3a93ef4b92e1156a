//! Search benchmark: pilote-search (tantivy, through its real search API) side by side in
//! the same run with SQLite FTS5 (bm25, the same filters, facets counted by GROUP BY) and
//! Datasette's full-text search (its HTTP JSON API on loopback, `_search` and facets), on
//! the same documents: the real public data turned into documents by pilote-search's own
//! builders, scaled to `--docs` by seeded variation.
//!
//! Prints the indexing time, throughput and index size of each engine, then the median and
//! p99 latency of typical queries (each asking for every facet, some with a filter) and the
//! ratios; writes the report and the raw timings to `--out`. See bench/README.md.
//!
//!     pilote-bench-search [--docs N] [--runs R] [--data DIR] [--out DIR]
//!                         [--datasette PROGRAM] [--seed S] [--reuse]

#![allow(
    clippy::expect_used,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a benchmark stops loudly and prints approximate figures"
)]

mod corpus;
mod datasette;
mod queries;
mod sqlite;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use pilote_search::{Query, SearchIndex};

use crate::queries::{BenchQuery, QUERIES};

/// Results per page, as the API's default.
pub const PAGE_SIZE: usize = 20;

/// What an engine answered to a query, to compare engines.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// How many documents match.
    pub total: u64,
    /// The page's `kind/slug`.
    pub hits: Vec<String>,
    /// Facet values listed, over every facet.
    pub facet_values: usize,
}

struct Args {
    docs: usize,
    runs: usize,
    data: PathBuf,
    out: PathBuf,
    datasette: Option<PathBuf>,
    seed: u64,
    reuse: bool,
    no_fts5: bool,
}

const USAGE: &str = "pilote-bench-search [--docs N (1000000)] [--runs R (5)] [--data DIR] \
[--out DIR (bench/out/search)] [--datasette PROGRAM] [--seed S (2026)] [--reuse] [--tantivy-only]";

fn args() -> Result<Args, String> {
    let mut args = Args {
        docs: 1_000_000,
        runs: 5,
        data: std::env::var_os("PILOTE_SHARED_DATA")
            .map_or_else(|| PathBuf::from("../shared/data"), PathBuf::from),
        out: PathBuf::from("bench/out/search"),
        datasette: None,
        seed: 2026,
        reuse: false,
        no_fts5: false,
    };
    let mut raw = std::env::args().skip(1);
    while let Some(arg) = raw.next() {
        let mut value = || raw.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--docs" => args.docs = number(&value()?)?,
            "--runs" => args.runs = number(&value()?)?.max(1),
            "--data" => args.data = PathBuf::from(value()?),
            "--out" => args.out = PathBuf::from(value()?),
            "--datasette" => args.datasette = Some(PathBuf::from(value()?)),
            "--seed" => args.seed = number(&value()?)? as u64,
            "--reuse" => args.reuse = true,
            "--tantivy-only" => args.no_fts5 = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(args)
}

fn number(text: &str) -> Result<usize, String> {
    text.replace(['_', ','], "")
        .parse()
        .map_err(|_| format!("not a number: {text}"))
}

fn log(message: &str) {
    eprintln!("[search-bench] {message}");
}

fn size_of(path: &Path) -> u64 {
    if path.is_file() {
        return path.metadata().map_or(0, |m| m.len());
    }
    std::fs::read_dir(path).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .map(|entry| size_of(&entry.path()))
            .sum()
    })
}

fn search_query(query: &BenchQuery) -> Query {
    let mut search = Query::new(query.text).page(1, PAGE_SIZE);
    for (facet, value) in query.filters {
        search = search.filter(*facet, *value);
    }
    search
}

fn tantivy_search(index: &SearchIndex, query: &Query) -> Outcome {
    let results = index.search(query).expect("pilote-search");
    Outcome {
        total: results.total as u64,
        hits: results
            .hits
            .iter()
            .map(|hit| format!("{}/{}", hit.kind.as_str(), hit.slug))
            .collect(),
        facet_values: results.facets.iter().map(|f| f.values.len()).sum(),
    }
}

/// Indexing figures of one engine.
struct Build {
    seconds: Option<f64>,
    bytes: u64,
}

/// Latency statistics, in milliseconds.
struct Stats {
    median: f64,
    p90: f64,
    p99: f64,
    max: f64,
    mean: f64,
}

fn stats(samples: &[Duration]) -> Stats {
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    // Nearest rank.
    let rank = |p: f64| ms[((p * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1];
    Stats {
        median: if ms.len() % 2 == 1 {
            ms[ms.len() / 2]
        } else {
            f64::midpoint(ms[ms.len() / 2 - 1], ms[ms.len() / 2])
        },
        p90: rank(0.90),
        p99: rank(0.99),
        max: ms[ms.len() - 1],
        mean: ms.iter().sum::<f64>() / ms.len() as f64,
    }
}

fn fmt_ms(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 10.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.2}")
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "?".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    format!("{cores} cores, {cpu}")
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn commit() -> String {
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "none".to_owned());
    let dirty = std::process::Command::new("git")
        .args(["diff", "--quiet", "HEAD"])
        .status()
        .is_ok_and(|s| !s.success());
    if dirty {
        format!("{head} (work tree differs)")
    } else {
        head
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Engine {
    Tantivy,
    Fts5,
    Datasette,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::Tantivy => "pilote-search (tantivy)",
            Engine::Fts5 => "SQLite FTS5 (bm25)",
            Engine::Datasette => "Datasette (HTTP, _search)",
        }
    }

    fn code(self) -> &'static str {
        match self {
            Engine::Tantivy => "tantivy",
            Engine::Fts5 => "fts5",
            Engine::Datasette => "datasette",
        }
    }
}

fn main() -> ExitCode {
    let args = match args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            log(&format!("ERROR: {message}"));
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let load_at_start = load();
    let dir = args
        .out
        .join(format!("docs-{}-seed-{}", args.docs, args.seed));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;

    // ---- corpus
    log(&format!("reading the real data in {}", args.data.display()));
    let (real, sources) = corpus::real(&args.data)?;
    let stamp = format!(
        "docs={} seed={} real={} schema={} corpus=1",
        args.docs,
        args.seed,
        real.len(),
        pilote_search::SCHEMA_VERSION
    );
    let tantivy_dir = dir.join("tantivy");
    let tantivy_stamp = dir.join("tantivy.stamp");
    let db = dir.join("fts.db");
    let db_stamp = dir.join("fts.stamp");
    let described = dir.join("corpus.txt");
    let reusable =
        |path: &Path| args.reuse && std::fs::read_to_string(path).is_ok_and(|s| s == stamp);
    let (reuse_tantivy, reuse_db) = (reusable(&tantivy_stamp), reusable(&db_stamp));
    // The documents are made only when an index is to be written.
    let mut documents = Vec::new();
    let mut generated = None;
    if !(reuse_tantivy && reuse_db && described.is_file()) {
        let start = Instant::now();
        documents = corpus::scaled(&real, args.docs, args.seed);
        generated = Some(start.elapsed());
        log(&format!(
            "{} real documents scaled to {} in {:.1} s",
            real.len(),
            documents.len(),
            start.elapsed().as_secs_f64()
        ));
        std::fs::write(&described, corpus::describe(&documents)).map_err(|e| e.to_string())?;
    }
    let description = std::fs::read_to_string(&described).map_err(|e| e.to_string())?;

    // ---- indexing
    let (index, tantivy_build) = if reuse_tantivy {
        log("reusing the tantivy index");
        let index = SearchIndex::open(&tantivy_dir).map_err(|e| e.to_string())?;
        (index, None)
    } else {
        let _ = std::fs::remove_file(&tantivy_stamp);
        let _ = std::fs::remove_dir_all(&tantivy_dir);
        log(&format!(
            "indexing {} documents with pilote-search",
            documents.len()
        ));
        let start = Instant::now();
        let index = SearchIndex::open(&tantivy_dir).map_err(|e| e.to_string())?;
        index
            .rebuild(documents.iter().cloned(), "bench")
            .map_err(|e| e.to_string())?;
        let elapsed = start.elapsed();
        std::fs::write(&tantivy_stamp, &stamp).map_err(|e| e.to_string())?;
        log(&format!("  {:.1} s", elapsed.as_secs_f64()));
        (index, Some(elapsed))
    };
    let n_documents = usize::try_from(index.num_docs()).unwrap_or_default();
    if n_documents != args.docs {
        return Err(format!(
            "the tantivy index holds {n_documents} documents, not {}",
            args.docs
        ));
    }
    let tantivy = Build {
        seconds: tantivy_build.map(|d| d.as_secs_f64()),
        bytes: size_of(&tantivy_dir),
    };

    let sqlite_build = if reuse_db {
        log("reusing the SQLite file");
        None
    } else {
        let _ = std::fs::remove_file(&db_stamp);
        log(&format!(
            "writing {} documents to SQLite FTS5",
            documents.len()
        ));
        let elapsed = sqlite::build(&db, &documents).map_err(|e| format!("sqlite: {e}"))?;
        std::fs::write(&db_stamp, &stamp).map_err(|e| e.to_string())?;
        log(&format!("  {:.1} s", elapsed.as_secs_f64()));
        Some(elapsed)
    };
    let fts = Build {
        seconds: sqlite_build.map(|d| d.as_secs_f64()),
        bytes: size_of(&db),
    };
    drop(documents);

    // ---- engines
    let fts5 = sqlite::Fts5::open(&db).map_err(|e| format!("sqlite: {e}"))?;
    let datasette = match &args.datasette {
        Some(program) => {
            log("starting datasette");
            let server = datasette::Datasette::start(program, &db, &dir.join("datasette.log"))?;
            log(&format!("  {}", server.version));
            Some(server)
        }
        None => None,
    };
    let mut engines = vec![Engine::Tantivy];
    if !args.no_fts5 {
        engines.push(Engine::Fts5);
    }
    if datasette.is_some() {
        engines.push(Engine::Datasette);
    }
    let queries: Vec<(BenchQuery, Query)> = QUERIES.iter().map(|q| (*q, search_query(q))).collect();
    let measure = |engine: Engine,
                   (bench, query): &(BenchQuery, Query)|
     -> Result<(Duration, Outcome), String> {
        match engine {
            Engine::Tantivy => {
                let start = Instant::now();
                let outcome = tantivy_search(&index, query);
                Ok((start.elapsed(), outcome))
            }
            Engine::Fts5 => {
                let start = Instant::now();
                let outcome = fts5
                    .search(bench)
                    .map_err(|e| format!("fts5 {}: {e}", bench.text))?;
                Ok((start.elapsed(), outcome))
            }
            Engine::Datasette => datasette
                .as_ref()
                .expect("datasette started")
                .search(bench)
                .map_err(|e| format!("datasette {}: {e}", bench.text)),
        }
    };

    // ---- first pass: warms every engine up, and checks that FTS5 and Datasette find the
    // same documents.
    log(&format!(
        "warm-up: {} queries on each engine",
        queries.len()
    ));
    let mut outcomes: Vec<Vec<Outcome>> = vec![Vec::new(); engines.len()];
    let mut first: Vec<Vec<Duration>> = vec![Vec::new(); engines.len()];
    for query in &queries {
        for (e, engine) in engines.iter().enumerate() {
            let (elapsed, outcome) = measure(*engine, query)?;
            first[e].push(elapsed);
            outcomes[e].push(outcome);
        }
    }
    if let Some(d) = engines.iter().position(|e| *e == Engine::Datasette)
        && engines.get(1) == Some(&Engine::Fts5)
    {
        for (q, (bench, _)) in queries.iter().enumerate() {
            if outcomes[1][q].total != outcomes[d][q].total {
                return Err(format!(
                    "« {} »: FTS5 finds {} documents, Datasette {}",
                    bench.text, outcomes[1][q].total, outcomes[d][q].total
                ));
            }
        }
    }

    // ---- measured runs, engines interleaved query by query
    let load_before = load();
    let mut samples: Vec<Vec<Vec<Duration>>> =
        vec![vec![Vec::with_capacity(args.runs); queries.len()]; engines.len()];
    let mut raw = String::from("engine\tquery\trun\tmicroseconds\n");
    for run in 1..=args.runs {
        let start = Instant::now();
        for (q, query) in queries.iter().enumerate() {
            for (e, engine) in engines.iter().enumerate() {
                let (elapsed, _) = measure(*engine, query)?;
                samples[e][q].push(elapsed);
                let _ = writeln!(
                    raw,
                    "{}\t{q}\t{run}\t{}",
                    engine.code(),
                    elapsed.as_micros()
                );
            }
        }
        log(&format!(
            "run {run}/{}: {:.1} s",
            args.runs,
            start.elapsed().as_secs_f64()
        ));
    }
    let load_after = load();
    let datasette_version = datasette.as_ref().map(|d| d.version.clone());
    drop(datasette);

    // ---- report
    let mut report = String::new();
    let w = &mut report;
    let _ = writeln!(w, "# Search benchmark\n");
    let _ = writeln!(w, "| | |\n|---|---|");
    let _ = writeln!(
        w,
        "| date | {} |",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    );
    let _ = writeln!(w, "| commit | {} |", commit());
    let _ = writeln!(w, "| machine | {} |", machine());
    let _ = writeln!(
        w,
        "| load average | {load_at_start} at start, {load_before} before the measured runs, {load_after} after |"
    );
    let _ = writeln!(
        w,
        "| documents | {} ({} real, scaled with seed {}{}) |",
        thousands(n_documents as u64),
        thousands(real.len() as u64),
        args.seed,
        generated.map_or_else(String::new, |g| format!(
            "; generated in {:.1} s",
            g.as_secs_f64()
        ))
    );
    let sources: Vec<String> = sources.iter().map(|(s, n)| format!("{s} {n}")).collect();
    let _ = writeln!(w, "| real sources | {} |", sources.join("; "));
    let _ = writeln!(
        w,
        "| queries | {} typical queries × {} measured runs after one warm-up run, every facet counted, first page of {PAGE_SIZE} |",
        queries.len(),
        args.runs
    );
    if let Some(server) = datasette_version {
        let _ = writeln!(w, "| datasette | {server} |");
    }
    let _ = writeln!(w, "\n```\n{}```\n", description);

    let _ = writeln!(w, "## Indexing\n");
    let _ = writeln!(w, "| engine | time (s) | documents/s | size on disk (MB) |");
    let _ = writeln!(w, "|---|---:|---:|---:|");
    for (name, build) in [
        ("pilote-search (tantivy)", &tantivy),
        ("SQLite FTS5 (the file Datasette serves)", &fts),
    ] {
        let (time, rate) = match build.seconds {
            Some(s) => (
                format!("{s:.1}"),
                thousands((n_documents as f64 / s) as u64),
            ),
            None => ("reused".to_owned(), "-".to_owned()),
        };
        let _ = writeln!(
            w,
            "| {name} | {time} | {rate} | {:.0} |",
            build.bytes as f64 / 1e6
        );
    }

    let _ = writeln!(w, "\n## Query latency (ms)\n");
    let _ = writeln!(
        w,
        "| engine | median | p90 | p99 | max | mean | first run median | queries with results |"
    );
    let _ = writeln!(w, "|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut summary = Vec::new();
    for (e, engine) in engines.iter().enumerate() {
        let all: Vec<Duration> = samples[e].iter().flatten().copied().collect();
        let s = stats(&all);
        let f = stats(&first[e]);
        let found = outcomes[e].iter().filter(|o| o.total > 0).count();
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} | {} | {found} of {} |",
            engine.name(),
            fmt_ms(s.median),
            fmt_ms(s.p90),
            fmt_ms(s.p99),
            fmt_ms(s.max),
            fmt_ms(s.mean),
            fmt_ms(f.median),
            queries.len()
        );
        summary.push(s);
    }
    let _ = writeln!(
        w,
        "\n## Ratios (how many times slower than pilote-search)\n"
    );
    let _ = writeln!(w, "| engine | median | p99 | goal |");
    let _ = writeln!(w, "|---|---:|---:|---|");
    for (e, engine) in engines.iter().enumerate().skip(1) {
        let goal = if *engine == Engine::Fts5 { 5.0 } else { 20.0 };
        let median = summary[e].median / summary[0].median;
        let p99 = summary[e].p99 / summary[0].p99;
        let _ = writeln!(
            w,
            "| {} | {median:.1}× | {p99:.1}× | ≥ {goal:.0}×: {} |",
            engine.name(),
            if median >= goal && p99 >= goal {
                "met"
            } else {
                "not met"
            }
        );
    }
    let _ = writeln!(
        w,
        "\npilote-search p99 {} ms: goal ≤ 10 ms {}.",
        fmt_ms(summary[0].p99),
        if summary[0].p99 <= 10.0 {
            "met"
        } else {
            "not met"
        }
    );

    let _ = writeln!(w, "\n## Per query (median ms; documents found)\n");
    let mut header = String::from("| # | query | filter |");
    let mut rule = String::from("|---:|---|---|");
    for engine in &engines {
        let _ = write!(header, " {} |", engine.code());
        rule.push_str("---:|");
    }
    header.push_str(" found by tantivy | found by FTS5 |");
    rule.push_str("---:|---:|");
    let _ = writeln!(w, "{header}\n{rule}");
    for (q, (bench, _)) in queries.iter().enumerate() {
        let filters: Vec<String> = bench
            .filters
            .iter()
            .map(|(f, v)| format!("{}={v}", f.as_str()))
            .collect();
        let _ = write!(w, "| {} | {} | {} |", q + 1, bench.text, filters.join(" "));
        for engine in &samples {
            let _ = write!(w, " {} |", fmt_ms(stats(&engine[q]).median));
        }
        let _ = writeln!(
            w,
            " {} | {} |",
            thousands(outcomes[0][q].total),
            outcomes
                .get(1)
                .map_or("-".to_owned(), |o| thousands(o[q].total))
        );
    }
    let _ = writeln!(
        w,
        "\nFTS5 query plan of the first filtered query: `{}`",
        queries
            .iter()
            .find(|(b, _)| !b.filters.is_empty())
            .map(|(b, _)| fts5.plan(b).unwrap_or_else(|e| e.to_string()))
            .unwrap_or_default()
    );

    print!("{report}");
    std::fs::write(args.out.join("report.md"), &report).map_err(|e| e.to_string())?;
    std::fs::write(args.out.join("raw.tsv"), raw).map_err(|e| e.to_string())?;
    log(&format!(
        "report: {}, raw timings: {}",
        args.out.join("report.md").display(),
        args.out.join("raw.tsv").display()
    ));
    Ok(())
}
