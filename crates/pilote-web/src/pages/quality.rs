//! A product's quality: its record (sign-in, hosting, security, accessibility statement)
//! with the observatory's levels, its RGESN scores, its RGAA audits, and each audit's report.

use std::fmt::Write as _;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use pilote_domain::portfolio::Product;
use pilote_domain::quality::observatory::{Evidence, Source};
use pilote_domain::quality::rgaa::{Audit, AuditFigures, CriterionStatus, StatementStatus};
use pilote_domain::quality::rgesn::Score;

use super::observatory::{Cell, cell};
use super::{Layout, PageError, page};
use crate::ApiError;
use crate::AppState;
use crate::api::indicators::product_at;
use crate::api::quality::audits::audit_at;
use crate::api::quality::observatory::row;
use crate::api::quality::service::{self, ServiceReport};
use crate::api::quality::{RecordSource, record_of};
use crate::auth::Visitor;

fn breadcrumb<'a>(product: &'a Product, last: &'a str) -> Layout {
    Layout::new(
        "",
        &[
            ("/produits", "Produits"),
            (&format!("/produits/{}", product.slug), &product.title),
            ("", last),
        ],
    )
}

/// A rate or score in French, or a dash.
fn percent(value: Option<f64>) -> String {
    value.map_or_else(
        || "—".to_owned(),
        |v| format!("{} %", super::impact::figure(v)),
    )
}

struct AuditLine {
    id: i64,
    date: String,
    kind: &'static str,
    rate: String,
    statement: &'static str,
    incomplete: usize,
}

struct ThemeLine {
    theme: &'static str,
    met: usize,
    applicable: usize,
    percent: String,
}

fn theme_line(score: &Score) -> ThemeLine {
    ThemeLine {
        theme: score.theme.map_or("Ensemble", |t| t.label()),
        met: score.met,
        applicable: score.applicable,
        percent: percent(score.percent),
    }
}

#[derive(Template)]
#[template(path = "product_quality.html")]
struct QualityPage {
    layout: Layout,
    slug: String,
    title: String,
    recorded: bool,
    updated_at: String,
    /// (label, value) lines of the record.
    lines: Vec<(&'static str, String)>,
    /// The product's observatory indicators: label and cell.
    readings: Vec<(&'static str, Cell)>,
    service: ServiceReport,
    audits: Vec<AuditLine>,
    themes: Vec<ThemeLine>,
    answered: usize,
    /// Whether the visitor may change the product, so fill its forms.
    can_write: bool,
}

fn yes_no(value: Option<bool>) -> String {
    match value {
        Some(true) => "oui".to_owned(),
        Some(false) => "non".to_owned(),
        None => "non renseigné".to_owned(),
    }
}

/// `GET /produits/{slug}/qualite`.
pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let product = product_at(&state.model(), &slug)?.clone();
    let shown = record_of(&state, &product).await?;
    let record = &shown.record;
    let audits = state
        .store()
        .rgaa_audits(&product.slug)
        .await
        .map_err(ApiError::from)?;
    let audit = Audit::latest_rate(&audits);
    let service = service::report(&state, &slug).await?;
    let readings = row(
        &state.model(),
        &product,
        &Evidence {
            record,
            record_source: match shown.source {
                RecordSource::Recorded => Source::Declared,
                RecordSource::Network => Source::Network,
            },
            audit,
            health: service.health.as_ref(),
        },
    )
    .readings
    .iter()
    .map(|r| (r.indicator.label(), cell(r)))
    .collect();
    let mut lines = vec![
        (
            "Identification",
            record
                .identity
                .map_or_else(|| "non renseignée".to_owned(), |i| i.label().to_owned()),
        ),
        (
            "Déclaration d’accessibilité",
            record.statement.as_ref().map_or_else(
                || "aucune".to_owned(),
                |s| {
                    let mut text = s.status.label().to_owned();
                    if let Some(date) = s.date {
                        let _ = write!(text, " ({date})");
                    }
                    text
                },
            ),
        ),
        ("Analyse de risques", yes_no(record.security.risk_analysis)),
        (
            "Homologation",
            match (record.security.decision, record.security.homologation_date) {
                (Some(decision), Some(date)) => format!("{} le {date}", decision.label()),
                (Some(decision), None) => decision.label().to_owned(),
                (None, _) => "non renseignée".to_owned(),
            },
        ),
        (
            "Suivi dans Mon service sécurisé",
            yes_no(record.security.mon_service_securise),
        ),
    ];
    lines.push((
        "Hébergement",
        record.hosting.as_ref().map_or_else(
            || "non renseigné".to_owned(),
            |h| {
                let mut text = format!("{}, {}, {}", h.provider, h.model.label(), h.cloud.label());
                if let Some(q) = &h.secnumcloud {
                    let _ = write!(text, ", qualifié SecNumCloud {} ({})", q.version, q.date);
                }
                text
            },
        ),
    ));
    let (assessments, _) = state
        .store()
        .rgesn_assessment(&product.slug)
        .await
        .map_err(ApiError::from)?
        .unwrap_or_default();
    let (themes, overall) = pilote_domain::quality::rgesn::scores(&assessments);
    let mut themes: Vec<ThemeLine> = themes.iter().map(theme_line).collect();
    themes.push(theme_line(&overall));
    page(&QualityPage {
        layout: breadcrumb(&product, "Qualité"),
        slug: product.slug.to_string(),
        title: product.title.clone(),
        recorded: shown.source == RecordSource::Recorded,
        updated_at: shown.updated_at.clone().unwrap_or_default(),
        lines,
        readings,
        service,
        audits: audits
            .iter()
            .map(|a| {
                let figures = a.figures();
                AuditLine {
                    id: a.id,
                    date: a.date.to_string(),
                    kind: a.kind.label(),
                    rate: percent(figures.rate),
                    statement: figures.statement.map_or("—", StatementStatus::label),
                    incomplete: figures.incomplete,
                }
            })
            .collect(),
        themes,
        answered: assessments.len(),
        can_write: super::may_change(visitor.principal.as_ref(), &product),
    })
}

struct CriterionRow {
    criterion: String,
    /// The criterion's title, when the standard's texts were imported.
    title: String,
    overall: &'static str,
    pages: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "audit_report.html")]
struct ReportPage {
    layout: Layout,
    slug: String,
    title: String,
    audit: Audit,
    figures: AuditFigures,
    rate: String,
    rows: Vec<CriterionRow>,
    /// (page, criterion, non-compliance title, impact, quick win).
    findings: Vec<(String, String, String, &'static str, bool)>,
}

const fn short(status: CriterionStatus) -> &'static str {
    match status {
        CriterionStatus::Compliant => "C",
        CriterionStatus::NonCompliant => "NC",
        CriterionStatus::NotApplicable => "NA",
        CriterionStatus::NotTested => "NT",
    }
}

/// `GET /produits/{slug}/audits/{id}`.
pub async fn report(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let product = product_at(&state.model(), &slug)?.clone();
    let audit = audit_at(&state, &product, &id).await?;
    let figures = audit.figures();
    let titles: std::collections::HashMap<String, String> = state
        .store()
        .reference_texts(pilote_domain::quality::reference::Standard::Rgaa)
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|t| (t.criterion, t.title))
        .collect();
    let rows = audit
        .statuses()
        .into_iter()
        .map(|(id, pages)| CriterionRow {
            title: titles.get(&id.to_string()).cloned().unwrap_or_default(),
            criterion: id.to_string(),
            overall: match pilote_domain::quality::rgaa::sample_status(&pages) {
                Some(pilote_domain::quality::rgaa::SampleStatus::Compliant) => "conforme",
                Some(pilote_domain::quality::rgaa::SampleStatus::NonCompliant) => "non conforme",
                Some(pilote_domain::quality::rgaa::SampleStatus::NotApplicable) => "non applicable",
                Some(pilote_domain::quality::rgaa::SampleStatus::Incomplete) | None => {
                    "à compléter"
                }
            },
            pages: pages.into_iter().map(short).collect(),
        })
        .collect();
    let findings = audit
        .results
        .iter()
        .zip(&audit.pages)
        .flat_map(|(results, page)| {
            results.iter().flat_map(move |(id, result)| {
                result.non_compliances.iter().map(move |n| {
                    (
                        page.title.clone(),
                        id.to_string(),
                        n.title.clone(),
                        n.impact.label(),
                        n.quick_win,
                    )
                })
            })
        })
        .collect();
    let heading = format!("Audit du {}", audit.date);
    page(&ReportPage {
        layout: breadcrumb(&product, &heading),
        slug: product.slug.to_string(),
        title: product.title.clone(),
        rate: percent(figures.rate),
        figures,
        rows,
        findings,
        audit,
    })
}
