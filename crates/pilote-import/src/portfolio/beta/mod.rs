//! `pilote import beta`: the beta.gouv.fr network's content (`_organisations`,
//! `_incubators`, `_startups`, `_authors`, `_teams`) into the portfolio.

pub(crate) mod raw;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use pilote_domain::audit::Actor;
use pilote_domain::delivery::{Decision, DecisionSource, imported_decisions};
use pilote_domain::impact::{BudgetLine, BudgetSource, fast_budget_line};
use pilote_domain::portfolio::{
    DataQualityWarning, Domaine, Event, Fast, Incubator, Member, Mission, MissionStatus,
    Organisation, Phase, PhaseName, Portfolio, Product, Team,
};
use pilote_domain::{DomainError, Money, Slug};
use pilote_store::{PortfolioChanges, Store};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use unicode_normalization::UnicodeNormalization;

use self::raw::{RawIncubator, RawMember, RawOrganisation, RawProduct, RawTeam, Rest, Text};
use crate::front_matter::{self, Document};
use crate::{EntityCounts, Finding, ImportError, ImportOptions, ImportReport};

/// The network's content as read from a folder: the valid records, the rejected ones,
/// and the inconsistencies found in valid ones.
#[derive(Debug, Default)]
pub struct BetaContent {
    /// Valid records, each list sorted by slug.
    pub portfolio: Portfolio,
    /// Invalid records, one finding each.
    pub rejects: Vec<Finding>,
    /// Inconsistent but readable content.
    pub warnings: Vec<Finding>,
}

/// Reads, checks and writes the network's content in one transaction, logged in the audit
/// log as done by `actor`.
pub async fn import(
    store: &Store,
    path: &Path,
    options: ImportOptions,
    actor: &Actor,
) -> Result<ImportReport, ImportError> {
    let content = read(path)?;
    if !content.rejects.is_empty() && !options.skip_invalid {
        return Err(ImportError::Invalid(content.rejects));
    }
    let current = store.load_portfolio().await?;
    let fast = store.load_impact().await?.budget_lines;
    let decisions: Vec<Decision> = store
        .decisions()
        .await?
        .into_iter()
        .filter(|d| d.source == DecisionSource::Beta)
        .collect();
    let (changes, entities) = plan(&current, &fast, &decisions, content.portfolio);
    if !options.dry_run && !changes.is_empty() {
        store.apply(&changes, actor).await?;
    }
    Ok(ImportReport {
        entities,
        rejects: content.rejects,
        warnings: content.warnings,
        dry_run: options.dry_run,
    })
}

/// The folders of the network's content, in the order references need them.
const FOLDERS: [&str; 5] = [
    "_organisations",
    "_incubators",
    "_teams",
    "_startups",
    "_authors",
];

/// Finds the content folder: the given one, or its `content/` (a checkout's root).
fn content_root(path: &Path) -> Result<PathBuf, ImportError> {
    let holds_content = |dir: &Path| FOLDERS.iter().any(|folder| dir.join(folder).is_dir());
    [path.to_path_buf(), path.join("content")]
        .into_iter()
        .find(|dir| holds_content(dir))
        .ok_or_else(|| ImportError::NotASource {
            path: path.to_path_buf(),
            expected: "beta.gouv.fr content folder",
            hint: "_startups, _authors, _incubators, _organisations, _teams, or a checkout holding content/",
        })
}

/// One source file: its name for messages, its front matter for locating fields.
struct Source {
    file: String,
    front_matter: String,
}

impl Source {
    fn finding(&self, field: &str, message: impl Into<String>) -> Finding {
        Finding {
            entry: None,
            file: self.file.clone(),
            line: front_matter::line_of(&self.front_matter, field),
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// An error on one field of a record, before it is located in its file.
pub(crate) struct FieldError {
    pub(crate) field: String,
    pub(crate) message: String,
}

impl FieldError {
    fn new(field: impl Into<String>, error: &impl ToString) -> Self {
        Self {
            field: field.into(),
            message: error.to_string(),
        }
    }
}

/// Reads every record of the folder, without touching the store.
pub fn read(path: &Path) -> Result<BetaContent, ImportError> {
    let root = content_root(path)?;
    let mut files = Vec::new();
    for folder in FOLDERS {
        let dir = root.join(folder);
        if dir.is_dir() {
            files.extend(markdown_files(&dir)?.into_iter().map(|file| (folder, file)));
        }
    }
    // Files are independent: read and parse them on every core, keeping their order.
    let parsed: Vec<Result<Result<Parsed, Finding>, ImportError>> = files
        .par_iter()
        .map(|(folder, file)| {
            let bytes = std::fs::read(file).map_err(|source| ImportError::Io {
                path: file.clone(),
                source,
            })?;
            let name = format!(
                "{folder}/{}",
                file.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            );
            Ok(parse_file(folder, &name, file, &bytes))
        })
        .collect();
    let mut content = BetaContent::default();
    let mut sources: HashMap<(&'static str, Slug), Source> = HashMap::new();
    for (parsed, (folder, _)) in parsed.into_iter().zip(&files) {
        match parsed? {
            Ok(Parsed {
                slug,
                source,
                record,
            }) => {
                record.add_to(&mut content.portfolio);
                sources.insert((folder, slug), source);
            }
            Err(finding) => content.rejects.push(finding),
        }
    }
    content.warnings = check_references(&mut content.portfolio, &sources);
    Ok(content)
}

/// One valid file: its record, its slug and where it came from.
struct Parsed {
    slug: Slug,
    source: Source,
    record: Record,
}

/// A record of any kind.
enum Record {
    Organisation(Organisation),
    Incubator(Incubator),
    Team(Team),
    Product(Box<Product>),
    Member(Box<Member>),
}

impl Record {
    fn add_to(self, portfolio: &mut Portfolio) {
        match self {
            Self::Organisation(organisation) => portfolio.organisations.push(organisation),
            Self::Incubator(incubator) => portfolio.incubators.push(incubator),
            Self::Team(team) => portfolio.teams.push(team),
            Self::Product(product) => portfolio.products.push(*product),
            Self::Member(member) => portfolio.members.push(*member),
        }
    }
}

fn markdown_files(dir: &Path) -> Result<Vec<PathBuf>, ImportError> {
    let entries = std::fs::read_dir(dir).map_err(|source| ImportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| ImportError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        // Real content has a few records without the `.md` extension.
        let hidden = path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with('.'));
        let markdown = path
            .extension()
            .is_none_or(|ext| ext == "md" || ext == "markdown");
        if markdown && !hidden && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Parses one file into the portfolio; returns its slug and source, or why it is refused.
fn parse_file(
    folder: &'static str,
    name: &str,
    path: &Path,
    bytes: &[u8],
) -> Result<Parsed, Finding> {
    let at_line_1 = |field: &str, message: String| Finding {
        entry: None,
        file: name.to_owned(),
        line: 1,
        field: field.to_owned(),
        message,
    };
    let text = std::str::from_utf8(bytes).map_err(|error| {
        at_line_1(
            "fichier",
            format!("le fichier n'est pas en UTF-8 ({error})"),
        )
    })?;
    let Document { front_matter, body } = front_matter::split(text).ok_or_else(|| {
        at_line_1(
            "fichier",
            "pas d'en-tête YAML entre deux lignes « --- »".to_owned(),
        )
    })?;
    let source = Source {
        file: name.to_owned(),
        front_matter: front_matter.to_owned(),
    };
    let stem: String = path
        .file_stem()
        .map(|s| s.to_string_lossy().nfc().collect())
        .unwrap_or_default();
    let slug = Slug::parse(&stem).map_err(|error| at_line_1("slug", error.to_string()))?;
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(front_matter).map_err(|error| {
        let line = yaml_error_line(&error).map_or(1, |line| line + front_matter::FIRST_LINE - 1);
        Finding {
            entry: None,
            file: name.to_owned(),
            line,
            field: "yaml".to_owned(),
            message: format!("YAML illisible : {error}"),
        }
    })?;
    let located = |error: FieldError| source.finding(&error.field, error.message);
    let body = body.to_owned();
    let record = match folder {
        "_organisations" => {
            Record::Organisation(organisation(slug.clone(), value).map_err(located)?)
        }
        "_incubators" => Record::Incubator(incubator(slug.clone(), value, body).map_err(located)?),
        "_teams" => Record::Team(team(slug.clone(), value).map_err(located)?),
        "_startups" => Record::Product(Box::new(
            product(slug.clone(), value, body).map_err(located)?,
        )),
        _ => Record::Member(Box::new(
            member(slug.clone(), value, body).map_err(located)?,
        )),
    };
    Ok(Parsed {
        slug,
        source,
        record,
    })
}

/// The front matter line (1-based) of a YAML error. A scanner error (an unclosed quote)
/// is found at the end of the stream but sits where the scanned token began, which
/// libyaml gives only as the message's context: `..., while scanning ... at line N column M`.
pub(crate) fn yaml_error_line(error: &serde_yaml_ng::Error) -> Option<usize> {
    let message = error.to_string();
    let scanning = message
        .split_once(", while scanning ")
        .and_then(|(_, context)| {
            let (_, at) = context.split_once(" at line ")?;
            at.split(' ').next()?.parse().ok()
        });
    scanning.or_else(|| error.location().map(|at| at.line()))
}

/// Deserialises a front matter into a raw shape, naming the field that failed.
pub(crate) fn shape<T: DeserializeOwned>(value: serde_yaml_ng::Value) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let (field, message) =
            pilote_domain::field_error(&error.path().to_string(), &error.inner().to_string());
        FieldError { field, message }
    })
}

fn required(field: &str, Text(text): Text) -> Result<String, FieldError> {
    let text = text.trim().to_owned();
    if text.is_empty() {
        Err(FieldError::new(field, &DomainError::Required))
    } else {
        Ok(text)
    }
}

/// A reference to another record: a slug, possibly written as `/organisations/slug`.
fn reference(field: &str, Text(text): &Text) -> Result<Slug, FieldError> {
    let text = text.trim();
    let slug = text.rsplit('/').next().unwrap_or(text);
    Slug::parse(slug).map_err(|error| FieldError::new(field, &error))
}

fn references(field: &str, texts: &[Text]) -> Result<Vec<Slug>, FieldError> {
    (0..)
        .zip(texts)
        .map(|(i, text)| reference(&format!("{field}[{i}]"), text))
        .collect()
}

fn words(texts: Vec<Text>) -> Vec<String> {
    texts
        .into_iter()
        .map(|Text(text)| text.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}

fn extra(rest: Rest) -> Result<pilote_domain::portfolio::Extra, FieldError> {
    rest.into_iter()
        .map(|(key, value)| {
            serde_json::to_value(&value)
                .map(|json| (key.clone(), json))
                .map_err(|error| FieldError::new(key, &error))
        })
        .collect()
}

fn organisation(slug: Slug, value: serde_yaml_ng::Value) -> Result<Organisation, FieldError> {
    let raw: RawOrganisation = shape(value)?;
    Ok(Organisation {
        slug,
        name: required("name", raw.name)?,
        acronym: raw.acronym,
        kind: raw.kind.0,
        ministerial_domain: raw.domaine_ministeriel.0,
        extra: extra(raw.rest)?,
    })
}

fn incubator(
    slug: Slug,
    value: serde_yaml_ng::Value,
    description: String,
) -> Result<Incubator, FieldError> {
    let raw: RawIncubator = shape(value)?;
    Ok(Incubator {
        slug,
        title: required("title", raw.title)?,
        owner: raw
            .owner
            .map(|owner| reference("owner", &Text(owner)))
            .transpose()?,
        contact: raw.contact,
        website: raw.website,
        github: raw.github,
        address: raw.address,
        short_description: raw.short_description,
        highlighted_products: references("highlighted_startups", &raw.highlighted_startups)?,
        description,
        extra: extra(raw.rest)?,
    })
}

fn team(slug: Slug, value: serde_yaml_ng::Value) -> Result<Team, FieldError> {
    let raw: RawTeam = shape(value)?;
    Ok(Team {
        slug,
        name: required("name", raw.name)?,
        mission: raw.mission.0.trim().to_owned(),
        incubator: reference("incubator", &raw.incubator)?,
    })
}

fn product(
    slug: Slug,
    value: serde_yaml_ng::Value,
    description: String,
) -> Result<Product, FieldError> {
    let raw: RawProduct = shape(value)?;
    let names = raw
        .phases
        .iter()
        .map(|phase| phase.name.0.trim().to_owned())
        .collect::<Vec<_>>();
    // Legacy `alumni` depends on whether the product was ever built.
    let reached_construction = names
        .iter()
        .any(|name| PhaseName::from_source(name, false).is_ok_and(PhaseName::is_built));
    let phases = (0..)
        .zip(raw.phases)
        .zip(names)
        .map(|((i, phase), name)| {
            let mapped = PhaseName::from_source(&name, reached_construction)
                .map_err(|error| FieldError::new(format!("phases[{i}].name"), &error))?;
            Ok(Phase {
                source_name: (mapped.as_str() != name).then_some(name),
                name: mapped,
                start: phase.start.0,
                end: phase.end,
                comment: phase.comment,
            })
        })
        .collect::<Result<Vec<_>, FieldError>>()?;
    let events = raw
        .events
        .into_iter()
        .map(|event| Event {
            name: event.name.0.trim().to_owned(),
            date: event.date.0,
            comment: event.comment,
        })
        .collect();
    let fast = raw
        .fast
        .map(|fast| {
            Money::from_euros_f64(fast.montant)
                .map(|amount| Fast {
                    promotion: fast.promotion,
                    amount,
                })
                .map_err(|error| FieldError::new("fast.montant", &error))
        })
        .transpose()?;
    Ok(Product {
        slug,
        title: required("title", raw.title)?,
        mission: raw.mission.0.trim().to_owned(),
        description,
        incubator: reference("incubator", &raw.incubator)?,
        incubators: references("incubators", &raw.incubators)?,
        sponsors: references("sponsors", &raw.sponsors)?,
        phases,
        events,
        usertypes: words(raw.usertypes),
        thematiques: words(raw.thematiques),
        techno: words(raw.techno),
        link: raw.link,
        repository: raw.repository,
        contact: raw.contact,
        stats_url: raw.stats_url,
        impact_url: raw.impact_url,
        budget_url: raw.budget_url,
        dashlord_url: raw.dashlord_url,
        accessibility_status: raw.accessibility_status,
        analyse_risques: raw.analyse_risques,
        mon_service_securise: raw.mon_service_securise,
        fast,
        extra: extra(raw.rest)?,
        data_quality: Vec::new(),
    })
}

fn member(slug: Slug, value: serde_yaml_ng::Value, bio: String) -> Result<Member, FieldError> {
    let raw: RawMember = shape(value)?;
    let domaine =
        Domaine::parse(raw.domaine.0.trim()).map_err(|error| FieldError::new("domaine", &error))?;
    let missions = (0..)
        .zip(raw.missions)
        .map(|(i, mission)| {
            Ok(Mission {
                start: mission.start.0,
                end: mission.end,
                status: MissionStatus::parse(mission.status.0.trim())
                    .map_err(|error| FieldError::new(format!("missions[{i}].status"), &error))?,
                employer: mission.employer,
                products: references(&format!("missions[{i}].startups"), &mission.startups)?,
            })
        })
        .collect::<Result<Vec<_>, FieldError>>()?;
    Ok(Member {
        slug,
        fullname: required("fullname", raw.fullname)?,
        role: raw.role.0.trim().to_owned(),
        domaine,
        competences: words(raw.competences),
        github: raw.github,
        link: raw.link,
        member_type: raw.member_type,
        missions,
        previously: references("previously", &raw.previously)?,
        badges: words(raw.badges),
        teams: references("teams", &raw.teams)?,
        bio,
        // Personal: the public source never holds them.
        email: None,
        phone: None,
        extra: extra(raw.rest)?,
        data_quality: Vec::new(),
    })
}

/// Flags inconsistent content on its record and lists it, located in its file.
fn check_references(
    portfolio: &mut Portfolio,
    sources: &HashMap<(&'static str, Slug), Source>,
) -> Vec<Finding> {
    let slugs = |items: Vec<&Slug>| items.into_iter().cloned().collect::<HashSet<_>>();
    let organisations = slugs(portfolio.organisations.iter().map(|o| &o.slug).collect());
    let incubators = slugs(portfolio.incubators.iter().map(|i| &i.slug).collect());
    let teams = slugs(portfolio.teams.iter().map(|t| &t.slug).collect());
    let products = slugs(portfolio.products.iter().map(|p| &p.slug).collect());
    let mut findings = Vec::new();
    let mut report = |folder: &'static str, slug: &Slug, warnings: &[DataQualityWarning]| {
        if let Some(source) = sources.get(&(folder, slug.clone())) {
            findings.extend(
                warnings
                    .iter()
                    .map(|w| source.finding(&source_field(folder, &w.field), w.message.clone())),
            );
        }
    };
    for incubator in &portfolio.incubators {
        let mut warnings = Vec::new();
        if let Some(owner) = incubator
            .owner
            .as_ref()
            .filter(|o| !organisations.contains(o))
        {
            warnings.push(DataQualityWarning::new(
                "owner",
                format!("organisation inconnue « {owner} »"),
            ));
        }
        for (i, product) in incubator.highlighted_products.iter().enumerate() {
            if !products.contains(product) {
                warnings.push(DataQualityWarning::new(
                    format!("highlighted_startups[{i}]"),
                    format!("produit inconnu « {product} »"),
                ));
            }
        }
        report("_incubators", &incubator.slug, &warnings);
    }
    for team in &portfolio.teams {
        if !incubators.contains(&team.incubator) {
            let warning = DataQualityWarning::new(
                "incubator",
                format!("incubateur inconnu « {} »", team.incubator),
            );
            report("_teams", &team.slug, &[warning]);
        }
    }
    for product in &mut portfolio.products {
        let mut warnings = product.inconsistencies();
        warnings.extend(
            product.dangling_references(|s| incubators.contains(s), |s| organisations.contains(s)),
        );
        report("_startups", &product.slug, &warnings);
        product.data_quality = warnings;
    }
    for member in &mut portfolio.members {
        let mut warnings = member.inconsistencies();
        warnings
            .extend(member.dangling_references(|s| products.contains(s), |s| teams.contains(s)));
        report("_authors", &member.slug, &warnings);
        member.data_quality = warnings;
    }
    findings
}

/// The source's name of a field the model renamed, to locate it in the file.
fn source_field(folder: &str, field: &str) -> String {
    if folder == "_authors" {
        field.replace(".products[", ".startups[")
    } else {
        field.to_owned()
    }
}

/// Compares what was read with what is stored: the records to write, and counts.
fn plan(
    current: &Portfolio,
    current_budget: &[BudgetLine],
    current_decisions: &[Decision],
    mut incoming: Portfolio,
) -> (PortfolioChanges, Vec<(&'static str, EntityCounts)>) {
    keep_personal_fields(&current.members, &mut incoming.members);
    let mut changes = PortfolioChanges::default();
    // The FAST funding in the products' content becomes their FAST budget lines.
    let fast_lines: Vec<BudgetLine> = incoming
        .products
        .iter()
        .filter_map(fast_budget_line)
        .collect();
    let current_fast: Vec<BudgetLine> = current_budget
        .iter()
        .filter(|line| line.source == BudgetSource::Fast)
        .cloned()
        .collect();
    let mut changed_lines = Vec::new();
    let fast_counts = diff(
        &current_fast,
        fast_lines.clone(),
        |l| &l.product,
        &mut changed_lines,
    );
    let dropped = current_fast
        .iter()
        .any(|old| !fast_lines.iter().any(|line| line.product == old.product));
    if !changed_lines.is_empty() || dropped {
        changes.fast_budget = Some(fast_lines);
    }
    let (decisions, decision_counts) = plan_decisions(current_decisions, &incoming.products);
    changes.imported_decisions = decisions;
    let entities = vec![
        (
            "organisations",
            diff(
                &current.organisations,
                incoming.organisations,
                |o| &o.slug,
                &mut changes.organisations,
            ),
        ),
        (
            "incubators",
            diff(
                &current.incubators,
                incoming.incubators,
                |i| &i.slug,
                &mut changes.incubators,
            ),
        ),
        (
            "teams",
            diff(
                &current.teams,
                incoming.teams,
                |t| &t.slug,
                &mut changes.teams,
            ),
        ),
        (
            "products",
            diff(
                &current.products,
                incoming.products,
                |p| &p.slug,
                &mut changes.products,
            ),
        ),
        (
            "members",
            diff(
                &current.members,
                incoming.members,
                |m| &m.slug,
                &mut changes.members,
            ),
        ),
        ("budget_fast", fast_counts),
        ("committee_decisions", decision_counts),
    ];
    (changes, entities)
}

/// The products' `committee` events as decisions without details, compared with those
/// imported before (by product, day and comment): the decisions to make exactly so when
/// anything differs, and counts.
fn plan_decisions(
    current: &[Decision],
    products: &[Product],
) -> (Option<Vec<Decision>>, EntityCounts) {
    let mut incoming = imported_decisions(products);
    let recorded_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for decision in &mut incoming {
        "import beta.gouv.fr".clone_into(&mut decision.recorded_by);
        decision.recorded_at.clone_from(&recorded_at);
    }
    let key = |d: &Decision| (d.product.clone(), d.date);
    let mut counts = EntityCounts {
        read: incoming.len(),
        ..EntityCounts::default()
    };
    for decision in &incoming {
        match current.iter().find(|old| key(old) == key(decision)) {
            Some(old) if old.comment == decision.comment => counts.unchanged += 1,
            Some(_) => counts.updated += 1,
            None => counts.created += 1,
        }
    }
    let dropped = current
        .iter()
        .any(|old| !incoming.iter().any(|new| key(new) == key(old)));
    let write = (counts.changed() > 0 || dropped).then_some(incoming);
    (write, counts)
}

/// The source never holds members' personal fields: keep those set in Pilote.
fn keep_personal_fields(current: &[Member], incoming: &mut [Member]) {
    let stored: HashMap<&Slug, &Member> = current.iter().map(|m| (&m.slug, m)).collect();
    for member in incoming {
        if let Some(existing) = stored.get(&member.slug) {
            member.keep_personal_fields_of(existing);
        }
    }
}

/// Keeps the incoming records that are new or differ from the stored ones.
fn diff<T: PartialEq>(
    current: &[T],
    incoming: Vec<T>,
    slug: impl Fn(&T) -> &Slug,
    write: &mut Vec<T>,
) -> EntityCounts {
    let stored: BTreeMap<&Slug, &T> = current
        .iter()
        .map(|record| (slug(record), record))
        .collect();
    let mut counts = EntityCounts {
        read: incoming.len(),
        ..EntityCounts::default()
    };
    for record in incoming {
        match stored.get(slug(&record)) {
            Some(existing) if **existing == record => counts.unchanged += 1,
            Some(_) => {
                counts.updated += 1;
                write.push(record);
            }
            None => {
                counts.created += 1;
                write.push(record);
            }
        }
    }
    counts
}
