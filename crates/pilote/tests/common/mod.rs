//! The test harness: a fresh database per test on each backend, a real server on
//! `127.0.0.1:0`, and the real public data when it is present.

#![allow(dead_code, reason = "each test binary uses a part of the harness")]
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test fails loudly"
)]

use std::path::PathBuf;

use pilote_store::Store;
use reqwest::header;
use tempfile::TempDir;
use tokio::sync::oneshot;

pub mod notify;
pub mod oidc;

/// The environment variable naming a PostgreSQL server for tests (an admin URL such as
/// `postgres://postgres@127.0.0.1:5432/postgres`); each test creates its own database.
pub const POSTGRES_ENV: &str = "PILOTE_TEST_POSTGRES_URL";

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, migrated database of its own.
pub struct TestDb {
    pub url: String,
    pub store: Store,
    /// The SQLite file's folder, removed with the last handle.
    dir: Option<std::sync::Arc<TempDir>>,
    /// The PostgreSQL database created for the test, dropped with its last handle.
    created: Option<std::sync::Arc<CreatedDatabase>>,
}

/// A PostgreSQL database created for one test: (admin URL, name).
struct CreatedDatabase(String, String);

impl Drop for CreatedDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.0.clone(), self.1.clone());
        // Drop runs inside the test's runtime, which cannot be blocked on: a thread of its
        // own drops the database, forcing out the connections still open.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await
                    .map(drop)
            })
        })
        .join();
        if let Ok(Err(error)) = dropped {
            eprintln!("could not drop the test database: {error}");
        }
    }
}

/// An agent of the tests: demo account key, SIRET, and a role granted with its record.
pub type Agent = (
    &'static str,
    Option<&'static str>,
    Option<(pilote_domain::identity::Role, &'static str)>,
);

impl TestDb {
    /// A new API token of a demo account (the demo accounts must exist), with `scopes`.
    pub async fn token_for(
        &self,
        demo_key: &str,
        scopes: &[pilote_domain::identity::Scope],
    ) -> String {
        let account = self
            .store
            .demo_account(demo_key)
            .await
            .expect("demo account");
        let token = format!("pilote_{}", uuid::Uuid::new_v4().simple());
        let hash = sha256_hex(&token);
        let now = chrono::Utc::now();
        self.store
            .create_token(
                &pilote_store::NewToken {
                    account: account.id,
                    name: "tests".into(),
                    prefix: token.chars().take(13).collect(),
                    token_hash: hash,
                    scopes: scopes.to_vec(),
                    created_at: pilote_store::timestamp(now),
                    expires_at: pilote_store::timestamp(now + chrono::Duration::days(1)),
                },
                &pilote_domain::audit::Actor::system("test"),
            )
            .await
            .expect("token");
        token
    }

    /// Creates the demo accounts of `agents`: e-mail `{key}@exemple.gouv.fr`, name
    /// `{key} Agent`, the SIRET and role given (a role's record left empty for none).
    pub async fn add_agents(&self, agents: &[Agent]) {
        for (key, siret, grant) in agents {
            self.store
                .ensure_demo_account(
                    &pilote_store::DemoAccount {
                        key,
                        identity: pilote_domain::identity::ProviderIdentity {
                            sub: String::new(),
                            email: format!("{key}@exemple.gouv.fr"),
                            given_name: (*key).into(),
                            usual_name: "Agent".into(),
                            siret: siret.map(Into::into),
                            uid: None,
                        },
                        member: None,
                        grants: grant
                            .iter()
                            .map(|(role, scope)| {
                                let scope = (!scope.is_empty())
                                    .then(|| pilote_domain::Slug::parse(scope).unwrap());
                                pilote_domain::identity::RoleGrant::new(*role, scope).unwrap()
                            })
                            .collect(),
                    },
                    &pilote_domain::audit::Actor::system("test"),
                )
                .await
                .unwrap();
        }
    }

    /// A fresh database on `backend`, or `None` (with a message) when PostgreSQL is not configured.
    pub async fn fresh(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("pilote.db").display());
                let store = Store::open(&url).await.expect("open sqlite");
                Some(Self {
                    url,
                    store,
                    dir: Some(std::sync::Arc::new(dir)),
                    created: None,
                })
            }
            Backend::Postgres => {
                let Ok(admin) = std::env::var(POSTGRES_ENV) else {
                    eprintln!(
                        "skipped on PostgreSQL: set {POSTGRES_ENV} (for example postgres://postgres@127.0.0.1:5432/postgres)"
                    );
                    return None;
                };
                let name = format!("pilote_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
                    .await
                    .expect("connect to the PostgreSQL server of PILOTE_TEST_POSTGRES_URL");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .expect("create database");
                let base = admin.split('?').next().unwrap_or(&admin);
                let url = format!(
                    "{}/{name}",
                    &base[..base.rfind('/').expect("URL with a database")]
                );
                let store = Store::open(&url).await.expect("open postgres");
                Some(Self {
                    url,
                    store,
                    dir: None,
                    created: Some(std::sync::Arc::new(CreatedDatabase(admin, name))),
                })
            }
        }
    }
}

impl TestDb {
    /// Fills the database with the demo portfolio of `pilote serve --demo`.
    pub async fn fill_demo(&self) {
        let demo: serde_json::Value =
            serde_json::from_str(include_str!("../../src/demo/portfolio.json")).expect("demo JSON");
        let part = |name: &str| demo[name].clone();
        let changes = pilote_store::PortfolioChanges {
            organisations: serde_json::from_value(part("organisations")).expect("organisations"),
            incubators: serde_json::from_value(part("incubators")).expect("incubators"),
            teams: serde_json::from_value(part("teams")).expect("teams"),
            products: serde_json::from_value(part("products")).expect("products"),
            members: serde_json::from_value(part("members")).expect("members"),
            fast_budget: None,
            imported_decisions: None,
        };
        self.store
            .apply(&changes, &pilote_domain::audit::Actor::system("démo"))
            .await
            .expect("apply the demo");
    }

    /// Another connection pool to the same database, as a second server would hold
    /// (the database lasts as long as any of its handles).
    pub async fn another_handle(&self) -> Self {
        let store = Store::open(&self.url).await.expect("open again");
        Self {
            url: self.url.clone(),
            store,
            dir: self.dir.clone(),
            created: self.created.clone(),
        }
    }
}

/// A real server on a free loopback port.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: TestDb,
    /// The API token `send` presents, when the app was started writable.
    pub token: Option<String>,
    /// The session cookie (`pilote_session=…`) and CSRF token of the demo administrator,
    /// when the app was started writable; `client` then sends the cookie.
    pub session: Option<(String, String)>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    /// Starts a server over `db`; its public URL is its own address unless `config` names one.
    pub async fn spawn(db: TestDb, config: pilote_web::Config) -> Self {
        let (listener, base) = Self::bind().await;
        let mut config = config;
        if config.public_url == pilote_web::Config::default().public_url {
            config.public_url = base.clone();
        }
        Self::serve(listener, db, config).await
    }

    /// A free loopback port and its base URL, to know the address before the server starts.
    pub async fn bind() -> (tokio::net::TcpListener, String) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        (listener, base)
    }

    /// Starts a server over `db` on a bound listener.
    pub async fn serve(
        listener: tokio::net::TcpListener,
        db: TestDb,
        config: pilote_web::Config,
    ) -> Self {
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (shutdown, stop) = oneshot::channel::<()>();
        let store = db.store.clone();
        let server = tokio::spawn(async move {
            pilote_web::serve(listener, store, config, async {
                let _ = stop.await;
            })
            .await
            .expect("server");
        });
        let client = reqwest::Client::new();
        for _ in 0..100 {
            if client.get(format!("{base}/healthz")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        Self {
            base,
            client,
            db,
            token: None,
            session: None,
            shutdown: Some(shutdown),
            server: Some(server),
        }
    }

    /// Starts a server whose `send` acts as the demo administrator, through an API token.
    pub async fn spawn_writable(db: TestDb) -> Self {
        Self::spawn_writable_with(db, pilote_web::Config::default()).await
    }

    /// [`TestApp::spawn_writable`] with settings of its own.
    pub async fn spawn_writable_with(db: TestDb, config: pilote_web::Config) -> Self {
        pilote_web::ensure_demo_accounts(&db.store)
            .await
            .expect("demo accounts");
        let mut app = Self::spawn(db, config).await;
        app.token = Some(
            app.token_for("administratrice", &pilote_domain::identity::Scope::ALL)
                .await,
        );
        let (cookie, csrf) = app.session_for("administratrice").await;
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::COOKIE,
            reqwest::header::HeaderValue::from_str(&cookie).expect("cookie"),
        );
        app.client = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .expect("client");
        app.session = Some((cookie, csrf));
        app
    }

    /// A new session of a demo account: its cookie (`pilote_session=…`) and CSRF token.
    pub async fn session_for(&self, demo_key: &str) -> (String, String) {
        let account = self
            .db
            .store
            .demo_account(demo_key)
            .await
            .expect("demo account");
        let id = format!("session-{}", uuid::Uuid::new_v4().simple());
        let csrf = format!("csrf-{}", uuid::Uuid::new_v4().simple());
        self.db
            .store
            .create_session(&pilote_store::NewSession {
                id_hash: sha256_hex(&id),
                account: account.id,
                csrf_token: csrf.clone(),
                method: "demo".into(),
                id_token: None,
                now: pilote_store::timestamp(chrono::Utc::now()),
            })
            .await
            .expect("session");
        (format!("pilote_session={id}"), csrf)
    }

    /// A new API token of a demo account (the demo accounts must exist), with `scopes`.
    pub async fn token_for(
        &self,
        demo_key: &str,
        scopes: &[pilote_domain::identity::Scope],
    ) -> String {
        self.db.token_for(demo_key, scopes).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GETs a path and returns its status and JSON body.
    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    /// Sends a JSON body and returns the status and JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let mut request = self.client.request(method, self.url(path)).json(body);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    /// Sends a request from a client of its own (no session), with a token and a JSON body
    /// when given; returns the status and the JSON body (`null` when there is none).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut request = reqwest::Client::new().request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    /// Stops the server gracefully.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task");
        }
    }
}

/// What the store keeps of a secret.
pub fn sha256_hex(secret: &str) -> String {
    pilote_web::secret_hash(secret)
}

/// Runs `pilote <args> <file> --database <database>` and waits for it.
pub fn run_import(database: &str, args: &[&str], file: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(args)
        .arg(file)
        .args(["--database", database])
        .output()
        .unwrap()
}

/// The counts of an entity's line in an import's summary: read, created, updated, unchanged.
pub fn summary_counts(output: &std::process::Output, entity: &str) -> Vec<String> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .find(|l| l.starts_with(&format!("{entity} ")))
        .unwrap_or_else(|| panic!("no {entity} line in {stdout}"))
        .split_whitespace()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

/// The real public data folder, or `None` with a clear message.
pub fn shared_data() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("PILOTE_SHARED_DATA").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")),
    ];
    let found = candidates
        .into_iter()
        .flatten()
        .find(|dir| dir.join("betagouv").is_dir());
    if found.is_none() {
        eprintln!(
            "skipped: the real public data is absent (set PILOTE_SHARED_DATA or place it at ../shared/data)"
        );
    }
    found
}

/// Declares a test run once on SQLite and once on PostgreSQL, each on a fresh database:
/// `on_both_backends!(module_name, async_fn_beside_it)`.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                if let Some(db) =
                    $crate::common::TestDb::fresh($crate::common::Backend::Sqlite).await
                {
                    super::$body(db).await;
                }
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(db) =
                    $crate::common::TestDb::fresh($crate::common::Backend::Postgres).await
                {
                    super::$body(db).await;
                }
            }
        }
    };
}

/// A browser of its own: a session's cookie, no redirection followed.
pub struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    cookie: Option<String>,
}

impl<'a> Browser<'a> {
    pub async fn signed_in(app: &'a TestApp, demo_key: &str) -> Self {
        let (cookie, _) = app.session_for(demo_key).await;
        Self::with(app, Some(cookie))
    }

    pub fn with(app: &'a TestApp, cookie: Option<String>) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            app,
            client,
            cookie,
        }
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let mut request = self.client.get(self.app.url(path));
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Opens the form page, then posts `fields` with the CSRF token it carries; returns the
    /// status, the `Location` header and the page answered.
    pub async fn submit(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (u16, Option<String>, String) {
        let (status, form) = self.get(path).await;
        assert_eq!(status, 200, "{path}: {form}");
        let token = csrf_of(&form);
        self.post(path, fields, Some(&token)).await
    }

    pub async fn post(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        csrf: Option<&str>,
    ) -> (u16, Option<String>, String) {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        if let Some(csrf) = csrf {
            form.push(("csrf", csrf));
        }
        let mut request = self.client.post(self.app.url(path)).form(&form);
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let response = request.send().await.unwrap();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|value| value.to_str().unwrap().to_owned());
        (
            response.status().as_u16(),
            location,
            response.text().await.unwrap(),
        )
    }
}

/// The CSRF token a page's form carries.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a form with its CSRF token") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// A child process (`pilote serve`, `pilote worker`), killed when dropped so that a failing
/// test leaves none behind.
pub struct Process(pub std::process::Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A free loopback address (`127.0.0.1:port`) to give a process.
pub fn free_addr() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}
