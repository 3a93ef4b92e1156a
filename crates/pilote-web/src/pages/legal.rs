//! The pages every public service must link from its footer.

use askama::Template;
use axum::response::Html;

use super::{Layout, PageError, page};

#[derive(Template)]
#[template(path = "accessibility.html")]
struct AccessibilityPage {
    layout: Layout,
}

#[derive(Template)]
#[template(path = "legal_notice.html")]
struct LegalNoticePage {
    layout: Layout,
}

#[derive(Template)]
#[template(path = "personal_data.html")]
struct PersonalDataPage {
    layout: Layout,
}

#[derive(Template)]
#[template(path = "site_map.html")]
struct SiteMapPage {
    layout: Layout,
}

/// `GET /accessibilite`: the accessibility statement.
pub async fn accessibility() -> Result<Html<String>, PageError> {
    page(&AccessibilityPage {
        layout: Layout::new("", &[("", "Accessibilité")]),
    })
}

/// `GET /mentions-legales`.
pub async fn legal_notice() -> Result<Html<String>, PageError> {
    page(&LegalNoticePage {
        layout: Layout::new("", &[("", "Mentions légales")]),
    })
}

/// `GET /donnees-personnelles`.
pub async fn personal_data() -> Result<Html<String>, PageError> {
    page(&PersonalDataPage {
        layout: Layout::new("", &[("", "Données personnelles")]),
    })
}

/// `GET /plan-du-site`.
pub async fn site_map() -> Result<Html<String>, PageError> {
    page(&SiteMapPage {
        layout: Layout::new("", &[("", "Plan du site")]),
    })
}
