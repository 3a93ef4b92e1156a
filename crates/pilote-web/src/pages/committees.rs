//! Investment committees: their list, a committee's page with its decisions and the form
//! to record one, the form to hold a committee, the products overdue for one, and the
//! decision history of a product's page.
//!
//! Forms go through the same checks as the API (`api::committees`), so a refusal reads the
//! same on both; each error comes back on its field and the values typed are kept.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use askama::Template;
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use pilote_domain::delivery::{Committee, Decision, DecisionKind, Evidence, OverdueRule};
use pilote_domain::identity::Action;
use pilote_domain::portfolio::{PhaseName, Product};
use pilote_domain::{Money, Slug};

use super::form_state::{FormState, one_page, page_number, text};
use super::{Layout, PageError, Pagination, page};
use crate::api::committees::{committee_at, committee_target, visible};
use crate::auth::{Visitor, offer};
use crate::read_model::ReadModel;
use crate::{ApiError, AppState};

/// The label users read for a field name.
fn label(field: &str) -> &str {
    match field {
        "date" => "Date",
        "incubator" => "Incubateur",
        "members" => "Membres du comité",
        "comment" => "Commentaire",
        "product" => "Produit",
        "kind" => "Décision",
        "phase" => "Nouvelle phase",
        "amount_cents" => "Montant",
        other => other,
    }
}

/// An amount typed in euros (« 150 000 », « 12,5 ») in cents; `None` when empty.
fn cents(typed: &str) -> Result<Option<i64>, ApiError> {
    let compact: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '€')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if compact.is_empty() {
        return Ok(None);
    }
    compact
        .parse::<f64>()
        .ok()
        .and_then(|euros| Money::from_euros_f64(euros).ok())
        .map(|money| Some(money.cents()))
        .ok_or_else(|| {
            ApiError::field(
                "amount_cents",
                format!("montant invalide « {typed} » (attendu un nombre d'euros)"),
            )
        })
}

/// An amount in euros, as the French write it.
fn euros(cents: i64) -> String {
    #[expect(
        clippy::cast_precision_loss,
        reason = "amounts stay far below 2^53 cents"
    )]
    let euros = cents as f64 / 100.0;
    format!("{} €", super::impact::figure(euros))
}

/// A decision as the pages show it.
pub(crate) struct DecisionLine {
    /// The committee's date.
    pub date: String,
    /// The committee, when recorded in Pilote.
    pub committee: Option<i64>,
    /// The product.
    pub product: String,
    /// The product's name.
    pub title: String,
    /// What was decided, in French.
    pub summary: String,
    /// The reasons.
    pub comment: String,
    /// The evidence presented, one line each.
    pub evidence: Vec<String>,
}

fn evidence_line(evidence: &Evidence) -> String {
    let symbol = super::impact::unit_symbol(evidence.unit);
    let value = |v: f64| {
        format!("{} {symbol}", super::impact::figure(v))
            .trim_end()
            .to_owned()
    };
    let mut line = evidence.name.clone();
    match &evidence.latest {
        Some(latest) => {
            let _ = write!(
                line,
                " : {} ({} – {})",
                value(latest.value),
                latest.period_start,
                latest.period_end
            );
        }
        None => line.push_str(" : pas encore mesuré"),
    }
    if let Some(goal) = &evidence.target {
        let _ = write!(line, " ; cible {} au {}", value(goal.value), goal.date);
    }
    if let Some(progress) = evidence.progress {
        #[expect(clippy::cast_possible_truncation, reason = "a percentage")]
        let percent = (progress * 100.0).round() as i64;
        let _ = write!(line, " ; avancement {percent} %");
    }
    line
}

/// What a decision says, in French (« Passage de phase : Construction → Accélération »).
fn summary(decision: &Decision) -> String {
    let mut summary = decision.kind.label().to_owned();
    match (decision.kind, decision.phase_before, decision.phase_after) {
        (DecisionKind::MoveToPhase | DecisionKind::Stop, before, Some(after)) => {
            let _ = write!(
                summary,
                " : {} → {}",
                before.map_or("aucune phase", PhaseName::label),
                after.label()
            );
        }
        (DecisionKind::Unspecified, Some(before), _) => {
            let _ = write!(summary, " ; phase alors : {}", before.label());
        }
        _ => {}
    }
    if let Some(cents) = decision.amount_cents {
        let _ = write!(summary, " : {}", euros(cents));
    }
    summary
}

pub(crate) fn decision_line(decision: &Decision, model: &ReadModel) -> DecisionLine {
    DecisionLine {
        date: decision.date.to_string(),
        committee: decision.committee,
        product: decision.product.to_string(),
        title: model
            .product(&decision.product)
            .map_or_else(|| decision.product.to_string(), |p| p.title.clone()),
        summary: summary(decision),
        comment: decision.comment.clone(),
        evidence: decision.evidence.iter().map(evidence_line).collect(),
    }
}

/// The decision history of a product's page, latest first, evidence left to the
/// committee's page to keep the product page light.
pub(crate) async fn product_section(
    state: &AppState,
    product: &Product,
) -> Result<Vec<DecisionLine>, ApiError> {
    let model = state.model();
    Ok(state
        .store()
        .product_decisions(&product.slug)
        .await?
        .iter()
        .map(|decision| {
            let mut line = decision_line(decision, &model);
            line.evidence.clear();
            line
        })
        .collect())
}

fn incubator_title(model: &ReadModel, slug: &Slug) -> String {
    model
        .incubator(slug)
        .map_or_else(|| slug.to_string(), |i| i.title.clone())
}

// ---------------------------------------------------------------------------------------
// The list

struct CommitteeRow {
    id: i64,
    date: String,
    incubator: String,
    members: usize,
}

#[derive(Template)]
#[template(path = "committees.html")]
struct CommitteesPage {
    layout: Layout,
    committees: Vec<CommitteeRow>,
    overdue: usize,
    pagination: Pagination,
}

/// `GET /comites`.
pub async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, PageError> {
    let model = state.model();
    let committees = state
        .store()
        .committees(None)
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|c| CommitteeRow {
            id: c.id,
            date: c.date.to_string(),
            incubator: incubator_title(&model, &c.incubator),
            members: c.members.len(),
        })
        .collect();
    let (committees, pagination) = one_page(committees, page_number(query.as_deref()), "/comites");
    let last = state
        .store()
        .last_committees()
        .await
        .map_err(ApiError::from)?;
    let overdue = crate::api::delivery::overdue::overdue_products(
        &model,
        &state.config().committee_rule,
        &last,
        chrono::Utc::now().date_naive(),
    )
    .len();
    page(&CommitteesPage {
        layout: Layout::new("", &[("", "Comités d’investissement")])
            .creation(Action::ManageCommittees),
        committees,
        overdue,
        pagination,
    })
}

// ---------------------------------------------------------------------------------------
// Overdue products

struct OverdueRow {
    slug: String,
    title: String,
    incubator: String,
    phase: &'static str,
    since: String,
    last: String,
    days: i64,
}

#[derive(Template)]
#[template(path = "committees_overdue.html")]
struct OverduePage {
    layout: Layout,
    rule: String,
    rows: Vec<OverdueRow>,
    total: usize,
    pagination: Pagination,
}

fn rule_text(rule: &OverdueRule) -> String {
    let phases: Vec<&str> = rule.phases.iter().map(|p| p.label()).collect();
    format!(
        "plus de {} mois en phase {} sans comité d’investissement (depuis le début de la phase ou le dernier comité)",
        rule.months,
        phases.join(" ou ")
    )
}

/// `GET /comites/en-retard`.
pub async fn overdue(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, PageError> {
    let model = state.model();
    let rule = &state.config().committee_rule;
    let last = state
        .store()
        .last_committees()
        .await
        .map_err(ApiError::from)?;
    let rows: Vec<OverdueRow> = crate::api::delivery::overdue::overdue_products(
        &model,
        rule,
        &last,
        chrono::Utc::now().date_naive(),
    )
    .into_iter()
    .map(|(overdue, product)| OverdueRow {
        slug: product.slug.to_string(),
        title: product.title.clone(),
        incubator: incubator_title(&model, &product.incubator),
        phase: overdue.phase.label(),
        since: overdue.phase_start.to_string(),
        last: overdue
            .last_committee
            .map_or_else(|| "aucun".to_owned(), |d| d.to_string()),
        days: overdue.days_overdue,
    })
    .collect();
    let total = rows.len();
    let (rows, pagination) = one_page(rows, page_number(query.as_deref()), "/comites/en-retard");
    page(&OverduePage {
        layout: Layout::new(
            "",
            &[("/comites", "Comités d’investissement"), ("", "En retard")],
        ),
        rule: rule_text(rule),
        rows,
        total,
        pagination,
    })
}

// ---------------------------------------------------------------------------------------
// A committee

#[derive(Template)]
#[template(path = "committee.html")]
struct CommitteePage {
    layout: Layout,
    committee: Committee,
    incubator: String,
    decisions: Vec<DecisionLine>,
    can_decide: bool,
    form: FormState,
    products: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    phases: [PhaseName; 8],
}

async fn committee_page(
    state: &AppState,
    visitor: &Visitor,
    committee: Committee,
    form: FormState,
) -> Result<CommitteePage, PageError> {
    let model = state.model();
    let decisions = state
        .store()
        .committee_decisions(committee.id)
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|d| decision_line(&visible(d, visitor.principal.as_ref(), &model), &model))
        .collect();
    let can_decide = visitor.principal.as_ref().is_some_and(|principal| {
        principal.may(
            Action::ManageCommittees,
            &committee_target(&committee.incubator),
        )
    });
    let mut products: Vec<(String, String)> = model
        .portfolio()
        .products
        .iter()
        .filter(|p| {
            p.incubator == committee.incubator || p.incubators.contains(&committee.incubator)
        })
        .map(|p| (p.slug.to_string(), p.title.clone()))
        .collect();
    products.sort_by_cached_key(|(_, title)| pilote_search::fold(title));
    let title = format!("Comité du {}", committee.date);
    let mut layout = Layout::new(
        "",
        &[("/comites", "Comités d’investissement"), ("", &title)],
    );
    layout.has_errors = !form.errors.is_empty();
    Ok(CommitteePage {
        layout,
        incubator: incubator_title(&model, &committee.incubator),
        committee,
        decisions,
        can_decide,
        form,
        products,
        kinds: DecisionKind::ALL
            .iter()
            .filter(|k| **k != DecisionKind::Unspecified)
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        phases: PhaseName::ALL,
    })
}

/// `GET /comites/{id}`.
pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let committee = committee_at(&state, &id).await?;
    page(&committee_page(&state, &visitor, committee, FormState::new(label)).await?)
}

/// `POST /comites/{id}/decisions`.
pub async fn decide(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let committee = committee_at(&state, &id).await?;
    let principal = visitor.principal.as_ref();
    crate::auth::authorize(
        principal,
        Action::ManageCommittees,
        &[committee_target(&committee.incubator)],
    )?;
    let attempt = async {
        let record = serde_json::json!({
            "product": text(&fields, "product"),
            "kind": text(&fields, "kind"),
            "phase": Some(text(&fields, "phase")).filter(|p| !p.is_empty()),
            "amount_cents": cents(&text(&fields, "amount"))?,
            "comment": text(&fields, "comment"),
        });
        let decision: Decision = crate::api::extract::parse_record(record)?;
        crate::api::committees::decide::decide(&state, principal, &committee, decision).await
    };
    match attempt.await {
        Ok(_) => Ok(Redirect::to(&format!("/comites/{}#decisions", committee.id)).into_response()),
        Err(error) => {
            let mut form = FormState::from_error(fields, error, label)?;
            // The amount is typed in euros in the form.
            if let Some(message) = form.errors.remove("amount_cents") {
                form.errors.insert("amount".into(), message);
            }
            let mut response =
                page(&committee_page(&state, &visitor, committee, form).await?)?.into_response();
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
    }
}

// ---------------------------------------------------------------------------------------
// A new committee

#[derive(Template)]
#[template(path = "committee_form.html")]
struct CommitteeForm {
    layout: Layout,
    form: FormState,
    incubators: Vec<(String, String)>,
}

fn committee_form(state: &AppState, visitor: &Visitor, form: FormState) -> CommitteeForm {
    let model = state.model();
    let principal = visitor.principal.as_ref();
    // Only the incubators the visitor may hold a committee for.
    let mut incubators: Vec<(String, String)> = model
        .portfolio()
        .incubators
        .iter()
        .filter(|i| {
            principal.is_some_and(|p| p.may(Action::ManageCommittees, &committee_target(&i.slug)))
        })
        .map(|i| (i.slug.to_string(), i.title.clone()))
        .collect();
    incubators.sort_by_cached_key(|(_, title)| pilote_search::fold(title));
    let mut layout = Layout::new(
        "",
        &[
            ("/comites", "Comités d’investissement"),
            ("", "Nouveau comité"),
        ],
    );
    layout.has_errors = !form.errors.is_empty();
    CommitteeForm {
        layout,
        form,
        incubators,
    }
}

/// `GET /comites/nouveau`.
pub async fn new(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Html<String>, PageError> {
    offer(visitor.principal.as_ref(), Action::ManageCommittees)?;
    page(&committee_form(&state, &visitor, FormState::new(label)))
}

/// `POST /comites/nouveau`.
pub async fn create(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let principal = visitor.principal.as_ref();
    offer(principal, Action::ManageCommittees)?;
    let attempt = async {
        let members: Vec<String> = text(&fields, "members")
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
        let record = serde_json::json!({
            "date": text(&fields, "date"),
            "incubator": text(&fields, "incubator"),
            "members": members,
            "comment": text(&fields, "comment"),
        });
        let committee: Committee = crate::api::extract::parse_record(record)?;
        crate::api::committees::create::create(&state, principal, committee).await
    };
    match attempt.await {
        Ok(created) => Ok(Redirect::to(&format!("/comites/{}", created.id)).into_response()),
        Err(error @ (ApiError::Forbidden(_) | ApiError::Unauthorized(_))) => Err(error.into()),
        Err(error) => {
            let form = FormState::from_error(fields, error, label)?;
            let mut response = page(&committee_form(&state, &visitor, form))?.into_response();
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
    }
}
