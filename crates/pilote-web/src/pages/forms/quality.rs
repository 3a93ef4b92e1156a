//! Forms for a product's quality: its record (sign-in, statement, security, hosting and the
//! figures declared for the observatory), an RGAA audit started and then filled page by page
//! and topic by topic, and the RGESN self-assessment theme by theme.
//!
//! They go through the API's own checks and writes (`api::quality`) with the API's
//! permission (changing the product), so every write lands in the audit log.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::Form;
use axum::extract::{OriginalUri, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use pilote_domain::Slug;
use pilote_domain::identity::Action;
use pilote_domain::portfolio::Product;
use pilote_domain::quality::observatory::{Identity, Online};
use pilote_domain::quality::record::{
    CloudKind, HomologationDecision, QualityRecord, Sensitivity, ServiceModel,
};
use pilote_domain::quality::reference::Standard;
use pilote_domain::quality::rgaa::{
    Audit, AuditType, CriterionId, CriterionResult, CriterionStatus, NonCompliance,
    StatementStatus, TOPICS, UserImpact,
};
use pilote_domain::quality::rgesn::{Answer, Assessment, CRITERIA_PER_THEME, Theme};
use serde_json::{Map, Value};

use super::{
    Errors, Fields, Submitted, checked, field_errors, number, product_allowing, rerender, text,
    year,
};
use crate::api::quality::{audit_list, audit_result, audits::audit_at, record_of, rgesn};
use crate::auth::Visitor;
use crate::pages::{Layout, PageError, page};
use crate::{ApiError, AppState};

/// A select's choices: (stored name, French label).
type Choices = Vec<(&'static str, &'static str)>;

/// The choices of a vocabulary.
macro_rules! choices {
    ($vocabulary:ty) => {
        <$vocabulary>::ALL
            .iter()
            .map(|v| (v.as_str(), v.label()))
            .collect::<Choices>()
    };
}

const YES_NO: [(&str, &str); 2] = [("true", "Oui"), ("false", "Non")];

/// The frame of a quality form: Produits › product › Qualité › `heading`.
fn layout(product: &Product, heading: &str, errors: &Errors) -> Layout {
    Layout::new(
        "/produits",
        &[
            ("/produits", "Produits"),
            (&format!("/produits/{}", product.slug), &product.title),
            (&format!("/produits/{}/qualite", product.slug), "Qualité"),
            ("", heading),
        ],
    )
    .with_errors(!errors.0.is_empty())
}

/// The product of the address and the visitor as actor, for a visitor who may change it.
fn changeable(
    state: &AppState,
    visitor: &Visitor,
    slug: &str,
) -> Result<(Product, pilote_domain::audit::Actor), PageError> {
    let model = state.model();
    let (product, actor) = product_allowing(visitor, &model, slug, Action::UpdateProduct)?;
    Ok((product.clone(), actor))
}

// ---------------------------------------------------------------------------------------
// The quality record

/// How a field's text becomes JSON.
#[derive(Clone, Copy)]
enum Read {
    Text,
    Number,
    Integer,
    Bool,
}

/// The record form's fields: each name is the field's path in the record's JSON, so the
/// API's errors land on it; a group left empty is absent.
const RECORD_FIELDS: [(&str, Read); 28] = [
    ("identity", Read::Text),
    ("statement.status", Read::Text),
    ("statement.url", Read::Text),
    ("statement.date", Read::Text),
    ("security.risk_analysis", Read::Bool),
    ("security.risk_analysis_url", Read::Text),
    ("security.decision", Read::Text),
    ("security.homologation_date", Read::Text),
    ("security.mon_service_securise", Read::Bool),
    ("hosting.provider", Read::Text),
    ("hosting.offer", Read::Text),
    ("hosting.model", Read::Text),
    ("hosting.cloud", Read::Text),
    ("hosting.data_sensitivity", Read::Text),
    ("hosting.location", Read::Text),
    ("hosting.derogation", Read::Text),
    ("hosting.secnumcloud.version", Read::Text),
    ("hosting.secnumcloud.date", Read::Text),
    ("declared.date", Read::Text),
    ("declared.satisfaction.score", Read::Number),
    ("declared.satisfaction.reviews", Read::Integer),
    ("declared.simplicity.score", Read::Number),
    ("declared.simplicity.reviews", Read::Integer),
    ("declared.dlnuf_fields", Read::Integer),
    ("declared.help_reachable", Read::Number),
    ("declared.help_used", Read::Number),
    ("declared.online", Read::Text),
    ("declared.usage", Read::Number),
];

/// The record a form describes, as the API takes it.
fn record_json(fields: &Fields) -> Value {
    let mut record = Map::new();
    for (path, read) in RECORD_FIELDS {
        let typed = text(fields, path);
        if typed.is_empty() {
            continue;
        }
        let value = match read {
            Read::Text => Value::String(typed),
            Read::Number => number(&typed),
            Read::Integer => year(&typed),
            Read::Bool => match typed.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::String(typed),
            },
        };
        let keys: Vec<&str> = path.split('.').collect();
        insert_at(&mut record, &keys, value);
    }
    Value::Object(record)
}

/// Puts `value` at `path` in `object`, making the objects on the way.
fn insert_at(object: &mut Map<String, Value>, path: &[&str], value: Value) {
    match path {
        [] => {}
        [last] => {
            object.insert((*last).to_owned(), value);
        }
        [first, rest @ ..] => {
            if let Value::Object(inner) = object
                .entry(*first)
                .or_insert_with(|| Value::Object(Map::new()))
            {
                insert_at(inner, rest, value);
            }
        }
    }
}

/// The form's fields for a stored record.
fn record_fields(record: &QualityRecord) -> Fields {
    let json = serde_json::to_value(record).unwrap_or_default();
    RECORD_FIELDS
        .iter()
        .filter_map(|(path, _)| {
            let pointer = format!("/{}", path.replace('.', "/"));
            let shown = match json.pointer(&pointer)? {
                Value::String(text) => text.clone(),
                Value::Number(number) => number.to_string(),
                Value::Bool(flag) => flag.to_string(),
                _ => return None,
            };
            Some(((*path).to_owned(), shown))
        })
        .collect()
}

#[derive(Template)]
#[template(path = "quality_record_form.html")]
struct RecordForm {
    layout: Layout,
    title: String,
    action: String,
    back: String,
    form: Submitted,
    identities: Choices,
    statements: Choices,
    yes_no: Choices,
    decisions: Choices,
    models: Choices,
    clouds: Choices,
    sensitivities: Choices,
    online: Choices,
}

fn record_form(product: &Product, fields: Fields, errors: Errors) -> RecordForm {
    let heading = "Modifier la fiche qualité";
    RecordForm {
        layout: layout(product, heading, &errors),
        title: product.title.clone(),
        action: format!("/produits/{}/qualite/fiche", product.slug),
        back: format!("/produits/{}/qualite", product.slug),
        form: Submitted { fields, errors },
        identities: choices!(Identity),
        statements: choices!(StatementStatus),
        yes_no: YES_NO.to_vec(),
        decisions: choices!(HomologationDecision),
        models: choices!(ServiceModel),
        clouds: choices!(CloudKind),
        sensitivities: choices!(Sensitivity),
        online: choices!(Online),
    }
}

/// `GET /produits/{slug}/qualite/fiche`: the record, as written or as the network gives it.
pub async fn edit_record(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let (product, _) = changeable(&state, &visitor, &slug)?;
    let shown = record_of(&state, &product).await?;
    page(&record_form(
        &product,
        record_fields(&shown.record),
        Errors::default(),
    ))
}

/// `POST /produits/{slug}/qualite/fiche`.
pub async fn save_record(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    let (product, actor) = changeable(&state, &visitor, &slug)?;
    let record = match checked(record_json(&fields), |record: &QualityRecord| {
        crate::api::refuse_problems(record.validate())
    })? {
        Ok(record) => record,
        Err(errors) => return rerender(record_form(&product, fields, errors)),
    };
    crate::api::quality::update_record::save(&state, &actor, &product.slug, &record).await?;
    Ok(Redirect::to(&format!("/produits/{}/qualite", product.slug)).into_response())
}

// ---------------------------------------------------------------------------------------
// Starting an RGAA audit

#[derive(Template)]
#[template(path = "audit_form.html")]
struct AuditForm {
    layout: Layout,
    title: String,
    action: String,
    back: String,
    form: Submitted,
    kinds: Choices,
}

fn audit_form(product: &Product, fields: Fields, errors: Errors) -> AuditForm {
    AuditForm {
        layout: layout(product, "Nouvel audit RGAA", &errors),
        title: product.title.clone(),
        action: format!("/produits/{}/audits/nouveau", product.slug),
        back: format!("/produits/{}/qualite", product.slug),
        form: Submitted { fields, errors },
        kinds: choices!(AuditType),
    }
}

/// The audit a form describes: one sample page per line, « title | address ».
fn audit_json(fields: &Fields, product: &Slug) -> Value {
    let pages: Vec<Value> = text(fields, "pages")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (title, url) = line.split_once('|').unwrap_or((line, ""));
            serde_json::json!({"title": title.trim(), "url": url.trim()})
        })
        .collect();
    let mut audit = Map::new();
    audit.insert("product".into(), Value::String(product.to_string()));
    for key in ["kind", "date"] {
        let typed = text(fields, key);
        if !typed.is_empty() {
            audit.insert(key.into(), Value::String(typed));
        }
    }
    audit.insert("auditor".into(), Value::String(text(fields, "auditor")));
    audit.insert("pages".into(), Value::Array(pages));
    Value::Object(audit)
}

/// Errors on one sample page (`pages[1].url`) shown on the pages' field, with its line.
fn on_pages_field(errors: Errors) -> Errors {
    let mut shown = BTreeMap::new();
    for (field, message) in errors.0 {
        match field
            .strip_prefix("pages[")
            .and_then(|rest| rest.split_once(']'))
            .and_then(|(index, _)| index.parse::<usize>().ok())
        {
            Some(index) => {
                let line = format!("ligne {} : {message}", index + 1);
                shown
                    .entry("pages".to_owned())
                    .and_modify(|all: &mut String| {
                        all.push_str(" ; ");
                        all.push_str(&line);
                    })
                    .or_insert(line);
            }
            None => {
                shown.insert(field, message);
            }
        }
    }
    Errors(shown)
}

/// `GET /produits/{slug}/audits/nouveau`.
pub async fn new_audit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let (product, _) = changeable(&state, &visitor, &slug)?;
    let mut fields = Fields::new();
    fields.insert("kind".into(), AuditType::Fast.as_str().into());
    fields.insert("date".into(), chrono::Utc::now().date_naive().to_string());
    page(&audit_form(&product, fields, Errors::default()))
}

/// `POST /produits/{slug}/audits/nouveau`: the audit is stored, then filled page by page.
pub async fn create_audit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    let (product, actor) = changeable(&state, &visitor, &slug)?;
    let audit = match checked(audit_json(&fields, &product.slug), |audit: &Audit| {
        crate::api::refuse_problems(audit.validate())
    })? {
        Ok(audit) => audit,
        Err(errors) => return rerender(audit_form(&product, fields, on_pages_field(errors))),
    };
    let audit = audit_list::start(&state, &actor, audit).await?;
    Ok(Redirect::to(&format!(
        "/produits/{}/audits/{}/pages/1",
        product.slug, audit.id
    ))
    .into_response())
}

// ---------------------------------------------------------------------------------------
// An audit's results, one page of the sample and one topic at a time

/// The topic or theme asked for in the address (`?thematique=3`), when there is one.
fn asked_section(query: Option<&str>) -> Option<usize> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "thematique")
        .and_then(|(_, value)| value.parse().ok())
}

/// Whether the address says the last submission was saved.
fn saved(query: Option<&str>) -> bool {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes()).any(|(key, _)| key == "enregistre")
}

/// A link to a part of a form: its label, its address, and whether it is the one shown.
struct Section {
    label: String,
    href: String,
    current: bool,
}

/// One non-compliance row of a criterion: its fields' names (`1.1.nc0.title`, ...).
struct FindingRow {
    title: String,
    impact: String,
    quick_win: String,
}

/// One criterion of the form, with its fields' names and its non-compliance rows (those
/// recorded and one more).
struct CriterionRow {
    id: String,
    title: String,
    status: String,
    comment: String,
    findings: Vec<FindingRow>,
}

#[derive(Template)]
#[template(path = "audit_page_form.html")]
struct AuditPageForm {
    layout: Layout,
    title: String,
    heading: String,
    page_title: String,
    page_url: String,
    action: String,
    report: String,
    saved: bool,
    pages: Vec<Section>,
    topics: Vec<Section>,
    criteria: Vec<CriterionRow>,
    form: Submitted,
    statuses: Choices,
    impacts: Choices,
}

/// The criteria's titles of a standard, when its texts were imported.
async fn titles(
    state: &AppState,
    standard: Standard,
) -> Result<HashMap<String, String>, PageError> {
    Ok(state
        .store()
        .reference_texts(standard)
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|t| (t.criterion, t.title))
        .collect())
}

/// What the address of an audit's page form names: the audit, the page (from 1) and the
/// topic (from 1; the audit's first when none or one it does not check).
struct AuditPlace {
    audit: Audit,
    page: usize,
    topic: u8,
    criteria: Vec<CriterionId>,
}

async fn audit_place(
    state: &AppState,
    product: &Product,
    id: &str,
    page: &str,
    query: Option<&str>,
) -> Result<AuditPlace, PageError> {
    let audit = audit_at(state, product, id).await?;
    let page: usize = page
        .parse()
        .ok()
        .filter(|p| (1..=audit.pages.len()).contains(p))
        .ok_or(ApiError::NotFound)?;
    let checked = audit.kind.criteria();
    let first = checked.first().map_or(1, |c| c.topic);
    let topic = asked_section(query)
        .and_then(|t| u8::try_from(t).ok())
        .filter(|t| checked.iter().any(|c| c.topic == *t))
        .unwrap_or(first);
    let criteria = checked.into_iter().filter(|c| c.topic == topic).collect();
    Ok(AuditPlace {
        audit,
        page,
        topic,
        criteria,
    })
}

/// The form's fields for the results recorded on the place's page and topic.
fn results_fields(place: &AuditPlace) -> Fields {
    let mut fields = Fields::new();
    let Some(results) = place.audit.results.get(place.page - 1) else {
        return fields;
    };
    for id in &place.criteria {
        let Some(result) = results.get(id) else {
            continue;
        };
        fields.insert(format!("{id}.status"), result.status.as_str().into());
        fields.insert(format!("{id}.comment"), result.comment.clone());
        for (index, finding) in result.non_compliances.iter().enumerate() {
            fields.insert(format!("{id}.nc{index}.title"), finding.title.clone());
            fields.insert(
                format!("{id}.nc{index}.impact"),
                finding.impact.as_str().into(),
            );
            if finding.quick_win {
                fields.insert(format!("{id}.nc{index}.quick_win"), "on".into());
            }
        }
    }
    fields
}

/// How many non-compliance rows a criterion's fields hold.
fn finding_rows(fields: &Fields, id: CriterionId) -> usize {
    (0..)
        .map_while(|index| {
            fields
                .contains_key(&format!("{id}.nc{index}.title"))
                .then_some(())
        })
        .count()
}

fn audit_page_form(
    product: &Product,
    place: &AuditPlace,
    titles: &HashMap<String, String>,
    fields: Fields,
    errors: Errors,
    saved: bool,
) -> AuditPageForm {
    let audit = &place.audit;
    let base = format!("/produits/{}/audits/{}", product.slug, audit.id);
    let sample = &audit.pages[place.page - 1];
    let heading = format!("Audit du {} : page {}", audit.date, place.page);
    let mut topics: Vec<u8> = audit.kind.criteria().iter().map(|c| c.topic).collect();
    topics.dedup();
    AuditPageForm {
        layout: layout(product, &heading, &errors),
        title: product.title.clone(),
        page_title: sample.title.clone(),
        page_url: sample.url.clone(),
        action: format!("{base}/pages/{}?thematique={}", place.page, place.topic),
        report: base.clone(),
        saved,
        pages: audit
            .pages
            .iter()
            .enumerate()
            .map(|(index, p)| Section {
                label: format!("{}. {}", index + 1, p.title),
                href: format!("{base}/pages/{}?thematique={}", index + 1, place.topic),
                current: index + 1 == place.page,
            })
            .collect(),
        topics: topics
            .into_iter()
            .map(|topic| Section {
                label: format!(
                    "{topic}. {}",
                    TOPICS
                        .get(usize::from(topic) - 1)
                        .copied()
                        .unwrap_or_default()
                ),
                href: format!("{base}/pages/{}?thematique={topic}", place.page),
                current: topic == place.topic,
            })
            .collect(),
        criteria: place
            .criteria
            .iter()
            .map(|id| CriterionRow {
                id: id.to_string(),
                title: titles.get(&id.to_string()).cloned().unwrap_or_default(),
                status: format!("{id}.status"),
                comment: format!("{id}.comment"),
                findings: (0..=finding_rows(&fields, *id))
                    .map(|index| FindingRow {
                        title: format!("{id}.nc{index}.title"),
                        impact: format!("{id}.nc{index}.impact"),
                        quick_win: format!("{id}.nc{index}.quick_win"),
                    })
                    .collect(),
            })
            .collect(),
        heading,
        form: Submitted { fields, errors },
        statuses: choices!(CriterionStatus),
        impacts: choices!(UserImpact),
    }
}

/// `GET /produits/{slug}/audits/{id}/pages/{page}?thematique=`.
pub async fn edit_audit_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((slug, id, page_number)): Path<(String, String, String)>,
    OriginalUri(uri): OriginalUri,
) -> Result<Html<String>, PageError> {
    let (product, _) = changeable(&state, &visitor, &slug)?;
    let place = audit_place(&state, &product, &id, &page_number, uri.query()).await?;
    let titles = titles(&state, Standard::Rgaa).await?;
    page(&audit_page_form(
        &product,
        &place,
        &titles,
        results_fields(&place),
        Errors::default(),
        saved(uri.query()),
    ))
}

/// The results a form gives for each criterion of the topic (none for a status left
/// empty), or the errors on its fields.
fn submitted_results(
    fields: &Fields,
    criteria: &[CriterionId],
) -> Result<Vec<(CriterionId, Option<CriterionResult>)>, Errors> {
    let mut errors = BTreeMap::new();
    let mut results = Vec::new();
    for id in criteria {
        let status = text(fields, &format!("{id}.status"));
        let comment = text(fields, &format!("{id}.comment"));
        let mut findings = Vec::new();
        for index in 0..=finding_rows(fields, *id) {
            let name = format!("{id}.nc{index}");
            let title = text(fields, &format!("{name}.title"));
            let impact = text(fields, &format!("{name}.impact"));
            if title.is_empty() && impact.is_empty() {
                continue;
            }
            if title.is_empty() {
                errors.insert(
                    format!("{name}.title"),
                    pilote_domain::DomainError::Required.to_string(),
                );
            }
            match UserImpact::parse(&impact) {
                Ok(impact) => findings.push(NonCompliance {
                    title,
                    impact,
                    quick_win: fields.contains_key(&format!("{name}.quick_win")),
                }),
                Err(_) => {
                    errors.insert(
                        format!("{name}.impact"),
                        "choisissez l’impact sur l’usager".to_owned(),
                    );
                }
            }
        }
        if status.is_empty() {
            if !comment.is_empty() || !findings.is_empty() {
                errors.insert(
                    format!("{id}.status"),
                    "choisissez un statut pour enregistrer ce critère".to_owned(),
                );
            }
            results.push((*id, None));
            continue;
        }
        let Ok(status) = CriterionStatus::parse(&status) else {
            errors.insert(
                format!("{id}.status"),
                "choisissez une valeur de la liste".to_owned(),
            );
            continue;
        };
        if status != CriterionStatus::NonCompliant && !findings.is_empty() {
            errors.insert(
                format!("{id}.status"),
                pilote_domain::DomainError::NonComplianceOnCompliant.to_string(),
            );
        }
        results.push((
            *id,
            Some(CriterionResult {
                status,
                comment,
                non_compliances: findings,
            }),
        ));
    }
    if errors.is_empty() {
        Ok(results)
    } else {
        Err(Errors(errors))
    }
}

/// `POST /produits/{slug}/audits/{id}/pages/{page}?thematique=`: the topic's results on
/// that page, in one write.
pub async fn save_audit_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((slug, id, page_number)): Path<(String, String, String)>,
    OriginalUri(uri): OriginalUri,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    let (product, actor) = changeable(&state, &visitor, &slug)?;
    let place = audit_place(&state, &product, &id, &page_number, uri.query()).await?;
    let errors = match submitted_results(&fields, &place.criteria) {
        Ok(results) => {
            match audit_result::record(&state, &actor, &product, &id, &page_number, results).await {
                Ok(_) => {
                    return Ok(Redirect::to(&format!(
                        "/produits/{}/audits/{}/pages/{}?thematique={}&enregistre=1",
                        product.slug, place.audit.id, place.page, place.topic
                    ))
                    .into_response());
                }
                Err(error) => field_errors(error, false)?,
            }
        }
        Err(errors) => errors,
    };
    let titles = titles(&state, Standard::Rgaa).await?;
    rerender(audit_page_form(
        &product, &place, &titles, fields, errors, false,
    ))
}

// ---------------------------------------------------------------------------------------
// The RGESN self-assessment, theme by theme

/// One RGESN criterion of the form, with its fields' names.
struct AnswerRow {
    id: String,
    title: String,
    answer: String,
    comment: String,
}

#[derive(Template)]
#[template(path = "rgesn_form.html")]
struct RgesnForm {
    layout: Layout,
    title: String,
    theme: &'static str,
    action: String,
    saved: bool,
    themes: Vec<Section>,
    criteria: Vec<AnswerRow>,
    form: Submitted,
    answers: Choices,
}

/// The criteria of a theme (from 1): « 4.1 » to « 4.19 ».
fn theme_criteria(theme: usize) -> Vec<String> {
    let count = CRITERIA_PER_THEME
        .get(theme.saturating_sub(1))
        .copied()
        .unwrap_or_default();
    (1..=count).map(|n| format!("{theme}.{n}")).collect()
}

fn rgesn_form(
    product: &Product,
    theme: usize,
    titles: &HashMap<String, String>,
    form: Submitted,
    saved: bool,
) -> RgesnForm {
    let base = format!("/produits/{}/rgesn", product.slug);
    let label = Theme::ALL.get(theme - 1).map_or("", |t| t.label());
    RgesnForm {
        layout: layout(product, "Autoévaluation RGESN", &form.errors),
        title: product.title.clone(),
        theme: label,
        action: format!("{base}?thematique={theme}"),
        saved,
        themes: Theme::ALL
            .iter()
            .enumerate()
            .map(|(index, t)| Section {
                label: format!("{}. {}", index + 1, t.label()),
                href: format!("{base}?thematique={}", index + 1),
                current: index + 1 == theme,
            })
            .collect(),
        criteria: theme_criteria(theme)
            .into_iter()
            .map(|id| AnswerRow {
                title: titles.get(&id).cloned().unwrap_or_default(),
                answer: format!("{id}.answer"),
                comment: format!("{id}.comment"),
                id,
            })
            .collect(),
        form,
        answers: choices!(Answer),
    }
}

/// The theme of the address, from 1 (the first when none or unknown).
fn asked_theme(query: Option<&str>) -> usize {
    asked_section(query)
        .filter(|t| (1..=Theme::ALL.len()).contains(t))
        .unwrap_or(1)
}

async fn assessments(state: &AppState, product: &Product) -> Result<Vec<Assessment>, PageError> {
    Ok(state
        .store()
        .rgesn_assessment(&product.slug)
        .await
        .map_err(ApiError::from)?
        .map(|(assessments, _)| assessments)
        .unwrap_or_default())
}

/// `GET /produits/{slug}/rgesn?thematique=`.
pub async fn edit_rgesn(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Html<String>, PageError> {
    let (product, _) = changeable(&state, &visitor, &slug)?;
    let theme = asked_theme(uri.query());
    let mut fields = Fields::new();
    for assessment in assessments(&state, &product).await? {
        fields.insert(
            format!("{}.answer", assessment.criterion),
            assessment.answer.as_str().into(),
        );
        fields.insert(
            format!("{}.comment", assessment.criterion),
            assessment.comment,
        );
    }
    let titles = titles(&state, Standard::Rgesn).await?;
    page(&rgesn_form(
        &product,
        theme,
        &titles,
        Submitted {
            fields,
            errors: Errors::default(),
        },
        saved(uri.query()),
    ))
}

/// `POST /produits/{slug}/rgesn?thematique=`: the theme's answers replace the ones stored
/// for it; the other themes' stay.
pub async fn save_rgesn(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    OriginalUri(uri): OriginalUri,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    let (product, actor) = changeable(&state, &visitor, &slug)?;
    let theme = asked_theme(uri.query());
    let criteria = theme_criteria(theme);
    let mut answers: Vec<Assessment> = assessments(&state, &product)
        .await?
        .into_iter()
        .filter(|a| !criteria.contains(&a.criterion))
        .collect();
    let mut errors = BTreeMap::new();
    for id in &criteria {
        let answer = text(&fields, &format!("{id}.answer"));
        let comment = text(&fields, &format!("{id}.comment"));
        if answer.is_empty() {
            if !comment.is_empty() {
                errors.insert(
                    format!("{id}.answer"),
                    "choisissez une réponse pour enregistrer ce commentaire".to_owned(),
                );
            }
            continue;
        }
        match Answer::parse(&answer) {
            Ok(answer) => answers.push(Assessment {
                criterion: id.clone(),
                answer,
                comment,
            }),
            Err(_) => {
                errors.insert(
                    format!("{id}.answer"),
                    "choisissez une valeur de la liste".to_owned(),
                );
            }
        }
    }
    if errors.is_empty() {
        rgesn::save(&state, &actor, &product.slug, &answers).await?;
        return Ok(Redirect::to(&format!(
            "/produits/{}/rgesn?thematique={theme}&enregistre=1",
            product.slug
        ))
        .into_response());
    }
    let titles = titles(&state, Standard::Rgesn).await?;
    rerender(rgesn_form(
        &product,
        theme,
        &titles,
        Submitted {
            fields,
            errors: Errors(errors),
        },
        false,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_form_becomes_the_api_record_and_back() {
        let fields: Fields = [
            ("identity", "franceconnect"),
            ("statement.status", "partially_compliant"),
            ("statement.url", "https://exemple.gouv.fr/accessibilite"),
            ("security.risk_analysis", "true"),
            ("hosting.provider", "Scalingo"),
            ("hosting.model", "paas"),
            ("hosting.cloud", "commercial"),
            ("hosting.data_sensitivity", "sensitive"),
            ("declared.satisfaction.score", "8,5"),
            ("declared.satisfaction.reviews", "120"),
            ("declared.online", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let json = record_json(&fields);
        assert_eq!(json["hosting"]["provider"], "Scalingo");
        assert_eq!(json["declared"]["satisfaction"]["score"], 8.5);
        assert!(json["declared"].get("online").is_none(), "empty is absent");
        assert!(json.get("security").is_some());
        let record: QualityRecord = serde_json::from_value(json).unwrap();
        assert_eq!(record.security.risk_analysis, Some(true));
        let back = record_fields(&record);
        assert_eq!(back["declared.satisfaction.reviews"], "120");
        assert_eq!(back["statement.status"], "partially_compliant");
        assert_eq!(back["security.risk_analysis"], "true");
    }

    #[test]
    fn sample_lines_read_as_pages() {
        let product = Slug::parse("p").unwrap();
        let fields: Fields = [(
            "pages".to_owned(),
            "Accueil | https://a.fr/\n\n Formulaire|https://a.fr/f ".to_owned(),
        )]
        .into();
        let json = audit_json(&fields, &product);
        assert_eq!(json["pages"][1]["title"], "Formulaire");
        assert_eq!(json["pages"][1]["url"], "https://a.fr/f");
        assert_eq!(json["pages"].as_array().unwrap().len(), 2);
    }
}
