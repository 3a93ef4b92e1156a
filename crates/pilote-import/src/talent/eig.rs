//! The EIG programme's published data (`_data/` of its site): `promos.yml`, `skills.yml`,
//! `defis.yml` and `personnes.yml`, each a map of records by name.
//!
//! Every file is read and checked before anything is written. A challenge is identified by
//! the slug of its name (`EIG Link 2019` → `eig-link-2019`), a person by the slug of theirs;
//! a person listed twice is merged, and a person named only in a challenge is added from
//! it, each with a warning. A key figure that is not a usable number is kept as text only,
//! with a warning.

use std::collections::BTreeMap;
use std::path::Path;

use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::is_http_url;
use pilote_domain::talent::eig::{
    Challenge, EigRole, KeyFigure, Person, PersonLinks, Programme, Promotion, Skill,
};
use pilote_domain::text::fold;
use pilote_store::Store;
use serde::Deserialize;
use serde_yaml_ng::Value;

use crate::commons::{allowed, counts};
use crate::{Finding, ImportError, ImportOptions, ImportReport};

/// The files of the programme's folder.
pub const FILES: [&str; 4] = ["promos.yml", "skills.yml", "defis.yml", "personnes.yml"];

/// What the folder holds, read and checked, before it meets the store.
#[derive(Debug, Clone, Default)]
pub struct EigFile {
    /// The programme.
    pub programme: Programme,
    /// Readable but inconsistent content, imported with the warning.
    pub warnings: Vec<Finding>,
    /// Invalid records, left out.
    pub rejects: Vec<Finding>,
    /// Key figures kept as text only.
    pub text_only_figures: usize,
}

/// One file's records, in order, with the line each starts on.
struct Source {
    file: &'static str,
    records: Vec<(String, Value)>,
    lines: Vec<(String, usize, String)>,
    /// Fields written twice in a record, the earlier value dropped.
    repeated: Vec<Finding>,
}

/// Comments out each field of a record written again further down in the same record
/// (the site's generator kept the last value); returns the text, with the same lines, and
/// each dropped field's line, record and name.
fn drop_repeated_fields(text: &str) -> (String, Vec<(usize, String, String)>) {
    let lines: Vec<&str> = text.lines().collect();
    // Each field of the current record: its name and the lines it spans.
    let mut fields: Vec<(String, usize, usize)> = Vec::new();
    let mut record = String::new();
    let mut dropped: Vec<(usize, String, String)> = Vec::new();
    let mut commented = vec![false; lines.len()];
    let mut close = |fields: &mut Vec<(String, usize, usize)>, record: &str| {
        for (i, (name, start, end)) in fields.iter().enumerate() {
            if fields[i + 1..].iter().any(|(later, _, _)| later == name) {
                commented[*start..*end].fill(true);
                dropped.push((start + 1, record.to_owned(), name.clone()));
            }
        }
        fields.clear();
    };
    for (i, line) in lines.iter().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if indent == 0 {
            close(&mut fields, &record);
            line.rsplit_once(':')
                .map_or(*line, |(name, _)| name)
                .trim()
                .trim_matches(['"', '\''])
                .clone_into(&mut record);
        } else if indent == 2 && !content.starts_with('-') {
            if let Some((name, _)) = content.split_once(':') {
                fields.push((name.trim().to_owned(), i, i + 1));
            }
        } else if let Some(last) = fields.last_mut() {
            last.2 = i + 1;
        }
    }
    close(&mut fields, &record);
    let mut out = String::with_capacity(text.len() + dropped.len() * 4);
    for (line, commented) in lines.iter().zip(commented) {
        if commented {
            out.push('#');
        }
        out.push_str(line);
        out.push('\n');
    }
    (out, dropped)
}

impl Source {
    fn read(dir: &Path, file: &'static str) -> Result<Self, ImportError> {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).map_err(|source| ImportError::Io {
            path: path.clone(),
            source,
        })?;
        let (text, dropped) = drop_repeated_fields(&text);
        let mapping: serde_yaml_ng::Mapping = serde_yaml_ng::from_str(&text).map_err(|e| {
            let line = e.location().map_or(1, |l| l.line());
            ImportError::Invalid(vec![Finding {
                file: file.to_owned(),
                line,
                entry: None,
                field: "(fichier)".to_owned(),
                message: format!("YAML illisible : {e}"),
            }])
        })?;
        let mut records = Vec::with_capacity(mapping.len());
        for (key, value) in mapping {
            let key = match key {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                other => serde_yaml_ng::to_string(&other)
                    .unwrap_or_default()
                    .trim()
                    .to_owned(),
            };
            records.push((key, value));
        }
        let repeated = dropped
            .into_iter()
            .map(|(line, record, field)| Finding {
                file: file.to_owned(),
                line,
                entry: None,
                field: format!("« {record} ».{field}"),
                message: "champ écrit deux fois dans la fiche : la dernière valeur est gardée"
                    .to_owned(),
            })
            .collect();
        Ok(Self {
            file,
            records,
            lines: record_lines(&text),
            repeated,
        })
    }

    /// A finding on `field` of the record `key`, located at its line in the file.
    fn finding(&self, key: &str, field: &str, message: impl Into<String>) -> Finding {
        let line =
            self.lines
                .iter()
                .find(|(name, _, _)| name == key)
                .map_or(1, |(_, start, block)| {
                    if field.is_empty() {
                        *start
                    } else {
                        start + crate::front_matter::line_of(block, field)
                            - crate::front_matter::FIRST_LINE
                            + 1
                    }
                });
        let field = if field.is_empty() {
            format!("« {key} »")
        } else {
            format!("« {key} ».{field}")
        };
        Finding {
            file: self.file.to_owned(),
            line,
            entry: None,
            field,
            message: message.into(),
        }
    }

    /// The record `key` as `T`, or the finding of the field that does not fit.
    fn parse<T: for<'de> Deserialize<'de>>(&self, key: &str, value: Value) -> Result<T, Finding> {
        serde_path_to_error::deserialize(value).map_err(|error| {
            let (field, message) =
                pilote_domain::field_error(&error.path().to_string(), &error.inner().to_string());
            let field = if field == "." { String::new() } else { field };
            self.finding(key, &field, message)
        })
    }
}

/// Each top-level record's name, first line (1-based) and the text of its block.
fn record_lines(text: &str) -> Vec<(String, usize, String)> {
    let mut found: Vec<(String, usize, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let top = !line.starts_with([' ', '\t', '#', '-']) && !line.trim().is_empty();
        if top && let Some((name, _)) = line.rsplit_once(':') {
            let name = name.trim().trim_matches(['"', '\'']).to_owned();
            found.push((name, i + 1, String::new()));
        } else if let Some(last) = found.last_mut() {
            last.2.push_str(line);
            last.2.push('\n');
        }
    }
    found
}

#[derive(Deserialize)]
struct RawPromotion {
    title: String,
    promotion: Value,
    #[serde(default)]
    class: Option<String>,
}

#[derive(Deserialize)]
struct RawFigure {
    #[serde(default)]
    amount: Option<Value>,
    description: String,
    #[serde(default)]
    before: Option<String>,
    #[serde(default)]
    after: Option<String>,
}

#[derive(Deserialize)]
struct RawChallenge {
    title: String,
    description: String,
    administration: String,
    #[serde(default)]
    administration_website: Option<String>,
    #[serde(default)]
    ville: Option<String>,
    year: i32,
    promotion: Value,
    #[serde(default)]
    duration_months: Option<u32>,
    #[serde(default)]
    skills: Option<Vec<String>>,
    #[serde(default)]
    key_figures: Option<Vec<RawFigure>>,
    #[serde(default)]
    source_code: Option<String>,
    #[serde(default)]
    website: Option<String>,
    #[serde(default)]
    eigs: Option<Vec<String>>,
    #[serde(default)]
    mentors: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawPerson {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    annees: Option<Vec<Value>>,
    #[serde(default)]
    class: Option<Vec<String>>,
    #[serde(default)]
    defis: Option<Vec<String>>,
    #[serde(default)]
    profil: Option<String>,
    #[serde(default)]
    github: Option<String>,
    #[serde(default)]
    gitlab: Option<String>,
    #[serde(default)]
    linkedin: Option<String>,
    #[serde(default)]
    twitter: Option<String>,
    #[serde(default)]
    website: Option<String>,
}

/// A promotion's code as the source writes it (`4`, `dig`).
fn code(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    }
}

/// A non-empty trimmed text.
fn present(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// A number as people write it: blanks between thousands, a decimal comma, a sign.
fn number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '+')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Shows a number without a needless decimal part.
fn show(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}

/// The slug of a name, or the finding of why there is none.
fn slug_of(source: &Source, key: &str, field: &str, name: &str) -> Result<Slug, Finding> {
    Slug::from_name(name).map_err(|e| source.finding(key, field, e.to_string()))
}

struct Reader {
    warnings: Vec<Finding>,
    rejects: Vec<Finding>,
    text_only: usize,
}

impl Reader {
    fn promotions(&mut self, source: &Source) -> Vec<Promotion> {
        let mut promotions: Vec<Promotion> = Vec::new();
        for (key, value) in &source.records {
            let raw: RawPromotion = match source.parse(key, value.clone()) {
                Ok(raw) => raw,
                Err(finding) => {
                    self.rejects.push(finding);
                    continue;
                }
            };
            let slug = match slug_of(source, key, "", key) {
                Ok(slug) => slug,
                Err(f) => {
                    self.rejects.push(f);
                    continue;
                }
            };
            let Some(code) = code(&raw.promotion) else {
                self.rejects.push(source.finding(
                    key,
                    "promotion",
                    "le numéro ou le code de la promotion est obligatoire",
                ));
                continue;
            };
            let year = raw
                .class
                .as_deref()
                .and_then(|c| c.split_whitespace().next())
                .and_then(|y| y.parse::<i32>().ok());
            let Some(year) = year else {
                self.rejects.push(source.finding(
                    key,
                    "class",
                    "l'année de la promotion (« 2020 eig-4 ») est introuvable",
                ));
                continue;
            };
            let promotion = Promotion {
                slug,
                code,
                title: raw.title.trim().to_owned(),
                year,
            };
            let problems = promotion.validate();
            if !problems.is_empty() {
                self.rejects.extend(
                    problems
                        .into_iter()
                        .map(|p| source.finding(key, &p.field, p.message)),
                );
                continue;
            }
            if promotions
                .iter()
                .any(|p| p.slug == promotion.slug || p.code == promotion.code)
            {
                self.rejects.push(source.finding(
                    key,
                    "promotion",
                    format!("la promotion « {} » est déjà décrite", promotion.code),
                ));
                continue;
            }
            promotions.push(promotion);
        }
        promotions.sort_by(|a, b| a.slug.cmp(&b.slug));
        promotions
    }

    fn skills(&mut self, source: &Source) -> Vec<Skill> {
        let mut skills: Vec<Skill> = Vec::new();
        for (key, value) in &source.records {
            let label = match value {
                Value::String(s) if !s.trim().is_empty() => s.trim().to_owned(),
                _ => {
                    self.rejects.push(source.finding(
                        key,
                        "",
                        "le libellé de la compétence doit être un texte",
                    ));
                    continue;
                }
            };
            match Slug::parse(key) {
                Ok(slug) if !skills.iter().any(|s| s.slug == slug) => {
                    skills.push(Skill { slug, label });
                }
                Ok(_) => {
                    self.rejects
                        .push(source.finding(key, "", "cette compétence est déjà décrite"));
                }
                Err(e) => self.rejects.push(source.finding(key, "", e.to_string())),
            }
        }
        skills.sort_by(|a, b| a.slug.cmp(&b.slug));
        skills
    }

    /// An address kept when it is a web address, dropped with a warning otherwise.
    fn address(
        &mut self,
        source: &Source,
        key: &str,
        field: &str,
        value: Option<String>,
    ) -> Option<String> {
        let value = present(value)?;
        if is_http_url(&value) {
            Some(value)
        } else {
            self.warnings.push(source.finding(
                key,
                field,
                format!("« {value} » n'est pas une adresse web : ignorée"),
            ));
            None
        }
    }

    fn figure(&mut self, source: &Source, key: &str, i: usize, raw: RawFigure) -> KeyFigure {
        let description = raw.description.trim().to_owned();
        let before = present(raw.before).unwrap_or_default();
        let after = present(raw.after).unwrap_or_default();
        let mut percent = after == "%" || description.starts_with('%');
        let (value, amount) = match raw.amount {
            Some(Value::Number(n)) => (n.as_f64(), n.as_f64().map(show).unwrap_or_default()),
            Some(Value::String(s)) => {
                let trimmed = s.trim().to_owned();
                let stripped = trimmed.strip_suffix('%').map(str::trim_end);
                percent |= stripped.is_some();
                (number(stripped.unwrap_or(&trimmed)), trimmed)
            }
            _ => (None, String::new()),
        };
        let text = match (before.is_empty(), after.is_empty()) {
            (true, true) => amount.clone(),
            (false, true) => format!("{before}{amount}"),
            (_, false) => format!("{before}{amount} {after}"),
        };
        // A zero is how the site left a figure it never filled in.
        let value = value.filter(|v| *v != 0.0);
        if value.is_none() {
            self.text_only += 1;
            let shown = if amount.is_empty() {
                "aucune valeur".to_owned()
            } else {
                format!("« {amount} »")
            };
            self.warnings.push(source.finding(
                key,
                &format!("key_figures[{i}].amount"),
                format!(
                    "{shown} n'est pas un chiffre exploitable : le chiffre clé « {description} » est gardé comme texte, sans mesure d'impact"
                ),
            ));
            percent = false;
        }
        KeyFigure {
            value,
            text,
            description,
            percent,
        }
    }

    fn challenges(
        &mut self,
        source: &Source,
        promotions: &[Promotion],
        skills: &[Skill],
    ) -> Vec<(String, Challenge)> {
        let mut challenges: Vec<(String, Challenge)> = Vec::new();
        for (key, value) in &source.records {
            let raw: RawChallenge = match source.parse(key, value.clone()) {
                Ok(raw) => raw,
                Err(finding) => {
                    self.rejects.push(finding);
                    continue;
                }
            };
            let slug = match slug_of(source, key, "", key) {
                Ok(slug) => slug,
                Err(f) => {
                    self.rejects.push(f);
                    continue;
                }
            };
            let promotion =
                code(&raw.promotion).and_then(|code| promotions.iter().find(|p| p.code == code));
            let Some(promotion) = promotion else {
                self.rejects.push(source.finding(
                    key,
                    "promotion",
                    format!(
                        "promotion inconnue : {} (promos.yml décrit {})",
                        serde_yaml_ng::to_string(&raw.promotion)
                            .unwrap_or_default()
                            .trim(),
                        promotions
                            .iter()
                            .map(|p| p.code.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
                continue;
            };
            let mut sought = Vec::new();
            let mut bad = None;
            for (i, name) in raw.skills.unwrap_or_default().iter().enumerate() {
                match skills.iter().find(|s| s.slug.as_str() == name.trim()) {
                    Some(skill) => sought.push(skill.slug.clone()),
                    None => {
                        bad = Some(source.finding(
                            key,
                            &format!("skills[{i}]"),
                            format!("compétence inconnue de skills.yml : « {name} »"),
                        ));
                    }
                }
            }
            if let Some(bad) = bad {
                self.rejects.push(bad);
                continue;
            }
            let figures: Vec<KeyFigure> = raw
                .key_figures
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, f)| self.figure(source, key, i, f))
                .collect();
            let people = |list: Option<Vec<String>>, field: &str| -> Result<Vec<Slug>, Finding> {
                let mut slugs = Vec::new();
                for (i, name) in list.unwrap_or_default().iter().enumerate() {
                    let slug = slug_of(source, key, &format!("{field}[{i}]"), name)?;
                    if !slugs.contains(&slug) {
                        slugs.push(slug);
                    }
                }
                Ok(slugs)
            };
            let (eigs, mentors) = match (people(raw.eigs, "eigs"), people(raw.mentors, "mentors")) {
                (Ok(eigs), Ok(mentors)) => (eigs, mentors),
                (Err(f), _) | (_, Err(f)) => {
                    self.rejects.push(f);
                    continue;
                }
            };
            let administration_website = self.address(
                source,
                key,
                "administration_website",
                raw.administration_website,
            );
            let challenge = Challenge {
                slug,
                title: raw.title.trim().to_owned(),
                description: raw.description.trim().to_owned(),
                administration: raw.administration.trim().to_owned(),
                administration_website,
                city: present(raw.ville),
                year: raw.year,
                promotion: promotion.slug.clone(),
                duration_months: raw.duration_months,
                skills: sought,
                key_figures: figures,
                source_code: self.address(source, key, "source_code", raw.source_code),
                website: self.address(source, key, "website", raw.website),
                eigs,
                mentors,
            };
            let problems = challenge.validate();
            if !problems.is_empty() {
                self.rejects.extend(
                    problems
                        .into_iter()
                        .map(|p| source.finding(key, &p.field, p.message)),
                );
                continue;
            }
            if challenges.iter().any(|(_, c)| c.slug == challenge.slug) {
                self.rejects.push(source.finding(
                    key,
                    "",
                    format!(
                        "un autre défi porte déjà l'identifiant « {} »",
                        challenge.slug
                    ),
                ));
                continue;
            }
            challenges.push((key.clone(), challenge));
        }
        challenges
    }

    fn people(
        &mut self,
        source: &Source,
        defis: &Source,
        promotions: &[Promotion],
        skills: &[Skill],
        challenges: &[(String, Challenge)],
    ) -> Vec<Person> {
        let mut people: BTreeMap<Slug, Person> = BTreeMap::new();
        for (key, value) in &source.records {
            let raw: RawPerson = match source.parse(key, value.clone()) {
                Ok(raw) => raw,
                Err(finding) => {
                    self.rejects.push(finding);
                    continue;
                }
            };
            let slug = match slug_of(source, key, "", key) {
                Ok(slug) => slug,
                Err(f) => {
                    self.rejects.push(f);
                    continue;
                }
            };
            if let Some(title) = present(raw.title.clone())
                && Slug::from_name(&title).ok().as_ref() != Some(&slug)
            {
                self.warnings.push(source.finding(
                    key,
                    "title",
                    format!(
                        "le nom affiché « {title} » diffère du nom de la fiche « {key} » : le nom de la fiche est gardé"
                    ),
                ));
            }
            let classes = raw.class.unwrap_or_default();
            let profile = present(raw.profil).unwrap_or_default();
            let role = match fold(&profile).as_str() {
                "mentor" => EigRole::Mentor,
                "accompagnement" => EigRole::Coach,
                _ if classes.iter().any(|c| c == "mentor") => EigRole::Mentor,
                _ => EigRole::Eig,
            };
            let mut person_promotions: Vec<Slug> = classes
                .iter()
                .filter_map(|c| {
                    let code = c.strip_prefix("eig-").unwrap_or(c);
                    promotions
                        .iter()
                        .find(|p| p.code == code)
                        .map(|p| p.slug.clone())
                })
                .collect();
            person_promotions.sort();
            person_promotions.dedup();
            let skill_of = |c: &str| -> Option<&'static str> {
                match c {
                    "datascientist" => Some("datascience"),
                    "webdev" => Some("dev"),
                    "designer" => Some("design"),
                    "geomatique" => Some("geomatique"),
                    _ => None,
                }
            };
            let mut person_skills: Vec<Slug> = classes
                .iter()
                .filter_map(|c| skill_of(c.as_str()))
                .chain((fold(&profile) == "data engineer").then_some("dataengineering"))
                .filter_map(|s| skills.iter().find(|k| k.slug.as_str() == s))
                .map(|s| s.slug.clone())
                .collect();
            person_skills.sort();
            person_skills.dedup();
            let mut person_challenges = Vec::new();
            for (i, name) in raw.defis.unwrap_or_default().iter().enumerate() {
                match challenges.iter().find(|(k, _)| k == name) {
                    Some((_, c)) => person_challenges.push(c.slug.clone()),
                    None => self.warnings.push(source.finding(
                        key,
                        &format!("defis[{i}]"),
                        format!("défi inconnu de defis.yml : « {name} » (ignoré)"),
                    )),
                }
            }
            let mut years = Vec::new();
            let mut unreadable = None;
            for (i, value) in raw.annees.unwrap_or_default().iter().enumerate() {
                match value {
                    Value::Number(n) => match n.as_i64().and_then(|y| i32::try_from(y).ok()) {
                        Some(year) => years.push(year),
                        None => unreadable = Some((i, n.to_string())),
                    },
                    Value::String(text) => {
                        // « 2018 2019 »: several years written as one.
                        let found: Vec<i32> = text
                            .split(|c: char| !c.is_ascii_digit())
                            .filter_map(|y| y.parse().ok())
                            .collect();
                        if found.is_empty() {
                            unreadable = Some((i, text.clone()));
                        } else {
                            self.warnings.push(source.finding(
                                key,
                                &format!("annees[{i}]"),
                                format!(
                                    "« {text} » est lu comme les années {}",
                                    found
                                        .iter()
                                        .map(ToString::to_string)
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            ));
                            years.extend(found);
                        }
                    }
                    other => {
                        unreadable = Some((
                            i,
                            serde_yaml_ng::to_string(other)
                                .unwrap_or_default()
                                .trim()
                                .to_owned(),
                        ));
                    }
                }
            }
            if let Some((i, text)) = unreadable {
                self.rejects.push(source.finding(
                    key,
                    &format!("annees[{i}]"),
                    format!("« {text} » n'est pas une année"),
                ));
                continue;
            }
            if let Some(year) = years.iter().find(|y| !(2000..=2100).contains(*y)) {
                self.rejects.push(source.finding(
                    key,
                    "annees",
                    format!("année invalide : {year}"),
                ));
                continue;
            }
            years.sort_unstable();
            years.dedup();
            let links = PersonLinks {
                github: present(raw.github),
                gitlab: present(raw.gitlab),
                linkedin: self.address(source, key, "linkedin", raw.linkedin),
                twitter: present(raw.twitter),
                website: self.address(source, key, "website", raw.website),
            };
            let mut person = Person {
                slug: slug.clone(),
                name: key.trim().to_owned(),
                role,
                profile,
                years,
                promotions: person_promotions,
                challenges: person_challenges,
                skills: person_skills,
                links,
            };
            person.challenges.sort();
            person.challenges.dedup();
            let problems = person.validate();
            if !problems.is_empty() {
                self.rejects.extend(
                    problems
                        .into_iter()
                        .map(|p| source.finding(key, &p.field, p.message)),
                );
                continue;
            }
            match people.get_mut(&slug) {
                Some(first) => {
                    self.warnings.push(source.finding(
                        key,
                        "",
                        format!(
                            "« {key} » et « {} » sont une même personne : leurs fiches sont fusionnées",
                            first.name
                        ),
                    ));
                    first.merge(&person);
                }
                None => {
                    people.insert(slug, person);
                }
            }
        }
        // Everyone a challenge names has a record, and names that challenge.
        for (key, challenge) in challenges {
            for (list, role, field) in [
                (&challenge.eigs, EigRole::Eig, "eigs"),
                (&challenge.mentors, EigRole::Mentor, "mentors"),
            ] {
                for (i, slug) in list.iter().enumerate() {
                    let person = people.entry(slug.clone()).or_insert_with(|| {
                        let name = defis
                            .records
                            .iter()
                            .find(|(k, _)| k == key)
                            .and_then(|(_, v)| v.get(field))
                            .and_then(|l| l.get(i))
                            .and_then(Value::as_str)
                            .unwrap_or(slug.as_str())
                            .trim()
                            .to_owned();
                        self.warnings.push(defis.finding(
                            key,
                            &format!("{field}[{i}]"),
                            format!(
                                "« {name} » n'a pas de fiche dans personnes.yml : ajouté d'après le défi"
                            ),
                        ));
                        Person {
                            slug: slug.clone(),
                            name,
                            role,
                            profile: String::new(),
                            years: vec![challenge.year],
                            promotions: vec![challenge.promotion.clone()],
                            challenges: Vec::new(),
                            skills: Vec::new(),
                            links: PersonLinks::default(),
                        }
                    });
                    if !person.challenges.contains(&challenge.slug) {
                        person.challenges.push(challenge.slug.clone());
                        person.challenges.sort();
                    }
                }
            }
        }
        people.into_values().collect()
    }
}

/// Reads and checks the programme's folder.
pub fn read(dir: &Path) -> Result<EigFile, ImportError> {
    if !dir.is_dir() || !FILES.iter().all(|f| dir.join(f).is_file()) {
        return Err(ImportError::NotASource {
            path: dir.to_path_buf(),
            expected: "dossier des données du programme EIG",
            hint: "promos.yml, skills.yml, defis.yml et personnes.yml",
        });
    }
    let mut reader = Reader {
        warnings: Vec::new(),
        rejects: Vec::new(),
        text_only: 0,
    };
    let promos = Source::read(dir, "promos.yml")?;
    let skills = Source::read(dir, "skills.yml")?;
    let defis = Source::read(dir, "defis.yml")?;
    let personnes = Source::read(dir, "personnes.yml")?;
    for source in [&promos, &skills, &defis, &personnes] {
        reader.warnings.extend(source.repeated.iter().cloned());
    }
    let promotions = reader.promotions(&promos);
    let skills = reader.skills(&skills);
    let challenges = reader.challenges(&defis, &promotions, &skills);
    let people = reader.people(&personnes, &defis, &promotions, &skills, &challenges);
    let mut challenges: Vec<Challenge> = challenges.into_iter().map(|(_, c)| c).collect();
    challenges.sort_by(|a, b| a.slug.cmp(&b.slug));
    Ok(EigFile {
        programme: Programme {
            promotions,
            skills,
            challenges,
            people,
        },
        warnings: reader.warnings,
        rejects: reader.rejects,
        text_only_figures: reader.text_only,
    })
}

/// Reads the programme's folder and imports it in one transaction: stops with its invalid
/// records unless they may be skipped; writes nothing in a dry run.
pub async fn import(
    store: &Store,
    dir: &Path,
    options: ImportOptions,
    actor: &Actor,
) -> Result<ImportReport, ImportError> {
    let EigFile {
        programme,
        warnings,
        rejects,
        ..
    } = read(dir)?;
    let rejects = allowed(rejects, options)?;
    let done = store
        .apply_eig_import(&programme, options.dry_run, actor)
        .await?;
    let figures: usize = programme
        .challenges
        .iter()
        .map(|c| c.key_figures.iter().filter(|f| f.value.is_some()).count())
        .sum();
    Ok(ImportReport {
        entities: vec![
            (
                "eig_promotions",
                counts(programme.promotions.len(), done.promotions),
            ),
            ("eig_skills", counts(programme.skills.len(), done.skills)),
            (
                "eig_challenges",
                counts(programme.challenges.len(), done.challenges),
            ),
            ("eig_people", counts(programme.people.len(), done.people)),
            (
                "products",
                counts(programme.challenges.len(), done.products),
            ),
            ("indicators", counts(figures, done.indicators)),
            ("measurements", counts(figures, done.measurements)),
        ],
        warnings,
        rejects,
        dry_run: options.dry_run,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROMOS: &str = "\"EIG 4\":\n  title: Les défis EIG 4\n  promotion: 4\n  class: 2020 eig-4\n\n\"DIG\":\n  title: Les défis DIG\n  promotion: dig\n  class: 2019 eig-dig\n";
    const SKILLS: &str = "dev: Développement\ndesign: Design\n";
    const DEFIS: &str = "\"MonitorFish\":\n  title: MonitorFish\n  description: Aider au contrôle des pêches\n  year: 2020\n  promotion: 4\n  duration_months: 10\n  administration: DPMA\n  administration_website: hhttp://www.example.org\n  skills: [\"dev\"]\n  eigs:\n    - \"Anne Dupont\"\n  mentors:\n    - \"Paul Martin\"\n  key_figures:\n    - amount: 965\n      description: Zones cartographiées\n    - amount: 0\n      description: annotateurs\n    - amount: 30\n      after: \"%\"\n      description: Des inspecteurs ont utilisé l'outil\n\n\"Alphabet\":\n  title: Alphabet\n  description: Apprendre à lire\n  year: 2019\n  promotion: dig\n  administration: DGESCO\n  eigs: []\n  mentors: []\n";
    const PEOPLE: &str = "Anne Dupont:\n  annees: [2020]\n  class: [eig-4, eig, webdev]\n  defis: [MonitorFish]\n  profil: Développeuse\n  title: Anne Dupont\n  github: anne\n\nAnne  Dupont:\n  annees: [2019]\n  class: [dig]\n  defis: [Alphabet]\n  profil: Développeuse\n  title: Anne Dupont\n  twitter: anne\n";

    fn folder(defis: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (file, text) in [
            ("promos.yml", PROMOS),
            ("skills.yml", SKILLS),
            ("defis.yml", defis),
            ("personnes.yml", PEOPLE),
        ] {
            std::fs::write(dir.path().join(file), text).unwrap();
        }
        dir
    }

    #[test]
    fn reads_the_programme_with_its_warnings() {
        let dir = folder(DEFIS);
        let read = read(dir.path()).unwrap();
        assert!(read.rejects.is_empty(), "{:?}", read.rejects);
        let p = &read.programme;
        assert_eq!(p.promotions.len(), 2);
        assert_eq!(p.promotions[0].slug.as_str(), "dig");
        assert_eq!(p.promotions[1].year, 2020);
        let fish = p.challenge(&Slug::parse("monitorfish").unwrap()).unwrap();
        assert_eq!(fish.promotion.as_str(), "eig-4");
        assert_eq!(fish.administration_website, None);
        assert_eq!(fish.key_figures[0].value, Some(965.0));
        assert_eq!(fish.key_figures[1].value, None);
        assert!(fish.key_figures[2].percent);
        assert_eq!(fish.key_figures[2].text, "30 %");
        assert_eq!(read.text_only_figures, 1);
        // The two records of Anne Dupont are one person; Paul Martin comes from the challenge.
        assert_eq!(p.people.len(), 2);
        let anne = p.person(&Slug::parse("anne-dupont").unwrap()).unwrap();
        assert_eq!(anne.years, [2019, 2020]);
        assert_eq!(anne.challenges.len(), 2);
        assert_eq!(anne.skills[0].as_str(), "dev");
        assert_eq!(anne.links.twitter.as_deref(), Some("anne"));
        let paul = p.person(&Slug::parse("paul-martin").unwrap()).unwrap();
        assert_eq!(paul.role, EigRole::Mentor);
        let messages: Vec<String> = read.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 4, "{messages:#?}");
        assert!(
            messages[0].starts_with("defis.yml:17: « MonitorFish ».key_figures[1].amount"),
            "{messages:#?}"
        );
        assert!(
            messages[1].starts_with("defis.yml:8: « MonitorFish ».administration_website"),
            "{messages:#?}"
        );
        assert!(messages[2].contains("fusionnées"), "{messages:#?}");
        assert!(
            messages[3].starts_with("defis.yml:13: « MonitorFish ».mentors[0]"),
            "{messages:#?}"
        );
    }

    #[test]
    fn a_bad_record_is_named_by_file_line_record_and_field() {
        let dir = folder(&DEFIS.replace("year: 2019", "year: deux mille dix-neuf"));
        let read = read(dir.path()).unwrap();
        let rejects: Vec<String> = read.rejects.iter().map(ToString::to_string).collect();
        assert_eq!(rejects.len(), 1, "{rejects:?}");
        assert!(
            rejects[0].starts_with("defis.yml:26: « Alphabet ».year: "),
            "{}",
            rejects[0]
        );
        assert_eq!(read.programme.challenges.len(), 1);
    }

    #[test]
    fn an_unknown_promotion_or_skill_or_a_missing_title_is_refused() {
        let dir = folder(
            &DEFIS
                .replace("promotion: dig", "promotion: 7")
                .replace("[\"dev\"]", "[\"cuisine\"]"),
        );
        let rejects: Vec<String> = read(dir.path())
            .unwrap()
            .rejects
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(rejects.len(), 2, "{rejects:?}");
        assert!(rejects[0].contains("« MonitorFish ».skills[0]: compétence inconnue"));
        assert!(rejects[1].contains("« Alphabet ».promotion: promotion inconnue : 7"));
        let dir = folder(&DEFIS.replace("  title: Alphabet\n", ""));
        let rejects = read(dir.path()).unwrap().rejects;
        assert_eq!(rejects[0].field, "« Alphabet ».title");
        assert_eq!(rejects[0].message, "ce champ est obligatoire");
    }

    #[test]
    fn a_field_written_twice_keeps_its_last_value() {
        let text = "A:\n  title: old\n  annees:\n  - 2018\n  annees:\n  - 2019\n  title: new\nB:\n  title: b\n";
        let (kept, dropped) = drop_repeated_fields(text);
        assert_eq!(
            dropped,
            [
                (2, "A".to_owned(), "title".to_owned()),
                (3, "A".to_owned(), "annees".to_owned())
            ]
        );
        assert_eq!(kept.lines().count(), text.lines().count());
        let read: serde_yaml_ng::Mapping = serde_yaml_ng::from_str(&kept).unwrap();
        assert_eq!(read["A"]["title"], "new");
        assert_eq!(read["A"]["annees"][0], 2019);
    }

    #[test]
    fn a_folder_without_the_files_is_not_a_source() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read(dir.path()),
            Err(ImportError::NotASource { .. })
        ));
        let dir = folder("\"A\": [unclosed");
        let Err(ImportError::Invalid(findings)) = read(dir.path()) else {
            panic!("unreadable YAML must be refused");
        };
        assert_eq!(findings[0].file, "defis.yml");
    }
}
