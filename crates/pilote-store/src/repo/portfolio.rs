//! The portfolio's repository: organisations, incubators, teams, products and members.
//!
//! Compiled once per backend (see `sqlite.rs` and `postgres.rs`): the SQL here must run
//! unchanged on SQLite and PostgreSQL. A record is written by deleting its rows (children
//! go with them by cascade) and inserting it whole, inside the caller's transaction. Every
//! write appends to the audit log, in the same transaction, what each record was and became.

use std::collections::HashMap;

use chrono::NaiveDate;
use pilote_domain::Money;
use pilote_domain::Slug;
use pilote_domain::audit::{Actor, AuditAction, Change};
use pilote_domain::portfolio::{
    DataQualityWarning, Domaine, Event, Fast, Incubator, Member, Mission, MissionStatus,
    Organisation, Phase, PhaseName, Portfolio, Product, Team,
};
use serde::Serialize;
use sqlx::{FromRow, Transaction};

use super::Db;
use super::audit;
use super::batch::{MAX_BINDS, fetch, insert};
use crate::{PortfolioChanges, Result, StoreError, WriteMode, json};

type Pool = sqlx::Pool<Db>;
type Tx<'c> = Transaction<'c, Db>;
type Conn = <Db as sqlx::Database>::Connection;

/// A portfolio record, as the audit log names it.
trait Record: Serialize + PartialEq {
    /// The log's `entity_kind`.
    const KIND: &'static str;
    fn slug(&self) -> &Slug;
    /// Whose key seals the record's personal values.
    fn subject(&self) -> Option<String> {
        None
    }
}

impl Record for Organisation {
    const KIND: &'static str = "organisation";
    fn slug(&self) -> &Slug {
        &self.slug
    }
}

impl Record for Incubator {
    const KIND: &'static str = "incubator";
    fn slug(&self) -> &Slug {
        &self.slug
    }
}

impl Record for Team {
    const KIND: &'static str = "team";
    fn slug(&self) -> &Slug {
        &self.slug
    }
}

impl Record for Product {
    const KIND: &'static str = "product";
    fn slug(&self) -> &Slug {
        &self.slug
    }
}

impl Record for Member {
    const KIND: &'static str = "member";
    fn slug(&self) -> &Slug {
        &self.slug
    }
    fn subject(&self) -> Option<String> {
        Some(member_subject(&self.slug))
    }
}

/// The audit subject of a member: whose key seals their personal values.
pub(crate) fn member_subject(slug: &Slug) -> String {
    format!("member:{slug}")
}

/// The log's entry for a record going from `before` to `after`; `None` when nothing changed.
fn change_of<T: Record>(before: Option<&T>, after: Option<&T>) -> Result<Option<Change>> {
    let action = match (before, after) {
        (None, None) => return Ok(None),
        (Some(before), Some(after)) if before == after => return Ok(None),
        (None, Some(_)) => AuditAction::Create,
        (Some(_), Some(_)) => AuditAction::Update,
        (Some(_), None) => AuditAction::Delete,
    };
    let Some(record) = after.or(before) else {
        return Ok(None);
    };
    let json = |record: Option<&T>| {
        record
            .map(serde_json::to_value)
            .transpose()
            .map_err(|error| corrupt(format!("{}.{}", T::KIND, record_slug(record)), &error))
    };
    Ok(Some(Change {
        action,
        entity_kind: T::KIND.to_owned(),
        entity_id: record.slug().to_string(),
        subject: record.subject(),
        before: json(before)?,
        after: json(after)?,
    }))
}

/// The log's entry for a product going from `before` to `after`.
pub(crate) fn product_change(before: &Product, after: &Product) -> Result<Option<Change>> {
    change_of(Some(before), Some(after))
}

fn record_slug<T: Record>(record: Option<&T>) -> String {
    record.map(|r| r.slug().to_string()).unwrap_or_default()
}

/// The log's entries for writing `records` over the stored `before` ones (any order).
fn changes_of<T: Record>(before: &[T], records: &[T], log: &mut Vec<Change>) -> Result<()> {
    let stored: HashMap<&Slug, &T> = before.iter().map(|r| (r.slug(), r)).collect();
    for record in records {
        log.extend(change_of(stored.get(record.slug()).copied(), Some(record))?);
    }
    Ok(())
}

pub(crate) async fn revision(pool: &Pool) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT revision FROM store_revision WHERE id = 1")
            .fetch_one(pool)
            .await?,
    )
}

pub(crate) async fn bump_revision(tx: &mut Tx<'_>) -> Result<()> {
    sqlx::query("UPDATE store_revision SET revision = revision + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) async fn apply(pool: &Pool, changes: &PortfolioChanges, actor: &Actor) -> Result<()> {
    let mut tx = audit::begin(pool).await?;
    let before = load_records(&mut tx, &Selection::of(changes)).await?;
    save_organisations(&mut tx, &changes.organisations).await?;
    save_incubators(&mut tx, &changes.incubators).await?;
    save_teams(&mut tx, &changes.teams).await?;
    save_products(&mut tx, &changes.products, WriteMode::Replace).await?;
    save_members(&mut tx, &changes.members, WriteMode::Replace).await?;
    let mut log = Vec::new();
    changes_of(&before.organisations, &changes.organisations, &mut log)?;
    changes_of(&before.incubators, &changes.incubators, &mut log)?;
    changes_of(&before.teams, &changes.teams, &mut log)?;
    changes_of(&before.products, &changes.products, &mut log)?;
    changes_of(&before.members, &changes.members, &mut log)?;
    if let Some(lines) = &changes.fast_budget {
        let budget = super::impact::replace_budget_lines_in(
            &mut tx,
            pilote_domain::impact::BudgetSource::Fast,
            lines,
        )
        .await?;
        log.extend(budget);
    }
    if let Some(decisions) = &changes.imported_decisions {
        log.extend(super::committee::replace_imported_in(&mut tx, decisions).await?);
    }
    audit::append(&mut tx, actor, &log).await?;
    bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn write_product(
    pool: &Pool,
    product: &Product,
    mode: WriteMode,
    actor: &Actor,
) -> Result<()> {
    let mut tx = audit::begin(pool).await?;
    let records = std::slice::from_ref(product);
    let before = load_products(&mut tx, Some(&slugs(records))).await?;
    save_products(&mut tx, records, mode).await?;
    let mut log = Vec::new();
    changes_of(&before, records, &mut log)?;
    audit::append(&mut tx, actor, &log).await?;
    bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn write_member(
    pool: &Pool,
    member: &Member,
    mode: WriteMode,
    actor: &Actor,
) -> Result<()> {
    let mut tx = audit::begin(pool).await?;
    let mut log = Vec::new();
    write_member_in(&mut tx, member, mode, &mut log).await?;
    audit::append(&mut tx, actor, &log).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes a member inside `tx` and adds its change to `log`: also for the writes of other
/// contexts that make someone a member (a selected candidate).
pub(crate) async fn write_member_in(
    tx: &mut Tx<'_>,
    member: &Member,
    mode: WriteMode,
    log: &mut Vec<Change>,
) -> Result<()> {
    let records = std::slice::from_ref(member);
    let before = load_members(tx, Some(&slugs(records))).await?;
    save_members(tx, records, mode).await?;
    changes_of(&before, records, log)?;
    bump_revision(tx).await
}

pub(crate) async fn delete_product(pool: &Pool, slug: &Slug, actor: &Actor) -> Result<()> {
    let mut tx = audit::begin(pool).await?;
    let before = load_products(&mut tx, Some(std::slice::from_ref(slug))).await?;
    delete(
        tx,
        "products",
        slug,
        change_of(before.first(), None)?,
        actor,
    )
    .await
}

pub(crate) async fn delete_member(pool: &Pool, slug: &Slug, actor: &Actor) -> Result<()> {
    let mut tx = audit::begin(pool).await?;
    let before = load_members(&mut tx, Some(std::slice::from_ref(slug))).await?;
    delete(tx, "members", slug, change_of(before.first(), None)?, actor).await
}

/// Deletes one record of `table` (never user input) whose deletion `change` describes;
/// [`StoreError::NotFound`] without one.
async fn delete(
    mut tx: Tx<'_>,
    table: &'static str,
    slug: &Slug,
    change: Option<Change>,
    actor: &Actor,
) -> Result<()> {
    let change = change.ok_or(StoreError::NotFound)?;
    remove(&mut tx, table, std::slice::from_ref(slug)).await?;
    audit::append(&mut tx, actor, &[change]).await?;
    bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Clears a member's personal fields; returns those that held a value, or `None` when there
/// is no such member.
pub(crate) async fn clear_personal_fields(
    tx: &mut Tx<'_>,
    slug: &Slug,
) -> Result<Option<Vec<&'static str>>> {
    let Some(member) = load_members(tx, Some(std::slice::from_ref(slug)))
        .await?
        .pop()
    else {
        return Ok(None);
    };
    let cleared: Vec<&'static str> = [("email", &member.email), ("phone", &member.phone)]
        .into_iter()
        .filter(|(_, value)| value.is_some())
        .map(|(field, _)| field)
        .collect();
    if !cleared.is_empty() {
        sqlx::query("UPDATE members SET email = NULL, phone = NULL WHERE slug = $1")
            .bind(slug.as_str())
            .execute(&mut **tx)
            .await?;
        bump_revision(tx).await?;
    }
    Ok(Some(cleared))
}

/// Removes records by slug and, by cascade, their children; returns how many existed.
async fn remove(tx: &mut Tx<'_>, table: &'static str, slugs: &[Slug]) -> Result<u64> {
    let mut removed = 0;
    for chunk in slugs.chunks(MAX_BINDS) {
        let mut builder =
            sqlx::QueryBuilder::<Db>::new(format!("DELETE FROM {table} WHERE slug IN ("));
        let mut list = builder.separated(", ");
        for slug in chunk {
            list.push_bind(slug.as_str());
        }
        builder.push(")");
        removed += builder.build().execute(&mut **tx).await?.rows_affected();
    }
    Ok(removed)
}

/// Clears the way for writing records according to the mode.
async fn prepare(
    tx: &mut Tx<'_>,
    table: &'static str,
    slugs: &[Slug],
    mode: WriteMode,
) -> Result<()> {
    match mode {
        // A taken slug makes the insert fail with a unique violation: a conflict.
        WriteMode::Create => Ok(()),
        WriteMode::Update => {
            let removed = remove(tx, table, slugs).await?;
            if usize::try_from(removed).is_ok_and(|n| n == slugs.len()) {
                Ok(())
            } else {
                Err(StoreError::NotFound)
            }
        }
        WriteMode::Replace => remove(tx, table, slugs).await.map(|_| ()),
    }
}

fn slugs<T: Record>(records: &[T]) -> Vec<Slug> {
    records.iter().map(|record| record.slug().clone()).collect()
}

async fn save_organisations(tx: &mut Tx<'_>, organisations: &[Organisation]) -> Result<()> {
    remove(tx, "organisations", &slugs(organisations)).await?;
    insert(
        tx,
        "INSERT INTO organisations (slug, name, acronym, kind, ministerial_domain, extra) ",
        6,
        organisations,
        |row, organisation| {
            row.push_bind(organisation.slug.as_str())
                .push_bind(&organisation.name)
                .push_bind(&organisation.acronym)
                .push_bind(&organisation.kind)
                .push_bind(&organisation.ministerial_domain)
                .push_bind(json::encode(&organisation.extra));
        },
    )
    .await
}

async fn save_incubators(tx: &mut Tx<'_>, incubators: &[Incubator]) -> Result<()> {
    remove(tx, "incubators", &slugs(incubators)).await?;
    insert(
        tx,
        "INSERT INTO incubators (slug, title, owner, contact, website, github, address,
             short_description, highlighted_products, description, extra) ",
        11,
        incubators,
        |row, incubator| {
            row.push_bind(incubator.slug.as_str())
                .push_bind(&incubator.title)
                .push_bind(incubator.owner.as_ref().map(Slug::as_str))
                .push_bind(&incubator.contact)
                .push_bind(&incubator.website)
                .push_bind(&incubator.github)
                .push_bind(&incubator.address)
                .push_bind(&incubator.short_description)
                .push_bind(json::encode(&incubator.highlighted_products))
                .push_bind(&incubator.description)
                .push_bind(json::encode(&incubator.extra));
        },
    )
    .await
}

async fn save_teams(tx: &mut Tx<'_>, teams: &[Team]) -> Result<()> {
    remove(tx, "teams", &slugs(teams)).await?;
    insert(
        tx,
        "INSERT INTO teams (slug, name, mission, incubator) ",
        4,
        teams,
        |row, team| {
            row.push_bind(team.slug.as_str())
                .push_bind(&team.name)
                .push_bind(&team.mission)
                .push_bind(team.incubator.as_str());
        },
    )
    .await
}

/// Roles of `product_links`.
const SPONSOR: &str = "sponsor";
const INCUBATOR: &str = "incubator";

/// The children of records, flattened with their parent's slug and their position.
fn children<'a, T, C: 'a>(
    records: &'a [T],
    slug: impl Fn(&'a T) -> &'a Slug,
    items: impl Fn(&'a T) -> &'a [C],
) -> Vec<(&'a str, i32, &'a C)> {
    records
        .iter()
        .flat_map(|record| {
            let parent = slug(record).as_str();
            (0i32..)
                .zip(items(record))
                .map(move |(position, item)| (parent, position, item))
        })
        .collect()
}

pub(crate) async fn save_products(
    tx: &mut Tx<'_>,
    products: &[Product],
    mode: WriteMode,
) -> Result<()> {
    prepare(tx, "products", &slugs(products), mode).await?;
    insert(
        tx,
        "INSERT INTO products (slug, title, mission, description, incubator, usertypes,
             thematiques, techno, link, repository, contact, stats_url, impact_url, budget_url,
             dashlord_url, accessibility_status, analyse_risques, mon_service_securise,
             fast_promotion, fast_amount_cents, extra, data_quality) ",
        22,
        products,
        |row, product| {
            row.push_bind(product.slug.as_str())
                .push_bind(&product.title)
                .push_bind(&product.mission)
                .push_bind(&product.description)
                .push_bind(product.incubator.as_str())
                .push_bind(json::encode(&product.usertypes))
                .push_bind(json::encode(&product.thematiques))
                .push_bind(json::encode(&product.techno))
                .push_bind(&product.link)
                .push_bind(&product.repository)
                .push_bind(&product.contact)
                .push_bind(&product.stats_url)
                .push_bind(&product.impact_url)
                .push_bind(&product.budget_url)
                .push_bind(&product.dashlord_url)
                .push_bind(&product.accessibility_status)
                .push_bind(product.analyse_risques)
                .push_bind(product.mon_service_securise)
                .push_bind(product.fast.as_ref().map(|fast| i32::from(fast.promotion)))
                .push_bind(product.fast.as_ref().map(|fast| fast.amount.cents()))
                .push_bind(json::encode(&product.extra))
                .push_bind(json::encode(&product.data_quality));
        },
    )
    .await?;
    let phases = children(products, |p| &p.slug, |p| &p.phases);
    insert(
        tx,
        "INSERT INTO product_phases (product, position, name, source_name, start, \"end\", comment) ",
        7,
        &phases,
        |row, (product, position, phase)| {
            row.push_bind(*product)
                .push_bind(*position)
                .push_bind(phase.name.as_str())
                .push_bind(&phase.source_name)
                .push_bind(phase.start)
                .push_bind(phase.end)
                .push_bind(&phase.comment);
        },
    )
    .await?;
    let events = children(products, |p| &p.slug, |p| &p.events);
    insert(
        tx,
        "INSERT INTO product_events (product, position, name, date, comment) ",
        5,
        &events,
        |row, (product, position, event)| {
            row.push_bind(*product)
                .push_bind(*position)
                .push_bind(&event.name)
                .push_bind(event.date)
                .push_bind(&event.comment);
        },
    )
    .await?;
    for (role, targets) in [
        (SPONSOR, children(products, |p| &p.slug, |p| &p.sponsors)),
        (
            INCUBATOR,
            children(products, |p| &p.slug, |p| &p.incubators),
        ),
    ] {
        insert(
            tx,
            "INSERT INTO product_links (product, role, position, target) ",
            4,
            &targets,
            |row, (product, position, target)| {
                row.push_bind(*product)
                    .push_bind(role)
                    .push_bind(*position)
                    .push_bind(target.as_str());
            },
        )
        .await?;
    }
    Ok(())
}

async fn save_members(tx: &mut Tx<'_>, members: &[Member], mode: WriteMode) -> Result<()> {
    prepare(tx, "members", &slugs(members), mode).await?;
    insert(
        tx,
        "INSERT INTO members (slug, fullname, role, domaine, competences, github, link,
             member_type, previously, badges, teams, bio, extra, data_quality, email, phone) ",
        16,
        members,
        |row, member| {
            row.push_bind(member.slug.as_str())
                .push_bind(&member.fullname)
                .push_bind(&member.role)
                .push_bind(member.domaine.label())
                .push_bind(json::encode(&member.competences))
                .push_bind(&member.github)
                .push_bind(&member.link)
                .push_bind(&member.member_type)
                .push_bind(json::encode(&member.previously))
                .push_bind(json::encode(&member.badges))
                .push_bind(json::encode(&member.teams))
                .push_bind(&member.bio)
                .push_bind(json::encode(&member.extra))
                .push_bind(json::encode(&member.data_quality))
                .push_bind(&member.email)
                .push_bind(&member.phone);
        },
    )
    .await?;
    let missions = children(members, |m| &m.slug, |m| &m.missions);
    insert(
        tx,
        "INSERT INTO missions (member, position, start, \"end\", status, employer) ",
        6,
        &missions,
        |row, (member, position, mission)| {
            row.push_bind(*member)
                .push_bind(*position)
                .push_bind(mission.start)
                .push_bind(mission.end)
                .push_bind(mission.status.as_str())
                .push_bind(&mission.employer);
        },
    )
    .await?;
    let products: Vec<(&str, i32, i32, &Slug)> = missions
        .iter()
        .flat_map(|(member, mission, m)| {
            (0i32..)
                .zip(&m.products)
                .map(move |(position, product)| (*member, *mission, position, product))
        })
        .collect();
    insert(
        tx,
        "INSERT INTO mission_products (member, mission, position, product) ",
        4,
        &products,
        |row, (member, mission, position, product)| {
            row.push_bind(*member)
                .push_bind(*mission)
                .push_bind(*position)
                .push_bind(product.as_str());
        },
    )
    .await
}

pub(crate) async fn load(pool: &Pool) -> Result<Portfolio> {
    load_records(&mut *pool.acquire().await?, &Selection::default()).await
}

/// Which records to load: for each kind, every one (`None`) or those of the given slugs.
#[derive(Default)]
struct Selection {
    organisations: Option<Vec<Slug>>,
    incubators: Option<Vec<Slug>>,
    teams: Option<Vec<Slug>>,
    products: Option<Vec<Slug>>,
    members: Option<Vec<Slug>>,
}

impl Selection {
    /// The records that `changes` would replace.
    fn of(changes: &PortfolioChanges) -> Self {
        Self {
            organisations: Some(slugs(&changes.organisations)),
            incubators: Some(slugs(&changes.incubators)),
            teams: Some(slugs(&changes.teams)),
            products: Some(slugs(&changes.products)),
            members: Some(slugs(&changes.members)),
        }
    }
}

/// Loads the selected records, each list sorted by slug, from a pooled connection or from
/// inside a transaction.
async fn load_records(conn: &mut Conn, selection: &Selection) -> Result<Portfolio> {
    let organisations = fetch::<OrganisationRow, _>(
        conn,
        "SELECT * FROM organisations",
        filter("slug", selection.organisations.as_deref()),
        "slug",
    )
    .await?
    .into_iter()
    .map(OrganisationRow::into_domain)
    .collect::<Result<_>>()?;
    let incubators = fetch::<IncubatorRow, _>(
        conn,
        "SELECT * FROM incubators",
        filter("slug", selection.incubators.as_deref()),
        "slug",
    )
    .await?
    .into_iter()
    .map(IncubatorRow::into_domain)
    .collect::<Result<_>>()?;
    let teams = fetch::<TeamRow, _>(
        conn,
        "SELECT * FROM teams",
        filter("slug", selection.teams.as_deref()),
        "slug",
    )
    .await?
    .into_iter()
    .map(TeamRow::into_domain)
    .collect::<Result<_>>()?;
    let products = load_products(conn, selection.products.as_deref()).await?;
    let members = load_members(conn, selection.members.as_deref()).await?;
    Ok(Portfolio {
        organisations,
        incubators,
        teams,
        products,
        members,
    })
}

/// A filter on `column` for [`fetch`], when slugs are given.
fn filter<'a>(column: &'a str, slugs: Option<&'a [Slug]>) -> Option<(&'a str, &'a [Slug])> {
    slugs.map(|slugs| (column, slugs))
}

/// Groups child rows by their parent's slug, keeping their order.
fn group<R>(rows: Vec<R>, parent: impl Fn(&R) -> &str) -> HashMap<String, Vec<R>> {
    let mut groups: HashMap<String, Vec<R>> = HashMap::new();
    for row in rows {
        groups.entry(parent(&row).to_owned()).or_default().push(row);
    }
    groups
}

/// Loads every product, or those of `slugs`, sorted by slug.
pub(crate) async fn load_products(conn: &mut Conn, slugs: Option<&[Slug]>) -> Result<Vec<Product>> {
    let rows = fetch::<ProductRow, _>(
        conn,
        "SELECT * FROM products",
        filter("slug", slugs),
        "slug",
    )
    .await?;
    let phases = fetch::<PhaseRow, _>(
        conn,
        "SELECT product, name, source_name, start, \"end\", comment FROM product_phases",
        filter("product", slugs),
        "product, position",
    )
    .await?;
    let events = fetch::<EventRow, _>(
        conn,
        "SELECT product, name, date, comment FROM product_events",
        filter("product", slugs),
        "product, position",
    )
    .await?;
    let links = fetch::<LinkRow, _>(
        conn,
        "SELECT product, role, target FROM product_links",
        filter("product", slugs),
        "product, role, position",
    )
    .await?;
    let mut phases = group(phases, |row| &row.product);
    let mut events = group(events, |row| &row.product);
    let mut links = group(links, |row| &row.product);
    rows.into_iter()
        .map(|row| {
            let slug = row.slug.clone();
            row.into_domain(
                phases.remove(&slug).unwrap_or_default(),
                events.remove(&slug).unwrap_or_default(),
                links.remove(&slug).unwrap_or_default(),
            )
        })
        .collect()
}

/// Loads every member, or those of `slugs`, sorted by slug.
pub(crate) async fn load_members(conn: &mut Conn, slugs: Option<&[Slug]>) -> Result<Vec<Member>> {
    let rows =
        fetch::<MemberRow, _>(conn, "SELECT * FROM members", filter("slug", slugs), "slug").await?;
    let missions = fetch::<MissionRow, _>(
        conn,
        "SELECT member, position, start, \"end\", status, employer FROM missions",
        filter("member", slugs),
        "member, position",
    )
    .await?;
    let products = fetch::<MissionProductRow, _>(
        conn,
        "SELECT member, mission, product FROM mission_products",
        filter("member", slugs),
        "member, mission, position",
    )
    .await?;
    let mut missions = group(missions, |row| &row.member);
    let mut products = group(products, |row| &row.member);
    rows.into_iter()
        .map(|row| {
            let slug = row.slug.clone();
            row.into_domain(
                missions.remove(&slug).unwrap_or_default(),
                products.remove(&slug).unwrap_or_default(),
            )
        })
        .collect()
}

/// Parses a stored slug, naming where it came from when it is corrupt.
fn slug(value: &str, what: &str) -> Result<Slug> {
    Slug::parse(value).map_err(|error| corrupt(what.to_owned(), &error))
}

fn corrupt(what: String, error: &impl ToString) -> StoreError {
    StoreError::Corrupt {
        what,
        reason: error.to_string(),
    }
}

#[derive(FromRow)]
struct OrganisationRow {
    slug: String,
    name: String,
    acronym: Option<String>,
    kind: String,
    ministerial_domain: String,
    extra: String,
}

impl OrganisationRow {
    fn into_domain(self) -> Result<Organisation> {
        Ok(Organisation {
            extra: json::decode(&self.extra, || format!("organisations.{}.extra", self.slug))?,
            slug: slug(&self.slug, "organisations.slug")?,
            name: self.name,
            acronym: self.acronym,
            kind: self.kind,
            ministerial_domain: self.ministerial_domain,
        })
    }
}

#[derive(FromRow)]
struct IncubatorRow {
    slug: String,
    title: String,
    owner: Option<String>,
    contact: Option<String>,
    website: Option<String>,
    github: Option<String>,
    address: Option<String>,
    short_description: Option<String>,
    highlighted_products: String,
    description: String,
    extra: String,
}

impl IncubatorRow {
    fn into_domain(self) -> Result<Incubator> {
        let at = |field: &str| format!("incubators.{}.{field}", self.slug);
        Ok(Incubator {
            owner: self
                .owner
                .as_deref()
                .map(|o| slug(o, &at("owner")))
                .transpose()?,
            highlighted_products: json::decode(&self.highlighted_products, || {
                at("highlighted_products")
            })?,
            extra: json::decode(&self.extra, || at("extra"))?,
            slug: slug(&self.slug, "incubators.slug")?,
            title: self.title,
            contact: self.contact,
            website: self.website,
            github: self.github,
            address: self.address,
            short_description: self.short_description,
            description: self.description,
        })
    }
}

#[derive(FromRow)]
struct TeamRow {
    slug: String,
    name: String,
    mission: String,
    incubator: String,
}

impl TeamRow {
    fn into_domain(self) -> Result<Team> {
        Ok(Team {
            incubator: slug(&self.incubator, &format!("teams.{}.incubator", self.slug))?,
            slug: slug(&self.slug, "teams.slug")?,
            name: self.name,
            mission: self.mission,
        })
    }
}

#[derive(FromRow)]
struct ProductRow {
    slug: String,
    title: String,
    mission: String,
    description: String,
    incubator: String,
    usertypes: String,
    thematiques: String,
    techno: String,
    link: Option<String>,
    repository: Option<String>,
    contact: Option<String>,
    stats_url: Option<String>,
    impact_url: Option<String>,
    budget_url: Option<String>,
    dashlord_url: Option<String>,
    accessibility_status: Option<String>,
    analyse_risques: Option<bool>,
    mon_service_securise: Option<bool>,
    fast_promotion: Option<i32>,
    fast_amount_cents: Option<i64>,
    extra: String,
    data_quality: String,
}

#[derive(FromRow)]
struct PhaseRow {
    product: String,
    name: String,
    source_name: Option<String>,
    start: NaiveDate,
    end: Option<NaiveDate>,
    comment: Option<String>,
}

#[derive(FromRow)]
struct EventRow {
    product: String,
    name: String,
    date: NaiveDate,
    comment: Option<String>,
}

#[derive(FromRow)]
struct LinkRow {
    product: String,
    role: String,
    target: String,
}

impl ProductRow {
    fn into_domain(
        self,
        phases: Vec<PhaseRow>,
        events: Vec<EventRow>,
        links: Vec<LinkRow>,
    ) -> Result<Product> {
        let at = |field: &str| format!("products.{}.{field}", self.slug);
        let phases = phases
            .into_iter()
            .map(|row| {
                Ok(Phase {
                    name: PhaseName::parse(&row.name).map_err(|e| corrupt(at("phases"), &e))?,
                    source_name: row.source_name,
                    start: row.start,
                    end: row.end,
                    comment: row.comment,
                })
            })
            .collect::<Result<_>>()?;
        let events = events
            .into_iter()
            .map(|row| Event {
                name: row.name,
                date: row.date,
                comment: row.comment,
            })
            .collect();
        let (mut sponsors, mut incubators) = (Vec::new(), Vec::new());
        for link in links {
            let target = slug(&link.target, &at(&link.role))?;
            match link.role.as_str() {
                SPONSOR => sponsors.push(target),
                INCUBATOR => incubators.push(target),
                other => return Err(corrupt(at("links"), &format!("unknown role {other}"))),
            }
        }
        let fast = match (self.fast_promotion, self.fast_amount_cents) {
            (Some(promotion), Some(cents)) => Some(Fast {
                promotion: u16::try_from(promotion)
                    .map_err(|e| corrupt(at("fast_promotion"), &e))?,
                amount: Money::from_cents(cents),
            }),
            _ => None,
        };
        Ok(Product {
            incubator: slug(&self.incubator, &at("incubator"))?,
            usertypes: json::decode(&self.usertypes, || at("usertypes"))?,
            thematiques: json::decode(&self.thematiques, || at("thematiques"))?,
            techno: json::decode(&self.techno, || at("techno"))?,
            extra: json::decode(&self.extra, || at("extra"))?,
            data_quality: json::decode::<Vec<DataQualityWarning>>(&self.data_quality, || {
                at("data_quality")
            })?,
            slug: slug(&self.slug, "products.slug")?,
            title: self.title,
            mission: self.mission,
            description: self.description,
            incubators,
            sponsors,
            phases,
            events,
            link: self.link,
            repository: self.repository,
            contact: self.contact,
            stats_url: self.stats_url,
            impact_url: self.impact_url,
            budget_url: self.budget_url,
            dashlord_url: self.dashlord_url,
            accessibility_status: self.accessibility_status,
            analyse_risques: self.analyse_risques,
            mon_service_securise: self.mon_service_securise,
            fast,
        })
    }
}

#[derive(FromRow)]
struct MemberRow {
    slug: String,
    fullname: String,
    role: String,
    domaine: String,
    competences: String,
    github: Option<String>,
    link: Option<String>,
    member_type: Option<String>,
    previously: String,
    badges: String,
    teams: String,
    bio: String,
    extra: String,
    data_quality: String,
    email: Option<String>,
    phone: Option<String>,
}

#[derive(FromRow)]
struct MissionRow {
    member: String,
    position: i32,
    start: NaiveDate,
    end: Option<NaiveDate>,
    status: String,
    employer: Option<String>,
}

#[derive(FromRow)]
struct MissionProductRow {
    member: String,
    mission: i32,
    product: String,
}

impl MemberRow {
    fn into_domain(
        self,
        missions: Vec<MissionRow>,
        products: Vec<MissionProductRow>,
    ) -> Result<Member> {
        let at = |field: &str| format!("members.{}.{field}", self.slug);
        let mut products = products.into_iter().peekable();
        let missions = missions
            .into_iter()
            .map(|row| {
                let mut slugs = Vec::new();
                while let Some(product) = products.next_if(|p| p.mission == row.position) {
                    slugs.push(slug(&product.product, &at("missions.products"))?);
                }
                Ok(Mission {
                    status: MissionStatus::parse(&row.status)
                        .map_err(|e| corrupt(at("missions.status"), &e))?,
                    start: row.start,
                    end: row.end,
                    employer: row.employer,
                    products: slugs,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Member {
            domaine: Domaine::parse(&self.domaine).map_err(|e| corrupt(at("domaine"), &e))?,
            competences: json::decode(&self.competences, || at("competences"))?,
            previously: json::decode(&self.previously, || at("previously"))?,
            badges: json::decode(&self.badges, || at("badges"))?,
            teams: json::decode(&self.teams, || at("teams"))?,
            extra: json::decode(&self.extra, || at("extra"))?,
            data_quality: json::decode(&self.data_quality, || at("data_quality"))?,
            slug: slug(&self.slug, "members.slug")?,
            fullname: self.fullname,
            role: self.role,
            github: self.github,
            link: self.link,
            member_type: self.member_type,
            bio: self.bio,
            email: self.email,
            phone: self.phone,
            missions,
        })
    }
}

/// Makes `incubator` and exactly `products` the records of that incubator, inside the
/// caller's transaction, for an import that owns an incubator (the EIG programme): writes
/// only what changes, removes the incubator's other products, and returns the log's
/// entries, the products' counts and the slugs of the products removed.
pub(crate) async fn replace_incubator_products(
    tx: &mut Tx<'_>,
    incubator: &Incubator,
    products: &[Product],
    dry_run: bool,
) -> Result<(Vec<Change>, crate::Replaced, Vec<Slug>)> {
    let selection = Selection {
        organisations: Some(Vec::new()),
        incubators: Some(vec![incubator.slug.clone()]),
        teams: Some(Vec::new()),
        products: Some(Vec::new()),
        members: Some(Vec::new()),
    };
    let stored_incubator = load_records(tx, &selection).await?.incubators.pop();
    let owned: Vec<String> = sqlx::query_scalar("SELECT slug FROM products WHERE incubator = $1")
        .bind(incubator.slug.as_str())
        .fetch_all(&mut **tx)
        .await?;
    let mut wanted: Vec<Slug> = owned
        .iter()
        .map(|s| slug(s, "product"))
        .collect::<Result<_>>()?;
    wanted.extend(slugs(products));
    wanted.sort();
    wanted.dedup();
    let stored = load_products(tx, Some(&wanted)).await?;
    // A product of the same slug elsewhere is taken over only if the import names it.
    let stored: Vec<Product> = stored
        .into_iter()
        .filter(|p| p.incubator == incubator.slug || products.iter().any(|n| n.slug == p.slug))
        .collect();
    let (steps, counts) =
        crate::Replaced::plan(&stored, products, |p| p.slug.clone(), PartialEq::eq);
    let mut log = Vec::new();
    log.extend(change_of(stored_incubator.as_ref(), Some(incubator))?);
    let mut removed = Vec::new();
    let mut written = Vec::new();
    for (old, new) in steps {
        log.extend(change_of(old, new)?);
        match (old, new) {
            (Some(old), None) => removed.push(old.slug.clone()),
            (_, Some(new)) => written.push(new.clone()),
            (None, None) => {}
        }
    }
    if !dry_run {
        if stored_incubator.as_ref() != Some(incubator) {
            save_incubators(tx, std::slice::from_ref(incubator)).await?;
        }
        remove(tx, "products", &removed).await?;
        save_products(tx, &written, WriteMode::Replace).await?;
    }
    Ok((log, counts, removed))
}
