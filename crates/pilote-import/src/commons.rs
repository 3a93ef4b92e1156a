//! The interministerial free-software catalogue (SILL), in its 2021–22 format: `sill.json`
//! (one entry per software, abbreviated keys) and `sill-contributors.json` (the public bodies
//! that contribute to the catalogue). Each file is read whole and checked before anything is
//! written; then the catalogue is replaced in one transaction, and the products' `techno`
//! values are matched to the software they name.
//!
//! Both files hold their whole list on one line: a bad record is named by its position,
//! `sill.json entry 57: st: …`. Any bad record stops the import with nothing written, unless
//! invalid records may be skipped: the others are then imported and the bad ones listed.

use std::collections::BTreeMap;
use std::path::Path;

use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::commons::{
    CatalogueStatus, Contributor, ContributorKind, Software, SoftwareKind, UnmatchedTechno,
    match_techno, software_slug,
};
use pilote_domain::text::fold;
use pilote_store::{Replaced, Store};
use serde::Deserialize;

use crate::{EntityCounts, Finding, ImportError, ImportOptions, ImportReport};

/// One entry of `sill.json`, as the file spells it.
#[derive(Deserialize)]
struct SillEntry {
    #[serde(default)]
    id: String,
    #[serde(default)]
    i: String,
    #[serde(default)]
    l: String,
    #[serde(default, rename = "v-")]
    minimal_version: String,
    #[serde(default)]
    st: String,
    #[serde(default)]
    y: String,
    #[serde(default)]
    g: String,
    #[serde(default)]
    c: String,
    #[serde(default)]
    f: String,
    #[serde(default)]
    p: String,
    #[serde(default)]
    co: String,
    #[serde(default)]
    frama: Option<Framalibre>,
    #[serde(default)]
    website: Option<String>,
    #[serde(default)]
    sources: Option<String>,
    #[serde(default)]
    doc: Option<String>,
    #[serde(default)]
    logo: Option<String>,
    #[serde(default, rename = "fr-desc")]
    description_fr: Option<String>,
    #[serde(default, rename = "en-desc")]
    description_en: Option<String>,
}

#[derive(Deserialize)]
struct Framalibre {
    #[serde(default)]
    name: Option<String>,
}

/// One entry of `sill-contributors.json`.
#[derive(Deserialize)]
struct ContributorEntry {
    #[serde(default, rename = "Organisme")]
    name: String,
    #[serde(default, rename = "Acronyme")]
    acronym: String,
    #[serde(default, rename = "Annuaire")]
    directory: String,
}

/// What importing the catalogue did, and the techno values left for a person to link.
#[derive(Debug, Clone, Default)]
pub struct SillImport {
    /// Counts, warnings and rejects.
    pub report: ImportReport,
    /// Products' techno values that name no software, or several.
    pub unmatched: Vec<UnmatchedTechno>,
}

/// A text, or nothing when empty or `N/A`.
pub(crate) fn given(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty() && !text.eq_ignore_ascii_case("n/a")).then(|| text.to_owned())
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Records of a list, each with its position from 1, and the findings on those refused.
type Read<T> = (Vec<(usize, T)>, Vec<Finding>);

/// Reads a JSON array of records, each with its position from 1, and the findings on those
/// that do not have the expected shape; a file that is not a list is refused whole.
fn read_list<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Read<T>, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|source| ImportError::Io {
        path: path.to_owned(),
        source,
    })?;
    let values: Vec<serde_json::Value> = serde_json::from_str(&text).map_err(|e| {
        ImportError::Invalid(vec![Finding {
            file: file_name(path),
            line: e.line(),
            entry: None,
            field: "[]".to_owned(),
            message: format!("une liste JSON est attendue : {e}"),
        }])
    })?;
    let mut records = Vec::with_capacity(values.len());
    let mut findings = Vec::new();
    for (index, value) in values.into_iter().enumerate() {
        match serde_path_to_error::deserialize(value) {
            Ok(record) => records.push((index + 1, record)),
            Err(error) => {
                let (field, message) = pilote_domain::field_error(
                    &error.path().to_string(),
                    &error.inner().to_string(),
                );
                findings.push(Finding {
                    file: file_name(path),
                    line: 1,
                    entry: Some(index + 1),
                    field,
                    message,
                });
            }
        }
    }
    Ok((records, findings))
}

/// The rejected records, when the import may go on without them; otherwise the import
/// stops with them.
pub(crate) fn allowed(
    rejects: Vec<Finding>,
    options: ImportOptions,
) -> Result<Vec<Finding>, ImportError> {
    if rejects.is_empty() || options.skip_invalid {
        Ok(rejects)
    } else {
        Err(ImportError::Invalid(rejects))
    }
}

/// The SILL's status letters.
fn status(code: &str) -> Option<CatalogueStatus> {
    match code.trim() {
        "R" => Some(CatalogueStatus::Recommended),
        "O" => Some(CatalogueStatus::InObservation),
        "FR" => Some(CatalogueStatus::Dereferenced),
        _ => None,
    }
}

/// The SILL's groups: office software (`MIMO`) is installed on agents' computers; the
/// others (`MIMDEV`, `MIMDEVOPS`, `MIMPROD`) are building blocks of services.
fn kind(group: &str) -> Option<SoftwareKind> {
    match group.trim() {
        "MIMO" => Some(SoftwareKind::DesktopMobile),
        "MIMDEV" | "MIMDEVOPS" | "MIMPROD" => Some(SoftwareKind::Stack),
        _ => None,
    }
}

/// One entry as a software (its slug from its name, settled later for twins).
fn software_of(entry: SillEntry) -> Result<Software, (&'static str, String)> {
    let name = entry.i.trim().to_owned();
    let slug = software_slug(&name).map_err(|e| ("i", e.to_string()))?;
    let status = status(&entry.st).ok_or_else(|| {
        (
            "st",
            format!("statut inconnu « {} » (attendu R, O ou FR)", entry.st),
        )
    })?;
    let kind = kind(&entry.g).ok_or_else(|| {
        (
            "g",
            format!(
                "groupe inconnu « {} » (attendu MIMO, MIMDEV, MIMDEVOPS ou MIMPROD)",
                entry.g
            ),
        )
    })?;
    let years = entry
        .y
        .split(';')
        .map(str::trim)
        .filter(|y| !y.is_empty())
        .map(str::parse::<i32>)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| ("y", format!("années invalides « {} »", entry.y)))?;
    let comptoir_id = given(&entry.co)
        .map(|co| co.parse::<i64>())
        .transpose()
        .map_err(|_| {
            (
                "co",
                format!("numéro du Comptoir du Libre invalide « {} »", entry.co),
            )
        })?;
    let optional = |text: Option<String>| text.as_deref().and_then(given);
    let software = Software {
        slug,
        sill_id: given(&entry.id),
        description_fr: optional(entry.description_fr).unwrap_or_default(),
        description_en: optional(entry.description_en).unwrap_or_default(),
        licence: entry.l.trim().to_owned(),
        minimal_version: given(&entry.minimal_version),
        status,
        status_reason: None,
        status_date: None,
        kind,
        operating_systems: Vec::new(),
        categories: given(&entry.c).into_iter().collect(),
        function: entry.f.trim().to_owned(),
        parent: given(&entry.p),
        website: optional(entry.website),
        repository: optional(entry.sources),
        documentation: optional(entry.doc),
        comptoir_id,
        wikidata_id: None,
        framalibre: entry.frama.and_then(|f| f.name).as_deref().and_then(given),
        logo_url: optional(entry.logo),
        added_in: years.into_iter().min(),
        name,
    };
    software
        .validate()
        .map_err(|(field, error)| (sill_key(field), error.to_string()))?;
    Ok(software)
}

/// The file's key of a software field, to name it in a finding.
fn sill_key(field: &str) -> &'static str {
    match field {
        "name" => "i",
        "website" => "website",
        "repository" => "sources",
        "documentation" => "doc",
        "logo_url" => "logo",
        _ => "?",
    }
}

/// What `sill.json` holds.
#[derive(Debug, Clone, Default)]
pub struct SillFile {
    /// The valid entries as software, by slug.
    pub software: Vec<Software>,
    /// Readable but inconsistent content (a parent the catalogue does not hold).
    pub warnings: Vec<Finding>,
    /// Invalid entries, left out.
    pub rejects: Vec<Finding>,
}

/// Reads `sill.json`: every entry must give a name, a known status and group, numeric
/// years and Comptoir id, and web addresses. Software sharing a name (the SILL lists
/// « Grammalecte » for `LibreOffice` and for Firefox) get their parent's name, or their
/// number, in their slug. A parent the catalogue does not hold is a warning.
pub fn read_sill(path: &Path) -> Result<SillFile, ImportError> {
    let (entries, mut rejects) = read_list::<SillEntry>(path)?;
    let finding = |entry: usize, field: &str, message: String| Finding {
        file: file_name(path),
        line: 1,
        entry: Some(entry),
        field: field.to_owned(),
        message,
    };
    let mut software = Vec::with_capacity(entries.len());
    for (entry, record) in entries {
        match software_of(record) {
            Ok(one) => software.push((entry, one)),
            Err((field, message)) => rejects.push(finding(entry, field, message)),
        }
    }
    let mut by_slug: BTreeMap<Slug, usize> = BTreeMap::new();
    for (_, one) in &software {
        *by_slug.entry(one.slug.clone()).or_default() += 1;
    }
    for (entry, one) in &mut software {
        if by_slug.get(&one.slug).copied().unwrap_or_default() > 1 {
            let suffix = one
                .parent
                .clone()
                .or_else(|| one.sill_id.clone())
                .unwrap_or_default();
            one.slug = software_slug(&format!("{} {suffix}", one.name))
                .map_err(|e| ImportError::Invalid(vec![finding(*entry, "i", e.to_string())]))?;
        }
    }
    let mut seen: BTreeMap<Slug, usize> = BTreeMap::new();
    software.retain(|(entry, one)| {
        if let Some(first) = seen.get(&one.slug) {
            rejects.push(finding(
                *entry,
                "i",
                format!("même identifiant « {} » que l'entrée {first}", one.slug),
            ));
            return false;
        }
        seen.insert(one.slug.clone(), *entry);
        true
    });
    let names: Vec<String> = software.iter().map(|(_, s)| fold(&s.name)).collect();
    let warnings = software
        .iter()
        .filter_map(|(entry, one)| {
            let parent = one.parent.as_deref()?;
            (!names.contains(&fold(parent))).then(|| {
                finding(
                    *entry,
                    "p",
                    format!("logiciel parent « {parent} » absent du catalogue"),
                )
            })
        })
        .collect();
    software.sort_by(|a, b| a.1.slug.cmp(&b.1.slug));
    rejects.sort_by_key(|r| r.entry);
    Ok(SillFile {
        software: software.into_iter().map(|(_, s)| s).collect(),
        warnings,
        rejects,
    })
}

/// The report's counts of replacing a list by `read` records.
pub(crate) fn counts(read: usize, replaced: Replaced) -> EntityCounts {
    EntityCounts {
        read,
        created: replaced.created,
        updated: replaced.updated,
        unchanged: replaced.unchanged,
        deleted: replaced.deleted,
    }
}

/// Imports `sill.json`: the catalogue becomes its software in one transaction (a software
/// no longer listed is removed with what hangs on it); then every product's techno value
/// that names exactly one software links the product to it (role `techno`), and the others
/// are returned for a person to link.
pub async fn import_sill(
    store: &Store,
    path: &Path,
    options: ImportOptions,
    actor: &Actor,
) -> Result<SillImport, ImportError> {
    let SillFile {
        software,
        warnings,
        rejects,
    } = read_sill(path)?;
    let rejects = allowed(rejects, options)?;
    let catalogue = store.load_catalogue().await?;
    let (_, replaced) = Replaced::plan(
        &catalogue.software,
        &software,
        |s| s.slug.clone(),
        PartialEq::eq,
    );
    let counts = counts(software.len(), replaced);
    let products = store.load_portfolio().await?.products;
    let matched = match_techno(&products, &software);
    let new_links = matched
        .links
        .iter()
        .filter(|link| {
            !catalogue
                .links
                .iter()
                .any(|old| old.product == link.product && old.software == link.software)
        })
        .count();
    if !options.dry_run {
        if counts.changed() > 0 {
            store.replace_software(&software, actor).await?;
        }
        store.add_product_links(&matched.links, actor).await?;
    }
    let links = EntityCounts {
        read: matched.links.len(),
        created: new_links,
        unchanged: matched.links.len() - new_links,
        ..EntityCounts::default()
    };
    Ok(SillImport {
        report: ImportReport {
            entities: vec![("software", counts), ("techno_links", links)],
            warnings,
            rejects,
            dry_run: options.dry_run,
        },
        unmatched: matched.unmatched,
    })
}

/// Reads `sill-contributors.json`: public bodies, each with a name; returns them and the
/// entries refused.
pub fn read_contributors(path: &Path) -> Result<(Vec<Contributor>, Vec<Finding>), ImportError> {
    let (entries, mut rejects) = read_list::<ContributorEntry>(path)?;
    let mut contributors = Vec::with_capacity(entries.len());
    for (entry, record) in entries {
        let Some(name) = given(&record.name) else {
            rejects.push(Finding {
                file: file_name(path),
                line: 1,
                entry: Some(entry),
                field: "Organisme".to_owned(),
                message: pilote_domain::DomainError::Required.to_string(),
            });
            continue;
        };
        contributors.push(Contributor {
            id: 0,
            software: None,
            name,
            acronym: given(&record.acronym),
            kind: ContributorKind::PublicBody,
            url: given(&record.directory),
        });
    }
    rejects.sort_by_key(|r| r.entry);
    Ok((contributors, rejects))
}

/// Imports `sill-contributors.json`: the catalogue's contributors become its entries, in
/// one transaction.
pub async fn import_contributors(
    store: &Store,
    path: &Path,
    options: ImportOptions,
    actor: &Actor,
) -> Result<ImportReport, ImportError> {
    let (contributors, rejects) = read_contributors(path)?;
    let rejects = allowed(rejects, options)?;
    let stored: Vec<Contributor> = store
        .load_catalogue()
        .await?
        .contributors
        .into_iter()
        .filter(|c| c.software.is_none())
        .map(|c| Contributor { id: 0, ..c })
        .collect();
    let (_, replaced) = Replaced::plan(&stored, &contributors, |c| c.name.clone(), PartialEq::eq);
    let counts = counts(contributors.len(), replaced);
    if counts.changed() > 0 && !options.dry_run {
        store
            .replace_catalogue_contributors(&contributors, actor)
            .await?;
    }
    Ok(ImportReport {
        entities: vec![("contributors", counts)],
        rejects,
        dry_run: options.dry_run,
        ..ImportReport::default()
    })
}
