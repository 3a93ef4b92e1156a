//! Crash safety on both backends: `kill -9` of `pilote serve` amid a burst of API writes, and
//! of `pilote import beta` amid an import, each 20 times at random moments (seeded: set
//! `PILOTE_CRASH_SEED` to replay a run, `PILOTE_CRASH_ROUNDS` for another count). After each
//! kill the database opens, `pilote audit verify` is green, every acknowledged write is
//! there, and the import is wholly there or wholly absent.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

mod common;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Backend, Process, TestDb};
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::json;

impl Process {
    /// `kill -9`, then reaps it.
    fn kill_9(&mut self) {
        let pid = self.0.id().to_string();
        let _ = Command::new("kill")
            .args(["-KILL", &pid])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.wait();
    }
}

fn rounds() -> usize {
    std::env::var("PILOTE_CRASH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20)
}

/// The seeded generator of the kill moments; the seed is printed to replay a failure.
fn moments(what: &str) -> StdRng {
    let seed = std::env::var("PILOTE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs()
        });
    eprintln!("{what}: PILOTE_CRASH_SEED={seed}");
    StdRng::seed_from_u64(seed)
}

/// `pilote audit verify` on `database` exits 0.
fn audit_is_green(database: &str) {
    let output = Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(["audit", "verify", "--database", database])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "audit verify failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `pilote serve` on `database`, once it answers `/healthz`.
async fn serve(database: &str) -> (Process, String) {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    let process = Process(
        Command::new(env!("CARGO_BIN_EXE_pilote"))
            .args(["serve", "--addr", &addr, "--database", database])
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://{addr}");
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return (process, base);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("pilote serve did not answer /healthz");
}

/// Writers sending releases of one product until the server dies; the names it acknowledged.
async fn burst(base: String, token: String, round: usize, writers: usize) -> Vec<String> {
    let mut tasks = Vec::new();
    for writer in 0..writers {
        let (base, token) = (base.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut acknowledged = Vec::new();
            for n in 0.. {
                let name = format!("r{round}-w{writer}-{n}");
                let sent = client
                    .post(format!("{base}/api/v1/products/eau-claire/releases"))
                    .bearer_auth(&token)
                    .json(&json!({"name": name, "date": "2025-06-01", "size": "small"}))
                    .send()
                    .await;
                match sent {
                    Ok(response) if response.status().is_success() => acknowledged.push(name),
                    Ok(response) => panic!("{name}: {}", response.status()),
                    // The server was killed: what it answered before is what counts.
                    Err(_) => return acknowledged,
                }
            }
            acknowledged
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all
}

async fn server_killed_amid_writes(db: TestDb) {
    db.fill_demo().await;
    pilote_web::ensure_demo_accounts(&db.store).await.unwrap();
    let token = db
        .token_for("administratrice", &pilote_domain::identity::Scope::ALL)
        .await;
    let mut rng = moments("writes");
    let mut acknowledged = BTreeSet::new();
    for round in 0..rounds() {
        let (mut server, base) = serve(&db.url).await;
        let writes = tokio::spawn(burst(base, token.clone(), round, 4));
        let after = rng.gen_range(50..1500);
        tokio::time::sleep(Duration::from_millis(after)).await;
        server.kill_9();
        let acked = writes.await.unwrap();
        eprintln!(
            "round {round}: killed after {after} ms, {} writes acknowledged",
            acked.len()
        );
        acknowledged.extend(acked);

        // The database opens, its audit chain holds, and nothing acknowledged is lost.
        let store = pilote_store::Store::open(&db.url).await.unwrap();
        audit_is_green(&db.url);
        let kept: BTreeSet<String> = store
            .load_releases()
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect();
        let lost: Vec<&String> = acknowledged.difference(&kept).collect();
        assert!(lost.is_empty(), "acknowledged and lost: {lost:?}");
    }
    assert!(!acknowledged.is_empty(), "no write was acknowledged at all");
    eprintln!(
        "{} kills, {} acknowledged writes, none lost",
        rounds(),
        acknowledged.len()
    );
}
on_both_backends!(writes, server_killed_amid_writes);

async fn import_killed_midway(backend: Backend) {
    let Some(data) = common::shared_data() else {
        return;
    };
    let source = data.join("betagouv");
    let import = |database: &str| {
        Process(
            Command::new(env!("CARGO_BIN_EXE_pilote"))
                .args(["import", "beta"])
                .arg(&source)
                .args(["--database", database])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        )
    };
    // One whole import first, to know how long one lasts on this machine.
    let Some(db) = TestDb::fresh(backend).await else {
        return;
    };
    let started = std::time::Instant::now();
    let mut whole = import(&db.url);
    assert!(whole.0.wait().unwrap().success());
    let lasts = u64::try_from(started.elapsed().as_millis()).unwrap();
    drop(db);
    let mut rng = moments("import");
    eprintln!("a whole import lasts {lasts} ms");
    let (mut absent, mut present) = (0, 0);
    for round in 0..rounds() {
        let Some(db) = TestDb::fresh(backend).await else {
            return;
        };
        let mut import = import(&db.url);
        // Anywhere in the import's run, and a little after it.
        let after = rng.gen_range(0..=lasts * 11 / 10);
        tokio::time::sleep(Duration::from_millis(after)).await;
        let finished = import.0.try_wait().unwrap().is_some();
        import.kill_9();

        let store = pilote_store::Store::open(&db.url).await.unwrap();
        audit_is_green(&db.url);
        let portfolio = store.load_portfolio().await.unwrap();
        let counts = (
            portfolio.organisations.len(),
            portfolio.incubators.len(),
            portfolio.teams.len(),
            portfolio.products.len(),
            portfolio.members.len(),
        );
        eprintln!(
            "round {round}: killed after {after} ms{}: {counts:?}",
            if finished { " (already done)" } else { "" }
        );
        match counts {
            (0, 0, 0, 0, 0) => absent += 1,
            (145, 23, 36, 662, 3484) => present += 1,
            partial => panic!("a partial import: {partial:?}"),
        }
    }
    eprintln!(
        "{} kills: {absent} imports wholly absent, {present} wholly present",
        rounds()
    );
}

#[tokio::test]
async fn import_killed_midway_sqlite() {
    import_killed_midway(Backend::Sqlite).await;
}

#[tokio::test]
async fn import_killed_midway_postgres() {
    import_killed_midway(Backend::Postgres).await;
}
