//! The mail server and the webhook receiver of the notification tests, both real: Python's
//! aiosmtpd (`tests/smtp_sink.py`) and an axum server that checks signatures itself.

use serde_json::Value;

/// The `pilote` binary with `args`, waited for; its standard output and error.
pub fn pilote(args: &[&str]) -> (String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args(args)
        .output()
        .unwrap();
    let (out, err) = (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    );
    assert!(output.status.success(), "{args:?}: {out}\n{err}");
    (out, err)
}

/// A port nobody listens on (bound, then let go).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The tests' mail server (`smtp_sink.py`, Python's aiosmtpd), killed when dropped.
pub struct SmtpSink {
    child: std::process::Child,
    port: u16,
    file: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl SmtpSink {
    /// Starts the server and waits for its port; `None`, with the reason, when Python or
    /// aiosmtpd is missing (`.ci/run` installs them).
    pub async fn start() -> Option<Self> {
        let available = std::process::Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .output()
            .is_ok_and(|out| out.status.success());
        if !available {
            eprintln!(
                "SKIPPED: python3 with aiosmtpd is missing (pip install aiosmtpd): no real SMTP server for this test"
            );
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("mails.jsonl");
        let port = free_port();
        let child = std::process::Command::new("python3")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py"))
            .arg(port.to_string())
            .arg(&file)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let sink = Self {
            child,
            port,
            file,
            _dir: dir,
        };
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Some(sink);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the SMTP server did not listen on port {port}");
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far.
    pub fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.file)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the tests' webhook receiver saw of one request.
#[derive(Debug, Clone)]
pub struct Received {
    pub at: std::time::Instant,
    pub signature_valid: bool,
    pub event: String,
    pub delivery: String,
    pub content_type: String,
    pub body: Value,
}

/// A webhook receiver on 127.0.0.1:0 that checks each signature itself and answers the
/// statuses of `answers` in turn (200 once they run out).
pub async fn receiver(
    secret: &'static str,
    answers: Vec<u16>,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<Received>>>) {
    use axum::http::{HeaderMap, StatusCode};
    use hmac::{Hmac, Mac};
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Received>::new()));
    let log = seen.clone();
    let handler = move |headers: HeaderMap, body: axum::body::Bytes| {
        let log = log.clone();
        let answers = answers.clone();
        async move {
            let at = std::time::Instant::now();
            let header = |name: &str| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            };
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
            mac.update(&body);
            let expected = mac
                .finalize()
                .into_bytes()
                .iter()
                .fold(String::new(), |mut hex, b| {
                    use std::fmt::Write as _;
                    let _ = write!(hex, "{b:02x}");
                    hex
                });
            let mut log = log.lock().unwrap();
            log.push(Received {
                at,
                signature_valid: header("x-hub-signature-256") == format!("sha256={expected}"),
                event: header("x-pilote-event"),
                delivery: header("x-pilote-delivery"),
                content_type: header("content-type"),
                body: serde_json::from_slice(&body).unwrap_or(Value::Null),
            });
            let status = answers.get(log.len() - 1).copied().unwrap_or(200);
            StatusCode::from_u16(status).unwrap()
        }
    };
    let app = axum::Router::new().route("/hook", axum::routing::post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (url, seen)
}
