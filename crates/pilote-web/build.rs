//! Embeds the State design system's assets (DSFR, from the npm package pinned in
//! `ui/package-lock.json`) with content-hashed names, installing the package when missing.
//!
//! Only the DSFR parts Pilote's pages use are bundled into one stylesheet, so pages stay
//! light; the files the stylesheet refers to (fonts) are embedded under hashed names too.

#![allow(
    clippy::expect_used,
    reason = "a build script fails by panicking, with the reason"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// The DSFR stylesheets bundled, in cascade order.
const STYLES: &[&str] = &[
    "core/core.min.css",
    "component/link/link.min.css",
    "component/button/button.min.css",
    "component/logo/logo.min.css",
    "component/skiplink/skiplink.min.css",
    "component/header/header.min.css",
    "component/navigation/navigation.min.css",
    "component/footer/footer.min.css",
    "component/breadcrumb/breadcrumb.min.css",
    "component/search/search.min.css",
    "component/form/form.min.css",
    "component/input/input.min.css",
    "component/select/select.min.css",
    "component/checkbox/checkbox.min.css",
    "component/radio/radio.min.css",
    "component/table/table.min.css",
    "component/card/card.min.css",
    "component/tile/tile.min.css",
    "component/pagination/pagination.min.css",
    "component/tag/tag.min.css",
    "component/badge/badge.min.css",
    "component/alert/alert.min.css",
    "component/callout/callout.min.css",
    "component/modal/modal.min.css",
    "component/display/display.min.css",
    "component/download/download.min.css",
    "component/summary/summary.min.css",
    "scheme/scheme.min.css",
];

/// The only DSFR font faces served: regular and bold Marianne cover the pages, and each
/// other face would cost a 58 KB download (the browser uses the nearest weight instead).
const FONTS: &[&str] = &["Marianne-Regular.", "Marianne-Bold."];

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let ui = manifest.join("ui");
    println!("cargo:rerun-if-changed=ui/package-lock.json");
    println!("cargo:rerun-if-changed=ui/pilote.css");
    let dist = ui.join("node_modules/@gouvfr/dsfr/dist");
    if !dist.join("core/core.min.css").is_file() {
        install(&ui);
    }
    let mut assets = Assets::default();
    let mut css = String::new();
    for style in STYLES {
        let path = dist.join(style);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let text = keep_fonts(&text);
        css.push_str(&rewrite_urls(
            &text,
            path.parent().expect("a file has a folder"),
            &mut assets,
        ));
        css.push('\n');
    }
    css.push_str(&std::fs::read_to_string(ui.join("pilote.css")).expect("ui/pilote.css"));
    let stylesheet = assets.add_bytes("pilote.css", css.into_bytes(), &out);
    let script = assets.add_file(&dist.join("dsfr.module.min.js"));
    // Inlined in every page: a request saved for well under a kilobyte.
    let favicon_svg =
        std::fs::read_to_string(dist.join("favicon/favicon.svg")).expect("the DSFR favicon");
    let apple_touch_icon = assets.add_file(&dist.join("favicon/apple-touch-icon.png"));

    let mut code = String::from(
        "/// Embedded static files: (hashed name, content type, bytes).\npub static ASSETS: &[(&str, &str, &[u8])] = &[\n",
    );
    for (name, (content_type, path)) in &assets.files {
        writeln!(
            code,
            "    ({name:?}, {content_type:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .expect("write to a String");
    }
    code.push_str("];\n");
    for (constant, name) in [
        ("STYLESHEET", &stylesheet),
        ("SCRIPT", &script),
        ("APPLE_TOUCH_ICON", &apple_touch_icon),
    ] {
        writeln!(
            code,
            "/// Address of a bundled asset.\npub const {constant}: &str = \"/static/{name}\";"
        )
        .expect("write to a String");
    }
    writeln!(
        code,
        "/// The favicon, inlined as a data URI.\npub const FAVICON: &str = \"data:image/svg+xml,{}\";",
        percent_encode_svg(&favicon_svg)
    )
    .expect("write to a String");
    std::fs::write(out.join("assets.rs"), code).expect("write assets.rs");
}

/// Encodes an SVG for a `data:` URI inside a Rust string: only what URIs and Rust need.
fn percent_encode_svg(svg: &str) -> String {
    let mut encoded = String::with_capacity(svg.len());
    for c in svg.split_whitespace().collect::<Vec<_>>().join(" ").chars() {
        match c {
            '"' => encoded.push('\''),
            '%' => encoded.push_str("%25"),
            '#' => encoded.push_str("%23"),
            '<' => encoded.push_str("%3C"),
            '>' => encoded.push_str("%3E"),
            '\\' => encoded.push_str("%5C"),
            c => encoded.push(c),
        }
    }
    encoded
}

/// Installs the pinned DSFR package with npm (its install script only asks for a config file
/// that Pilote does not use, hence `--ignore-scripts`).
fn install(ui: &Path) {
    let status = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(ui)
        .status()
        .unwrap_or_else(|e| {
            panic!(
                "the DSFR assets come from npm, which could not run ({e}): install Node.js and npm"
            )
        });
    assert!(status.success(), "`npm ci` failed in {}", ui.display());
}

#[derive(Default)]
struct Assets {
    /// Hashed name → (content type, path on disk).
    files: BTreeMap<String, (&'static str, PathBuf)>,
}

impl Assets {
    fn add_file(&mut self, path: &Path) -> String {
        let bytes =
            std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let name = hashed_name(
            path.file_name()
                .expect("a file name")
                .to_string_lossy()
                .as_ref(),
            &bytes,
        );
        self.files
            .insert(name.clone(), (content_type(&name), path.to_path_buf()));
        name
    }

    fn add_bytes(&mut self, name: &str, bytes: Vec<u8>, out: &Path) -> String {
        let name = hashed_name(name, &bytes);
        let path = out.join(&name);
        std::fs::write(&path, bytes).expect("write a generated asset");
        self.files.insert(name.clone(), (content_type(&name), path));
        name
    }
}

fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hash = digest.iter().take(5).fold(String::new(), |mut hash, byte| {
        let _ = write!(hash, "{byte:02x}");
        hash
    });
    match name.split_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        _ => "application/octet-stream",
    }
}

/// Drops the `@font-face` rules of the faces not in [`FONTS`].
fn keep_fonts(css: &str) -> String {
    let mut kept = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("@font-face{") {
        kept.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |end| start + end + 1);
        let rule = &rest[start..end];
        if FONTS.iter().any(|font| rule.contains(font)) {
            kept.push_str(rule);
        }
        rest = &rest[end..];
    }
    kept.push_str(rest);
    kept
}

/// Points every relative `url(...)` of a stylesheet at the embedded, hashed copy of its file.
fn rewrite_urls(css: &str, dir: &Path, assets: &mut Assets) -> String {
    let mut result = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("url(") {
        let (before, after) = rest.split_at(start + 4);
        result.push_str(before);
        let end = after.find(')').unwrap_or(after.len());
        let target = after[..end].trim().trim_matches(['"', '\'']);
        if target.starts_with("data:") || target.starts_with('#') || target.starts_with("http") {
            result.push_str(&after[..end]);
        } else {
            let file = dir.join(target.split(['?', '#']).next().unwrap_or(target));
            let name = assets.add_file(&file);
            let _ = write!(result, "/static/{name}");
        }
        rest = &after[end..];
    }
    result.push_str(rest);
    result
}
