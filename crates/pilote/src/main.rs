//! The `pilote` command: serve, migrate and import.

mod audit;
mod cli;
mod demo;
mod notify;
mod probes;
mod worker;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    cli::init_tracing(cli.log_format);
    match cli.run().await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("erreur : {error:#}");
            ExitCode::FAILURE
        }
    }
}
