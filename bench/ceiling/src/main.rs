//! Benchmark ceiling for `pilote`'s HTTP API.
//!
//! Serves one fixed body (read once from a file at start-up) with
//! `content-type: application/json` on every path, from a bare axum 0.8
//! router on the tokio multi-thread runtime. Nothing else happens per
//! request, so its throughput is an upper bound for what any axum handler
//! returning the same bytes can reach on this machine.
//!
//! Usage: `pilote-bench-ceiling --addr 127.0.0.1:PORT --body FILE`

use std::net::SocketAddr;
use std::process::ExitCode;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use bytes::Bytes;

const USAGE: &str = "usage: pilote-bench-ceiling --addr 127.0.0.1:PORT --body FILE";

/// Command-line options.
struct Args {
    addr: SocketAddr,
    body: String,
}

fn parse_args() -> Result<Args, String> {
    let mut addr: Option<SocketAddr> = None;
    let mut body: Option<String> = None;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--addr" => {
                let v = it.next().ok_or("--addr needs a value")?;
                addr = Some(v.parse().map_err(|e| format!("--addr {v}: {e}"))?);
            }
            "--body" => body = Some(it.next().ok_or("--body needs a value")?),
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(Args {
        addr: addr.ok_or_else(|| format!("--addr is required\n{USAGE}"))?,
        body: body.ok_or_else(|| format!("--body is required\n{USAGE}"))?,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let body = match std::fs::read(&args.body) {
        Ok(b) => Bytes::from(b),
        Err(e) => {
            eprintln!("cannot read {}: {e}", args.body);
            return ExitCode::from(1);
        }
    };
    let handler = move || {
        // Cloning `Bytes` is a reference-count increment, not a copy.
        let body = body.clone();
        async move {
            (
                StatusCode::OK,
                [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
                body,
            )
                .into_response()
        }
    };
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .fallback(get(handler));
    let listener = match tokio::net::TcpListener::bind(args.addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot bind {}: {e}", args.addr);
            return ExitCode::from(1);
        }
    };
    eprintln!("pilote-bench-ceiling listening on {}", args.addr);
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("server error: {e}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
