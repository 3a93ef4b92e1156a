//! A real OIDC provider that behaves like ProConnect (the Node package in
//! `tests/oidc`, built on `oidc-provider`), and helpers that go through its sign-in and sign-out
//! pages the way a person in a browser does.
//!
//! The helpers need a `reqwest::Client` that keeps cookies and does not follow redirects
//! ([`browser_client`] builds one): they follow the provider's own redirects themselves and stop
//! at the first one that leaves the provider, which is the relying party's callback.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use reqwest::Url;

/// What a test prints when Node.js is not installed.
pub const SKIP_MESSAGE: &str = "skipped: node is needed for the local OpenID provider (tests/oidc)";

/// How long the provider may take to print its `listening` line.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The most pages and redirects a sign-in or sign-out may go through at the provider.
const MAX_STEPS: usize = 20;

/// The relying party the provider knows, and how the provider behaves.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub client_id: String,
    pub client_secret: String,
    /// The one registered redirect URI (the client's callback).
    pub redirect_uri: String,
    /// The one registered post-logout redirect URI.
    pub post_logout_redirect_uri: String,
    /// Shifts the provider's clock: `-7200` makes every token it issues already expired for a
    /// client whose clock is right.
    pub clock_skew_seconds: i64,
    /// `{ "<login>": { "sub", "email", "given_name", "usual_name", "siret", "uid" } }`, or
    /// `null`. Any other login is accepted with claims derived from it (`sub-<login>`,
    /// `<login>@exemple.gouv.fr`, ...).
    pub accounts: serde_json::Value,
}

impl Default for ProviderConfig {
    fn default() -> Self {
        Self {
            client_id: "pilote-test".to_owned(),
            client_secret: "pilote-test-secret-0123456789abcdef0123456789abcdef".to_owned(),
            redirect_uri: "http://127.0.0.1:9/auth/callback".to_owned(),
            post_logout_redirect_uri: "http://127.0.0.1:9/".to_owned(),
            clock_skew_seconds: 0,
            accounts: serde_json::Value::Null,
        }
    }
}

impl ProviderConfig {
    /// The default client, registered with these redirect URIs.
    pub fn new(
        redirect_uri: impl Into<String>,
        post_logout_redirect_uri: impl Into<String>,
    ) -> Self {
        Self {
            redirect_uri: redirect_uri.into(),
            post_logout_redirect_uri: post_logout_redirect_uri.into(),
            ..Self::default()
        }
    }

    /// Another client id and secret.
    #[must_use]
    pub fn with_client(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.client_id = id.into();
        self.client_secret = secret.into();
        self
    }

    /// A provider whose clock is off by `seconds`.
    #[must_use]
    pub fn with_clock_skew(mut self, seconds: i64) -> Self {
        self.clock_skew_seconds = seconds;
        self
    }

    /// Accounts with given claims (see [`ProviderConfig::accounts`]).
    #[must_use]
    pub fn with_accounts(mut self, accounts: serde_json::Value) -> Self {
        self.accounts = accounts;
        self
    }
}

/// A running provider, killed when dropped.
pub struct OidcProvider {
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub issuer: String,
    /// What it was started with (the client id and secret among others).
    pub config: ProviderConfig,
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl OidcProvider {
    /// Starts a provider on a free loopback port, or returns `None` (with a message) when
    /// Node.js is not installed. Installs the Node dependencies first when they are missing.
    pub async fn start(config: ProviderConfig) -> Option<Self> {
        if Command::new("node")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_err()
        {
            eprintln!("{SKIP_MESSAGE}");
            return None;
        }
        let dir = package_dir();
        match node_dependencies(&dir) {
            Ok(()) => {}
            Err(DependencyError::NoNpm) => {
                eprintln!("{SKIP_MESSAGE} (npm is needed to install its dependencies)");
                return None;
            }
            Err(DependencyError::Failed(message)) => panic!("{message}"),
        }

        let mut command = Command::new("node");
        command
            .arg("provider.mjs")
            .current_dir(&dir)
            .env("OIDC_PORT", "0")
            .env("OIDC_CLIENT_ID", &config.client_id)
            .env("OIDC_CLIENT_SECRET", &config.client_secret)
            .env("OIDC_REDIRECT_URIS", &config.redirect_uri)
            .env(
                "OIDC_POST_LOGOUT_REDIRECT_URIS",
                &config.post_logout_redirect_uri,
            )
            .env(
                "OIDC_CLOCK_SKEW_SECONDS",
                config.clock_skew_seconds.to_string(),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if config.accounts.is_null() {
            command.env_remove("OIDC_ACCOUNTS");
        } else {
            command.env("OIDC_ACCOUNTS", config.accounts.to_string());
        }
        let mut child = command.spawn().expect("start node tests/oidc/provider.mjs");

        // Stderr is kept to explain a failure; stdout gives the `listening` line, then is
        // drained so the provider never writes to a closed pipe.
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut child_stderr = child.stderr.take().expect("piped stderr");
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut chunk = [0_u8; 4096];
            while let Ok(read) = child_stderr.read(&mut chunk) {
                if read == 0 {
                    break;
                }
                if let Ok(mut text) = sink.lock() {
                    text.push_str(&String::from_utf8_lossy(&chunk[..read]));
                }
            }
        });
        let child_stdout = child.stdout.take().expect("piped stdout");
        let (line_sender, line) = tokio::sync::oneshot::channel::<String>();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(child_stdout).lines();
            if let Some(Ok(first)) = lines.next() {
                let _ = line_sender.send(first);
            }
            for _ in lines {}
        });

        let mut provider = Self {
            issuer: String::new(),
            config,
            child,
            stderr,
        };
        let first = tokio::time::timeout(START_TIMEOUT, line).await;
        let issuer = match first {
            Ok(Ok(line)) => line
                .strip_prefix("listening ")
                .map(|issuer| issuer.trim().to_owned()),
            _ => None,
        };
        let Some(issuer) = issuer else {
            provider.stop();
            // Let the stderr thread catch the last words.
            tokio::time::sleep(Duration::from_millis(100)).await;
            panic!(
                "the OpenID provider (tests/oidc/provider.mjs) did not start:\n{}",
                provider.stderr_text()
            );
        };
        provider.issuer = issuer;
        Some(provider)
    }

    /// The discovery document's URL.
    pub fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.issuer)
    }

    /// What the provider wrote to stderr so far (oidc-provider's notices, errors).
    pub fn stderr_text(&self) -> String {
        self.stderr
            .lock()
            .map(|text| text.clone())
            .unwrap_or_default()
    }

    /// Kills the provider now (a test of "the provider is down"); its port refuses connections
    /// when this returns.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A client fit for [`sign_in_at_provider`] and [`finish_logout_at_provider`]: a cookie store,
/// and no automatic redirects.
pub fn browser_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

/// Goes from `authorize_url` through the provider's login form (submitting `login` and a
/// password) and any further page, and returns the first redirect that leaves the provider: the
/// client's callback URL with `code` and `state` (or with `error`, which the caller checks).
///
/// `client` must keep cookies and must not follow redirects (see [`browser_client`]). Panics,
/// showing the page, when the provider answers something else than a redirect or a form.
pub async fn sign_in_at_provider(
    client: &reqwest::Client,
    authorize_url: &str,
    login: &str,
) -> String {
    drive(client, authorize_url, Some(login), "sign-in").await
}

/// Goes from `end_session_url` through the provider's sign-out (submitting its confirmation
/// form) and returns the first redirect that leaves the provider: the post-logout redirect URI
/// with `state`.
///
/// `client` must be the one that signed in (same cookies) and must not follow redirects.
pub async fn finish_logout_at_provider(client: &reqwest::Client, end_session_url: &str) -> String {
    drive(client, end_session_url, None, "sign-out").await
}

/// Follows redirects within the provider's origin and submits the forms it shows (filling
/// `login` and `password` when `login` is given) until a redirect leaves the provider.
async fn drive(client: &reqwest::Client, start: &str, login: Option<&str>, what: &str) -> String {
    let start_url = Url::parse(start).unwrap_or_else(|error| panic!("{what}: {start}: {error}"));
    let origin = start_url.origin();
    let mut request = client.get(start_url.clone());
    let mut trail = vec![format!("GET {start_url}")];
    for _ in 0..MAX_STEPS {
        let response = request.send().await.unwrap_or_else(|error| {
            panic!("{what}: request failed: {error}\n{}", trail.join("\n"))
        });
        let status = response.status();
        let url = response.url().clone();
        assert!(
            url.origin() == origin,
            "{what}: the client followed a redirect to {url}; build it with \
             redirect::Policy::none() (see browser_client)"
        );
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_else(|| panic!("{what}: {status} without Location at {url}"));
            let next = url
                .join(location)
                .unwrap_or_else(|error| panic!("{what}: bad Location {location:?}: {error}"));
            if next.origin() != origin {
                return next.to_string();
            }
            trail.push(format!("{status} -> GET {next}"));
            request = client.get(next);
            continue;
        }
        let body = response.text().await.unwrap_or_default();
        let form = if status.is_success() {
            first_form(&body)
        } else {
            None
        };
        let Some(form) = form else {
            panic!(
                "{what}: the provider answered {status} at {url} with no way forward\n\
                 steps:\n{}\npage:\n{body}",
                trail.join("\n")
            );
        };
        let action = url
            .join(&form.action)
            .unwrap_or_else(|error| panic!("{what}: bad form action {:?}: {error}", form.action));
        let fields: Vec<(String, String)> = form
            .fields
            .into_iter()
            .map(|(name, value)| match (name.as_str(), login) {
                ("login", Some(login)) => (name, login.to_owned()),
                ("password", Some(_)) => (name, "any password".to_owned()),
                _ => (name, value),
            })
            .collect();
        trail.push(format!("{status} -> {} {action}", form.method));
        request = if form.method == "GET" {
            client.get(action).query(&fields)
        } else {
            client.post(action).form(&fields)
        };
    }
    panic!(
        "{what}: still at the provider after {MAX_STEPS} steps:\n{}",
        trail.join("\n")
    );
}

/// A form of a page: where it goes, how, and its named inputs.
#[derive(Debug)]
struct Form {
    action: String,
    method: &'static str,
    fields: Vec<(String, String)>,
}

/// The first `<form>` of `html` with its `<input>` fields: enough for the provider's own simple
/// pages, not a general HTML parser.
fn first_form(html: &str) -> Option<Form> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<form")?;
    let (attributes, open_end) = tag_attributes(html, start)?;
    let close = lower[open_end..]
        .find("</form")
        .map_or(html.len(), |at| open_end + at);
    let attribute = |name: &str| {
        attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let method = match attribute("method") {
        Some(method) if method.eq_ignore_ascii_case("get") => "GET",
        _ => "POST",
    };
    let mut fields = Vec::new();
    let mut at = open_end;
    while let Some(found) = lower[at..close].find("<input") {
        let (input, end) = tag_attributes(html, at + found)?;
        let get = |name: &str| input.iter().find(|(key, _)| key == name).map(|(_, v)| v);
        if let Some(name) = get("name") {
            fields.push((name.clone(), get("value").cloned().unwrap_or_default()));
        }
        at = end;
    }
    Some(Form {
        action: attribute("action").unwrap_or_default(),
        method,
        fields,
    })
}

/// The attributes (lower-cased names, unescaped values) of the tag starting at `start`, and the
/// index just past its `>`.
fn tag_attributes(html: &str, start: usize) -> Option<(Vec<(String, String)>, usize)> {
    let bytes = html.as_bytes();
    let mut at = start + 1;
    while at < bytes.len() && bytes[at].is_ascii_alphanumeric() {
        at += 1;
    }
    let mut attributes = Vec::new();
    loop {
        while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b'/') {
            at += 1;
        }
        if *bytes.get(at)? == b'>' {
            return Some((attributes, at + 1));
        }
        let name_start = at;
        while at < bytes.len()
            && !bytes[at].is_ascii_whitespace()
            && !matches!(bytes[at], b'=' | b'>' | b'/')
        {
            at += 1;
        }
        let name = html[name_start..at].to_ascii_lowercase();
        let mut value = String::new();
        if bytes.get(at) == Some(&b'=') {
            at += 1;
            let quote = *bytes.get(at)?;
            if quote == b'"' || quote == b'\'' {
                let value_start = at + 1;
                let length = html[value_start..].find(char::from(quote))?;
                value = unescape(&html[value_start..value_start + length]);
                at = value_start + length + 1;
            } else {
                let value_start = at;
                while at < bytes.len() && !bytes[at].is_ascii_whitespace() && bytes[at] != b'>' {
                    at += 1;
                }
                value = unescape(&html[value_start..at]);
            }
        }
        attributes.push((name, value));
    }
}

/// Decodes the character references the provider's pages use in attribute values.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';') else { break };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        if let Some(character) = decoded {
            out.push(character);
            rest = &rest[semi + 1..];
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// `tests/oidc`, from this crate's manifest directory (`crates/pilote`).
fn package_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc")
}

/// Why the Node dependencies are not there.
#[derive(Debug, Clone)]
enum DependencyError {
    NoNpm,
    Failed(String),
}

/// Runs `npm ci` in `dir` once per test process when `oidc-provider` is missing from
/// `node_modules` or is not the version `package.json` pins.
fn node_dependencies(dir: &Path) -> Result<(), DependencyError> {
    static INSTALLED: OnceLock<Result<(), DependencyError>> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            if installed_version(dir).is_some() && installed_version(dir) == pinned_version(dir) {
                return Ok(());
            }
            let output = match Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(dir)
                .stdin(Stdio::null())
                .output()
            {
                Ok(output) => output,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                    return Err(DependencyError::NoNpm);
                }
                Err(error) => {
                    return Err(DependencyError::Failed(format!(
                        "npm ci in {}: {error}",
                        dir.display()
                    )));
                }
            };
            if output.status.success() && installed_version(dir).is_some() {
                Ok(())
            } else {
                Err(DependencyError::Failed(format!(
                    "npm ci in {} failed ({}):\n{}{}",
                    dir.display(),
                    output.status,
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                )))
            }
        })
        .clone()
}

/// The version of `oidc-provider` in `node_modules`.
fn installed_version(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("node_modules/oidc-provider/package.json")).ok()?;
    let package: serde_json::Value = serde_json::from_str(&text).ok()?;
    package["version"].as_str().map(str::to_owned)
}

/// The version of `oidc-provider` that `package.json` pins.
fn pinned_version(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("package.json")).ok()?;
    let package: serde_json::Value = serde_json::from_str(&text).ok()?;
    package["dependencies"]["oidc-provider"]
        .as_str()
        .map(str::to_owned)
}
