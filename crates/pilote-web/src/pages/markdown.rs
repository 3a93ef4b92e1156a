//! Markdown from the sources, rendered to HTML that cannot carry scripts.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

/// Renders Markdown to sanitised HTML; headings start at level 2 (the page has the 1).
/// Images become links to them, so that a page never loads anything from elsewhere.
pub fn to_safe_html(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .map(|event| match event {
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        other => other,
    });
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, parser);
    let demoted = unsafe_html.replace("<h1", "<h2").replace("</h1>", "</h2>");
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&demoted)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_images_into_links() {
        let html = to_safe_html("![Schéma du service](https://example.org/schema.png)");
        assert!(!html.contains("<img"));
        assert!(html.contains("<a href=\"https://example.org/schema.png\" rel=\"noopener noreferrer\">Schéma du service</a>"), "{html}");
    }

    #[test]
    fn keeps_formatting_and_drops_scripts() {
        let html = to_safe_html(
            "# Titre\n\n**gras** <script>alert(1)</script> [lien](javascript:alert(1))",
        );
        assert!(html.contains("<h2>Titre</h2>"));
        assert!(html.contains("<strong>gras</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
    }
}
