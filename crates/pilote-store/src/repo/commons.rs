//! The commons' repository: software, declarations, instances, contributors and products'
//! links. Compiled once per backend like `release.rs`; every write goes to the audit log in
//! the same transaction.

use chrono::NaiveDate;
use pilote_domain::Slug;
use pilote_domain::audit::{Actor, AuditAction, Change};
use pilote_domain::commons::{
    CatalogueStatus, Contributor, ContributorKind, Declaration, DeclarationKind, Instance,
    ProductSoftware, Software, SoftwareKind, SoftwareRole,
};
use sqlx::{FromRow, Transaction};

use super::Db;
use super::audit;
use super::impact::change;
use crate::commons::{Catalogue, DeclaredBy, Replaced};
use crate::json::{decode, encode};
use crate::{Result, StoreError};

type Pool = sqlx::Pool<Db>;
type Tx<'c> = Transaction<'c, Db>;
type Conn = <Db as sqlx::Database>::Connection;

const SOFTWARE_COLUMNS: &str = "slug, sill_id, name, description_fr, description_en, licence, \
    minimal_version, status, status_reason, status_date, kind, operating_systems, categories, \
    function, parent, website, repository, documentation, comptoir_id, wikidata_id, framalibre, \
    logo_url, added_in";

const DECLARATION_COLUMNS: &str = "id, software_slug, account_id, kind, organisation, use_case, \
    version, service_url, expert, declared_at";

pub(crate) fn corrupt(what: String, reason: &dyn std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what,
        reason: reason.to_string(),
    }
}

pub(crate) fn slug(what: impl Fn() -> String, raw: &str) -> Result<Slug> {
    Slug::parse(raw).map_err(|e| corrupt(what(), &e))
}

#[derive(FromRow)]
struct SoftwareRow {
    slug: String,
    sill_id: Option<String>,
    name: String,
    description_fr: String,
    description_en: String,
    licence: String,
    minimal_version: Option<String>,
    status: String,
    status_reason: Option<String>,
    status_date: Option<NaiveDate>,
    kind: String,
    operating_systems: String,
    categories: String,
    function: String,
    parent: Option<String>,
    website: Option<String>,
    repository: Option<String>,
    documentation: Option<String>,
    comptoir_id: Option<i64>,
    wikidata_id: Option<String>,
    framalibre: Option<String>,
    logo_url: Option<String>,
    added_in: Option<i32>,
}

impl TryFrom<SoftwareRow> for Software {
    type Error = StoreError;

    fn try_from(row: SoftwareRow) -> Result<Self> {
        let what = || format!("software {}", row.slug);
        Ok(Self {
            slug: slug(what, &row.slug)?,
            status: CatalogueStatus::parse(&row.status).map_err(|e| corrupt(what(), &e))?,
            kind: SoftwareKind::parse(&row.kind).map_err(|e| corrupt(what(), &e))?,
            operating_systems: decode(&row.operating_systems, what)?,
            categories: decode(&row.categories, what)?,
            sill_id: row.sill_id,
            name: row.name,
            description_fr: row.description_fr,
            description_en: row.description_en,
            licence: row.licence,
            minimal_version: row.minimal_version,
            status_reason: row.status_reason,
            status_date: row.status_date,
            function: row.function,
            parent: row.parent,
            website: row.website,
            repository: row.repository,
            documentation: row.documentation,
            comptoir_id: row.comptoir_id,
            wikidata_id: row.wikidata_id,
            framalibre: row.framalibre,
            logo_url: row.logo_url,
            added_in: row.added_in,
        })
    }
}

#[derive(FromRow)]
struct DeclarationRow {
    id: i64,
    software_slug: String,
    account_id: i64,
    kind: String,
    organisation: String,
    use_case: String,
    version: Option<String>,
    service_url: Option<String>,
    expert: bool,
    declared_at: String,
}

impl TryFrom<DeclarationRow> for Declaration {
    type Error = StoreError;

    fn try_from(row: DeclarationRow) -> Result<Self> {
        let what = || format!("declaration {}", row.id);
        Ok(Self {
            id: row.id,
            software: slug(what, &row.software_slug)?,
            account: row.account_id,
            kind: DeclarationKind::parse(&row.kind).map_err(|e| corrupt(what(), &e))?,
            organisation: row.organisation,
            use_case: row.use_case,
            version: row.version,
            service_url: row.service_url,
            expert: row.expert,
            declared_at: row.declared_at,
        })
    }
}

#[derive(FromRow)]
struct DeclaredRow {
    #[sqlx(flatten)]
    declaration: DeclarationRow,
    given_name: String,
    usual_name: String,
    email: String,
}

#[derive(FromRow)]
struct InstanceRow {
    id: i64,
    software_slug: String,
    organisation: String,
    url: String,
    audience: String,
    public: bool,
}

impl TryFrom<InstanceRow> for Instance {
    type Error = StoreError;

    fn try_from(row: InstanceRow) -> Result<Self> {
        Ok(Self {
            id: row.id,
            software: slug(|| format!("instance {}", row.id), &row.software_slug)?,
            organisation: row.organisation,
            url: row.url,
            audience: row.audience,
            public: row.public,
        })
    }
}

#[derive(FromRow)]
struct ContributorRow {
    id: i64,
    software_slug: Option<String>,
    name: String,
    acronym: Option<String>,
    kind: String,
    url: Option<String>,
}

impl TryFrom<ContributorRow> for Contributor {
    type Error = StoreError;

    fn try_from(row: ContributorRow) -> Result<Self> {
        let what = || format!("contributor {}", row.id);
        Ok(Self {
            id: row.id,
            software: row
                .software_slug
                .as_deref()
                .map(|raw| slug(what, raw))
                .transpose()?,
            kind: ContributorKind::parse(&row.kind).map_err(|e| corrupt(what(), &e))?,
            name: row.name,
            acronym: row.acronym,
            url: row.url,
        })
    }
}

#[derive(FromRow)]
struct LinkRow {
    product_slug: String,
    software_slug: String,
    role: String,
}

impl TryFrom<LinkRow> for ProductSoftware {
    type Error = StoreError;

    fn try_from(row: LinkRow) -> Result<Self> {
        let what = || format!("link {} → {}", row.product_slug, row.software_slug);
        Ok(Self {
            product: slug(what, &row.product_slug)?,
            software: slug(what, &row.software_slug)?,
            role: SoftwareRole::parse(&row.role).map_err(|e| corrupt(what(), &e))?,
        })
    }
}

pub(crate) fn all<R, T: TryFrom<R, Error = StoreError>>(rows: Vec<R>) -> Result<Vec<T>> {
    rows.into_iter().map(T::try_from).collect()
}

async fn software_in(conn: &mut Conn) -> Result<Vec<Software>> {
    all(sqlx::query_as::<_, SoftwareRow>(&format!(
        "SELECT {SOFTWARE_COLUMNS} FROM software ORDER BY slug"
    ))
    .fetch_all(&mut *conn)
    .await?)
}

async fn contributors_in(conn: &mut Conn) -> Result<Vec<Contributor>> {
    all(sqlx::query_as::<_, ContributorRow>(
        "SELECT id, software_slug, name, acronym, kind, url FROM software_contributors ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?)
}

async fn links_in(conn: &mut Conn) -> Result<Vec<ProductSoftware>> {
    all(sqlx::query_as::<_, LinkRow>(
        "SELECT product_slug, software_slug, role FROM product_software ORDER BY product_slug, software_slug",
    )
    .fetch_all(&mut *conn)
    .await?)
}

pub(crate) async fn load(pool: &Pool) -> Result<Catalogue> {
    let mut conn = pool.acquire().await?;
    let software = software_in(&mut conn).await?;
    let declarations = sqlx::query_as::<_, DeclaredRow>(&format!(
        "SELECT d.{}, a.given_name, a.usual_name, a.email FROM software_declarations d \
         JOIN accounts a ON a.id = d.account_id ORDER BY d.software_slug, d.id",
        DECLARATION_COLUMNS.replace(", ", ", d.")
    ))
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|row| {
        Ok(DeclaredBy {
            declaration: row.declaration.try_into()?,
            name: format!("{} {}", row.given_name, row.usual_name),
            email: row.email,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let instances = all(sqlx::query_as::<_, InstanceRow>(
        "SELECT id, software_slug, organisation, url, audience, public FROM software_instances ORDER BY software_slug, id",
    )
    .fetch_all(&mut *conn)
    .await?)?;
    Ok(Catalogue {
        software,
        declarations,
        instances,
        contributors: contributors_in(&mut conn).await?,
        links: links_in(&mut conn).await?,
    })
}

/// `INSERT ... ON CONFLICT (slug) DO UPDATE` over `columns` (the first is the slug), so
/// that a record is written in place and what hangs on it stays.
pub(crate) fn upsert(table: &str, columns: &str) -> String {
    let names: Vec<&str> = columns.split(", ").collect();
    let places: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
    let updates: Vec<String> = names[1..]
        .iter()
        .map(|column| format!("{column} = excluded.{column}"))
        .collect();
    format!(
        "INSERT INTO {table} ({columns}) VALUES ({}) ON CONFLICT (slug) DO UPDATE SET {}",
        places.join(", "),
        updates.join(", ")
    )
}

/// Writes a software, in place when its slug is stored, so that what hangs on it stays.
async fn save_software(tx: &mut Tx<'_>, software: &Software) -> Result<()> {
    sqlx::query(&upsert("software", SOFTWARE_COLUMNS))
        .bind(software.slug.as_str())
        .bind(software.sill_id.as_deref())
        .bind(&software.name)
        .bind(&software.description_fr)
        .bind(&software.description_en)
        .bind(&software.licence)
        .bind(software.minimal_version.as_deref())
        .bind(software.status.as_str())
        .bind(software.status_reason.as_deref())
        .bind(software.status_date)
        .bind(software.kind.as_str())
        .bind(encode(&software.operating_systems))
        .bind(encode(&software.categories))
        .bind(&software.function)
        .bind(software.parent.as_deref())
        .bind(software.website.as_deref())
        .bind(software.repository.as_deref())
        .bind(software.documentation.as_deref())
        .bind(software.comptoir_id)
        .bind(software.wikidata_id.as_deref())
        .bind(software.framalibre.as_deref())
        .bind(software.logo_url.as_deref())
        .bind(software.added_in)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Ends a write: logs its changes and commits, or rolls back when nothing changed.
pub(crate) async fn finish(mut tx: Tx<'_>, actor: &Actor, entries: &[Change]) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    audit::append(&mut tx, actor, entries).await?;
    super::portfolio::bump_revision(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn replace_software(
    pool: &Pool,
    software: &[Software],
    actor: &Actor,
) -> Result<Replaced> {
    let mut tx = audit::begin(pool).await?;
    let stored = software_in(&mut tx).await?;
    let (steps, counts) = Replaced::plan(&stored, software, |s| s.slug.clone(), PartialEq::eq);
    let mut entries = Vec::new();
    for (old, new) in steps {
        let action = match (old, new) {
            (Some(old), None) => {
                sqlx::query("DELETE FROM software WHERE slug = $1")
                    .bind(old.slug.as_str())
                    .execute(&mut *tx)
                    .await?;
                AuditAction::Delete
            }
            (old, Some(new)) => {
                save_software(&mut tx, new).await?;
                if old.is_some() {
                    AuditAction::Update
                } else {
                    AuditAction::Create
                }
            }
            (None, None) => continue,
        };
        let slug = new.or(old).map(|s| s.slug.to_string()).unwrap_or_default();
        entries.push(change(action, "software", slug, old, new)?);
    }
    finish(tx, actor, &entries).await?;
    Ok(counts)
}

async fn insert_contributor(tx: &mut Tx<'_>, contributor: &Contributor) -> Result<Contributor> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO software_contributors (software_slug, name, acronym, kind, url) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(contributor.software.as_ref().map(Slug::as_str))
    .bind(&contributor.name)
    .bind(contributor.acronym.as_deref())
    .bind(contributor.kind.as_str())
    .bind(contributor.url.as_deref())
    .fetch_one(&mut **tx)
    .await?;
    Ok(Contributor {
        id,
        ..contributor.clone()
    })
}

async fn delete_contributor(tx: &mut Tx<'_>, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM software_contributors WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) async fn replace_catalogue_contributors(
    pool: &Pool,
    contributors: &[Contributor],
    actor: &Actor,
) -> Result<Replaced> {
    let mut tx = audit::begin(pool).await?;
    let stored: Vec<Contributor> = contributors_in(&mut tx)
        .await?
        .into_iter()
        .filter(|c| c.software.is_none())
        .collect();
    let contributors: Vec<Contributor> = contributors
        .iter()
        .map(|c| Contributor {
            software: None,
            ..c.clone()
        })
        .collect();
    let same = |a: &Contributor, b: &Contributor| {
        Contributor { id: 0, ..a.clone() } == Contributor { id: 0, ..b.clone() }
    };
    let (steps, counts) = Replaced::plan(&stored, &contributors, |c| c.name.clone(), same);
    let mut entries = Vec::new();
    for (old, new) in steps {
        if let Some(old) = old {
            delete_contributor(&mut tx, old.id).await?;
        }
        let created = match new {
            Some(new) => Some(insert_contributor(&mut tx, new).await?),
            None => None,
        };
        let (action, id) = match (old, &created) {
            (Some(old), Some(_)) => (AuditAction::Update, old.id),
            (Some(old), None) => (AuditAction::Delete, old.id),
            (None, Some(created)) => (AuditAction::Create, created.id),
            (None, None) => continue,
        };
        entries.push(change(
            action,
            "contributor",
            id.to_string(),
            old,
            created.as_ref(),
        )?);
    }
    finish(tx, actor, &entries).await?;
    Ok(counts)
}

fn link_id(link: &ProductSoftware) -> String {
    format!("{}/{}", link.product, link.software)
}

async fn link_in(
    conn: &mut Conn,
    product: &Slug,
    software: &Slug,
) -> Result<Option<ProductSoftware>> {
    sqlx::query_as::<_, LinkRow>(
        "SELECT product_slug, software_slug, role FROM product_software WHERE product_slug = $1 AND software_slug = $2",
    )
    .bind(product.as_str())
    .bind(software.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .map(ProductSoftware::try_from)
    .transpose()
}

async fn software_exists(conn: &mut Conn, software: &Slug) -> Result<bool> {
    let found: Option<String> = sqlx::query_scalar("SELECT slug FROM software WHERE slug = $1")
        .bind(software.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
}

pub(crate) async fn add_links(
    pool: &Pool,
    links: &[ProductSoftware],
    actor: &Actor,
) -> Result<usize> {
    let mut tx = audit::begin(pool).await?;
    let stored = links_in(&mut tx).await?;
    let mut entries = Vec::new();
    for link in links {
        let known = stored
            .iter()
            .any(|old| old.product == link.product && old.software == link.software);
        if known
            || entries
                .iter()
                .any(|e: &Change| e.entity_id == link_id(link))
        {
            continue;
        }
        insert_link(&mut tx, link).await?;
        entries.push(change(
            AuditAction::Create,
            "product_software",
            link_id(link),
            None,
            Some(link),
        )?);
    }
    let added = entries.len();
    finish(tx, actor, &entries).await?;
    Ok(added)
}

async fn insert_link(tx: &mut Tx<'_>, link: &ProductSoftware) -> Result<()> {
    sqlx::query(
        "INSERT INTO product_software (product_slug, software_slug, role) VALUES ($1, $2, $3) \
         ON CONFLICT (product_slug, software_slug) DO UPDATE SET role = excluded.role",
    )
    .bind(link.product.as_str())
    .bind(link.software.as_str())
    .bind(link.role.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(crate) async fn link(pool: &Pool, link: &ProductSoftware, actor: &Actor) -> Result<bool> {
    let mut tx = audit::begin(pool).await?;
    if !software_exists(&mut tx, &link.software).await? {
        return Err(StoreError::NotFound);
    }
    let old = link_in(&mut tx, &link.product, &link.software).await?;
    if old.as_ref() == Some(link) {
        return Ok(false);
    }
    insert_link(&mut tx, link).await?;
    let action = if old.is_some() {
        AuditAction::Update
    } else {
        AuditAction::Create
    };
    let entry = change(
        action,
        "product_software",
        link_id(link),
        old.as_ref(),
        Some(link),
    )?;
    finish(tx, actor, &[entry]).await?;
    Ok(old.is_none())
}

pub(crate) async fn unlink(
    pool: &Pool,
    product: &Slug,
    software: &Slug,
    actor: &Actor,
) -> Result<()> {
    let mut tx = audit::begin(pool).await?;
    let old = link_in(&mut tx, product, software)
        .await?
        .ok_or(StoreError::NotFound)?;
    sqlx::query("DELETE FROM product_software WHERE product_slug = $1 AND software_slug = $2")
        .bind(product.as_str())
        .bind(software.as_str())
        .execute(&mut *tx)
        .await?;
    let entry = change(
        AuditAction::Delete,
        "product_software",
        link_id(&old),
        Some(&old),
        None,
    )?;
    finish(tx, actor, &[entry]).await
}

async fn declaration_in(conn: &mut Conn, id: i64) -> Result<Declaration> {
    sqlx::query_as::<_, DeclarationRow>(&format!(
        "SELECT {DECLARATION_COLUMNS} FROM software_declarations WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?
    .try_into()
}

pub(crate) async fn declaration(pool: &Pool, id: i64) -> Result<Declaration> {
    let mut conn = pool.acquire().await?;
    declaration_in(&mut conn, id).await
}

pub(crate) async fn declare(
    pool: &Pool,
    declaration: &Declaration,
    actor: &Actor,
) -> Result<Declaration> {
    let mut tx = audit::begin(pool).await?;
    if !software_exists(&mut tx, &declaration.software).await? {
        return Err(StoreError::NotFound);
    }
    // A second declaration of the same kind by the same agent is a conflict (unique key).
    let id: i64 = sqlx::query_scalar(&format!(
        "INSERT INTO software_declarations ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        DECLARATION_COLUMNS.trim_start_matches("id, ")
    ))
    .bind(declaration.software.as_str())
    .bind(declaration.account)
    .bind(declaration.kind.as_str())
    .bind(&declaration.organisation)
    .bind(&declaration.use_case)
    .bind(declaration.version.as_deref())
    .bind(declaration.service_url.as_deref())
    .bind(declaration.expert)
    .bind(&declaration.declared_at)
    .fetch_one(&mut *tx)
    .await?;
    let created = declaration_in(&mut tx, id).await?;
    let entry = change(
        AuditAction::Create,
        "software_declaration",
        id.to_string(),
        None,
        Some(&created),
    )?;
    finish(tx, actor, &[entry]).await?;
    Ok(created)
}

pub(crate) async fn withdraw(pool: &Pool, id: i64, actor: &Actor) -> Result<()> {
    let mut tx = audit::begin(pool).await?;
    let before = declaration_in(&mut tx, id).await?;
    sqlx::query("DELETE FROM software_declarations WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let entry = change(
        AuditAction::Delete,
        "software_declaration",
        id.to_string(),
        Some(&before),
        None,
    )?;
    finish(tx, actor, &[entry]).await
}

pub(crate) async fn create_instance(
    pool: &Pool,
    instance: &Instance,
    actor: &Actor,
) -> Result<Instance> {
    let mut tx = audit::begin(pool).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO software_instances (software_slug, organisation, url, audience, public) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(instance.software.as_str())
    .bind(&instance.organisation)
    .bind(&instance.url)
    .bind(&instance.audience)
    .bind(instance.public)
    .fetch_one(&mut *tx)
    .await?;
    let created = Instance {
        id,
        ..instance.clone()
    };
    let entry = change(
        AuditAction::Create,
        "software_instance",
        id.to_string(),
        None,
        Some(&created),
    )?;
    finish(tx, actor, &[entry]).await?;
    Ok(created)
}

pub(crate) async fn create_contributor(
    pool: &Pool,
    contributor: &Contributor,
    actor: &Actor,
) -> Result<Contributor> {
    let mut tx = audit::begin(pool).await?;
    let created = insert_contributor(&mut tx, contributor).await?;
    let entry = change(
        AuditAction::Create,
        "contributor",
        created.id.to_string(),
        None,
        Some(&created),
    )?;
    finish(tx, actor, &[entry]).await?;
    Ok(created)
}
