//! Delivery's repository: support requests, their trail and the notifications they cause.
//!
//! Compiled once per backend like `portfolio.rs`. A step is checked against the request as
//! read inside the write transaction, so that two people triaging at once cannot both
//! succeed; the request, its event, the notifications and the log entry stand or fall
//! together.

use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::delivery::{
    Notification, Outcome, Party, SupportEvent, SupportEventKind, SupportKind, SupportRequest,
    SupportStatus, SupportStep, Urgency,
};
use pilote_domain::identity::Role;
use pilote_domain::notification::Email;
use sqlx::{FromRow, Transaction};

use super::Db;
use super::audit;
use super::outbox;
use crate::{Result, StoreError};

type Pool = sqlx::Pool<Db>;
type Tx<'c> = Transaction<'c, Db>;
type Conn = <Db as sqlx::Database>::Connection;

fn corrupt(what: &str, reason: &dyn std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what: what.to_owned(),
        reason: reason.to_string(),
    }
}

fn parsed<T, E: std::fmt::Display>(what: &str, value: Result<T, E>) -> Result<T> {
    value.map_err(|e| corrupt(what, &e))
}

fn party(account: Option<i64>, name: Option<String>) -> Option<Party> {
    Some(Party {
        account: account?,
        name: name?,
    })
}

const REQUEST_COLUMNS: &str = "id, kind, urgency, title, description, organisation_slug, product_slug, requester_account, requester_name, status, assignee_account, assignee_name, minutes_spent, outcome, submitted_at, triaged_at, closed_at";

#[derive(FromRow)]
struct RequestRow {
    id: i64,
    kind: String,
    urgency: String,
    title: String,
    description: String,
    organisation_slug: Option<String>,
    product_slug: Option<String>,
    requester_account: i64,
    requester_name: String,
    status: String,
    assignee_account: Option<i64>,
    assignee_name: Option<String>,
    minutes_spent: i64,
    outcome: Option<String>,
    submitted_at: String,
    triaged_at: Option<String>,
    closed_at: Option<String>,
}

fn slug(what: &str, value: Option<&str>) -> Result<Option<Slug>> {
    parsed(what, value.map(Slug::parse).transpose())
}

impl TryFrom<RequestRow> for SupportRequest {
    type Error = StoreError;

    fn try_from(row: RequestRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            kind: parsed("support kind", SupportKind::parse(&row.kind))?,
            urgency: parsed("support urgency", Urgency::parse(&row.urgency))?,
            title: row.title,
            description: row.description,
            organisation: slug("support organisation", row.organisation_slug.as_deref())?,
            product: slug("support product", row.product_slug.as_deref())?,
            requester: Party {
                account: row.requester_account,
                name: row.requester_name,
            },
            status: parsed("support status", SupportStatus::parse(&row.status))?,
            assignee: party(row.assignee_account, row.assignee_name),
            minutes_spent: row.minutes_spent,
            outcome: parsed(
                "support outcome",
                row.outcome.as_deref().map(Outcome::parse).transpose(),
            )?,
            submitted_at: row.submitted_at,
            triaged_at: row.triaged_at,
            closed_at: row.closed_at,
        })
    }
}

const EVENT_COLUMNS: &str = "id, request_id, at, actor_account, actor_name, kind, text, minutes, expert_account, expert_name, outcome";

#[derive(FromRow)]
struct EventRow {
    id: i64,
    request_id: i64,
    at: String,
    actor_account: i64,
    actor_name: String,
    kind: String,
    text: String,
    minutes: Option<i64>,
    expert_account: Option<i64>,
    expert_name: Option<String>,
    outcome: Option<String>,
}

impl TryFrom<EventRow> for SupportEvent {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            request: row.request_id,
            at: row.at,
            actor: Party {
                account: row.actor_account,
                name: row.actor_name,
            },
            kind: parsed("support event kind", SupportEventKind::parse(&row.kind))?,
            text: row.text,
            minutes: row.minutes,
            expert: party(row.expert_account, row.expert_name),
            outcome: parsed(
                "support event outcome",
                row.outcome.as_deref().map(Outcome::parse).transpose(),
            )?,
        })
    }
}

async fn request_in(conn: &mut Conn, id: i64) -> Result<SupportRequest> {
    sqlx::query_as::<_, RequestRow>(&format!(
        "SELECT {REQUEST_COLUMNS} FROM support_requests WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?
    .try_into()
}

pub(crate) async fn request(pool: &Pool, id: i64) -> Result<SupportRequest> {
    request_in(&mut *pool.acquire().await?, id).await
}

/// Every request, latest first.
pub(crate) async fn requests(pool: &Pool) -> Result<Vec<SupportRequest>> {
    sqlx::query_as::<_, RequestRow>(&format!(
        "SELECT {REQUEST_COLUMNS} FROM support_requests ORDER BY submitted_at DESC, id DESC"
    ))
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(SupportRequest::try_from)
    .collect()
}

/// A request's trail, oldest first.
pub(crate) async fn events(pool: &Pool, request: i64) -> Result<Vec<SupportEvent>> {
    sqlx::query_as::<_, EventRow>(&format!(
        "SELECT {EVENT_COLUMNS} FROM support_events WHERE request_id = $1 ORDER BY id"
    ))
    .bind(request)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(SupportEvent::try_from)
    .collect()
}

/// The accounts of the steering team (administrators and experts), by number, with their
/// names.
pub(crate) async fn steering_team(pool: &Pool) -> Result<Vec<Party>> {
    steering_team_in(&mut *pool.acquire().await?).await
}

async fn steering_team_in(conn: &mut Conn) -> Result<Vec<Party>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT DISTINCT a.id, a.given_name, a.usual_name FROM accounts a JOIN role_grants g ON g.account_id = a.id WHERE g.role IN ($1, $2) ORDER BY a.id",
    )
    .bind(Role::Administrator.as_str())
    .bind(Role::SupportExpert.as_str())
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(account, given, usual)| Party {
            account,
            name: format!("{given} {usual}"),
        })
        .collect())
}

/// An account's notifications, latest first.
pub(crate) async fn notifications(
    pool: &Pool,
    account: i64,
    limit: i64,
) -> Result<Vec<Notification>> {
    let rows: Vec<(i64, i64, String, String, String)> = sqlx::query_as(
        "SELECT id, account_id, subject, link, created_at FROM notifications WHERE account_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(account)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, account, subject, link, created_at)| Notification {
            id,
            account,
            subject,
            link,
            created_at,
        })
        .collect())
}

async fn insert_event(tx: &mut Tx<'_>, event: &SupportEvent) -> Result<SupportEvent> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO support_events (request_id, at, actor_account, actor_name, kind, text, minutes, expert_account, expert_name, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(event.request)
    .bind(&event.at)
    .bind(event.actor.account)
    .bind(&event.actor.name)
    .bind(event.kind.as_str())
    .bind(&event.text)
    .bind(event.minutes)
    .bind(event.expert.as_ref().map(|e| e.account))
    .bind(event.expert.as_ref().map(|e| e.name.as_str()))
    .bind(event.outcome.map(Outcome::as_str))
    .fetch_one(&mut **tx)
    .await?;
    Ok(SupportEvent {
        id,
        ..event.clone()
    })
}

/// Records the notifications of `event` for its recipients.
async fn notify(tx: &mut Tx<'_>, request: &SupportRequest, event: &SupportEvent) -> Result<()> {
    let team: Vec<i64> = steering_team_in(tx)
        .await?
        .into_iter()
        .map(|party| party.account)
        .collect();
    let subject = request.subject(event);
    let link = format!("/accompagnement/{}", request.id);
    let body = format!("Bonjour,\n\n{subject}.\n\nLa demande sur Pilote :");
    for account in request.recipients(event, &team) {
        sqlx::query(
            "INSERT INTO notifications (account_id, subject, link, created_at) SELECT id, $2, $3, $4 FROM accounts WHERE id = $1",
        )
        .bind(account)
        .bind(&subject)
        .bind(&link)
        .bind(&event.at)
        .execute(&mut **tx)
        .await?;
        // The same notice by e-mail, one per recipient so that none sees the others.
        let address: Option<String> =
            sqlx::query_scalar("SELECT email FROM accounts WHERE id = $1")
                .bind(account)
                .fetch_optional(&mut **tx)
                .await?;
        let email = Email {
            to: address.into_iter().collect(),
            subject: subject.clone(),
            body: body.clone(),
            link: Some(link.clone()),
        };
        outbox::enqueue_email(tx, &email, &event.at).await?;
    }
    Ok(())
}

async fn log(
    tx: &mut Tx<'_>,
    actor: &Actor,
    before: Option<&SupportRequest>,
    after: &SupportRequest,
    event: &SupportEvent,
) -> Result<()> {
    let message = (event.kind == SupportEventKind::Message).then_some((event.id, event));
    audit::log_step(
        tx,
        actor,
        ("support_request", "support_message"),
        (after.id, before, after),
        message,
    )
    .await
}

/// Files `request` (already checked) by `requester` at `at`; returns it as stored.
pub(crate) async fn create(
    pool: &Pool,
    request: &SupportRequest,
    requester: Party,
    actor: &Actor,
    at: &str,
) -> Result<SupportRequest> {
    let mut tx = audit::begin(pool).await?;
    let mut request = request.clone();
    let mut event = request.submit(requester, at);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO support_requests (kind, urgency, title, description, organisation_slug, product_slug, requester_account, requester_name, status, minutes_spent, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10) RETURNING id",
    )
    .bind(request.kind.as_str())
    .bind(request.urgency.as_str())
    .bind(&request.title)
    .bind(&request.description)
    .bind(request.organisation.as_ref().map(Slug::as_str))
    .bind(request.product.as_ref().map(Slug::as_str))
    .bind(request.requester.account)
    .bind(&request.requester.name)
    .bind(request.status.as_str())
    .bind(&request.submitted_at)
    .fetch_one(&mut *tx)
    .await?;
    request.id = id;
    event.request = id;
    let event = insert_event(&mut tx, &event).await?;
    notify(&mut tx, &request, &event).await?;
    log(&mut tx, actor, None, &request, &event).await?;
    tx.commit().await?;
    Ok(request)
}

/// What to do to a request.
pub(crate) enum Move<'a> {
    /// A step of the steering team; `expert` names the assigned account.
    Step {
        step: &'a SupportStep,
        expert: Option<Party>,
    },
    /// A message.
    Message(&'a str),
}

/// Takes `change` on request `id` by `by` at `at`, checked against the request as stored;
/// a refused step is [`StoreError::Refused`] with the reason.
pub(crate) async fn advance(
    pool: &Pool,
    id: i64,
    change: Move<'_>,
    by: Party,
    actor: &Actor,
    at: &str,
) -> Result<(SupportRequest, SupportEvent)> {
    let mut tx = audit::begin(pool).await?;
    let before = request_in(&mut tx, id).await?;
    let mut after = before.clone();
    let event = match change {
        Move::Step { step, expert } => after.advance(step, by, expert, at),
        Move::Message(body) => after.message(by, body, at),
    }
    .map_err(|refusal| StoreError::Refused(refusal.error.to_string()))?;
    sqlx::query(
        "UPDATE support_requests SET status = $2, assignee_account = $3, assignee_name = $4, minutes_spent = $5, outcome = $6, triaged_at = $7, closed_at = $8 WHERE id = $1",
    )
    .bind(id)
    .bind(after.status.as_str())
    .bind(after.assignee.as_ref().map(|a| a.account))
    .bind(after.assignee.as_ref().map(|a| a.name.as_str()))
    .bind(after.minutes_spent)
    .bind(after.outcome.map(Outcome::as_str))
    .bind(&after.triaged_at)
    .bind(&after.closed_at)
    .execute(&mut *tx)
    .await?;
    let event = insert_event(&mut tx, &event).await?;
    notify(&mut tx, &after, &event).await?;
    log(&mut tx, actor, Some(&before), &after, &event).await?;
    tx.commit().await?;
    Ok((after, event))
}

/// What requests show in place of the name of an account that is gone.
pub(crate) const FORGOTTEN: &str = "compte supprimé";

/// Replaces the names kept in requests and their trails for these accounts, inside the
/// caller's transaction (a member's erasure).
pub(crate) async fn forget_accounts(tx: &mut Tx<'_>, accounts: &[i64]) -> Result<()> {
    const COLUMNS: [(&str, &str, &str); 4] = [
        ("support_requests", "requester_name", "requester_account"),
        ("support_requests", "assignee_name", "assignee_account"),
        ("support_events", "actor_name", "actor_account"),
        ("support_events", "expert_name", "expert_account"),
    ];
    for account in accounts {
        for (table, name, key) in COLUMNS {
            sqlx::query(&format!("UPDATE {table} SET {name} = $1 WHERE {key} = $2"))
                .bind(FORGOTTEN)
                .bind(account)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}
