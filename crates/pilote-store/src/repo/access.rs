//! Data's repository for access requests: the requests, their trail, the authorisations
//! approvals grant, and the e-mails, notifications and webhooks each event causes.
//!
//! Compiled once per backend like `portfolio.rs`. An event is checked against the request
//! as read inside the write transaction, so that two instructors deciding at once cannot
//! both succeed; the request, its trail entry, its authorisation, the messages it sends and
//! the log entry stand or fall together.

use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::data::{
    AccessEvent, AccessForm, AccessRefusal, AccessRequest, AccessState, Authorisation,
    AuthorisationState, Side, TrailEntry, TrailKind,
};
use pilote_domain::delivery::Party;
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

fn slug(what: &str, value: Option<&str>) -> Result<Option<Slug>> {
    parsed(what, value.map(Slug::parse).transpose())
}

const REQUEST_COLUMNS: &str = "id, dataset_slug, api_slug, provider_slug, title, purpose, legal_basis, legal_basis_url, data_requested, retention_months, dpo_email, technical_contact_email, siret, applicant_account, applicant_name, state, created_at, updated_at, submitted_at, decided_at";

#[derive(FromRow)]
struct RequestRow {
    id: i64,
    dataset_slug: Option<String>,
    api_slug: Option<String>,
    provider_slug: String,
    title: String,
    purpose: String,
    legal_basis: String,
    legal_basis_url: Option<String>,
    data_requested: String,
    retention_months: Option<i64>,
    dpo_email: Option<String>,
    technical_contact_email: Option<String>,
    siret: String,
    applicant_account: i64,
    applicant_name: String,
    state: String,
    created_at: String,
    updated_at: String,
    submitted_at: Option<String>,
    decided_at: Option<String>,
}

impl TryFrom<RequestRow> for AccessRequest {
    type Error = StoreError;

    fn try_from(row: RequestRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            form: AccessForm {
                dataset: slug("access request dataset", row.dataset_slug.as_deref())?,
                api: slug("access request api", row.api_slug.as_deref())?,
                title: row.title,
                purpose: row.purpose,
                legal_basis: row.legal_basis,
                legal_basis_url: row.legal_basis_url,
                data_requested: row.data_requested,
                retention_months: row.retention_months,
                dpo_email: row.dpo_email,
                technical_contact_email: row.technical_contact_email,
            },
            provider: parsed("access request provider", Slug::parse(&row.provider_slug))?,
            siret: row.siret,
            applicant: Party {
                account: row.applicant_account,
                name: row.applicant_name,
            },
            state: parsed("access request state", AccessState::parse(&row.state))?,
            created_at: row.created_at,
            updated_at: row.updated_at,
            submitted_at: row.submitted_at,
            decided_at: row.decided_at,
        })
    }
}

#[derive(FromRow)]
struct TrailRow {
    id: i64,
    request_id: i64,
    at: String,
    actor_account: i64,
    actor_name: String,
    kind: String,
    state: String,
    text: String,
}

impl TryFrom<TrailRow> for TrailEntry {
    type Error = StoreError;

    fn try_from(row: TrailRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            request: row.request_id,
            at: row.at,
            actor: Party {
                account: row.actor_account,
                name: row.actor_name,
            },
            kind: parsed("access trail kind", TrailKind::parse(&row.kind))?,
            state: parsed("access trail state", AccessState::parse(&row.state))?,
            text: row.text,
        })
    }
}

const AUTHORISATION_COLUMNS: &str =
    "id, request_id, dataset_slug, api_slug, provider_slug, siret, state, granted_at, ended_at";

#[derive(FromRow)]
struct AuthorisationRow {
    id: i64,
    request_id: i64,
    dataset_slug: Option<String>,
    api_slug: Option<String>,
    provider_slug: String,
    siret: String,
    state: String,
    granted_at: String,
    ended_at: Option<String>,
}

impl TryFrom<AuthorisationRow> for Authorisation {
    type Error = StoreError;

    fn try_from(row: AuthorisationRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            request: row.request_id,
            dataset: slug("authorisation dataset", row.dataset_slug.as_deref())?,
            api: slug("authorisation api", row.api_slug.as_deref())?,
            provider: parsed("authorisation provider", Slug::parse(&row.provider_slug))?,
            siret: row.siret,
            state: parsed("authorisation state", AuthorisationState::parse(&row.state))?,
            granted_at: row.granted_at,
            ended_at: row.ended_at,
        })
    }
}

async fn request_in(conn: &mut Conn, id: i64) -> Result<AccessRequest> {
    sqlx::query_as::<_, RequestRow>(&format!(
        "SELECT {REQUEST_COLUMNS} FROM access_requests WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?
    .try_into()
}

pub(crate) async fn request(pool: &Pool, id: i64) -> Result<AccessRequest> {
    request_in(&mut *pool.acquire().await?, id).await
}

/// Every request, latest change first.
pub(crate) async fn requests(pool: &Pool) -> Result<Vec<AccessRequest>> {
    sqlx::query_as::<_, RequestRow>(&format!(
        "SELECT {REQUEST_COLUMNS} FROM access_requests ORDER BY updated_at DESC, id DESC"
    ))
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(AccessRequest::try_from)
    .collect()
}

/// A request's trail, oldest first.
pub(crate) async fn trail(pool: &Pool, request: i64) -> Result<Vec<TrailEntry>> {
    sqlx::query_as::<_, TrailRow>(
        "SELECT id, request_id, at, actor_account, actor_name, kind, state, text FROM access_request_events WHERE request_id = $1 ORDER BY id",
    )
    .bind(request)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(TrailEntry::try_from)
    .collect()
}

/// The authorisations of a request, a dataset or an API (every state), latest first.
pub(crate) async fn authorisations(
    pool: &Pool,
    of: &crate::AuthorisationsOf,
) -> Result<Vec<Authorisation>> {
    let select = |column: &str| {
        format!(
            "SELECT {AUTHORISATION_COLUMNS} FROM authorisations WHERE {column} = $1 ORDER BY granted_at DESC, id DESC"
        )
    };
    let rows: Vec<AuthorisationRow> = match of {
        crate::AuthorisationsOf::Request(id) => {
            sqlx::query_as(&select("request_id"))
                .bind(id)
                .fetch_all(pool)
                .await?
        }
        crate::AuthorisationsOf::Dataset(slug) => {
            sqlx::query_as(&select("dataset_slug"))
                .bind(slug.as_str())
                .fetch_all(pool)
                .await?
        }
        crate::AuthorisationsOf::Api(slug) => {
            sqlx::query_as(&select("api_slug"))
                .bind(slug.as_str())
                .fetch_all(pool)
                .await?
        }
    };
    rows.into_iter().map(Authorisation::try_from).collect()
}

/// The accounts that decide `provider`'s requests (instructors and managers), with their
/// e-mail addresses.
async fn instructors(conn: &mut Conn, provider: &Slug) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT a.id, a.email FROM accounts a JOIN role_grants g ON g.account_id = a.id WHERE g.role IN ($1, $2) AND g.scope = $3 ORDER BY a.id",
    )
    .bind(Role::DataInstructor.as_str())
    .bind(Role::DataManager.as_str())
    .bind(provider.as_str())
    .fetch_all(conn)
    .await?)
}

async fn email_of(conn: &mut Conn, account: i64) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT email FROM accounts WHERE id = $1")
            .bind(account)
            .fetch_optional(conn)
            .await?,
    )
}

async fn insert_entry(tx: &mut Tx<'_>, entry: &TrailEntry) -> Result<TrailEntry> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO access_request_events (request_id, at, actor_account, actor_name, kind, state, text) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(entry.request)
    .bind(&entry.at)
    .bind(entry.actor.account)
    .bind(&entry.actor.name)
    .bind(entry.kind.as_str())
    .bind(entry.state.as_str())
    .bind(&entry.text)
    .fetch_one(&mut **tx)
    .await?;
    Ok(TrailEntry {
        id,
        ..entry.clone()
    })
}

/// Who is told of `entry`, never its author: the applicant and the producer's instructors
/// of a change of state (the instructors only once the request was submitted); the other
/// side of a message; the applicant of a reminder.
async fn recipients(
    tx: &mut Tx<'_>,
    request: &AccessRequest,
    entry: &TrailEntry,
) -> Result<Vec<(i64, String)>> {
    let staff = if request.submitted_at.is_some() {
        instructors(tx, &request.provider).await?
    } else {
        Vec::new()
    };
    let from_staff = staff.iter().any(|(id, _)| *id == entry.actor.account);
    let applicant: Vec<(i64, String)> = email_of(tx, request.applicant.account)
        .await?
        .map(|email| (request.applicant.account, email))
        .into_iter()
        .collect();
    let mut people = match entry.kind {
        TrailKind::Created | TrailKind::Updated => Vec::new(),
        TrailKind::Reminded => applicant,
        TrailKind::Message if from_staff => applicant,
        TrailKind::Message => staff,
        _ => staff.into_iter().chain(applicant).collect(),
    };
    people.retain(|(id, _)| *id != entry.actor.account);
    people.sort();
    people.dedup();
    Ok(people)
}

/// The subject of the e-mail and notification of `entry`, in French.
fn subject(request: &AccessRequest, entry: &TrailEntry) -> String {
    let what = match entry.kind {
        TrailKind::Message => format!("nouveau message de {}", entry.actor.name),
        TrailKind::Reminded => "elle attend votre action".to_owned(),
        kind => kind.label().to_lowercase(),
    };
    format!(
        "Demande d’accès n° {} « {} » : {what}",
        request.id, request.form.title
    )
}

/// The link of a request's page.
fn link(request: &AccessRequest) -> String {
    format!("/donnees/demandes/{}", request.id)
}

/// Records the notifications and queues the e-mails and webhooks of `entry`.
async fn notify(tx: &mut Tx<'_>, request: &AccessRequest, entry: &TrailEntry) -> Result<()> {
    let people = recipients(tx, request, entry).await?;
    let subject = subject(request, entry);
    let link = link(request);
    for (account, _) in &people {
        sqlx::query(
            "INSERT INTO notifications (account_id, subject, link, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(account)
        .bind(&subject)
        .bind(&link)
        .bind(&entry.at)
        .execute(&mut **tx)
        .await?;
    }
    let mut body = format!(
        "{}\n\nÉtat de la demande : {}.",
        entry.kind.label(),
        entry.state.label()
    );
    if !entry.text.is_empty() {
        body.push_str("\n\n");
        body.push_str(&entry.text);
    }
    // One e-mail each: applicants and instructors do not learn one another's addresses.
    for (_, address) in people {
        let email = Email {
            to: vec![address],
            subject: subject.clone(),
            body: body.clone(),
            link: Some(link.clone()),
        };
        outbox::enqueue_email(tx, &email, &entry.at).await?;
    }
    // Producers follow changes of state, not drafts nor conversations.
    if !matches!(
        entry.kind,
        TrailKind::Created | TrailKind::Updated | TrailKind::Message
    ) && request.submitted_at.is_some()
    {
        let payload = serde_json::json!({
            "event": entry.kind.as_str(),
            "at": entry.at,
            "request": {
                "id": request.id,
                "state": request.state,
                "dataset": request.form.dataset,
                "api": request.form.api,
                "provider": request.provider,
                "siret": request.siret,
                "title": request.form.title,
            },
        });
        outbox::enqueue_webhooks(
            tx,
            &request.provider,
            &format!("access_request.{}", entry.kind.as_str()),
            &payload,
            &entry.at,
        )
        .await?;
    }
    Ok(())
}

async fn log(
    tx: &mut Tx<'_>,
    actor: &Actor,
    before: Option<&AccessRequest>,
    after: &AccessRequest,
    entry: &TrailEntry,
) -> Result<()> {
    let message = (entry.kind == TrailKind::Message).then_some((entry.id, entry));
    audit::log_step(
        tx,
        actor,
        ("access_request", "access_message"),
        (after.id, before, after),
        message,
    )
    .await
}

fn entry(request: &AccessRequest, by: Party, kind: TrailKind, text: &str, at: &str) -> TrailEntry {
    TrailEntry {
        id: 0,
        request: request.id,
        at: at.to_owned(),
        actor: by,
        kind,
        state: request.state,
        text: text.trim().to_owned(),
    }
}

/// Starts the draft `request` (already checked); returns it as stored.
pub(crate) async fn create(
    pool: &Pool,
    request: &AccessRequest,
    actor: &Actor,
) -> Result<AccessRequest> {
    let mut tx = audit::begin(pool).await?;
    let mut request = request.clone();
    let form = &request.form;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO access_requests (dataset_slug, api_slug, provider_slug, title, purpose, legal_basis, legal_basis_url, data_requested, retention_months, dpo_email, technical_contact_email, siret, applicant_account, applicant_name, state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id",
    )
    .bind(form.dataset.as_ref().map(Slug::as_str))
    .bind(form.api.as_ref().map(Slug::as_str))
    .bind(request.provider.as_str())
    .bind(&form.title)
    .bind(&form.purpose)
    .bind(&form.legal_basis)
    .bind(&form.legal_basis_url)
    .bind(&form.data_requested)
    .bind(form.retention_months)
    .bind(&form.dpo_email)
    .bind(&form.technical_contact_email)
    .bind(&request.siret)
    .bind(request.applicant.account)
    .bind(&request.applicant.name)
    .bind(request.state.as_str())
    .bind(&request.created_at)
    .fetch_one(&mut *tx)
    .await?;
    request.id = id;
    let entry = entry(
        &request,
        request.applicant.clone(),
        TrailKind::Created,
        "",
        &request.created_at,
    );
    let entry = insert_entry(&mut tx, &entry).await?;
    log(&mut tx, actor, None, &request, &entry).await?;
    tx.commit().await?;
    Ok(request)
}

/// What to do to a request.
pub(crate) enum Move<'a> {
    /// Replace the content.
    Edit(&'a AccessForm),
    /// Take an event, by a side, with a message.
    Event {
        event: AccessEvent,
        side: Side,
        message: &'a str,
    },
    /// Write a message.
    Message(&'a str),
}

fn refused(refusal: &AccessRefusal) -> StoreError {
    StoreError::Refused(match refusal {
        AccessRefusal::State(error) => error.to_string(),
        AccessRefusal::Side => "cet événement revient à l'autre partie".to_owned(),
        AccessRefusal::Guard(warnings) => warnings
            .iter()
            .map(|w| format!("{} : {}", w.field, w.message))
            .collect::<Vec<_>>()
            .join(" ; "),
    })
}

async fn write_request(tx: &mut Tx<'_>, request: &AccessRequest) -> Result<()> {
    let form = &request.form;
    sqlx::query(
        "UPDATE access_requests SET dataset_slug = $2, api_slug = $3, title = $4, purpose = $5, legal_basis = $6, legal_basis_url = $7, data_requested = $8, retention_months = $9, dpo_email = $10, technical_contact_email = $11, state = $12, updated_at = $13, submitted_at = $14, decided_at = $15 WHERE id = $1",
    )
    .bind(request.id)
    .bind(form.dataset.as_ref().map(Slug::as_str))
    .bind(form.api.as_ref().map(Slug::as_str))
    .bind(&form.title)
    .bind(&form.purpose)
    .bind(&form.legal_basis)
    .bind(&form.legal_basis_url)
    .bind(&form.data_requested)
    .bind(form.retention_months)
    .bind(&form.dpo_email)
    .bind(&form.technical_contact_email)
    .bind(request.state.as_str())
    .bind(&request.updated_at)
    .bind(&request.submitted_at)
    .bind(&request.decided_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Grants, ends or revokes the request's authorisation as `event` says.
async fn authorise(tx: &mut Tx<'_>, request: &AccessRequest, event: AccessEvent) -> Result<()> {
    let end = |state: AuthorisationState| {
        sqlx::query(
            "UPDATE authorisations SET state = $2, ended_at = $3 WHERE request_id = $1 AND state = $4",
        )
        .bind(request.id)
        .bind(state.as_str())
        .bind(&request.updated_at)
        .bind(AuthorisationState::Active.as_str())
    };
    match event {
        AccessEvent::Approve => {
            // The running authorisation of a reopened request gives way to the new one.
            end(AuthorisationState::Obsolete).execute(&mut **tx).await?;
            sqlx::query(
                "INSERT INTO authorisations (request_id, dataset_slug, api_slug, provider_slug, siret, state, granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(request.id)
            .bind(request.form.dataset.as_ref().map(Slug::as_str))
            .bind(request.form.api.as_ref().map(Slug::as_str))
            .bind(request.provider.as_str())
            .bind(&request.siret)
            .bind(AuthorisationState::Active.as_str())
            .bind(&request.updated_at)
            .execute(&mut **tx)
            .await?;
        }
        AccessEvent::Revoke => {
            end(AuthorisationState::Revoked).execute(&mut **tx).await?;
        }
        _ => {}
    }
    Ok(())
}

/// Takes `change` on request `id` by `by` at `at`, checked against the request as stored;
/// a refused change is [`StoreError::Refused`] with the reason.
pub(crate) async fn advance(
    pool: &Pool,
    id: i64,
    change: Move<'_>,
    by: Party,
    actor: &Actor,
    at: &str,
) -> Result<(AccessRequest, TrailEntry)> {
    let mut tx = audit::begin(pool).await?;
    let before = request_in(&mut tx, id).await?;
    let mut after = before.clone();
    let (kind, text) = match change {
        Move::Edit(form) => {
            after
                .edit(form.clone(), at)
                .map_err(|refusal| refused(&refusal))?;
            (TrailKind::Updated, "")
        }
        Move::Event {
            event,
            side,
            message,
        } => {
            after
                .take(event, side, message, at)
                .map_err(|refusal| refused(&refusal))?;
            (TrailKind::from(event), message)
        }
        Move::Message(body) => {
            if body.trim().is_empty() {
                return Err(StoreError::Refused(
                    "message : ce champ est obligatoire".into(),
                ));
            }
            at.clone_into(&mut after.updated_at);
            (TrailKind::Message, body)
        }
    };
    write_request(&mut tx, &after).await?;
    if let Move::Event { event, .. } = change {
        authorise(&mut tx, &after, event).await?;
    }
    let entry = insert_entry(&mut tx, &entry(&after, by, kind, text, at)).await?;
    notify(&mut tx, &after, &entry).await?;
    log(&mut tx, actor, Some(&before), &after, &entry).await?;
    tx.commit().await?;
    Ok((after, entry))
}

/// Pilote itself, in trails.
fn pilote() -> Party {
    Party {
        account: 0,
        name: "Pilote".to_owned(),
    }
}

/// Reminds the applicants of requests waiting on them with no news since `remind_before`
/// (once per wait), and archives the drafts with no news since `archive_before`. Returns
/// how many were reminded and archived.
pub(crate) async fn sweep(
    pool: &Pool,
    remind_before: &str,
    archive_before: &str,
    actor: &Actor,
    at: &str,
) -> Result<(u64, u64)> {
    let stale: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM access_requests WHERE state = $1 AND updated_at < $2 ORDER BY id",
    )
    .bind(AccessState::Draft.as_str())
    .bind(archive_before)
    .fetch_all(pool)
    .await?;
    let mut archived = 0;
    for id in stale {
        let outcome = advance(
            pool,
            id,
            Move::Event {
                event: AccessEvent::Archive,
                side: Side::Applicant,
                message: "Archivée après six mois sans nouvelles.",
            },
            pilote(),
            actor,
            at,
        )
        .await;
        match outcome {
            Ok(_) => archived += 1,
            // Changed meanwhile: the next sweep looks again.
            Err(StoreError::Refused(_)) => {}
            Err(error) => return Err(error),
        }
    }
    let waiting: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM access_requests WHERE state IN ($1, $2) AND updated_at < $3 AND (reminded_at IS NULL OR reminded_at < updated_at) ORDER BY id",
    )
    .bind(AccessState::Draft.as_str())
    .bind(AccessState::ChangesRequested.as_str())
    .bind(remind_before)
    .fetch_all(pool)
    .await?;
    let mut reminded = 0;
    for id in waiting {
        let mut tx = audit::begin(pool).await?;
        let request = request_in(&mut tx, id).await?;
        // A reminder is no news: `updated_at` stays, so archiving still counts from the
        // applicant's last change.
        sqlx::query("UPDATE access_requests SET reminded_at = $2 WHERE id = $1")
            .bind(id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        let text = format!(
            "Cette demande attend votre action depuis le {}.",
            request.updated_at.get(..10).unwrap_or(&request.updated_at)
        );
        let entry = insert_entry(
            &mut tx,
            &entry(&request, pilote(), TrailKind::Reminded, &text, at),
        )
        .await?;
        notify(&mut tx, &request, &entry).await?;
        tx.commit().await?;
        reminded += 1;
    }
    Ok((reminded, archived))
}

/// What requests show in place of the name of an account that is gone.
const FORGOTTEN: &str = "compte supprimé";

/// Replaces the names kept in requests and their trails for these accounts, inside the
/// caller's transaction (a member's erasure).
pub(crate) async fn forget_accounts(tx: &mut Tx<'_>, accounts: &[i64]) -> Result<()> {
    for account in accounts {
        for (table, name, key) in [
            ("access_requests", "applicant_name", "applicant_account"),
            ("access_request_events", "actor_name", "actor_account"),
        ] {
            sqlx::query(&format!("UPDATE {table} SET {name} = $1 WHERE {key} = $2"))
                .bind(FORGOTTEN)
                .bind(account)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}
