//! Talent's repository: the EIG programme's promotions, skills, challenges and people, and
//! the products and declared indicators that carry the challenges' key figures.
//!
//! Compiled once per backend like `portfolio.rs`. An import is one transaction that writes
//! and logs only what changes, with a new store revision when anything did.

use pilote_domain::Slug;
use pilote_domain::audit::{Actor, AuditAction, Change};
use pilote_domain::impact::{Indicator, Measurement};
use pilote_domain::talent::eig::{
    self, Challenge, EigRole, KEY_FIGURE_METHODOLOGY, Person, Programme, Promotion, Skill,
};
use sqlx::{FromRow, Transaction};

use super::Db;
use super::audit;
use super::impact::change;
use crate::eig::EigImported;
use crate::{Replaced, Result, StoreError, json};

type Pool = sqlx::Pool<Db>;
type Tx<'c> = Transaction<'c, Db>;
type Conn = <Db as sqlx::Database>::Connection;

fn corrupt(what: String, error: &impl ToString) -> StoreError {
    StoreError::Corrupt {
        what,
        reason: error.to_string(),
    }
}

fn slug(value: &str, what: &str) -> Result<Slug> {
    Slug::parse(value).map_err(|e| corrupt(what.to_owned(), &e))
}

#[derive(FromRow)]
struct PromotionRow {
    slug: String,
    code: String,
    title: String,
    year: i32,
}

#[derive(FromRow)]
struct SkillRow {
    slug: String,
    label: String,
}

#[derive(FromRow)]
struct ChallengeRow {
    slug: String,
    title: String,
    description: String,
    administration: String,
    administration_website: Option<String>,
    city: Option<String>,
    year: i32,
    promotion_slug: String,
    duration_months: Option<i32>,
    skills: String,
    key_figures: String,
    source_code: Option<String>,
    website: Option<String>,
    eigs: String,
    mentors: String,
}

#[derive(FromRow)]
struct PersonRow {
    slug: String,
    name: String,
    role: String,
    profile: String,
    years: String,
    promotions: String,
    challenges: String,
    skills: String,
    links: String,
}

impl TryFrom<ChallengeRow> for Challenge {
    type Error = StoreError;

    fn try_from(row: ChallengeRow) -> Result<Self> {
        let what = |field: &str| format!("eig challenge {} {field}", row.slug);
        Ok(Self {
            slug: slug(&row.slug, "eig challenge")?,
            title: row.title.clone(),
            description: row.description.clone(),
            administration: row.administration.clone(),
            administration_website: row.administration_website.clone(),
            city: row.city.clone(),
            year: row.year,
            promotion: slug(&row.promotion_slug, "eig challenge promotion")?,
            duration_months: row
                .duration_months
                .map(u32::try_from)
                .transpose()
                .map_err(|e| corrupt(what("duration"), &e))?,
            skills: json::decode(&row.skills, || what("skills"))?,
            key_figures: json::decode(&row.key_figures, || what("key figures"))?,
            source_code: row.source_code.clone(),
            website: row.website.clone(),
            eigs: json::decode(&row.eigs, || what("eigs"))?,
            mentors: json::decode(&row.mentors, || what("mentors"))?,
        })
    }
}

impl TryFrom<PersonRow> for Person {
    type Error = StoreError;

    fn try_from(row: PersonRow) -> Result<Self> {
        let what = |field: &str| format!("eig person {} {field}", row.slug);
        Ok(Self {
            slug: slug(&row.slug, "eig person")?,
            name: row.name.clone(),
            role: EigRole::parse(&row.role).map_err(|e| corrupt(what("role"), &e))?,
            profile: row.profile.clone(),
            years: json::decode(&row.years, || what("years"))?,
            promotions: json::decode(&row.promotions, || what("promotions"))?,
            challenges: json::decode(&row.challenges, || what("challenges"))?,
            skills: json::decode(&row.skills, || what("skills"))?,
            links: json::decode(&row.links, || what("links"))?,
        })
    }
}

async fn load_in(conn: &mut Conn) -> Result<Programme> {
    let promotions = sqlx::query_as::<_, PromotionRow>(
        "SELECT slug, code, title, year FROM eig_promotions ORDER BY slug",
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|row| {
        Ok(Promotion {
            slug: slug(&row.slug, "eig promotion")?,
            code: row.code,
            title: row.title,
            year: row.year,
        })
    })
    .collect::<Result<_>>()?;
    let skills = sqlx::query_as::<_, SkillRow>("SELECT slug, label FROM eig_skills ORDER BY slug")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|row| {
            Ok(Skill {
                slug: slug(&row.slug, "eig skill")?,
                label: row.label,
            })
        })
        .collect::<Result<_>>()?;
    let challenges = sqlx::query_as::<_, ChallengeRow>(
        "SELECT slug, title, description, administration, administration_website, city, year, promotion_slug, duration_months, skills, key_figures, source_code, website, eigs, mentors FROM eig_challenges ORDER BY slug",
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(Challenge::try_from)
    .collect::<Result<_>>()?;
    let people = sqlx::query_as::<_, PersonRow>(
        "SELECT slug, name, role, profile, years, promotions, challenges, skills, links FROM eig_people ORDER BY slug",
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(Person::try_from)
    .collect::<Result<_>>()?;
    Ok(Programme {
        promotions,
        skills,
        challenges,
        people,
    })
}

/// The whole programme, each list by slug.
pub(crate) async fn load(pool: &Pool) -> Result<Programme> {
    load_in(&mut *pool.acquire().await?).await
}

async fn delete_row(tx: &mut Tx<'_>, table: &'static str, slug: &Slug) -> Result<()> {
    sqlx::query(&format!("DELETE FROM {table} WHERE slug = $1"))
        .bind(slug.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn save_promotion(tx: &mut Tx<'_>, p: &Promotion) -> Result<()> {
    delete_row(tx, "eig_promotions", &p.slug).await?;
    sqlx::query("INSERT INTO eig_promotions (slug, code, title, year) VALUES ($1, $2, $3, $4)")
        .bind(p.slug.as_str())
        .bind(&p.code)
        .bind(&p.title)
        .bind(p.year)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn save_skill(tx: &mut Tx<'_>, s: &Skill) -> Result<()> {
    delete_row(tx, "eig_skills", &s.slug).await?;
    sqlx::query("INSERT INTO eig_skills (slug, label) VALUES ($1, $2)")
        .bind(s.slug.as_str())
        .bind(&s.label)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn save_challenge(tx: &mut Tx<'_>, c: &Challenge) -> Result<()> {
    delete_row(tx, "eig_challenges", &c.slug).await?;
    sqlx::query(
        "INSERT INTO eig_challenges (slug, title, description, administration, administration_website, city, year, promotion_slug, duration_months, skills, key_figures, source_code, website, eigs, mentors) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(c.slug.as_str())
    .bind(&c.title)
    .bind(&c.description)
    .bind(&c.administration)
    .bind(&c.administration_website)
    .bind(&c.city)
    .bind(c.year)
    .bind(c.promotion.as_str())
    .bind(c.duration_months.and_then(|m| i32::try_from(m).ok()))
    .bind(json::encode(&c.skills))
    .bind(json::encode(&c.key_figures))
    .bind(&c.source_code)
    .bind(&c.website)
    .bind(json::encode(&c.eigs))
    .bind(json::encode(&c.mentors))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn save_person(tx: &mut Tx<'_>, p: &Person) -> Result<()> {
    delete_row(tx, "eig_people", &p.slug).await?;
    sqlx::query(
        "INSERT INTO eig_people (slug, name, role, profile, years, promotions, challenges, skills, links) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(p.slug.as_str())
    .bind(&p.name)
    .bind(p.role.as_str())
    .bind(&p.profile)
    .bind(json::encode(&p.years))
    .bind(json::encode(&p.promotions))
    .bind(json::encode(&p.challenges))
    .bind(json::encode(&p.skills))
    .bind(json::encode(&p.links))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Plans replacing `stored` by `new` (records keyed by slug), writes the changes unless in a
/// dry run, and logs them under `kind` in `log`.
macro_rules! replace {
    ($tx:expr, $dry_run:expr, $log:expr, $kind:literal, $table:literal, $stored:expr, $new:expr, $save:ident) => {{
        let (steps, counts) = Replaced::plan($stored, $new, |r| r.slug.clone(), PartialEq::eq);
        for (old, new) in steps {
            let action = match (old, new) {
                (Some(_), None) => AuditAction::Delete,
                (Some(_), Some(_)) => AuditAction::Update,
                (None, _) => AuditAction::Create,
            };
            if !$dry_run {
                match new {
                    Some(new) => $save($tx, new).await?,
                    None => {
                        if let Some(old) = old {
                            delete_row($tx, $table, &old.slug).await?;
                        }
                    }
                }
            }
            let id = new.or(old).map(|r| r.slug.to_string()).unwrap_or_default();
            $log.push(change(action, $kind, id, old, new)?);
        }
        counts
    }};
}

/// The indicator as compared across imports: without its number.
fn comparable_indicator(indicator: &Indicator) -> Indicator {
    Indicator {
        id: 0,
        ..indicator.clone()
    }
}

/// The measurement as compared across imports: without its number, indicator and record.
fn comparable_measurement(measurement: &Measurement) -> Measurement {
    Measurement {
        id: 0,
        indicator: 0,
        recorded_by: String::new(),
        recorded_at: String::new(),
        ..measurement.clone()
    }
}

/// Makes the indicators made from key figures of the programme's products exactly those of
/// `challenges`, each with its one declared measurement.
async fn replace_key_figures(
    tx: &mut Tx<'_>,
    challenges: &[Challenge],
    products: &[Slug],
    dry_run: bool,
    actor: &Actor,
    at: &str,
    log: &mut Vec<Change>,
) -> Result<(Replaced, Replaced)> {
    let mut planned: Vec<(Indicator, Measurement)> = Vec::new();
    for challenge in challenges {
        planned.extend(
            challenge
                .indicators()
                .map_err(|e| StoreError::Refused(e.to_string()))?,
        );
    }
    let stored: Vec<Indicator> = super::impact::indicators_of(tx, products)
        .await?
        .into_iter()
        .filter(|i| i.methodology.starts_with(KEY_FIGURE_METHODOLOGY))
        .collect();
    let new: Vec<Indicator> = planned.iter().map(|(i, _)| i.clone()).collect();
    let (steps, indicators) = Replaced::plan(
        &stored,
        &new,
        |i| (i.product.clone(), i.name.clone()),
        |a, b| comparable_indicator(a) == comparable_indicator(b),
    );
    let mut measurements = Replaced::default();
    // Removals, and the indicators to write; the unchanged ones are then looked up.
    for (old, new) in steps {
        match (old, new) {
            (Some(old), None) => {
                for m in super::impact::measurements_of(tx, old.id).await? {
                    measurements.deleted += 1;
                    log.push(change(
                        AuditAction::Delete,
                        "measurement",
                        m.id.to_string(),
                        Some(&m),
                        None,
                    )?);
                }
                if !dry_run {
                    super::impact::delete_indicator_in(tx, old.id).await?;
                }
                log.push(change(
                    AuditAction::Delete,
                    "indicator",
                    old.id.to_string(),
                    Some(old),
                    None,
                )?);
            }
            (Some(old), Some(new)) => {
                let wanted = Indicator {
                    id: old.id,
                    ..new.clone()
                };
                let after = if dry_run {
                    wanted
                } else {
                    super::impact::update_indicator_in(tx, &wanted).await?
                };
                log.push(change(
                    AuditAction::Update,
                    "indicator",
                    old.id.to_string(),
                    Some(old),
                    Some(&after),
                )?);
            }
            (None, Some(new)) => {
                let created = if dry_run {
                    new.clone()
                } else {
                    super::impact::insert_indicator_in(tx, new).await?
                };
                log.push(change(
                    AuditAction::Create,
                    "indicator",
                    created.id.to_string(),
                    None,
                    Some(&created),
                )?);
            }
            (None, None) => {}
        }
    }
    if dry_run {
        // Counting only: a new indicator's measurement is new, the others are compared.
        for (indicator, measurement) in &planned {
            match stored
                .iter()
                .find(|s| s.product == indicator.product && s.name == indicator.name)
            {
                None => measurements.created += 1,
                Some(s) => {
                    let held = super::impact::measurements_of(tx, s.id).await?;
                    count_measurement(&held, measurement, &mut measurements);
                }
            }
        }
        return Ok((indicators, measurements));
    }
    let written: Vec<Indicator> = super::impact::indicators_of(tx, products)
        .await?
        .into_iter()
        .filter(|i| i.methodology.starts_with(KEY_FIGURE_METHODOLOGY))
        .collect();
    for (indicator, measurement) in &planned {
        let Some(held_by) = written
            .iter()
            .find(|s| s.product == indicator.product && s.name == indicator.name)
        else {
            continue;
        };
        let held = super::impact::measurements_of(tx, held_by.id).await?;
        let unchanged = count_measurement(&held, measurement, &mut measurements);
        if unchanged {
            continue;
        }
        for old in &held {
            super::impact::delete_measurement_in(tx, old.id).await?;
            log.push(change(
                AuditAction::Delete,
                "measurement",
                old.id.to_string(),
                Some(old),
                None,
            )?);
        }
        let created = super::impact::insert_measurement_in(
            tx,
            &Measurement {
                indicator: held_by.id,
                recorded_by: actor.to_string(),
                recorded_at: at.to_owned(),
                ..measurement.clone()
            },
        )
        .await?;
        log.push(change(
            AuditAction::Create,
            "measurement",
            created.id.to_string(),
            None,
            Some(&created),
        )?);
    }
    Ok((indicators, measurements))
}

/// Counts how the one measurement `wanted` of an indicator compares with those `held`;
/// returns whether it is unchanged.
fn count_measurement(held: &[Measurement], wanted: &Measurement, counts: &mut Replaced) -> bool {
    match held {
        [one] if comparable_measurement(one) == comparable_measurement(wanted) => {
            counts.unchanged += 1;
            true
        }
        [] => {
            counts.created += 1;
            false
        }
        [_, rest @ ..] => {
            counts.updated += 1;
            counts.deleted += rest.len();
            false
        }
    }
}

/// Makes the stored programme exactly `programme`, with its incubator, one product per
/// challenge and the declared indicators of their key figures, in one transaction; in a
/// dry run, counts and writes nothing.
pub(crate) async fn apply_import(
    pool: &Pool,
    programme: &Programme,
    dry_run: bool,
    actor: &Actor,
    at: &str,
) -> Result<EigImported> {
    let mut tx = audit::begin(pool).await?;
    let stored = load_in(&mut tx).await?;
    let mut log = Vec::new();
    let promotions = replace!(
        &mut tx,
        dry_run,
        log,
        "eig_promotion",
        "eig_promotions",
        &stored.promotions,
        &programme.promotions,
        save_promotion
    );
    let skills = replace!(
        &mut tx,
        dry_run,
        log,
        "eig_skill",
        "eig_skills",
        &stored.skills,
        &programme.skills,
        save_skill
    );
    let challenges = replace!(
        &mut tx,
        dry_run,
        log,
        "eig_challenge",
        "eig_challenges",
        &stored.challenges,
        &programme.challenges,
        save_challenge
    );
    let people = replace!(
        &mut tx,
        dry_run,
        log,
        "eig_person",
        "eig_people",
        &stored.people,
        &programme.people,
        save_person
    );
    let incubator = eig::incubator().map_err(|e| StoreError::Refused(e.to_string()))?;
    let products: Vec<_> = programme
        .challenges
        .iter()
        .map(|c| c.product(programme.promotion(&c.promotion)))
        .collect::<Result<_, _>>()
        .map_err(|e| StoreError::Refused(e.to_string()))?;
    let (entries, product_counts, removed) =
        super::portfolio::replace_incubator_products(&mut tx, &incubator, &products, dry_run)
            .await?;
    log.extend(entries);
    let mut owned: Vec<Slug> = products.iter().map(|p| p.slug.clone()).collect();
    owned.extend(removed);
    let (indicators, measurements) = replace_key_figures(
        &mut tx,
        &programme.challenges,
        &owned,
        dry_run,
        actor,
        at,
        &mut log,
    )
    .await?;
    if !dry_run && !log.is_empty() {
        audit::append(&mut tx, actor, &log).await?;
        super::portfolio::bump_revision(&mut tx).await?;
        tx.commit().await?;
    }
    Ok(EigImported {
        promotions,
        skills,
        challenges,
        people,
        products: product_counts,
        indicators,
        measurements,
    })
}
