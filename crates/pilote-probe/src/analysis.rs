//! What a page's HTML says, without fetching anything: its elements, the subresources it
//! references, the accessibility mention the law requires with its statement link, and the
//! State's sign-in buttons.

use pilote_domain::quality::rgaa::StatementStatus;
use scraper::{Html, Selector};
use serde::Serialize;
use url::Url;
use utoipa::ToSchema;

/// The analysis of one page's HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Analysis {
    /// Size of the HTML, in bytes.
    pub html_bytes: u64,
    /// Elements in the document.
    pub dom_elements: u32,
    /// Absolute addresses of the images, scripts, stylesheets, icons, frames and media it
    /// loads, each once.
    pub subresources: Vec<String>,
    /// The compliance the page's accessibility mention states (« Accessibilité : partiellement
    /// conforme »), when there is one.
    pub accessibility_mention: Option<StatementStatus>,
    /// Where the accessibility link leads (the statement), when there is one.
    pub statement_link: Option<String>,
    /// Whether it offers FranceConnect.
    pub franceconnect: bool,
    /// Whether it offers ProConnect.
    pub proconnect: bool,
}

/// Elements that load a subresource, and the attribute naming it.
const LOADERS: [(&str, &str); 8] = [
    ("img[src]", "src"),
    ("script[src]", "src"),
    ("link[rel~=stylesheet][href]", "href"),
    ("link[rel~=icon][href]", "href"),
    ("iframe[src]", "src"),
    ("video[src]", "src"),
    ("audio[src]", "src"),
    ("source[src]", "src"),
];

fn selector(css: &str) -> Option<Selector> {
    Selector::parse(css).ok()
}

/// The compliance stated in `text`, if it is an accessibility mention.
fn mention(text: &str) -> Option<StatementStatus> {
    let text = text.to_lowercase().replace('\u{a0}', " ");
    let after = &text[text.find("accessibilit")?..];
    if after.contains("non conforme") {
        Some(StatementStatus::NotCompliant)
    } else if after.contains("partiellement conforme") {
        Some(StatementStatus::PartiallyCompliant)
    } else if after.contains("totalement conforme") {
        Some(StatementStatus::FullyCompliant)
    } else {
        None
    }
}

/// Analyses `html`, served at `base`.
pub fn analyse(html: &str, base: &Url) -> Analysis {
    let document = Html::parse_document(html);
    let dom_elements = u32::try_from(
        document
            .root_element()
            .descendants()
            .filter(|node| node.value().is_element())
            .count(),
    )
    .unwrap_or(u32::MAX);
    let mut subresources: Vec<String> = Vec::new();
    for (css, attribute) in LOADERS {
        let Some(selector) = selector(css) else {
            continue;
        };
        for element in document.select(&selector) {
            let resolved = element
                .value()
                .attr(attribute)
                .and_then(|address| base.join(address.trim()).ok())
                .filter(|url| matches!(url.scheme(), "http" | "https"));
            if let Some(url) = resolved {
                let url = url.to_string();
                if !subresources.contains(&url) {
                    subresources.push(url);
                }
            }
        }
    }
    let mut accessibility_mention = None;
    let mut statement_link = None;
    let (mut franceconnect, mut proconnect) = (false, false);
    let clickable = selector("a, button, form, input[type=submit]");
    for element in clickable.iter().flat_map(|s| document.select(s)) {
        let text: String = element.text().collect::<Vec<_>>().join(" ");
        let href = element
            .value()
            .attr("href")
            .or_else(|| element.value().attr("action"))
            .unwrap_or_default();
        let class = element.value().attr("class").unwrap_or_default();
        let said = format!("{text} {href} {class}").to_lowercase();
        franceconnect |= said.contains("franceconnect");
        proconnect |= said.contains("proconnect");
        let is_link = element.value().name() == "a";
        if is_link && statement_link.is_none() && text.to_lowercase().contains("accessibilit") {
            statement_link = base.join(href).ok().map(|url| url.to_string());
            accessibility_mention = mention(&text);
        }
    }
    if accessibility_mention.is_none() {
        let body = selector("body")
            .and_then(|s| document.select(&s).next())
            .map(|body| body.text().collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        accessibility_mention = mention(&body);
    }
    Analysis {
        html_bytes: html.len() as u64,
        dom_elements,
        subresources,
        accessibility_mention,
        statement_link,
        franceconnect,
        proconnect,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://service.gouv.fr/demarche/").unwrap()
    }

    #[test]
    fn counts_elements_and_resolves_subresources_once() {
        let html = r#"<!doctype html><html><head><title>T</title>
            <link rel="stylesheet" href="/dsfr.css"><link rel="icon" href="favicon.svg">
            <script src="https://cdn.example.org/app.js"></script></head>
            <body><img src="logo.png"><img src="logo.png"><img src="data:image/png;base64,AA"></body></html>"#;
        let analysis = analyse(html, &base());
        // html, head, title, link, link, script, body, img, img, img.
        assert_eq!(analysis.dom_elements, 10);
        assert_eq!(
            analysis.subresources,
            [
                "https://service.gouv.fr/demarche/logo.png",
                "https://cdn.example.org/app.js",
                "https://service.gouv.fr/dsfr.css",
                "https://service.gouv.fr/demarche/favicon.svg",
            ]
        );
        assert_eq!(analysis.accessibility_mention, None);
        assert!(!analysis.franceconnect && !analysis.proconnect);
    }

    #[test]
    fn finds_the_accessibility_mention_and_statement() {
        let html = r#"<body><footer><a href="/accessibilite">Accessibilité&nbsp;: partiellement conforme</a></footer>
            <form action="https://app.franceconnect.gouv.fr/api/v1/authorize"><button class="fr-connect">S’identifier avec FranceConnect</button></form></body>"#;
        let analysis = analyse(html, &base());
        assert_eq!(
            analysis.accessibility_mention,
            Some(StatementStatus::PartiallyCompliant)
        );
        assert_eq!(
            analysis.statement_link.as_deref(),
            Some("https://service.gouv.fr/accessibilite")
        );
        assert!(analysis.franceconnect);
        let html = r#"<body><p>Accessibilité : non conforme</p><a class="proconnect-button" href="/auth">S’identifier avec ProConnect</a></body>"#;
        let analysis = analyse(html, &base());
        assert_eq!(
            analysis.accessibility_mention,
            Some(StatementStatus::NotCompliant)
        );
        assert_eq!(analysis.statement_link, None);
        assert!(analysis.proconnect && !analysis.franceconnect);
    }
}
