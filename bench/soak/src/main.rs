//! Soak test of `pilote serve`: mixed reads and writes sent at a fixed rate for a long time,
//! with latency, errors and the server's memory reported minute by minute.
//!
//! The load is open: request `i` is due at `start + i / rate` whether or not earlier ones
//! have been answered, and its latency counts from that moment, so a server that falls
//! behind shows it instead of slowing the load down.

#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "counts, seconds and milliseconds far below 2^52"
)]

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use tokio::process::{Child, Command};
use tokio::sync::Mutex;

/// Mixed reads and writes at a fixed rate against `pilote serve`, minute by minute.
#[derive(Debug, Parser)]
struct Options {
    /// The `pilote` binary to serve with.
    #[arg(long)]
    pilote: PathBuf,
    /// The database to serve (emptied of nothing: filled with the demo when empty); a new
    /// SQLite file in a temporary folder when absent.
    #[arg(long)]
    database: Option<String>,
    /// Seconds of load.
    #[arg(long, default_value_t = 600)]
    duration: u64,
    /// Requests per second.
    #[arg(long, default_value_t = 50)]
    rate: u32,
    /// Seconds one request may take before it counts as an error.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
}

/// One kind of request in the mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Declares a release of a product.
    Declare,
    /// Withdraws the oldest release the soak declared, so that the data keeps its size and
    /// the minutes compare the server with itself rather than with a growing database.
    Withdraw,
    Read(&'static str),
}

impl Kind {
    const fn is_write(self) -> bool {
        matches!(self, Self::Declare | Self::Withdraw)
    }
}

/// The releases declared and not yet withdrawn, by address.
type Declared = Arc<Mutex<VecDeque<String>>>;

/// Out of ten requests: two writes (a release declared, one withdrawn), eight reads of the
/// API and of the pages, the heavier summaries among them.
const MIX: [Kind; 10] = [
    Kind::Declare,
    Kind::Read("/api/v1/products?page_size=50"),
    Kind::Read("/api/v1/products/{product}"),
    Kind::Read("/api/v1/search?q=service&page_size=10"),
    Kind::Read("/api/v1/impact/summary"),
    Kind::Withdraw,
    Kind::Read("/api/v1/observatory"),
    Kind::Read("/produits"),
    Kind::Read("/produits/{product}"),
    Kind::Read("/api/v1/products/{product}/releases"),
];

/// One answered (or failed) request.
#[derive(Debug, Clone, Copy)]
struct Sample {
    /// Seconds from the start at which it was due.
    due: f64,
    latency_ms: f64,
    ok: bool,
    write: bool,
}

struct Server {
    child: Child,
    base: String,
    _folder: Option<tempfile_folder::Folder>,
}

/// A temporary folder removed on drop, without pulling a crate for it.
mod tempfile_folder {
    use std::path::PathBuf;

    pub struct Folder(pub PathBuf);

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = Options::parse();
    let (server, database) = serve(&options).await?;
    let token = token(&database).await?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(options.timeout))
        .build()?;
    let products = product_slugs(&client, &server.base).await?;
    let declared = Declared::default();
    for (position, kind) in MIX.into_iter().enumerate() {
        check_once(
            &client,
            &server.base,
            &token,
            &declared,
            kind,
            &products[0],
            position,
        )
        .await?;
    }
    let pid = server.child.id().ok_or("the server has no pid")?;
    eprintln!(
        "soak: {} s at {} requests/s against {} (pid {pid}), {} products",
        options.duration,
        options.rate,
        server.base,
        products.len()
    );

    let samples = Arc::new(Mutex::new(Vec::new()));
    let memory = Arc::new(Mutex::new(Vec::new()));
    let start = Instant::now();
    let memory_sampler = tokio::spawn(sample_memory(pid, start, Arc::clone(&memory)));
    let total = u64::from(options.rate) * options.duration;
    let mut tasks = Vec::with_capacity(usize::try_from(total)?);
    for i in 0..total {
        let due = Duration::from_secs_f64(i as f64 / f64::from(options.rate));
        tokio::time::sleep_until((start + due).into()).await;
        let kind = MIX[usize::try_from(i % 10)?];
        let product = products[usize::try_from(i)? % products.len()].clone();
        let (client, base, token, samples, declared) = (
            client.clone(),
            server.base.clone(),
            token.clone(),
            Arc::clone(&samples),
            Arc::clone(&declared),
        );
        tasks.push(tokio::spawn(async move {
            let ok = send(&client, &base, &token, &declared, kind, &product, i)
                .await
                .is_ok();
            let latency = start.elapsed().saturating_sub(due);
            samples.lock().await.push(Sample {
                due: due.as_secs_f64(),
                latency_ms: latency.as_secs_f64() * 1000.0,
                ok,
                write: kind.is_write(),
            });
        }));
    }
    for task in tasks {
        task.await?;
    }
    memory_sampler.abort();
    let mut server = server;
    server.child.kill().await?;

    let samples = samples.lock().await.clone();
    let memory = memory.lock().await.clone();
    let failed = report(&samples, &memory, options.duration);
    if failed {
        std::process::exit(1);
    }
    Ok(())
}

/// Starts `pilote serve --demo` on a free port and waits for it to answer.
async fn serve(options: &Options) -> Result<(Server, String), Box<dyn std::error::Error>> {
    let (database, folder) = if let Some(url) = &options.database {
        (url.clone(), None)
    } else {
        let folder = std::env::temp_dir().join(format!("pilote-soak-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&folder)?;
        let url = format!("sqlite://{}", folder.join("soak.db").display());
        (url, Some(tempfile_folder::Folder(folder)))
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let child = Command::new(&options.pilote)
        .args(["serve", "--demo", "--addr"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["--database", &database])
        .env("PILOTE_LOG", "warn")
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|response| response.status().is_success())
        {
            let server = Server {
                child,
                base,
                _folder: folder,
            };
            return Ok((server, database));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err("pilote serve did not answer /healthz within a minute".into())
}

/// An API token of the demo administrator, written straight into the database the server
/// serves (the demo accounts exist once `serve --demo` answers).
async fn token(database: &str) -> Result<String, Box<dyn std::error::Error>> {
    let store = pilote_store::Store::open(database).await?;
    let account = store.demo_account("administratrice").await?;
    let token = format!("pilote_soak{}", uuid::Uuid::new_v4().simple());
    let now = chrono::Utc::now();
    store
        .create_token(
            &pilote_store::NewToken {
                account: account.id,
                name: "soak".into(),
                prefix: token.chars().take(13).collect(),
                token_hash: pilote_web::secret_hash(&token),
                scopes: pilote_domain::identity::Scope::ALL.to_vec(),
                created_at: pilote_store::timestamp(now),
                expires_at: pilote_store::timestamp(now + chrono::Duration::days(1)),
            },
            &pilote_domain::audit::Actor::system("soak"),
        )
        .await?;
    store.close().await;
    Ok(token)
}

async fn product_slugs(
    client: &reqwest::Client,
    base: &str,
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let list: serde_json::Value = client
        .get(format!("{base}/api/v1/products?page_size=100"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let slugs: Vec<String> = list["data"]
        .as_array()
        .ok_or("the product list has no data")?
        .iter()
        .filter_map(|product| product["slug"].as_str().map(str::to_owned))
        .collect();
    if slugs.is_empty() {
        return Err("no product to write to".into());
    }
    Ok(slugs)
}

/// Each kind of request answers before the load starts: a broken mix is no soak.
async fn check_once(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    declared: &Declared,
    kind: Kind,
    product: &str,
    position: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    // Numbered past the load's requests, so that the releases written do not collide.
    send(
        client,
        base,
        token,
        declared,
        kind,
        product,
        u64::MAX - position as u64,
    )
    .await
    .map_err(|error| format!("{kind:?} failed before the load: {error}").into())
}

async fn send(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    declared: &Declared,
    kind: Kind,
    product: &str,
    i: u64,
) -> Result<(), String> {
    let oldest = match kind {
        Kind::Withdraw => declared.lock().await.pop_front(),
        _ => None,
    };
    let request = match (kind, oldest) {
        (Kind::Withdraw, Some(release)) => {
            client.delete(format!("{base}{release}")).bearer_auth(token)
        }
        // Nothing left to withdraw (a declaration still on its way): declare instead.
        (Kind::Declare | Kind::Withdraw, _) => client
            .post(format!("{base}/api/v1/products/{product}/releases"))
            .bearer_auth(token)
            .json(&serde_json::json!({
                "name": format!("soak-{i}"),
                "date": "2026-06-01",
                "size": "small",
            })),
        (Kind::Read(path), _) => {
            client.get(format!("{base}{}", path.replace("{product}", product)))
        }
    };
    let response = request.send().await.map_err(|error| error.to_string())?;
    let status = response.status();
    if status == reqwest::StatusCode::CREATED
        && let Some(location) = response.headers().get(reqwest::header::LOCATION)
        && let Ok(location) = location.to_str()
    {
        declared.lock().await.push_back(location.to_owned());
    }
    // The whole body is part of the answer.
    let body = response.bytes().await.map_err(|error| error.to_string())?;
    if status.is_success() {
        Ok(())
    } else {
        Err(format!(
            "{status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        ))
    }
}

/// The server's resident memory, in MiB, every second.
async fn sample_memory(pid: u32, start: Instant, memory: Arc<Mutex<Vec<(f64, f64)>>>) {
    loop {
        if let Ok(status) = tokio::fs::read_to_string(format!("/proc/{pid}/status")).await
            && let Some(kib) = status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|value| {
                    value
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<f64>()
                        .ok()
                })
        {
            memory
                .lock()
                .await
                .push((start.elapsed().as_secs_f64(), kib / 1024.0));
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn percentile(sorted: &[f64], share: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (share * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// Prints the minute-by-minute table and the verdict; true when the soak failed.
fn report(samples: &[Sample], memory: &[(f64, f64)], duration: u64) -> bool {
    let minutes = duration.div_ceil(60).max(1);
    println!(
        "| minute | requests | writes | errors | median ms | p99 ms | max ms | memory MiB (max) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut rows = Vec::new();
    for minute in 0..minutes {
        let (from, to) = ((minute * 60) as f64, ((minute + 1) * 60) as f64);
        let in_minute: Vec<&Sample> = samples
            .iter()
            .filter(|sample| sample.due >= from && sample.due < to)
            .collect();
        let mut latencies: Vec<f64> = in_minute.iter().map(|sample| sample.latency_ms).collect();
        latencies.sort_by(f64::total_cmp);
        let errors = in_minute.iter().filter(|sample| !sample.ok).count();
        let writes = in_minute.iter().filter(|sample| sample.write).count();
        let rss = memory
            .iter()
            .filter(|(at, _)| *at >= from && *at < to)
            .map(|(_, mib)| *mib)
            .fold(f64::NAN, f64::max);
        let (median, p99) = (percentile(&latencies, 0.5), percentile(&latencies, 0.99));
        let max = latencies.last().copied().unwrap_or(f64::NAN);
        println!(
            "| {} | {} | {writes} | {errors} | {median:.1} | {p99:.1} | {max:.1} | {rss:.1} |",
            minute + 1,
            in_minute.len()
        );
        rows.push((p99, rss));
    }
    let errors = samples.iter().filter(|sample| !sample.ok).count();
    let mut all: Vec<f64> = samples.iter().map(|sample| sample.latency_ms).collect();
    all.sort_by(f64::total_cmp);
    println!();
    println!(
        "{} requests ({} writes), {errors} errors; median {:.1} ms, p99 {:.1} ms over the run",
        samples.len(),
        samples.iter().filter(|sample| sample.write).count(),
        percentile(&all, 0.5),
        percentile(&all, 0.99)
    );
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        println!(
            "last minute / first minute: p99 {:.2}x, memory {:.2}x",
            last.0 / first.0,
            last.1 / first.1
        );
    }
    errors > 0
}
