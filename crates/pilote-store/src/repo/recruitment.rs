//! Talent's repository: calls for challenges and their proposals, job offers, and the
//! applications to them.
//!
//! Compiled once per backend like `portfolio.rs`. Each write is one transaction with its
//! audit entry. The audit log records applications without the candidate's texts, so that
//! erasing them leaves nothing personal behind.

use chrono::NaiveDate;
use pilote_domain::Slug;
use pilote_domain::audit::{Actor, AuditAction};
use pilote_domain::notification::Email;
use pilote_domain::portfolio::Domaine;
use pilote_domain::talent::recruitment::{
    Application, ApplicationEntry, ApplicationEvent, ApplicationState, Call, Candidate,
    ChallengeProposal, ContractType, Criterion, ERASED, JobOffer, Opening, ProposalStatus,
    RemotePolicy, SalaryRange, Scorecard,
};
use serde::Serialize;
use sqlx::FromRow;

use super::Db;
use super::audit;
use super::impact::change;
use crate::recruitment::{Consequences, OfferFilters};
use crate::{Result, StoreError, WriteMode};

type Pool = sqlx::Pool<Db>;
type Conn = <Db as sqlx::Database>::Connection;

fn corrupt(what: &str, error: &dyn std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what: what.to_owned(),
        reason: error.to_string(),
    }
}

fn slug(value: &str, what: &str) -> Result<Slug> {
    Slug::parse(value).map_err(|e| corrupt(what, &e))
}

fn json<T: Serialize>(value: &T, what: &str) -> Result<String> {
    serde_json::to_string(value).map_err(|e| corrupt(what, &e))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| corrupt(what, &e))
}

// Calls.

#[derive(FromRow)]
struct CallRow {
    slug: String,
    title: String,
    description: String,
    opens_on: NaiveDate,
    closes_on: NaiveDate,
    promotion_slug: Option<String>,
}

impl TryFrom<CallRow> for Call {
    type Error = StoreError;
    fn try_from(row: CallRow) -> Result<Self> {
        Ok(Self {
            slug: slug(&row.slug, "call")?,
            title: row.title,
            description: row.description,
            opens_on: row.opens_on,
            closes_on: row.closes_on,
            promotion: row
                .promotion_slug
                .as_deref()
                .map(|s| slug(s, "call promotion"))
                .transpose()?,
        })
    }
}

const CALL_COLUMNS: &str = "slug, title, description, opens_on, closes_on, promotion_slug";

/// Creates a call with its scoring grid; [`StoreError::Conflict`] when the slug is taken.
pub(crate) async fn create_call(
    pool: &Pool,
    call: &Call,
    criteria: &[Criterion],
    actor: &Actor,
) -> Result<Call> {
    let mut tx = audit::begin(pool).await?;
    sqlx::query(
        "INSERT INTO recruitment_calls (slug, title, description, opens_on, closes_on, promotion_slug, criteria) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(call.slug.as_str())
    .bind(&call.title)
    .bind(&call.description)
    .bind(call.opens_on)
    .bind(call.closes_on)
    .bind(call.promotion.as_ref().map(Slug::as_str))
    .bind(json(&criteria, "call criteria")?)
    .execute(&mut *tx)
    .await?;
    let entry = change(
        AuditAction::Create,
        "recruitment_call",
        call.slug.to_string(),
        None,
        Some(call),
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(call.clone())
}

/// One call; [`StoreError::NotFound`] when none has this slug.
pub(crate) async fn call(pool: &Pool, slug: &Slug) -> Result<Call> {
    sqlx::query_as::<_, CallRow>(&format!(
        "SELECT {CALL_COLUMNS} FROM recruitment_calls WHERE slug = $1"
    ))
    .bind(slug.as_str())
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)?
    .try_into()
}

/// A call's scoring grid.
pub(crate) async fn criteria(pool: &Pool, slug: &Slug) -> Result<Vec<Criterion>> {
    let text: String = sqlx::query_scalar("SELECT criteria FROM recruitment_calls WHERE slug = $1")
        .bind(slug.as_str())
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_json(&text, "call criteria")
}

/// Every call, latest opening first.
pub(crate) async fn calls(pool: &Pool) -> Result<Vec<Call>> {
    sqlx::query_as::<_, CallRow>(&format!(
        "SELECT {CALL_COLUMNS} FROM recruitment_calls ORDER BY opens_on DESC, slug"
    ))
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(Call::try_from)
    .collect()
}

// Challenge proposals.

#[derive(FromRow)]
struct ProposalRow {
    id: i64,
    call_slug: String,
    organisation_slug: String,
    product_slug: Option<String>,
    title: String,
    description: String,
    status: String,
}

impl TryFrom<ProposalRow> for ChallengeProposal {
    type Error = StoreError;
    fn try_from(row: ProposalRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            call: slug(&row.call_slug, "proposal call")?,
            organisation: slug(&row.organisation_slug, "proposal organisation")?,
            product: row
                .product_slug
                .as_deref()
                .map(|s| slug(s, "proposal product"))
                .transpose()?,
            title: row.title,
            description: row.description,
            status: ProposalStatus::parse(&row.status)
                .map_err(|e| corrupt("proposal status", &e))?,
        })
    }
}

const PROPOSAL_COLUMNS: &str =
    "id, call_slug, organisation_slug, product_slug, title, description, status";

/// Stores a proposal (new when its number is 0, replaced otherwise); returns it numbered.
pub(crate) async fn save_proposal(
    pool: &Pool,
    proposal: &ChallengeProposal,
    actor: &Actor,
) -> Result<ChallengeProposal> {
    let mut tx = audit::begin(pool).await?;
    let before = if proposal.id == 0 {
        None
    } else {
        Some(proposal_in(&mut tx, proposal.id).await?)
    };
    // The number goes last, so that the insert leaves it unbound.
    let sql = if proposal.id == 0 {
        "INSERT INTO challenge_proposals (call_slug, organisation_slug, product_slug, title, description, status) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
    } else {
        "UPDATE challenge_proposals SET call_slug = $1, organisation_slug = $2, product_slug = $3, title = $4, description = $5, status = $6 WHERE id = $7 RETURNING id"
    };
    let query = sqlx::query_scalar(sql)
        .bind(proposal.call.as_str())
        .bind(proposal.organisation.as_str())
        .bind(proposal.product.as_ref().map(Slug::as_str))
        .bind(&proposal.title)
        .bind(&proposal.description)
        .bind(proposal.status.as_str());
    let query = if proposal.id == 0 {
        query
    } else {
        query.bind(proposal.id)
    };
    let id: i64 = query.fetch_one(&mut *tx).await?;
    let saved = proposal_in(&mut tx, id).await?;
    let action = if before.is_some() {
        AuditAction::Update
    } else {
        AuditAction::Create
    };
    let entry = change(
        action,
        "challenge_proposal",
        id.to_string(),
        before.as_ref(),
        Some(&saved),
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(saved)
}

async fn proposal_in(conn: &mut Conn, id: i64) -> Result<ChallengeProposal> {
    sqlx::query_as::<_, ProposalRow>(&format!(
        "SELECT {PROPOSAL_COLUMNS} FROM challenge_proposals WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?
    .try_into()
}

/// One proposal; [`StoreError::NotFound`] when none has this number.
pub(crate) async fn proposal(pool: &Pool, id: i64) -> Result<ChallengeProposal> {
    proposal_in(&mut *pool.acquire().await?, id).await
}

/// A call's proposals, in the order they came.
pub(crate) async fn proposals(pool: &Pool, call: &Slug) -> Result<Vec<ChallengeProposal>> {
    sqlx::query_as::<_, ProposalRow>(&format!(
        "SELECT {PROPOSAL_COLUMNS} FROM challenge_proposals WHERE call_slug = $1 ORDER BY id"
    ))
    .bind(call.as_str())
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(ChallengeProposal::try_from)
    .collect()
}

// Scorecards.

/// Records a panelist's scorecard of a proposal, replacing the one they gave before.
pub(crate) async fn save_scorecard(
    pool: &Pool,
    card: &Scorecard,
    actor: &Actor,
    at: &str,
) -> Result<()> {
    let mut tx = audit::begin(pool).await?;
    let before = scorecard_in(&mut tx, card.proposal, card.panelist).await?;
    sqlx::query(
        "INSERT INTO proposal_scorecards (proposal_id, panelist_account, marks, recorded_at) VALUES ($1, $2, $3, $4) ON CONFLICT (proposal_id, panelist_account) DO UPDATE SET marks = excluded.marks, recorded_at = excluded.recorded_at",
    )
    .bind(card.proposal)
    .bind(card.panelist)
    .bind(json(&card.marks, "scorecard marks")?)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let action = if before.is_some() {
        AuditAction::Update
    } else {
        AuditAction::Create
    };
    let entry = change(
        action,
        "proposal_scorecard",
        format!("{}/{}", card.proposal, card.panelist),
        before.as_ref(),
        Some(card),
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(FromRow)]
struct ScorecardRow {
    proposal_id: i64,
    panelist_account: i64,
    marks: String,
}

impl TryFrom<ScorecardRow> for Scorecard {
    type Error = StoreError;
    fn try_from(row: ScorecardRow) -> Result<Self> {
        Ok(Self {
            panelist: row.panelist_account,
            proposal: row.proposal_id,
            marks: from_json(&row.marks, "scorecard marks")?,
        })
    }
}

async fn scorecard_in(conn: &mut Conn, proposal: i64, panelist: i64) -> Result<Option<Scorecard>> {
    sqlx::query_as::<_, ScorecardRow>(
        "SELECT proposal_id, panelist_account, marks FROM proposal_scorecards WHERE proposal_id = $1 AND panelist_account = $2",
    )
    .bind(proposal)
    .bind(panelist)
    .fetch_optional(conn)
    .await?
    .map(Scorecard::try_from)
    .transpose()
}

/// The scorecards of a call's proposals, by proposal then panelist.
pub(crate) async fn scorecards(pool: &Pool, call: &Slug) -> Result<Vec<Scorecard>> {
    sqlx::query_as::<_, ScorecardRow>(
        "SELECT s.proposal_id, s.panelist_account, s.marks FROM proposal_scorecards s JOIN challenge_proposals p ON p.id = s.proposal_id WHERE p.call_slug = $1 ORDER BY s.proposal_id, s.panelist_account",
    )
    .bind(call.as_str())
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(Scorecard::try_from)
    .collect()
}

// Job offers.

#[derive(FromRow)]
struct OfferRow {
    slug: String,
    title: String,
    organisation_slug: String,
    domaine: String,
    location: String,
    remote: String,
    contract: String,
    salary_min: Option<i64>,
    salary_max: Option<i64>,
    closes_on: NaiveDate,
    description: String,
    published: bool,
}

impl TryFrom<OfferRow> for JobOffer {
    type Error = StoreError;
    fn try_from(row: OfferRow) -> Result<Self> {
        let salary = match (row.salary_min, row.salary_max) {
            (Some(min), Some(max)) => {
                let euros = |v: i64| u32::try_from(v).map_err(|e| corrupt("offer salary", &e));
                Some(
                    SalaryRange::new(euros(min)?, euros(max)?)
                        .map_err(|e| corrupt("offer salary", &e))?,
                )
            }
            _ => None,
        };
        Ok(Self {
            slug: slug(&row.slug, "job offer")?,
            title: row.title,
            organisation: slug(&row.organisation_slug, "offer organisation")?,
            domaine: Domaine::parse(&row.domaine).map_err(|e| corrupt("offer domaine", &e))?,
            location: row.location,
            remote: RemotePolicy::parse(&row.remote).map_err(|e| corrupt("offer remote", &e))?,
            contract: ContractType::parse(&row.contract)
                .map_err(|e| corrupt("offer contract", &e))?,
            salary,
            closes_on: row.closes_on,
            description: row.description,
            published: row.published,
        })
    }
}

const OFFER_COLUMNS: &str = "slug, title, organisation_slug, domaine, location, remote, contract, salary_min, salary_max, closes_on, description, published";

/// Creates or replaces a job offer.
pub(crate) async fn save_offer(pool: &Pool, offer: &JobOffer, actor: &Actor) -> Result<JobOffer> {
    let mut tx = audit::begin(pool).await?;
    let before = offer_in(&mut tx, &offer.slug).await.ok();
    sqlx::query(&format!(
        "INSERT INTO job_offers ({OFFER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (slug) DO UPDATE SET title = excluded.title, organisation_slug = excluded.organisation_slug, domaine = excluded.domaine, location = excluded.location, remote = excluded.remote, contract = excluded.contract, salary_min = excluded.salary_min, salary_max = excluded.salary_max, closes_on = excluded.closes_on, description = excluded.description, published = excluded.published"
    ))
    .bind(offer.slug.as_str())
    .bind(&offer.title)
    .bind(offer.organisation.as_str())
    .bind(offer.domaine.label())
    .bind(&offer.location)
    .bind(offer.remote.as_str())
    .bind(offer.contract.as_str())
    .bind(offer.salary.map(|s| i64::from(s.min())))
    .bind(offer.salary.map(|s| i64::from(s.max())))
    .bind(offer.closes_on)
    .bind(&offer.description)
    .bind(offer.published)
    .execute(&mut *tx)
    .await?;
    let action = if before.is_some() {
        AuditAction::Update
    } else {
        AuditAction::Create
    };
    let entry = change(
        action,
        "job_offer",
        offer.slug.to_string(),
        before.as_ref(),
        Some(offer),
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(offer.clone())
}

async fn offer_in(conn: &mut Conn, slug: &Slug) -> Result<JobOffer> {
    sqlx::query_as::<_, OfferRow>(&format!(
        "SELECT {OFFER_COLUMNS} FROM job_offers WHERE slug = $1"
    ))
    .bind(slug.as_str())
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?
    .try_into()
}

/// One offer, published or not; [`StoreError::NotFound`] when none has this slug.
pub(crate) async fn offer(pool: &Pool, slug: &Slug) -> Result<JobOffer> {
    offer_in(&mut *pool.acquire().await?, slug).await
}

/// The offers that match `filters`, soonest closing first.
pub(crate) async fn offers(pool: &Pool, filters: &OfferFilters) -> Result<Vec<JobOffer>> {
    let rows = sqlx::query_as::<_, OfferRow>(&format!(
        "SELECT {OFFER_COLUMNS} FROM job_offers WHERE ($1 = FALSE OR published = TRUE) AND ($2 IS NULL OR domaine = $2) AND ($3 IS NULL OR contract = $3) AND ($4 IS NULL OR remote = $4) AND ($5 IS NULL OR organisation_slug = $5) ORDER BY closes_on, slug"
    ))
    .bind(filters.published_only)
    .bind(filters.domaine.map(Domaine::label))
    .bind(filters.contract.map(ContractType::as_str))
    .bind(filters.remote.map(RemotePolicy::as_str))
    .bind(filters.organisation.as_ref().map(Slug::as_str))
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(JobOffer::try_from).collect()
}

// Applications.

#[derive(FromRow)]
struct ApplicationRow {
    id: i64,
    kind: String,
    call_slug: Option<String>,
    proposal_id: Option<i64>,
    offer_slug: Option<String>,
    organisation_slug: String,
    name: String,
    email: String,
    profile: String,
    skills: String,
    motivation: String,
    token_hash: String,
    state: String,
    created_at: String,
    confirmed_at: Option<String>,
    closed_at: Option<String>,
    erased_at: Option<String>,
}

impl TryFrom<ApplicationRow> for Application {
    type Error = StoreError;
    fn try_from(row: ApplicationRow) -> Result<Self> {
        let organisation = slug(&row.organisation_slug, "application organisation")?;
        let opening = match (
            row.kind.as_str(),
            row.call_slug,
            row.proposal_id,
            row.offer_slug,
        ) {
            ("challenge", Some(call), Some(proposal), _) => Opening::Challenge {
                call: slug(&call, "application call")?,
                proposal,
                organisation,
            },
            ("job_offer", _, _, Some(offer)) => Opening::JobOffer {
                offer: slug(&offer, "application offer")?,
                organisation,
            },
            (kind, ..) => return Err(corrupt("application kind", &kind)),
        };
        Ok(Self {
            id: row.id,
            opening,
            candidate: Candidate {
                name: row.name,
                email: row.email,
                profile: row.profile,
                skills: from_json(&row.skills, "application skills")?,
                motivation: row.motivation,
            },
            token: row.token_hash,
            state: ApplicationState::parse(&row.state)
                .map_err(|e| corrupt("application state", &e))?,
            created_at: row.created_at,
            confirmed_at: row.confirmed_at,
            closed_at: row.closed_at,
            erased_at: row.erased_at,
        })
    }
}

const APPLICATION_COLUMNS: &str = "id, kind, call_slug, proposal_id, offer_slug, organisation_slug, name, email, profile, skills, motivation, token_hash, state, created_at, confirmed_at, closed_at, erased_at";

/// What the audit log keeps of an application: nothing of the candidate's.
#[derive(Serialize)]
struct Logged<'a> {
    opening: &'a Opening,
    state: ApplicationState,
    confirmed_at: Option<&'a str>,
    closed_at: Option<&'a str>,
    erased_at: Option<&'a str>,
}

fn logged(application: &Application) -> Logged<'_> {
    Logged {
        opening: &application.opening,
        state: application.state,
        confirmed_at: application.confirmed_at.as_deref(),
        closed_at: application.closed_at.as_deref(),
        erased_at: application.erased_at.as_deref(),
    }
}

async fn application_in(conn: &mut Conn, id: i64) -> Result<Application> {
    sqlx::query_as::<_, ApplicationRow>(&format!(
        "SELECT {APPLICATION_COLUMNS} FROM applications WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?
    .try_into()
}

/// Stores a new application; its `token` is already the secret's digest.
pub(crate) async fn create_application(
    pool: &Pool,
    application: &Application,
    emails: &[Email],
    actor: &Actor,
) -> Result<Application> {
    let mut tx = audit::begin(pool).await?;
    let (kind, call, proposal, offer, organisation) = match &application.opening {
        Opening::Challenge {
            call,
            proposal,
            organisation,
        } => ("challenge", Some(call), Some(*proposal), None, organisation),
        Opening::JobOffer {
            offer,
            organisation,
        } => ("job_offer", None, None, Some(offer), organisation),
    };
    let candidate = &application.candidate;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO applications (kind, call_slug, proposal_id, offer_slug, organisation_slug, name, email, profile, skills, motivation, token_hash, state, created_at, confirmed_at, closed_at, erased_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
    )
    .bind(kind)
    .bind(call.map(Slug::as_str))
    .bind(proposal)
    .bind(offer.map(Slug::as_str))
    .bind(organisation.as_str())
    .bind(&candidate.name)
    .bind(&candidate.email)
    .bind(&candidate.profile)
    .bind(json(&candidate.skills, "application skills")?)
    .bind(&candidate.motivation)
    .bind(&application.token)
    .bind(application.state.as_str())
    .bind(&application.created_at)
    .bind(&application.confirmed_at)
    .bind(&application.closed_at)
    .bind(&application.erased_at)
    .fetch_one(&mut *tx)
    .await?;
    let created = application_in(&mut tx, id).await?;
    let entry = change(
        AuditAction::Create,
        "application",
        id.to_string(),
        None,
        Some(&logged(&created)),
    )?;
    audit::append(&mut tx, actor, &[entry]).await?;
    for email in emails {
        super::outbox::enqueue_email(&mut tx, email, &application.created_at).await?;
    }
    tx.commit().await?;
    Ok(created)
}

/// One application; [`StoreError::NotFound`] when none has this number.
pub(crate) async fn application(pool: &Pool, id: i64) -> Result<Application> {
    application_in(&mut *pool.acquire().await?, id).await
}

/// The application whose token digest is `token`, if any (an erased one has none).
pub(crate) async fn application_with_token(
    pool: &Pool,
    token: &str,
) -> Result<Option<Application>> {
    if token.is_empty() {
        return Ok(None);
    }
    sqlx::query_as::<_, ApplicationRow>(&format!(
        "SELECT {APPLICATION_COLUMNS} FROM applications WHERE token_hash = $1"
    ))
    .bind(token)
    .fetch_optional(pool)
    .await?
    .map(Application::try_from)
    .transpose()
}

/// The applications to a call's challenges, or to an offer, in the order they came.
pub(crate) async fn applications(
    pool: &Pool,
    call: Option<&Slug>,
    offer: Option<&Slug>,
) -> Result<Vec<Application>> {
    sqlx::query_as::<_, ApplicationRow>(&format!(
        "SELECT {APPLICATION_COLUMNS} FROM applications WHERE ($1 IS NULL OR call_slug = $1) AND ($2 IS NULL OR offer_slug = $2) ORDER BY id"
    ))
    .bind(call.map(Slug::as_str))
    .bind(offer.map(Slug::as_str))
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(Application::try_from)
    .collect()
}

#[derive(FromRow)]
struct EntryRow {
    event: Option<String>,
    message: String,
    author: String,
    at: String,
}

/// An application's history, oldest first.
pub(crate) async fn application_entries(pool: &Pool, id: i64) -> Result<Vec<ApplicationEntry>> {
    sqlx::query_as::<_, EntryRow>(
        "SELECT event, message, author, at FROM application_events WHERE application_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|row| {
        Ok(ApplicationEntry {
            event: row
                .event
                .as_deref()
                .map(ApplicationEvent::parse)
                .transpose()
                .map_err(|e| corrupt("application event", &e))?,
            message: row.message,
            author: row.author,
            at: row.at,
        })
    })
    .collect()
}

/// Writes an application's new state, confirmation and closing, with the event or message
/// that changed it, in one transaction.
pub(crate) async fn record_application(
    pool: &Pool,
    application: &Application,
    event: Option<ApplicationEvent>,
    message: &str,
    consequences: &Consequences<'_>,
    actor: &Actor,
    at: &str,
) -> Result<Application> {
    let mut tx = audit::begin(pool).await?;
    let before = application_in(&mut tx, application.id).await?;
    sqlx::query(
        "UPDATE applications SET state = $1, confirmed_at = $2, closed_at = $3 WHERE id = $4",
    )
    .bind(application.state.as_str())
    .bind(&application.confirmed_at)
    .bind(&application.closed_at)
    .bind(application.id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO application_events (application_id, event, message, author, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(application.id)
    .bind(event.map(ApplicationEvent::as_str))
    .bind(message)
    .bind(actor.to_string())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let after = application_in(&mut tx, application.id).await?;
    let mut log = vec![change(
        AuditAction::Update,
        "application",
        application.id.to_string(),
        Some(&logged(&before)),
        Some(&logged(&after)),
    )?];
    if let Some(member) = consequences.member {
        super::portfolio::write_member_in(&mut tx, member, WriteMode::Replace, &mut log).await?;
    }
    audit::append(&mut tx, actor, &log).await?;
    for email in consequences.emails {
        super::outbox::enqueue_email(&mut tx, email, at).await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// Erases the candidate's texts and token of every application due on `today`; returns
/// the numbers erased.
pub(crate) async fn erase_applications(
    pool: &Pool,
    today: NaiveDate,
    retention_days: u32,
    actor: &Actor,
    at: &str,
) -> Result<Vec<i64>> {
    let mut tx = audit::begin(pool).await?;
    let rows = sqlx::query_as::<_, ApplicationRow>(&format!(
        "SELECT {APPLICATION_COLUMNS} FROM applications WHERE erased_at IS NULL ORDER BY id"
    ))
    .fetch_all(&mut *tx)
    .await?;
    let mut erased = Vec::new();
    let mut entries = Vec::new();
    for row in rows {
        let mut application = Application::try_from(row)?;
        if !application.is_due_for_erasure(today, retention_days) {
            continue;
        }
        // The e-mails already sent to the candidate about it quote them too.
        let since = application
            .closed_at
            .clone()
            .unwrap_or_else(|| application.created_at.clone());
        let address = json(&[&application.candidate.email], "e-mail recipients")?;
        sqlx::query(
            "UPDATE outbox_emails SET recipients = $1, subject = $2, body = $2, link = NULL WHERE recipients = $3 AND sent_at IS NOT NULL AND created_at <= $4",
        )
        .bind(json(&[ERASED], "e-mail recipients")?)
        .bind(ERASED)
        .bind(address)
        .bind(since)
        .execute(&mut *tx)
        .await?;
        application.erase(at);
        let candidate = &application.candidate;
        sqlx::query(
            "UPDATE applications SET name = $1, email = $2, profile = $3, skills = $4, motivation = $5, token_hash = $6, erased_at = $7 WHERE id = $8",
        )
        .bind(&candidate.name)
        .bind(&candidate.email)
        .bind(&candidate.profile)
        .bind(json(&candidate.skills, "application skills")?)
        .bind(&candidate.motivation)
        .bind(&application.token)
        .bind(at)
        .bind(application.id)
        .execute(&mut *tx)
        .await?;
        // Messages to the candidate may quote them.
        sqlx::query("UPDATE application_events SET message = $1 WHERE application_id = $2")
            .bind(ERASED)
            .bind(application.id)
            .execute(&mut *tx)
            .await?;
        entries.push(change(
            AuditAction::Erase,
            "application",
            application.id.to_string(),
            None,
            Some(&logged(&application)),
        )?);
        erased.push(application.id);
    }
    if !entries.is_empty() {
        audit::append(&mut tx, actor, &entries).await?;
    }
    tx.commit().await?;
    Ok(erased)
}
