//! The command line: flags with `PILOTE_*` environment fallbacks.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
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

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API (and, later, the pages).
    Serve {
        #[command(flatten)]
        database: Database,
        /// Address to listen on.
        #[arg(long, env = "PILOTE_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Fill an empty database with a small demo portfolio first.
        #[arg(long)]
        demo: bool,
        /// Accept writes without sign-in (until sign-in exists; never in production).
        #[arg(long, env = "PILOTE_ALLOW_ANONYMOUS_WRITES")]
        allow_anonymous_writes: bool,
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
}

/// The public sources that can be imported.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Source {
    /// The beta.gouv.fr network's content folder (or a checkout's root).
    Beta,
}

pub fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PILOTE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
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
                allow_anonymous_writes,
            } => {
                let store = database.open().await?;
                if demo {
                    crate::demo::fill_if_empty(&store).await?;
                }
                let config = pilote_web::Config {
                    allow_anonymous_writes,
                };
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen on {addr}"))?;
                pilote_web::serve(listener, store, config, shutdown_signal()).await?;
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
                let report = match source {
                    Source::Beta => {
                        pilote_import::portfolio::beta::import(&store, &path, options).await
                    }
                };
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

fn print_report(report: &ImportReport) {
    println!(
        "{:<15} {:>6} {:>8} {:>8} {:>9}",
        "entité", "lues", "créées", "modifiées", "inchangées"
    );
    for (entity, counts) in &report.entities {
        println!(
            "{entity:<15} {:>6} {:>8} {:>8} {:>9}",
            counts.read, counts.created, counts.updated, counts.unchanged
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
