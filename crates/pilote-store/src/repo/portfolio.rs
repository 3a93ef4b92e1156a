//! The portfolio's repository: organisations, incubators, teams, products and members.
//!
//! Compiled once per backend (see `sqlite.rs` and `postgres.rs`): the SQL here must run
//! unchanged on SQLite and PostgreSQL. A record is written by deleting its rows (children
//! go with them by cascade) and inserting it whole, inside the caller's transaction.

use std::collections::HashMap;

use chrono::NaiveDate;
use pilote_domain::Money;
use pilote_domain::Slug;
use pilote_domain::portfolio::{
    DataQualityWarning, Domaine, Event, Fast, Incubator, Member, Mission, MissionStatus,
    Organisation, Phase, PhaseName, Portfolio, Product, Team,
};
use sqlx::{FromRow, Transaction};

use super::Db;
use crate::{PortfolioChanges, Result, StoreError, WriteMode, json};

type Pool = sqlx::Pool<Db>;
type Tx<'c> = Transaction<'c, Db>;

pub(crate) async fn revision(pool: &Pool) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT revision FROM store_revision WHERE id = 1")
            .fetch_one(pool)
            .await?,
    )
}

async fn bump_revision(tx: &mut Tx<'_>) -> Result<()> {
    sqlx::query("UPDATE store_revision SET revision = revision + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) async fn apply(pool: &Pool, changes: &PortfolioChanges) -> Result<()> {
    let mut tx = pool.begin().await?;
    for organisation in &changes.organisations {
        save_organisation(&mut tx, organisation).await?;
    }
    for incubator in &changes.incubators {
        save_incubator(&mut tx, incubator).await?;
    }
    for team in &changes.teams {
        save_team(&mut tx, team).await?;
    }
    for product in &changes.products {
        save_product(&mut tx, product, WriteMode::Replace).await?;
    }
    for member in &changes.members {
        save_member(&mut tx, member, WriteMode::Replace).await?;
    }
    bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn write_product(pool: &Pool, product: &Product, mode: WriteMode) -> Result<()> {
    let mut tx = pool.begin().await?;
    save_product(&mut tx, product, mode).await?;
    bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn write_member(pool: &Pool, member: &Member, mode: WriteMode) -> Result<()> {
    let mut tx = pool.begin().await?;
    save_member(&mut tx, member, mode).await?;
    bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes one record of `table` (`products` or `members`; never user input).
pub(crate) async fn delete(pool: &Pool, table: &'static str, slug: &Slug) -> Result<()> {
    let mut tx = pool.begin().await?;
    let removed = remove(&mut tx, table, slug).await?;
    if !removed {
        return Err(StoreError::NotFound);
    }
    bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a record and, by cascade, its children; says whether it existed.
async fn remove(tx: &mut Tx<'_>, table: &'static str, slug: &Slug) -> Result<bool> {
    let sql = format!("DELETE FROM {table} WHERE slug = $1");
    let done = sqlx::query(&sql)
        .bind(slug.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Clears the way for writing a record according to the mode.
async fn prepare(tx: &mut Tx<'_>, table: &'static str, slug: &Slug, mode: WriteMode) -> Result<()> {
    match mode {
        // A taken slug makes the insert fail with a unique violation: a conflict.
        WriteMode::Create => Ok(()),
        WriteMode::Update => {
            if remove(tx, table, slug).await? {
                Ok(())
            } else {
                Err(StoreError::NotFound)
            }
        }
        WriteMode::Replace => remove(tx, table, slug).await.map(|_| ()),
    }
}

async fn save_organisation(tx: &mut Tx<'_>, organisation: &Organisation) -> Result<()> {
    remove(tx, "organisations", &organisation.slug).await?;
    sqlx::query(
        "INSERT INTO organisations (slug, name, acronym, kind, ministerial_domain, extra)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(organisation.slug.as_str())
    .bind(&organisation.name)
    .bind(&organisation.acronym)
    .bind(&organisation.kind)
    .bind(&organisation.ministerial_domain)
    .bind(json::encode(&organisation.extra))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn save_incubator(tx: &mut Tx<'_>, incubator: &Incubator) -> Result<()> {
    remove(tx, "incubators", &incubator.slug).await?;
    sqlx::query(
        "INSERT INTO incubators (slug, title, owner, contact, website, github, address,
             short_description, highlighted_products, description, extra)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(incubator.slug.as_str())
    .bind(&incubator.title)
    .bind(incubator.owner.as_ref().map(Slug::as_str))
    .bind(&incubator.contact)
    .bind(&incubator.website)
    .bind(&incubator.github)
    .bind(&incubator.address)
    .bind(&incubator.short_description)
    .bind(json::encode(&incubator.highlighted_products))
    .bind(&incubator.description)
    .bind(json::encode(&incubator.extra))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn save_team(tx: &mut Tx<'_>, team: &Team) -> Result<()> {
    remove(tx, "teams", &team.slug).await?;
    sqlx::query("INSERT INTO teams (slug, name, mission, incubator) VALUES ($1, $2, $3, $4)")
        .bind(team.slug.as_str())
        .bind(&team.name)
        .bind(&team.mission)
        .bind(team.incubator.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn save_product(tx: &mut Tx<'_>, product: &Product, mode: WriteMode) -> Result<()> {
    prepare(tx, "products", &product.slug, mode).await?;
    let slug = product.slug.as_str();
    sqlx::query(
        "INSERT INTO products (slug, title, mission, description, incubator, usertypes,
             thematiques, techno, link, repository, contact, stats_url, impact_url, budget_url,
             dashlord_url, accessibility_status, analyse_risques, mon_service_securise,
             fast_promotion, fast_amount_cents, extra, data_quality)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
             $18, $19, $20, $21, $22)",
    )
    .bind(slug)
    .bind(&product.title)
    .bind(&product.mission)
    .bind(&product.description)
    .bind(product.incubator.as_str())
    .bind(json::encode(&product.usertypes))
    .bind(json::encode(&product.thematiques))
    .bind(json::encode(&product.techno))
    .bind(&product.link)
    .bind(&product.repository)
    .bind(&product.contact)
    .bind(&product.stats_url)
    .bind(&product.impact_url)
    .bind(&product.budget_url)
    .bind(&product.dashlord_url)
    .bind(&product.accessibility_status)
    .bind(product.analyse_risques)
    .bind(product.mon_service_securise)
    .bind(product.fast.as_ref().map(|fast| i32::from(fast.promotion)))
    .bind(product.fast.as_ref().map(|fast| fast.amount.cents()))
    .bind(json::encode(&product.extra))
    .bind(json::encode(&product.data_quality))
    .execute(&mut **tx)
    .await?;
    for (position, phase) in (0i32..).zip(&product.phases) {
        sqlx::query(
            "INSERT INTO product_phases (product, position, name, source_name, start, \"end\", comment)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(slug)
        .bind(position)
        .bind(phase.name.as_str())
        .bind(&phase.source_name)
        .bind(phase.start)
        .bind(phase.end)
        .bind(&phase.comment)
        .execute(&mut **tx)
        .await?;
    }
    for (position, event) in (0i32..).zip(&product.events) {
        sqlx::query(
            "INSERT INTO product_events (product, position, name, date, comment)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(slug)
        .bind(position)
        .bind(&event.name)
        .bind(event.date)
        .bind(&event.comment)
        .execute(&mut **tx)
        .await?;
    }
    let links = [
        (SPONSOR, &product.sponsors),
        (INCUBATOR, &product.incubators),
    ];
    for (role, targets) in links {
        for (position, target) in (0i32..).zip(targets) {
            sqlx::query(
                "INSERT INTO product_links (product, role, position, target) VALUES ($1, $2, $3, $4)",
            )
            .bind(slug)
            .bind(role)
            .bind(position)
            .bind(target.as_str())
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// Roles of `product_links`.
const SPONSOR: &str = "sponsor";
const INCUBATOR: &str = "incubator";

async fn save_member(tx: &mut Tx<'_>, member: &Member, mode: WriteMode) -> Result<()> {
    prepare(tx, "members", &member.slug, mode).await?;
    let slug = member.slug.as_str();
    sqlx::query(
        "INSERT INTO members (slug, fullname, role, domaine, competences, github, link,
             member_type, previously, badges, teams, bio, extra, data_quality)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(slug)
    .bind(&member.fullname)
    .bind(&member.role)
    .bind(member.domaine.label())
    .bind(json::encode(&member.competences))
    .bind(&member.github)
    .bind(&member.link)
    .bind(&member.member_type)
    .bind(json::encode(&member.previously))
    .bind(json::encode(&member.badges))
    .bind(json::encode(&member.teams))
    .bind(&member.bio)
    .bind(json::encode(&member.extra))
    .bind(json::encode(&member.data_quality))
    .execute(&mut **tx)
    .await?;
    for (position, mission) in (0i32..).zip(&member.missions) {
        sqlx::query(
            "INSERT INTO missions (member, position, start, \"end\", status, employer)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(slug)
        .bind(position)
        .bind(mission.start)
        .bind(mission.end)
        .bind(mission.status.as_str())
        .bind(&mission.employer)
        .execute(&mut **tx)
        .await?;
        for (index, product) in (0i32..).zip(&mission.products) {
            sqlx::query(
                "INSERT INTO mission_products (member, mission, position, product)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(slug)
            .bind(position)
            .bind(index)
            .bind(product.as_str())
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

pub(crate) async fn load(pool: &Pool) -> Result<Portfolio> {
    let mut conn = pool.acquire().await?;
    let organisations =
        sqlx::query_as::<_, OrganisationRow>("SELECT * FROM organisations ORDER BY slug")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(OrganisationRow::into_domain)
            .collect::<Result<_>>()?;
    let incubators = sqlx::query_as::<_, IncubatorRow>("SELECT * FROM incubators ORDER BY slug")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(IncubatorRow::into_domain)
        .collect::<Result<_>>()?;
    let teams = sqlx::query_as::<_, TeamRow>("SELECT * FROM teams ORDER BY slug")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(TeamRow::into_domain)
        .collect::<Result<_>>()?;
    let products = load_products(&mut conn).await?;
    let members = load_members(&mut conn).await?;
    Ok(Portfolio {
        organisations,
        incubators,
        teams,
        products,
        members,
    })
}

/// Groups child rows by their parent's slug, keeping their order.
fn group<R>(rows: Vec<R>, parent: impl Fn(&R) -> &str) -> HashMap<String, Vec<R>> {
    let mut groups: HashMap<String, Vec<R>> = HashMap::new();
    for row in rows {
        groups.entry(parent(&row).to_owned()).or_default().push(row);
    }
    groups
}

async fn load_products(conn: &mut sqlx::pool::PoolConnection<Db>) -> Result<Vec<Product>> {
    let rows = sqlx::query_as::<_, ProductRow>("SELECT * FROM products ORDER BY slug")
        .fetch_all(&mut **conn)
        .await?;
    let phases = sqlx::query_as::<_, PhaseRow>(
        "SELECT product, name, source_name, start, \"end\", comment FROM product_phases
         ORDER BY product, position",
    )
    .fetch_all(&mut **conn)
    .await?;
    let events = sqlx::query_as::<_, EventRow>(
        "SELECT product, name, date, comment FROM product_events ORDER BY product, position",
    )
    .fetch_all(&mut **conn)
    .await?;
    let links = sqlx::query_as::<_, LinkRow>(
        "SELECT product, role, target FROM product_links ORDER BY product, role, position",
    )
    .fetch_all(&mut **conn)
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

async fn load_members(conn: &mut sqlx::pool::PoolConnection<Db>) -> Result<Vec<Member>> {
    let rows = sqlx::query_as::<_, MemberRow>("SELECT * FROM members ORDER BY slug")
        .fetch_all(&mut **conn)
        .await?;
    let missions = sqlx::query_as::<_, MissionRow>(
        "SELECT member, position, start, \"end\", status, employer FROM missions
         ORDER BY member, position",
    )
    .fetch_all(&mut **conn)
    .await?;
    let products = sqlx::query_as::<_, MissionProductRow>(
        "SELECT member, mission, product FROM mission_products ORDER BY member, mission, position",
    )
    .fetch_all(&mut **conn)
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
            missions,
        })
    }
}
