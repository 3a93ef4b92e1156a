//! The command line: flags with `PILOTE_*` environment fallbacks.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use pilote_domain::data::DataSource;
use pilote_import::{ImportOptions, ImportReport};
use pilote_store::Store;

/// Pilote: steer the State's digital public services by their measured impact.
#[derive(Debug, Parser)]
#[command(name = "pilote", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Log format.
    #[arg(
        long,
        global = true,
        env = "PILOTE_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub log_format: LogFormat,
}

/// How logs are written to standard error.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Args)]
struct Database {
    /// Database URL: `sqlite://FILE` (created when missing) or `postgres://...`.
    #[arg(long = "database", env = "PILOTE_DATABASE_URL", default_value = pilote_store::DEFAULT_DATABASE_URL, hide_env_values = true)]
    url: String,
}

impl Database {
    async fn open(&self) -> anyhow::Result<Store> {
        Store::open(&self.url)
            .await
            .context("cannot open the database")
    }
}

/// How probes behave.
#[derive(Debug, Args)]
struct Probing {
    /// Seconds allowed for each request.
    #[arg(long, env = "PILOTE_PROBE_TIMEOUT_SECONDS", default_value_t = 10)]
    timeout: u64,
    /// Attempts after a failed first one (with a doubling back-off from half a second).
    #[arg(long, env = "PILOTE_PROBE_RETRIES", default_value_t = 2)]
    retries: u32,
    /// Checks at once, over all hosts.
    #[arg(long, env = "PILOTE_PROBE_CONCURRENCY", default_value_t = 32)]
    concurrency: usize,
    /// Checks at once on one host.
    #[arg(long, env = "PILOTE_PROBE_PER_HOST", default_value_t = 2)]
    per_host: usize,
}

impl Probing {
    fn prober(&self) -> anyhow::Result<pilote_probe::Prober> {
        Ok(pilote_probe::Prober::new(pilote_probe::ProbeConfig {
            timeout: std::time::Duration::from_secs(self.timeout),
            retries: self.retries,
            per_host: self.per_host,
            ..pilote_probe::ProbeConfig::default()
        })?)
    }
}

/// The Prometheus metrics' listener.
#[derive(Debug, Args)]
struct MetricsArgs {
    /// Serve Prometheus metrics (`GET /metrics`) on this address, apart from the site (for
    /// example `127.0.0.1:9464`); without it, nothing listens and nothing is recorded.
    #[arg(long, env = "PILOTE_METRICS_ADDR")]
    metrics_addr: Option<SocketAddr>,
}

impl MetricsArgs {
    /// Starts the metrics listener, when asked for; the task serves until aborted.
    async fn start(&self, store: &Store) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
        let Some(addr) = self.metrics_addr else {
            return Ok(None);
        };
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr} for the metrics"))?;
        let handle = pilote_web::metrics::install()?;
        let store = store.clone();
        Ok(Some(tokio::spawn(async move {
            let served =
                pilote_web::metrics::serve_metrics(listener, handle, store, std::future::pending())
                    .await;
            if let Err(error) = served {
                tracing::error!(%error, "the metrics listener stopped");
            }
        })))
    }
}

/// Where a worker sends the notifications.
#[derive(Debug, Args)]
struct Notifying {
    /// The mail server the outbox's e-mails go through: `smtp://HOST:PORT` (plain, or
    /// STARTTLS with `?tls=required`), `smtps://USER:PASSWORD@HOST` (TLS). Without it the
    /// e-mails wait for a worker that has one.
    #[arg(long, env = "PILOTE_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// The e-mails' sender.
    #[arg(
        long,
        env = "PILOTE_MAIL_FROM",
        default_value = "Pilote <ne-pas-repondre@pilote.localhost>"
    )]
    mail_from: String,
    /// The site's address, before the links of the e-mails.
    #[arg(
        long,
        env = "PILOTE_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    public_url: String,
    /// Seconds before a failed webhook delivery's first retry; each next one waits twice
    /// as long.
    #[arg(long, env = "PILOTE_WEBHOOK_RETRY_SECONDS", default_value_t = 60)]
    webhook_retry_seconds: u64,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the pages and the API.
    Serve {
        #[command(flatten)]
        database: Database,
        /// Address to listen on.
        #[arg(long, env = "PILOTE_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Fill an empty database with a small demo portfolio, and offer one demo account
        /// per role at sign-in (refused when `PILOTE_ENV=production`).
        #[arg(long)]
        demo: bool,
        /// The address people reach the site at; redirect addresses are built from it, and
        /// cookies are `Secure` when it is https. Defaults to `http://ADDR`.
        #[arg(long, env = "PILOTE_PUBLIC_URL")]
        public_url: Option<String>,
        #[command(flatten)]
        oidc: OidcArgs,
        /// `production` refuses demo sign-in.
        #[arg(long, env = "PILOTE_ENV", default_value = "development")]
        environment: String,
        /// Months a product may stay in a watched phase without an investment committee
        /// before it is listed as overdue.
        #[arg(long, env = "PILOTE_COMMITTEE_OVERDUE_MONTHS", default_value_t = 6)]
        committee_overdue_months: u32,
        /// The phases watched for overdue committees, comma-separated.
        #[arg(
            long,
            env = "PILOTE_COMMITTEE_OVERDUE_PHASES",
            default_value = "construction"
        )]
        committee_overdue_phases: String,
        /// Keep this server's search index in this directory (reused on start when it is up
        /// to date, rebuilt otherwise); in memory, built on start, when absent. Each server
        /// needs a directory of its own.
        #[arg(long, env = "PILOTE_SEARCH_INDEX")]
        search_index: Option<PathBuf>,
        /// Largest request body accepted, in bytes (larger ones are answered 413).
        #[arg(long, env = "PILOTE_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
        max_body_bytes: usize,
        /// Seconds a request may take before it is answered 408.
        #[arg(long, env = "PILOTE_REQUEST_TIMEOUT_SECONDS", default_value_t = 30)]
        request_timeout_seconds: u64,
        /// Exports and summaries answered at once; more are answered 503 with Retry-After.
        #[arg(long, env = "PILOTE_MAX_EXPENSIVE_REQUESTS", default_value_t = 4)]
        max_expensive_requests: usize,
        #[command(flatten)]
        metrics: MetricsArgs,
    },
    /// Apply pending database migrations.
    Migrate {
        #[command(flatten)]
        database: Database,
    },
    /// Import a public source.
    Import {
        #[command(flatten)]
        database: Database,
        /// Which source.
        source: Source,
        /// The source's folder or file.
        path: PathBuf,
        /// Check and count, but write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import the valid records and list the invalid ones instead of stopping.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Compute a page's EcoIndex (score, grade, greenhouse gases, water) as JSON.
    Ecoindex {
        /// Elements in the page's DOM.
        #[arg(long)]
        dom: u32,
        /// HTTP requests made to show the page.
        #[arg(long)]
        requests: u32,
        /// Bytes transferred, in kilobytes (1 KB = 1024 bytes).
        #[arg(long)]
        size_kb: f64,
    },
    /// Probe products' services now and store the checks (availability, time, page weight
    /// and EcoIndex, accessibility mention, sign-in buttons, HTTPS and security headers);
    /// with --url, check one address, store nothing and print every measure as JSON.
    Probe {
        /// Check this address only, store nothing, and print every measure as JSON (exit
        /// code 1 when the service is down).
        #[arg(long = "url", value_name = "URL", conflicts_with = "product")]
        address: Option<String>,
        /// Check these products' addresses (repeatable); every product with one otherwise.
        #[arg(long)]
        product: Vec<String>,
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        probing: Probing,
    },
    /// Run background work from the job table, which any number of workers share: probe
    /// every product's service on a schedule, send the outbox's e-mails and the data
    /// producers' webhooks.
    Worker {
        #[command(flatten)]
        database: Database,
        #[command(flatten)]
        probing: Probing,
        /// Minutes between two probes of one product.
        #[arg(long, env = "PILOTE_PROBE_EVERY_MINUTES", default_value_t = 15)]
        every_minutes: u64,
        /// Seconds a job stays this worker's before another may take it (when it dies).
        #[arg(long, env = "PILOTE_JOB_LEASE_SECONDS", default_value_t = 120)]
        lease_seconds: u64,
        /// Seconds to wait when no job is due.
        #[arg(long, env = "PILOTE_WORKER_POLL_SECONDS", default_value_t = 5)]
        poll_seconds: u64,
        /// Stop once no job is due.
        #[arg(long)]
        once: bool,
        /// This worker's name in job leases (default: host and process id).
        #[arg(long, env = "PILOTE_WORKER_NAME")]
        name: Option<String>,
        /// Days a closed application's candidate data is kept before the daily erasure.
        #[arg(long, env = "PILOTE_CANDIDATE_RETENTION_DAYS", default_value_t = 730)]
        candidate_retention_days: u32,
        #[command(flatten)]
        notifying: Notifying,
        #[command(flatten)]
        metrics: MetricsArgs,
    },
    /// Check or read the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Export or erase a member's personal data.
    Member {
        #[command(subcommand)]
        command: MemberCommand,
    },
    /// Erase the personal data of candidates whose applications are over.
    Candidates {
        #[command(subcommand)]
        command: CandidatesCommand,
    },
    /// Read products' releases from their repositories' forges (GitHub, GitLab).
    Releases {
        #[command(subcommand)]
        command: ReleasesCommand,
    },
    /// Write a consistent snapshot of the SQLite database to FILE while it serves (for
    /// PostgreSQL, use `pg_dump`).
    Backup {
        #[command(flatten)]
        database: Database,
        /// The snapshot to write; it must not exist.
        file: PathBuf,
    },
    /// Replace the SQLite database with the snapshot FILE, once checked (readable, not from
    /// a newer Pilote, audit chain intact); the database replaced is kept beside it. Stop
    /// the servers and workers first.
    Restore {
        #[command(flatten)]
        database: Database,
        /// The snapshot to restore.
        file: PathBuf,
    },
    /// Manage a search index kept in a directory (`serve --search-index`).
    Search {
        #[command(subcommand)]
        command: SearchCommand,
    },
}

#[derive(Debug, Subcommand)]
enum SearchCommand {
    /// Build the index in DIRECTORY again from the store, whatever it holds.
    Rebuild {
        #[command(flatten)]
        database: Database,
        /// The index's directory.
        #[arg(long, env = "PILOTE_SEARCH_INDEX")]
        search_index: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum ReleasesCommand {
    /// Import the releases of every product whose repository is on GitHub or a GitLab, or of
    /// one product; products elsewhere are listed, to declare their releases by hand.
    Import {
        #[command(flatten)]
        database: Database,
        /// Only this product.
        #[arg(long)]
        product: Option<String>,
        /// GitHub's API root.
        #[arg(
            long,
            env = "PILOTE_GITHUB_API",
            default_value = "https://api.github.com"
        )]
        github_api: String,
        /// One API root for every GitLab (default: each host's own `https://HOST/api/v4`).
        #[arg(long, env = "PILOTE_GITLAB_API")]
        gitlab_api: Option<String>,
        /// Seconds to wait for each answer of a forge.
        #[arg(long, default_value_t = 20)]
        timeout: u64,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check the whole hash chain; exits with 1 when it is broken.
    Verify {
        #[command(flatten)]
        database: Database,
    },
    /// List the entries about one record, oldest first.
    History {
        #[command(flatten)]
        database: Database,
        /// The kind of record (`product`, `member`, `incubator`, `organisation`, `team`, `account`).
        kind: String,
        /// Its identifier (a slug, an account number).
        id: String,
    },
}

#[derive(Debug, Subcommand)]
enum CandidatesCommand {
    /// Erase the name, e-mail, profile, skills and motivation of every application closed
    /// (or never confirmed) more than the retention period ago; its state stays, for the
    /// figures. Meant to run daily.
    Erase {
        #[command(flatten)]
        database: Database,
        /// Days a closed application's candidate data is kept.
        #[arg(long, env = "PILOTE_CANDIDATE_RETENTION_DAYS", default_value_t = 730)]
        retention_days: u32,
    },
}

#[derive(Debug, Subcommand)]
enum MemberCommand {
    /// Print everything Pilote holds on a member, as JSON.
    Export {
        #[command(flatten)]
        database: Database,
        /// The member's slug.
        slug: String,
    },
    /// Erase a member's personal data: e-mail, phone, and their values in the audit log.
    Erase {
        #[command(flatten)]
        database: Database,
        /// The member's slug.
        slug: String,
    },
}

/// Sign-in with ProConnect (or any OpenID Connect provider).
#[derive(Debug, Args)]
struct OidcArgs {
    /// The provider's issuer URL (its configuration is discovered from it).
    #[arg(long = "oidc-issuer", env = "PILOTE_OIDC_ISSUER")]
    issuer: Option<String>,
    /// Pilote's client id at the provider.
    #[arg(long = "oidc-client-id", env = "PILOTE_OIDC_CLIENT_ID")]
    client_id: Option<String>,
    /// Pilote's client secret at the provider.
    #[arg(
        long = "oidc-client-secret",
        env = "PILOTE_OIDC_CLIENT_SECRET",
        hide_env_values = true
    )]
    client_secret: Option<String>,
}

impl OidcArgs {
    fn settings(self) -> anyhow::Result<Option<pilote_web::OidcSettings>> {
        match (self.issuer, self.client_id, self.client_secret) {
            (None, None, None) => Ok(None),
            (Some(issuer), Some(client_id), Some(client_secret)) => {
                Ok(Some(pilote_web::OidcSettings {
                    issuer,
                    client_id,
                    client_secret,
                }))
            }
            _ => anyhow::bail!(
                "ProConnect needs PILOTE_OIDC_ISSUER, PILOTE_OIDC_CLIENT_ID and PILOTE_OIDC_CLIENT_SECRET together"
            ),
        }
    }
}

/// The public sources that can be imported.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Source {
    /// The beta.gouv.fr network's content folder (or a checkout's root).
    Beta,
    /// The RGAA 4.1 criteria file (`rgaa-4.1-criteria.json`): criteria titles for audits.
    Rgaa,
    /// The RGESN v1 file (`rgesn-v1.json`): criteria titles for self-assessments.
    Rgesn,
    /// The interministerial free-software catalogue (`sill.json`, 2021–22 format); products'
    /// techno values are then linked to the software they name.
    Sill,
    /// The catalogue's contributing public bodies (`sill-contributors.json`).
    SillContributors,
    /// The data.gouv.fr CSV export of datasets.
    Datagouv,
    /// Datasets with their resources and organisations in the udata API's shape (JSON).
    Udata,
    /// The api.gouv.fr catalogue's folder (`api/` and `producteurs/`).
    Apigouv,
    /// The EIG programme's data folder (`promos.yml`, `skills.yml`, `defis.yml`,
    /// `personnes.yml`): promotions, challenges and people; each challenge's key figures
    /// become declared impact measurements of its product `eig-<slug>`.
    Eig,
}

pub fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PILOTE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours for a person at a terminal, none in files and journals.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

impl Cli {
    pub async fn run(self) -> anyhow::Result<ExitCode> {
        match self.command {
            Command::Serve {
                database,
                addr,
                demo,
                public_url,
                oidc,
                environment,
                committee_overdue_months,
                committee_overdue_phases,
                search_index,
                max_body_bytes,
                request_timeout_seconds,
                max_expensive_requests,
                metrics,
            } => {
                if demo && environment == "production" {
                    anyhow::bail!(
                        "--demo is refused when PILOTE_ENV=production: demo accounts sign in without a password"
                    );
                }
                let config = pilote_web::Config {
                    public_url: public_url.unwrap_or_else(|| format!("http://{addr}")),
                    oidc: oidc.settings()?,
                    demo_sign_in: demo,
                    committee_rule: pilote_domain::delivery::OverdueRule {
                        months: committee_overdue_months,
                        phases: pilote_domain::delivery::OverdueRule::parse_phases(
                            &committee_overdue_phases,
                        )
                        .context("--committee-overdue-phases")?,
                    },
                    search_index,
                    bounds: pilote_web::Bounds {
                        max_body_bytes,
                        request_timeout: std::time::Duration::from_secs(request_timeout_seconds),
                        max_expensive_requests,
                    },
                };
                let store = database.open().await?;
                if demo {
                    crate::demo::fill_if_empty(&store).await?;
                    pilote_web::ensure_demo_accounts(&store).await?;
                    crate::demo::support_if_empty(&store).await?;
                    crate::demo::commons_if_empty(&store).await?;
                    crate::demo::data_if_empty(&store).await?;
                    crate::demo::access_requests_if_empty(&store).await?;
                    crate::demo::trainings_if_empty(&store).await?;
                    crate::demo::eig_if_empty(&store).await?;
                    crate::demo::recruitment_if_empty(&store).await?;
                }
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen on {addr}"))?;
                let metrics = metrics.start(&store).await?;
                let served = pilote_web::serve(listener, store, config, shutdown_signal()).await;
                if let Some(metrics) = metrics {
                    metrics.abort();
                }
                served?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Ecoindex {
                dom,
                requests,
                size_kb,
            } => {
                let measure = pilote_domain::quality::PageMeasure::new(dom, requests, size_kb)?;
                println!("{}", serde_json::to_string(&measure.ecoindex()?)?);
                Ok(ExitCode::SUCCESS)
            }
            Command::Probe {
                address,
                product,
                database,
                probing,
            } => {
                let prober = probing.prober()?;
                if let Some(address) = address {
                    let check = prober.check(&address).await?;
                    println!("{}", serde_json::to_string_pretty(&check)?);
                    return Ok(match check.availability {
                        pilote_probe::Availability::Up { .. } => ExitCode::SUCCESS,
                        pilote_probe::Availability::Down { .. } => ExitCode::from(1),
                    });
                }
                let products = product
                    .iter()
                    .map(|slug| pilote_domain::Slug::parse(slug))
                    .collect::<Result<Vec<_>, _>>()?;
                let store = database.open().await?;
                let tally =
                    crate::probes::probe_now(&store, &prober, &products, probing.concurrency).await;
                store.close().await;
                let tally = tally?;
                println!(
                    "{} service(s) vérifié(s), {} en ligne, {} hors ligne",
                    tally.checked,
                    tally.up,
                    tally.checked - tally.up
                );
                Ok(ExitCode::SUCCESS)
            }
            Command::Worker {
                database,
                probing,
                every_minutes,
                lease_seconds,
                poll_seconds,
                once,
                name,
                candidate_retention_days,
                notifying,
                metrics,
            } => {
                let prober = probing.prober()?;
                let notifier = crate::notify::Notifier::new(&crate::notify::NotifySettings {
                    smtp_url: notifying.smtp_url,
                    mail_from: notifying.mail_from,
                    public_url: notifying.public_url,
                    webhook_retry: notifying.webhook_retry_seconds,
                })?;
                let options = crate::worker::WorkerOptions {
                    name: name.unwrap_or_else(|| {
                        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "worker".into());
                        format!("{host}-{}", std::process::id())
                    }),
                    every: std::time::Duration::from_secs(every_minutes.max(1) * 60),
                    concurrency: probing.concurrency,
                    lease: std::time::Duration::from_secs(lease_seconds.max(1)),
                    poll: std::time::Duration::from_secs(poll_seconds.max(1)),
                    once,
                    candidate_retention_days,
                };
                let store = database.open().await?;
                let metrics = metrics.start(&store).await?;
                tracing::info!(worker = %options.name, "worker started");
                let tally = tokio::select! {
                    tally = crate::worker::work(&store, &prober, &notifier, &options) => tally,
                    _ = tokio::signal::ctrl_c() => Ok(crate::probes::Tally::default()),
                };
                if let Some(metrics) = metrics {
                    metrics.abort();
                }
                store.close().await;
                let tally = tally?;
                if once {
                    println!(
                        "{} vérification(s) enregistrée(s), {} reprise(s) par un autre worker, {} en échec",
                        tally.checked, tally.lost, tally.failed
                    );
                    println!(
                        "{} e-mail(s) envoyé(s), {} webhook(s) livré(s), {} notification(s) en échec",
                        tally.emails_sent, tally.webhooks_delivered, tally.notifications_failed
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            Command::Backup { database, file } => {
                let store = database.open().await?;
                let written = store.backup_to(&file).await;
                store.close().await;
                written?;
                let check = pilote_store::backup::check_backup(&file).await?;
                println!(
                    "sauvegarde écrite dans {} : {} produits, {} membres, {} entrées du journal d'audit",
                    file.display(),
                    check.products,
                    check.members,
                    check.audit_entries
                );
                Ok(ExitCode::SUCCESS)
            }
            Command::Restore { database, file } => {
                let restored = pilote_store::backup::restore(&file, &database.url).await?;
                println!(
                    "base restaurée depuis {} : {} produits, {} membres, {} entrées du journal d'audit, chaîne intacte",
                    file.display(),
                    restored.check.products,
                    restored.check.members,
                    restored.check.audit_entries
                );
                if let Some(previous) = restored.previous {
                    println!("l'ancienne base est gardée dans {}", previous.display());
                }
                Ok(ExitCode::SUCCESS)
            }
            Command::Search {
                command:
                    SearchCommand::Rebuild {
                        database,
                        search_index,
                    },
            } => {
                let store = database.open().await?;
                let documents = pilote_web::SearchFeed::rebuild(&store, &search_index).await;
                store.close().await;
                println!(
                    "index de recherche reconstruit dans {} : {} documents",
                    search_index.display(),
                    documents?
                );
                Ok(ExitCode::SUCCESS)
            }
            Command::Audit { command } => {
                let (database, run) = match &command {
                    AuditCommand::Verify { database } => (database, None),
                    AuditCommand::History { database, kind, id } => {
                        (database, Some((kind.as_str(), id.as_str())))
                    }
                };
                let store = database.open().await?;
                let code = match run {
                    None => crate::audit::verify(&store).await,
                    Some((kind, id)) => crate::audit::history(&store, kind, id).await,
                };
                store.close().await;
                code
            }
            Command::Releases {
                command:
                    ReleasesCommand::Import {
                        database,
                        product,
                        github_api,
                        gitlab_api,
                        timeout,
                    },
            } => {
                let store = database.open().await?;
                let portfolio = store.load_portfolio().await?;
                let products: Vec<_> = match &product {
                    Some(slug) => {
                        let found: Vec<_> = portfolio
                            .products
                            .into_iter()
                            .filter(|p| p.slug.as_str() == slug)
                            .collect();
                        anyhow::ensure!(!found.is_empty(), "produit inconnu « {slug} »");
                        found
                    }
                    None => portfolio.products,
                };
                let client = pilote_import::delivery::ForgeClient::new(
                    pilote_import::delivery::ForgeApis {
                        github: github_api,
                        gitlab: gitlab_api,
                    },
                    std::time::Duration::from_secs(timeout),
                )?;
                let actor = crate::audit::cli_actor();
                let outcome =
                    pilote_import::delivery::import_releases(&store, &client, &products, &actor)
                        .await;
                store.close().await;
                let outcome = outcome?;
                for (slug, found, changed) in &outcome.imported {
                    println!("{slug} : {found} livraison(s) lue(s), {changed} changement(s)");
                }
                for (slug, reason) in &outcome.failed {
                    println!("{slug} : {reason}");
                }
                println!(
                    "\n{} produit(s) lu(s) sur leur forge, {} en échec, {} sans dépôt sur une forge à API (livraisons à déclarer).",
                    outcome.imported.len(),
                    outcome.failed.len(),
                    outcome.without_forge.len()
                );
                // Failures are reported, not fatal: what was read is stored.
                Ok(ExitCode::SUCCESS)
            }
            Command::Member { command } => {
                let (MemberCommand::Export { database, slug }
                | MemberCommand::Erase { database, slug }) = &command;
                let store = database.open().await?;
                let code = match command {
                    MemberCommand::Export { .. } => crate::audit::export(&store, slug).await,
                    MemberCommand::Erase { .. } => crate::audit::erase(&store, slug).await,
                };
                store.close().await;
                code
            }
            Command::Candidates {
                command:
                    CandidatesCommand::Erase {
                        database,
                        retention_days,
                    },
            } => {
                let store = database.open().await?;
                let erased = crate::worker::erase_candidates(
                    &store,
                    retention_days,
                    &crate::audit::cli_actor(),
                )
                .await;
                store.close().await;
                println!("{} candidature(s) effacée(s).", erased?.len());
                Ok(ExitCode::SUCCESS)
            }
            Command::Migrate { database } => {
                let store = Store::connect(&database.url)
                    .await
                    .context("cannot open the database")?;
                let applied = store.migrate().await?;
                println!("{applied} migration(s) appliquée(s).");
                Ok(ExitCode::SUCCESS)
            }
            Command::Import {
                database,
                source,
                path,
                dry_run,
                skip_invalid,
            } => {
                let store = database.open().await?;
                let options = ImportOptions {
                    dry_run,
                    skip_invalid,
                };
                let actor = crate::audit::cli_actor();
                let report = match source {
                    Source::Beta => {
                        pilote_import::portfolio::beta::import(&store, &path, options, &actor).await
                    }
                    Source::Rgaa | Source::Rgesn => {
                        let standard = if matches!(source, Source::Rgaa) {
                            pilote_domain::quality::reference::Standard::Rgaa
                        } else {
                            pilote_domain::quality::reference::Standard::Rgesn
                        };
                        pilote_import::quality::import(&store, standard, &path, options, &actor)
                            .await
                    }
                    Source::Sill => {
                        pilote_import::commons::import_sill(&store, &path, options, &actor)
                            .await
                            .map(|imported| {
                                print_unmatched(&imported.unmatched);
                                imported.report
                            })
                    }
                    Source::SillContributors => {
                        pilote_import::commons::import_contributors(&store, &path, options, &actor)
                            .await
                    }
                    Source::Datagouv | Source::Udata | Source::Apigouv => {
                        let source = match source {
                            Source::Datagouv => DataSource::Datagouv,
                            Source::Udata => DataSource::Udata,
                            _ => DataSource::Apigouv,
                        };
                        pilote_import::data::import(&store, source, &path, options, &actor).await
                    }
                    Source::Eig => {
                        pilote_import::talent::eig::import(&store, &path, options, &actor).await
                    }
                };
                if let Ok(report) = &report {
                    record_import(&store, source, report).await;
                }
                store.close().await;
                match report {
                    Ok(report) => {
                        print_report(&report);
                        Ok(ExitCode::SUCCESS)
                    }
                    Err(pilote_import::ImportError::Invalid(rejects)) => {
                        eprintln!(
                            "{} enregistrement(s) invalide(s) ; rien n'a été écrit :",
                            rejects.len()
                        );
                        for reject in &rejects {
                            eprintln!("  {reject}");
                        }
                        eprintln!(
                            "(--skip-invalid importe les enregistrements valides et liste les autres)"
                        );
                        Ok(ExitCode::from(2))
                    }
                    Err(error) => Err(error.into()),
                }
            }
        }
    }
}

/// Adds an import's counts to the store's, for the metrics; a dry run wrote nothing and is
/// not counted. The import is done whatever happens here: a failure is only logged.
async fn record_import(store: &Store, source: Source, report: &ImportReport) {
    if report.dry_run {
        return;
    }
    let Some(importer) = source.to_possible_value() else {
        return;
    };
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let entities: Vec<(&str, pilote_store::RecordCounts)> = report
        .entities
        .iter()
        .map(|(entity, counts)| {
            (
                *entity,
                pilote_store::RecordCounts {
                    created: count(counts.created),
                    updated: count(counts.updated),
                    unchanged: count(counts.unchanged),
                    deleted: count(counts.deleted),
                },
            )
        })
        .collect();
    let at = pilote_store::timestamp(chrono::Utc::now());
    if let Err(error) = store
        .record_import(importer.get_name(), &entities, &at)
        .await
    {
        tracing::warn!(%error, "cannot count this import for the metrics");
    }
}

/// The products' techno values left for a person to link to a software.
fn print_unmatched(unmatched: &[pilote_domain::commons::UnmatchedTechno]) {
    if unmatched.is_empty() {
        return;
    }
    println!(
        "{} valeur(s) « techno » des produits sans logiciel du catalogue à leur nom, à relier à la main :",
        unmatched.len()
    );
    for techno in unmatched {
        let products: Vec<&str> = techno
            .products
            .iter()
            .map(pilote_domain::Slug::as_str)
            .collect();
        let candidates = if techno.candidates.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = techno
                .candidates
                .iter()
                .map(pilote_domain::Slug::as_str)
                .collect();
            format!(" (plusieurs logiciels : {})", names.join(", "))
        };
        println!("  {}{candidates} : {}", techno.techno, products.join(", "));
    }
    println!();
}

fn print_report(report: &ImportReport) {
    println!(
        "{:<19} {:>6} {:>8} {:>8} {:>9}",
        "entité", "lues", "créées", "modifiées", "inchangées"
    );
    for (entity, counts) in &report.entities {
        println!(
            "{entity:<19} {:>6} {:>8} {:>8} {:>9}",
            counts.read, counts.created, counts.updated, counts.unchanged
        );
    }
    for (entity, counts) in report.entities.iter().filter(|(_, c)| c.deleted > 0) {
        println!(
            "{entity} : {} supprimé(s), absents de la source",
            counts.deleted
        );
    }
    if !report.warnings.is_empty() {
        println!(
            "\n{} avertissement(s) de qualité des données (importés et signalés) :",
            report.warnings.len()
        );
        for warning in &report.warnings {
            println!("  {warning}");
        }
    }
    if !report.rejects.is_empty() {
        println!("\n{} enregistrement(s) rejeté(s) :", report.rejects.len());
        for reject in &report.rejects {
            println!("  {reject}");
        }
    }
    let changed = report.changed();
    if report.dry_run {
        println!("\nEssai à blanc : {changed} changement(s) seraient écrits ; rien n'a été écrit.");
    } else if changed == 0 {
        println!("\nAucun changement : la base était déjà à jour.");
    } else {
        println!("\n{changed} changement(s) écrits en une transaction.");
    }
}

/// Resolves on ctrl-c or SIGTERM, for a graceful shutdown.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
