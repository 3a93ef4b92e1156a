//! Datasette serving the SQLite file, asked through its HTTP JSON API on loopback: the
//! table `docs` with `_search` (the same FTS5 expression, `_searchmode=raw`), the same
//! filters, and every facet.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::queries::{BenchQuery, fts5_expression};
use crate::sqlite::{ARRAY_FACETS, COLUMN_FACETS};
use crate::{Outcome, PAGE_SIZE};

/// A Datasette server, stopped when dropped.
pub struct Datasette {
    child: Child,
    base: String,
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    /// Its version.
    pub version: String,
}

impl Drop for Datasette {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

impl Datasette {
    /// Starts `datasette` on the file (immutable, no facet suggestions, time limits out of
    /// the way, 50 values per facet as pilote-search lists) and waits until it answers.
    pub fn start(program: &Path, database: &Path, log: &Path) -> Result<Datasette, String> {
        let port = free_port().map_err(|e| e.to_string())?;
        let log = std::fs::File::create(log).map_err(|e| e.to_string())?;
        let child = Command::new(program)
            .arg("serve")
            .arg("--immutable")
            .arg(database)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--setting", "suggest_facets", "off"])
            .args(["--setting", "sql_time_limit_ms", "600000"])
            .args(["--setting", "facet_time_limit_ms", "600000"])
            .args(["--setting", "default_facet_size", "50"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("{}: {e}", program.display()))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(600))
            .build()
            .map_err(|e| e.to_string())?;
        let mut datasette = Datasette {
            child,
            base: format!("http://127.0.0.1:{port}"),
            client,
            runtime,
            version: String::new(),
        };
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = datasette.child.try_wait() {
                return Err(format!("datasette exited: {status}"));
            }
            if let Ok(body) = datasette.get("/-/versions.json") {
                let versions: serde_json::Value =
                    serde_json::from_slice(&body).map_err(|e| e.to_string())?;
                datasette.version = format!(
                    "datasette {}, SQLite {}",
                    versions["datasette"]["version"].as_str().unwrap_or("?"),
                    versions["sqlite"]["version"].as_str().unwrap_or("?")
                );
                return Ok(datasette);
            }
            if start.elapsed() > Duration::from_secs(120) {
                return Err("datasette not ready after 120 s".to_owned());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn get(&self, path: &str) -> Result<Vec<u8>, String> {
        let url = format!("{}{path}", self.base);
        self.runtime.block_on(async {
            let response = self
                .client
                .get(&url)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let status = response.status();
            let body = response.bytes().await.map_err(|e| e.to_string())?;
            if !status.is_success() {
                return Err(format!(
                    "{status} for {url}: {}",
                    String::from_utf8_lossy(&body)
                ));
            }
            Ok(body.to_vec())
        })
    }

    /// The query's address.
    pub fn path(query: &BenchQuery) -> String {
        let mut params: Vec<(String, String)> = vec![
            ("_search".into(), fts5_expression(query.text)),
            ("_searchmode".into(), "raw".into()),
            ("_size".into(), PAGE_SIZE.to_string()),
            ("_shape".into(), "objects".into()),
        ];
        for column in ["kind", "slug", "title", "summary", "date"] {
            params.push(("_col".into(), column.into()));
        }
        for (_, column) in COLUMN_FACETS {
            params.push(("_facet".into(), column.into()));
        }
        for (_, column) in ARRAY_FACETS {
            params.push(("_facet_array".into(), column.into()));
        }
        for (facet, value) in query.filters {
            if let Some((_, column)) = COLUMN_FACETS.iter().find(|(f, _)| f == facet) {
                params.push(((*column).to_owned(), (*value).to_owned()));
            } else if let Some((_, column)) = ARRAY_FACETS.iter().find(|(f, _)| f == facet) {
                params.push((format!("{column}__arraycontains"), (*value).to_owned()));
            }
        }
        let encoded: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect();
        format!("/fts/docs.json?{}", encoded.join("&"))
    }

    /// Runs a query; the time is that of the HTTP exchange, the body read whole.
    pub fn search(&self, query: &BenchQuery) -> Result<(Duration, Outcome), String> {
        let path = Datasette::path(query);
        let start = Instant::now();
        let body = self.get(&path)?;
        let elapsed = start.elapsed();
        let json: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        if json["facets_timed_out"]
            .as_array()
            .is_some_and(|timed_out| !timed_out.is_empty())
        {
            return Err(format!("facets timed out: {}", json["facets_timed_out"]));
        }
        let hits = json["rows"]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|row| {
                        format!(
                            "{}/{}",
                            row["kind"].as_str().unwrap_or_default(),
                            row["slug"].as_str().unwrap_or_default()
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let facet_values = json["facet_results"]
            .as_object()
            .map(|facets| {
                facets
                    .values()
                    .map(|facet| facet["results"].as_array().map_or(0, Vec::len))
                    .sum()
            })
            .unwrap_or_default();
        Ok((
            elapsed,
            Outcome {
                total: json["filtered_table_rows_count"]
                    .as_u64()
                    .unwrap_or_default(),
                hits,
                facet_values,
            },
        ))
    }
}

fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
