//! Forms for the portfolio's writes: create, edit and delete products and members.
//!
//! A submitted form becomes the same JSON record the API takes, so it goes through the
//! same parsing and validation; each error comes back on its field, tied to it with
//! `aria-describedby`, and the values typed are kept. Each form checks the same permission
//! table as the API, on the record before and after the change.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use pilote_domain::portfolio::{Domaine, Member, PhaseName, Product};
use pilote_domain::{DomainError, Slug};
use serde_json::{Value, json};

use super::{Layout, PageError, page, rerender};
use crate::api::extract::parse_record;
use crate::api::path_slug;
use crate::auth::{Visitor, authorize, member_target, offer, product_target};
use crate::{ApiError, AppState};
use pilote_domain::identity::Action;

mod impact;
mod quality;
pub(super) use impact::{
    confirm_delete_indicator, confirm_delete_measurement, create_indicator, create_measurement,
    delete_indicator, delete_measurement, edit_budget, edit_indicator, edit_measurement,
    new_indicator, new_measurement, replace_budget, update_indicator, update_measurement,
};
pub(super) use quality::{
    create_audit, edit_audit_page, edit_record, edit_rgesn, new_audit, save_audit_page,
    save_record, save_rgesn,
};

/// The product of the address, for a visitor whose role allows `action` on it: 401 when
/// signed out, 403 when their role does not allow it (here or anywhere), 404 for an unknown
/// product.
fn product_allowing<'m>(
    visitor: &Visitor,
    model: &'m crate::read_model::ReadModel,
    slug: &str,
    action: Action,
) -> Result<(&'m Product, pilote_domain::audit::Actor), PageError> {
    offer(visitor.principal.as_ref(), action)?;
    let product = crate::api::indicators::product_at(model, slug)?;
    let actor = authorize(
        visitor.principal.as_ref(),
        action,
        &[product_target(&product.slug, &product.incubator)],
    )?;
    Ok((product, actor))
}

/// Empty rows offered after the existing phases or missions.
const EXTRA_ROWS: usize = 2;

/// A form's submitted fields, by name.
type Fields = BTreeMap<String, String>;

/// A submitted form: the values typed, by field name, and the errors on them. Templates
/// read it through `form.value(...)`, `form.error(...)`, `form.id(...)` and `form.summary()`.
#[derive(Default)]
struct Submitted {
    fields: Fields,
    errors: Errors,
}

impl Submitted {
    fn value(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    fn error(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }

    #[expect(clippy::unused_self, reason = "templates call it as `form.id(...)`")]
    fn id(&self, name: &str) -> String {
        field_id(name)
    }

    /// The errors as (element id, « label : message ») for the summary at the top.
    fn summary(&self) -> Vec<(String, String)> {
        self.errors.summary()
    }

    /// The label of a field, the same as in the summary.
    #[expect(clippy::unused_self, reason = "templates call it as `form.label(...)`")]
    fn label(&self, name: &str) -> String {
        field_label(name)
    }
}

/// The errors of a submitted form, by field name, and a summary for the page's top.
#[derive(Default)]
struct Errors(BTreeMap<String, String>);

impl Errors {
    /// The errors as (element id, « label : message »), for the summary at the top.
    fn summary(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .map(|(field, message)| {
                (
                    field_id(field),
                    format!("{} : {message}", field_label(field)),
                )
            })
            .collect()
    }

    fn get(&self, field: &str) -> Option<&String> {
        self.0.get(field)
    }

    fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter()
    }
}

/// Turns a refused write into field errors. A value that could not be read at all (the
/// parser's message, in English) is shown in French; an error on an item of a list typed
/// as one field (`sponsors[1]`) is shown on that field.
fn field_errors(error: ApiError, unreadable: bool) -> Result<Errors, PageError> {
    let fields = match error {
        ApiError::Unprocessable(fields) => fields,
        ApiError::Conflict(message) => BTreeMap::from([("slug".to_owned(), message)]),
        other => return Err(other.into()),
    };
    Ok(Errors(
        fields
            .into_iter()
            .map(|(field, message)| {
                let key = field.rsplit('.').next();
                let is_date = (matches!(key, Some("start" | "end")) && field.contains('.'))
                    || matches!(
                        key,
                        Some("date" | "period_start" | "period_end" | "homologation_date")
                    );
                let message = match (unreadable, is_date) {
                    (true, true) => "date invalide (attendu AAAA-MM-JJ)".to_owned(),
                    (true, false) if message.starts_with("unknown variant") => {
                        "choisissez une valeur de la liste".to_owned()
                    }
                    (true, false) if message.ends_with("expected i32") => {
                        "année invalide (attendu AAAA)".to_owned()
                    }
                    (true, false) if message.ends_with("expected u32") => {
                        "nombre entier invalide (par exemple 120)".to_owned()
                    }
                    (true, false) if message.ends_with("expected f64") => {
                        "nombre invalide (par exemple 1250 ou 12,5)".to_owned()
                    }
                    _ => message,
                };
                let message = if message.ends_with("il est vide") {
                    DomainError::Required.to_string()
                } else {
                    message
                };
                let field = match field.split_once('[') {
                    Some((list, _)) if !field.contains('.') => list.to_owned(),
                    _ => field,
                };
                (field, message)
            })
            .collect(),
    ))
}

/// The label users read for a field name (`phases[0].start` → « Phase 1 : début »).
fn field_label(field: &str) -> String {
    fn label(name: &str) -> &str {
        match name {
            "slug" => "Identifiant",
            "title" => "Titre",
            "mission" => "Mission",
            "description" => "Description",
            "incubator" => "Incubateur",
            "sponsors" => "Sponsors",
            "thematiques" => "Thématiques",
            "usertypes" => "Usagers",
            "link" => "Adresse",
            "repository" => "Dépôt du code source",
            "contact" => "Contact",
            "fullname" => "Nom complet",
            "role" => "Rôle",
            "domaine" => "Domaine",
            "competences" => "Compétences",
            "github" => "Compte de forge",
            "name" => "nom",
            "start" => "début",
            "end" => "fin",
            "status" => "statut",
            "employer" => "employeur",
            "products" => "produits",
            "category" => "Catégorie",
            "unit" => "Unité",
            "direction" => "Sens d'amélioration",
            "baseline.value" => "Valeur de référence",
            "baseline.date" => "Date de la valeur de référence",
            "baseline.source" => "Source de la valeur de référence",
            "target.value" => "Cible",
            "target.date" => "Échéance de la cible",
            "methodology" => "Méthodologie",
            "period_start" => "Début de la période",
            "period_end" => "Fin de la période",
            "value" => "Valeur",
            "method" => "Méthode",
            "evidence_url" => "Justificatif",
            "comment" => "commentaire",
            "year" => "année",
            "amount" => "montant",
            "source" => "source",
            "identity" => "Identification",
            "statement.status" => "État de conformité déclaré",
            "statement.url" => "Adresse de la déclaration d’accessibilité",
            "statement.date" => "Date de la déclaration",
            "security.risk_analysis" => "Analyse de risques faite",
            "security.risk_analysis_url" => "Document de l’analyse de risques",
            "security.decision" => "Décision d’homologation",
            "security.homologation_date" => "Date de la décision d’homologation",
            "security.mon_service_securise" => "Suivi dans Mon service sécurisé",
            "hosting.provider" => "Hébergeur",
            "hosting.offer" => "Offre",
            "hosting.model" => "Modèle de service",
            "hosting.cloud" => "Type de cloud",
            "hosting.data_sensitivity" => "Sensibilité des données",
            "hosting.location" => "Localisation des données",
            "hosting.derogation" => "Dérogation",
            "hosting.secnumcloud.version" => "Version SecNumCloud de la qualification",
            "hosting.secnumcloud.date" => "Date de la qualification SecNumCloud",
            "declared.date" => "Date des mesures",
            "declared.satisfaction.score" => "Satisfaction, sur 10",
            "declared.satisfaction.reviews" => "Nombre d’avis de satisfaction",
            "declared.simplicity.score" => "Simplicité, sur 10",
            "declared.simplicity.reviews" => "Nombre d’avis de simplicité",
            "declared.dlnuf_fields" => "Champs que l’administration pourrait préremplir",
            "declared.help_reachable" => "Usagers ayant pu joindre l’aide, en %",
            "declared.help_used" => "Usagers ayant eu recours à l’aide, en %",
            "declared.online" => "Démarche en ligne",
            "declared.usage" => "Usagers passant par le service en ligne, en %",
            "kind" => "Type d’audit",
            "auditor" => "Auditeur ou auditrice",
            "pages" => "Pages de l’échantillon",
            "impact" => "impact sur l’usager",
            "answer" => "réponse",
            "quick_win" => "correction rapide",
            other => other,
        }
    }
    // A field alone starts the sentence (« Nom », « Commentaire »).
    let capitalised = |text: &str| {
        let mut chars = text.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_uppercase().chain(chars).collect()
        })
    };
    // A standard's criterion: `1.1.status`, `4.12.answer`, `1.1.nc0.title`.
    let criterion = |field: &str| {
        let mut parts = field.splitn(3, '.');
        let (topic, number, rest) = (parts.next()?, parts.next()?, parts.next()?);
        let numeric = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        if !numeric(topic) || !numeric(number) {
            return None;
        }
        let what = match rest.split_once('.') {
            Some((finding, key)) => format!(
                "non-conformité {} : {}",
                finding.strip_prefix("nc")?.parse::<usize>().ok()? + 1,
                label(key)
            ),
            None => label(rest).to_owned(),
        };
        Some(format!("Critère {topic}.{number} : {what}"))
    };
    let row = |group: &str, rest: &str| {
        let (index, key) = rest.split_once("].")?;
        let number = index.parse::<usize>().ok()? + 1;
        Some(format!(
            "{group} {number} : {}",
            label(key.split('[').next().unwrap_or(key))
        ))
    };
    field
        .strip_prefix("phases[")
        .and_then(|rest| row("Phase", rest))
        .or_else(|| {
            field
                .strip_prefix("missions[")
                .and_then(|rest| row("Mission", rest))
        })
        .or_else(|| {
            field
                .strip_prefix("lines[")
                .and_then(|rest| row("Ligne", rest))
        })
        .or_else(|| criterion(field))
        .unwrap_or_else(|| capitalised(label(field)))
}

/// An element id for a field name (`phases[0].start` → `f-phases-0-start`).
fn field_id(name: &str) -> String {
    let mut id = String::from("f-");
    for c in name.chars() {
        id.push(if c.is_alphanumeric() { c } else { '-' });
    }
    id.trim_end_matches('-').replace("--", "-")
}

fn text(fields: &Fields, name: &str) -> String {
    fields
        .get(name)
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}

fn optional(fields: &Fields, name: &str) -> Value {
    let value = text(fields, name);
    if value.is_empty() {
        Value::Null
    } else {
        Value::String(value)
    }
}

/// A number as people type it (« 12,5 », « 1 250 »), as JSON; what cannot be read stays
/// text, for the parser to name the field.
pub(super) fn number(typed: &str) -> Value {
    let compact: String = typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    compact
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or_else(|| Value::String(typed.to_owned()), Value::Number)
}

/// A year as typed, as JSON; what cannot be read stays text, for the parser to name.
pub(super) fn year(typed: &str) -> Value {
    typed
        .parse::<i64>()
        .map_or_else(|_| Value::String(typed.to_owned()), Value::from)
}

/// A comma-separated list.
fn list(fields: &Fields, name: &str) -> Value {
    Value::Array(
        text(fields, name)
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| Value::String(item.to_owned()))
            .collect(),
    )
}

/// The filled rows of a repeated group (`phases[0].name`, ...).
fn rows(fields: &Fields, group: &str, keys: &[&str]) -> Vec<BTreeMap<String, String>> {
    (0..)
        .map_while(|index| {
            let row: BTreeMap<String, String> = keys
                .iter()
                .filter_map(|key| {
                    fields
                        .get(&format!("{group}[{index}].{key}"))
                        .map(|v| ((*key).to_owned(), v.trim().to_owned()))
                })
                .collect();
            (!row.is_empty()).then_some(row)
        })
        .filter(|row| row.values().any(|value| !value.is_empty()))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Products

/// One phase row of the product form, with the errors on its cells.
#[derive(Default)]
struct PhaseRow {
    name: String,
    start: String,
    end: String,
    errors: [Option<String>; 3],
}

/// Puts each error of a repeated group on its row and cell.
fn row_errors<const N: usize>(
    errors: &Errors,
    group: &str,
    keys: [&str; N],
    index: usize,
) -> [Option<String>; N] {
    keys.map(|key| errors.get(&format!("{group}[{index}].{key}")).cloned())
}

#[derive(Template)]
#[template(path = "product_form.html")]
struct ProductForm {
    layout: Layout,
    heading: String,
    action: String,
    creating: bool,
    form: Submitted,
    phases: Vec<PhaseRow>,
    incubators: Vec<(String, String)>,
    phase_names: [PhaseName; 8],
}

/// The form's fields for an existing product.
fn product_fields(product: &Product) -> (Fields, Vec<PhaseRow>) {
    let join = |items: &[String]| items.join(", ");
    let slugs = |items: &[Slug]| {
        items
            .iter()
            .map(Slug::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut fields = Fields::new();
    fields.insert("slug".into(), product.slug.to_string());
    fields.insert("title".into(), product.title.clone());
    fields.insert("mission".into(), product.mission.clone());
    fields.insert("description".into(), product.description.clone());
    fields.insert("incubator".into(), product.incubator.to_string());
    fields.insert("sponsors".into(), slugs(&product.sponsors));
    fields.insert("thematiques".into(), join(&product.thematiques));
    fields.insert("usertypes".into(), join(&product.usertypes));
    for (name, value) in [
        ("link", &product.link),
        ("repository", &product.repository),
        ("contact", &product.contact),
    ] {
        fields.insert(name.into(), value.clone().unwrap_or_default());
    }
    let phases = product
        .phases
        .iter()
        .map(|p| PhaseRow {
            name: p.name.as_str().to_owned(),
            start: p.start.to_string(),
            end: p.end.map(|d| d.to_string()).unwrap_or_default(),
            errors: [None, None, None],
        })
        .collect();
    (fields, phases)
}

fn phase_rows_from(fields: &Fields) -> Vec<PhaseRow> {
    rows(fields, "phases", &["name", "start", "end"])
        .into_iter()
        .map(|row| PhaseRow {
            name: row.get("name").cloned().unwrap_or_default(),
            start: row.get("start").cloned().unwrap_or_default(),
            end: row.get("end").cloned().unwrap_or_default(),
            errors: [None, None, None],
        })
        .collect()
}

fn with_empty_rows(mut phases: Vec<PhaseRow>, errors: &Errors) -> Vec<PhaseRow> {
    phases.extend((0..EXTRA_ROWS).map(|_| PhaseRow::default()));
    for (index, row) in phases.iter_mut().enumerate() {
        row.errors = row_errors(errors, "phases", ["name", "start", "end"], index);
    }
    phases
}

fn incubator_choices(state: &AppState) -> Vec<(String, String)> {
    let model = state.model();
    let mut choices: Vec<(String, String)> = model
        .portfolio()
        .incubators
        .iter()
        .map(|i| (i.slug.to_string(), i.title.clone()))
        .collect();
    choices.sort_by_cached_key(|(_, title)| pilote_search::fold(title));
    choices
}

fn product_form(
    state: &AppState,
    existing: Option<&Product>,
    fields: Fields,
    phases: Vec<PhaseRow>,
    errors: Errors,
) -> ProductForm {
    let (heading, action, crumbs) = match existing {
        Some(product) => (
            format!("Modifier « {} »", product.title),
            format!("/produits/{}/modifier", product.slug),
            vec![
                ("/produits".to_owned(), "Produits".to_owned()),
                (format!("/produits/{}", product.slug), product.title.clone()),
                (String::new(), "Modifier".to_owned()),
            ],
        ),
        None => (
            "Nouveau produit".to_owned(),
            "/produits/nouveau".to_owned(),
            vec![
                ("/produits".to_owned(), "Produits".to_owned()),
                (String::new(), "Nouveau produit".to_owned()),
            ],
        ),
    };
    let crumbs: Vec<(&str, &str)> = crumbs
        .iter()
        .map(|(h, l)| (h.as_str(), l.as_str()))
        .collect();
    let mut layout = Layout::new("/produits", &crumbs);
    layout.has_errors = !errors.0.is_empty();
    ProductForm {
        layout,
        heading,
        action,
        creating: existing.is_none(),
        phases: with_empty_rows(phases, &errors),
        form: Submitted { fields, errors },
        incubators: incubator_choices(state),
        phase_names: PhaseName::ALL,
    }
}

/// The product record a form describes, over the existing one's other fields.
fn product_record(fields: &Fields, existing: Option<&Product>) -> Result<Value, PageError> {
    let mut record = match existing {
        Some(product) => serde_json::to_value(product).map_err(ApiError::from)?,
        None => json!({}),
    };
    let phases: Vec<Value> = rows(fields, "phases", &["name", "start", "end"])
        .into_iter()
        .map(|row| {
            let end = row.get("end").filter(|e| !e.is_empty()).cloned();
            json!({"name": row.get("name").cloned().unwrap_or_default(), "start": row.get("start").cloned().unwrap_or_default(), "end": end})
        })
        .collect();
    let form = json!({
        "slug": text(fields, "slug"),
        "title": text(fields, "title"),
        "mission": text(fields, "mission"),
        "description": text(fields, "description"),
        "incubator": text(fields, "incubator"),
        "sponsors": list(fields, "sponsors"),
        "thematiques": list(fields, "thematiques"),
        "usertypes": list(fields, "usertypes"),
        "link": optional(fields, "link"),
        "repository": optional(fields, "repository"),
        "contact": optional(fields, "contact"),
        "phases": phases,
    });
    if let (Some(record), Some(form)) = (record.as_object_mut(), form.as_object()) {
        record.extend(form.clone());
        if let Some(product) = existing {
            record.insert("slug".into(), Value::String(product.slug.to_string()));
        }
    }
    Ok(record)
}

/// Parses a form's record and validates it as the API would: the record, or the errors.
fn checked<T: serde::de::DeserializeOwned>(
    record: Value,
    validate: impl FnOnce(&T) -> Result<(), ApiError>,
) -> Result<Result<T, Errors>, PageError> {
    let parsed = match parse_record::<T>(record) {
        Ok(parsed) => parsed,
        Err(error) => return Ok(Err(field_errors(error, true)?)),
    };
    match validate(&parsed) {
        Ok(()) => Ok(Ok(parsed)),
        Err(error) => Ok(Err(field_errors(error, false)?)),
    }
}

/// Ends a write from a form: the record's page when it was written, the form again with
/// the error on the slug when the slug is taken.
async fn after_write(
    state: &AppState,
    written: Result<(), pilote_store::StoreError>,
    taken: String,
    location: String,
    form_again: impl FnOnce(Errors) -> Result<Response, PageError>,
) -> Result<Response, PageError> {
    match written {
        Ok(()) => {
            state.refresh().await?;
            Ok(Redirect::to(&location).into_response())
        }
        Err(pilote_store::StoreError::Conflict) => {
            form_again(Errors(BTreeMap::from([("slug".to_owned(), taken)])))
        }
        Err(other) => Err(ApiError::from(other).into()),
    }
}

/// Ends a deletion: back to the list.
async fn after_delete(
    state: &AppState,
    deleted: Result<(), pilote_store::StoreError>,
    list: &str,
) -> Result<Response, PageError> {
    deleted.map_err(ApiError::from)?;
    state.refresh().await?;
    Ok(Redirect::to(list).into_response())
}

/// The page asking to confirm a deletion.
fn confirm_delete(
    (section, section_label): (&str, &str),
    (back, title): (&str, &str),
    what: String,
) -> Result<Html<String>, PageError> {
    page(&ConfirmDelete {
        layout: Layout::new(
            section,
            &[(section, section_label), (back, title), ("", "Supprimer")],
        ),
        what,
        action: format!("{back}/supprimer"),
        back: back.to_owned(),
    })
}

/// Parses and validates a product form, as the API would.
fn checked_product(
    state: &AppState,
    fields: &Fields,
    existing: Option<&Product>,
) -> Result<Result<Product, Errors>, PageError> {
    let record = product_record(fields, existing)?;
    checked(record, |product| {
        crate::api::products::validate(&state.model(), product)
    })
}

/// `GET /produits/nouveau`.
pub async fn new_product(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Html<String>, PageError> {
    offer(visitor.principal.as_ref(), Action::CreateProduct)?;
    page(&product_form(
        &state,
        None,
        Fields::new(),
        Vec::new(),
        Errors::default(),
    ))
}

/// `POST /produits/nouveau`.
pub async fn create_product(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    offer(visitor.principal.as_ref(), Action::CreateProduct)?;
    let product = match checked_product(&state, &fields, None)? {
        Ok(product) => product,
        Err(errors) => {
            return rerender(product_form(
                &state,
                None,
                fields.clone(),
                phase_rows_from(&fields),
                errors,
            ));
        }
    };
    let actor = authorize(
        visitor.principal.as_ref(),
        Action::CreateProduct,
        &[product_target(&product.slug, &product.incubator)],
    )?;
    let written = state.store().create_product(&product, &actor).await;
    after_write(
        &state,
        written,
        format!("le produit « {} » existe déjà", product.slug),
        format!("/produits/{}", product.slug),
        |errors| {
            rerender(product_form(
                &state,
                None,
                fields.clone(),
                phase_rows_from(&fields),
                errors,
            ))
        },
    )
    .await
}

/// `GET /produits/{slug}/modifier`.
pub async fn edit_product(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    offer(visitor.principal.as_ref(), Action::UpdateProduct)?;
    let model = state.model();
    let product = model
        .product(&path_slug(&slug)?)
        .ok_or(ApiError::NotFound)?;
    authorize(
        visitor.principal.as_ref(),
        Action::UpdateProduct,
        &[product_target(&product.slug, &product.incubator)],
    )?;
    let (fields, phases) = product_fields(product);
    page(&product_form(
        &state,
        Some(product),
        fields,
        phases,
        Errors::default(),
    ))
}

/// `POST /produits/{slug}/modifier`.
pub async fn update_product(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    offer(visitor.principal.as_ref(), Action::UpdateProduct)?;
    let model = state.model();
    let existing = model
        .product(&path_slug(&slug)?)
        .ok_or(ApiError::NotFound)?;
    let before = product_target(&existing.slug, &existing.incubator);
    authorize(
        visitor.principal.as_ref(),
        Action::UpdateProduct,
        std::slice::from_ref(&before),
    )?;
    let product = match checked_product(&state, &fields, Some(existing))? {
        Ok(product) => product,
        Err(errors) => {
            return rerender(product_form(
                &state,
                Some(existing),
                fields.clone(),
                phase_rows_from(&fields),
                errors,
            ));
        }
    };
    // Moving a product to another incubator needs the right on both sides.
    let actor = authorize(
        visitor.principal.as_ref(),
        Action::UpdateProduct,
        &[before, product_target(&product.slug, &product.incubator)],
    )?;
    let written = state.store().update_product(&product, &actor).await;
    after_write(
        &state,
        written,
        String::new(),
        format!("/produits/{}", product.slug),
        |errors| {
            rerender(product_form(
                &state,
                Some(existing),
                fields.clone(),
                phase_rows_from(&fields),
                errors,
            ))
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "confirm_delete.html")]
struct ConfirmDelete {
    layout: Layout,
    what: String,
    action: String,
    back: String,
}

/// `GET /produits/{slug}/supprimer`: asks for confirmation.
pub async fn confirm_delete_product(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    offer(visitor.principal.as_ref(), Action::DeleteProduct)?;
    let model = state.model();
    let product = model
        .product(&path_slug(&slug)?)
        .ok_or(ApiError::NotFound)?;
    authorize(
        visitor.principal.as_ref(),
        Action::DeleteProduct,
        &[product_target(&product.slug, &product.incubator)],
    )?;
    confirm_delete(
        ("/produits", "Produits"),
        (&format!("/produits/{}", product.slug), &product.title),
        format!(
            "le produit « {} », ses phases et ses événements",
            product.title
        ),
    )
}

/// `POST /produits/{slug}/supprimer`.
pub async fn delete_product(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    offer(visitor.principal.as_ref(), Action::DeleteProduct)?;
    let model = state.model();
    let product = model
        .product(&path_slug(&slug)?)
        .ok_or(ApiError::NotFound)?;
    let actor = authorize(
        visitor.principal.as_ref(),
        Action::DeleteProduct,
        &[product_target(&product.slug, &product.incubator)],
    )?;
    let deleted = state.store().delete_product(&product.slug, &actor).await;
    after_delete(&state, deleted, "/produits").await
}

// ---------------------------------------------------------------------------------------
// Members

/// One mission row of the member form, with the errors on its cells.
#[derive(Default)]
struct MissionRow {
    start: String,
    end: String,
    status: String,
    employer: String,
    products: String,
    errors: [Option<String>; 5],
}

#[derive(Template)]
#[template(path = "member_form.html")]
struct MemberForm {
    layout: Layout,
    heading: String,
    action: String,
    creating: bool,
    form: Submitted,
    missions: Vec<MissionRow>,
    domaines: [Domaine; 11],
    statuses: [(&'static str, &'static str); 3],
}

const STATUSES: [(&str, &str); 3] = [
    ("admin", "Agent public"),
    ("independent", "Indépendant"),
    ("service", "Prestataire"),
];

fn member_fields(member: &Member) -> (Fields, Vec<MissionRow>) {
    let mut fields = Fields::new();
    fields.insert("slug".into(), member.slug.to_string());
    fields.insert("fullname".into(), member.fullname.clone());
    fields.insert("role".into(), member.role.clone());
    fields.insert("domaine".into(), member.domaine.label().to_owned());
    fields.insert("competences".into(), member.competences.join(", "));
    fields.insert("github".into(), member.github.clone().unwrap_or_default());
    fields.insert("link".into(), member.link.clone().unwrap_or_default());
    let missions = member
        .missions
        .iter()
        .map(|m| MissionRow {
            start: m.start.to_string(),
            end: m.end.map(|d| d.to_string()).unwrap_or_default(),
            status: m.status.as_str().to_owned(),
            employer: m.employer.clone().unwrap_or_default(),
            products: m
                .products
                .iter()
                .map(Slug::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            errors: Default::default(),
        })
        .collect();
    (fields, missions)
}

const MISSION_KEYS: [&str; 5] = ["start", "end", "status", "employer", "products"];

fn mission_rows_from(fields: &Fields) -> Vec<MissionRow> {
    rows(fields, "missions", &MISSION_KEYS)
        .into_iter()
        .map(|row| {
            let get = |key: &str| row.get(key).cloned().unwrap_or_default();
            MissionRow {
                start: get("start"),
                end: get("end"),
                status: get("status"),
                employer: get("employer"),
                products: get("products"),
                errors: Default::default(),
            }
        })
        .collect()
}

fn member_form(
    existing: Option<&Member>,
    fields: Fields,
    mut missions: Vec<MissionRow>,
    errors: Errors,
) -> MemberForm {
    let (heading, action) = match existing {
        Some(member) => (
            format!("Modifier « {} »", member.fullname),
            format!("/membres/{}/modifier", member.slug),
        ),
        None => ("Nouveau membre".to_owned(), "/membres/nouveau".to_owned()),
    };
    missions.extend((0..EXTRA_ROWS).map(|_| MissionRow::default()));
    for (index, row) in missions.iter_mut().enumerate() {
        // Errors on a mission's products name the product's position within the list.
        let mut cells = row_errors(&errors, "missions", MISSION_KEYS, index);
        let product_error = errors
            .iter()
            .find(|(field, _)| field.starts_with(&format!("missions[{index}].products")))
            .map(|(_, message)| message.clone());
        cells[4] = cells[4].take().or(product_error);
        row.errors = cells;
    }
    let mut layout = Layout::new("/membres", &[("/membres", "Membres"), ("", &heading)]);
    layout.has_errors = !errors.0.is_empty();
    MemberForm {
        layout,
        heading,
        action,
        creating: existing.is_none(),
        form: Submitted { fields, errors },
        missions,
        domaines: Domaine::ALL,
        statuses: STATUSES,
    }
}

fn checked_member(
    state: &AppState,
    fields: &Fields,
    existing: Option<&Member>,
) -> Result<Result<Member, Errors>, PageError> {
    let mut record = match existing {
        Some(member) => serde_json::to_value(member).map_err(ApiError::from)?,
        None => json!({}),
    };
    let missions: Vec<Value> = rows(fields, "missions", &MISSION_KEYS)
        .into_iter()
        .map(|row| {
            let get = |key: &str| row.get(key).cloned().unwrap_or_default();
            let products: Vec<String> = get("products").split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect();
            let end = Some(get("end")).filter(|e| !e.is_empty());
            let employer = Some(get("employer")).filter(|e| !e.is_empty());
            json!({"start": get("start"), "end": end, "status": get("status"), "employer": employer, "products": products})
        })
        .collect();
    let form = json!({
        "slug": existing.map_or_else(|| text(fields, "slug"), |m| m.slug.to_string()),
        "fullname": text(fields, "fullname"),
        "role": text(fields, "role"),
        "domaine": text(fields, "domaine"),
        "competences": list(fields, "competences"),
        "github": optional(fields, "github"),
        "link": optional(fields, "link"),
        "missions": missions,
    });
    if let (Some(record), Some(form)) = (record.as_object_mut(), form.as_object()) {
        record.extend(form.clone());
    }
    checked(record, |member| {
        crate::api::members::validate(&state.model(), member)
    })
}

/// `GET /membres/nouveau`.
pub async fn new_member(visitor: Visitor) -> Result<Html<String>, PageError> {
    offer(visitor.principal.as_ref(), Action::CreateMember)?;
    page(&member_form(
        None,
        Fields::new(),
        Vec::new(),
        Errors::default(),
    ))
}

/// `POST /membres/nouveau`.
pub async fn create_member(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    offer(visitor.principal.as_ref(), Action::CreateMember)?;
    let member = match checked_member(&state, &fields, None)? {
        Ok(member) => member,
        Err(errors) => {
            return rerender(member_form(
                None,
                fields.clone(),
                mission_rows_from(&fields),
                errors,
            ));
        }
    };
    let actor = authorize(
        visitor.principal.as_ref(),
        Action::CreateMember,
        &[member_target(&member, &state.model())],
    )?;
    let written = state.store().create_member(&member, &actor).await;
    after_write(
        &state,
        written,
        format!("le membre « {} » existe déjà", member.slug),
        format!("/membres/{}", member.slug),
        |errors| {
            rerender(member_form(
                None,
                fields.clone(),
                mission_rows_from(&fields),
                errors,
            ))
        },
    )
    .await
}

/// `GET /membres/{slug}/modifier`.
pub async fn edit_member(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    offer(visitor.principal.as_ref(), Action::UpdateMember)?;
    let model = state.model();
    let member = model.member(&path_slug(&slug)?).ok_or(ApiError::NotFound)?;
    authorize(
        visitor.principal.as_ref(),
        Action::UpdateMember,
        &[member_target(member, &model)],
    )?;
    let (fields, missions) = member_fields(member);
    page(&member_form(
        Some(member),
        fields,
        missions,
        Errors::default(),
    ))
}

/// `POST /membres/{slug}/modifier`.
pub async fn update_member(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    offer(visitor.principal.as_ref(), Action::UpdateMember)?;
    let model = state.model();
    let existing = model.member(&path_slug(&slug)?).ok_or(ApiError::NotFound)?;
    let before = member_target(existing, &model);
    authorize(
        visitor.principal.as_ref(),
        Action::UpdateMember,
        std::slice::from_ref(&before),
    )?;
    let member = match checked_member(&state, &fields, Some(existing))? {
        // The form does not show personal fields: what is stored stays.
        Ok(mut member) => {
            crate::api::members::restore_personal_fields(&mut member, &model);
            member
        }
        Err(errors) => {
            return rerender(member_form(
                Some(existing),
                fields.clone(),
                mission_rows_from(&fields),
                errors,
            ));
        }
    };
    let actor = authorize(
        visitor.principal.as_ref(),
        Action::UpdateMember,
        &[before, member_target(&member, &model)],
    )?;
    let written = state.store().update_member(&member, &actor).await;
    after_write(
        &state,
        written,
        String::new(),
        format!("/membres/{}", member.slug),
        |errors| {
            rerender(member_form(
                Some(existing),
                fields.clone(),
                mission_rows_from(&fields),
                errors,
            ))
        },
    )
    .await
}

/// `GET /membres/{slug}/supprimer`: asks for confirmation.
pub async fn confirm_delete_member(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    offer(visitor.principal.as_ref(), Action::DeleteMember)?;
    let model = state.model();
    let member = model.member(&path_slug(&slug)?).ok_or(ApiError::NotFound)?;
    authorize(
        visitor.principal.as_ref(),
        Action::DeleteMember,
        &[member_target(member, &model)],
    )?;
    confirm_delete(
        ("/membres", "Membres"),
        (&format!("/membres/{}", member.slug), &member.fullname),
        format!("le membre « {} » et ses missions", member.fullname),
    )
}

/// `POST /membres/{slug}/supprimer`.
pub async fn delete_member(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    offer(visitor.principal.as_ref(), Action::DeleteMember)?;
    let model = state.model();
    let member = model.member(&path_slug(&slug)?).ok_or(ApiError::NotFound)?;
    let actor = authorize(
        visitor.principal.as_ref(),
        Action::DeleteMember,
        &[member_target(member, &model)],
    )?;
    let deleted = state.store().delete_member(&member.slug, &actor).await;
    after_delete(&state, deleted, "/membres").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fields_as_users_read_them() {
        assert_eq!(field_label("title"), "Titre");
        assert_eq!(field_label("phases[0].start"), "Phase 1 : début");
        assert_eq!(
            field_label("missions[2].products[0]"),
            "Mission 3 : produits"
        );
        assert_eq!(field_id("phases[0].start"), "f-phases-0-start");
        assert_eq!(field_label("name"), "Nom");
        assert_eq!(field_label("lines[1].amount"), "Ligne 2 : montant");
        assert_eq!(field_id("baseline.value"), "f-baseline-value");
    }

    #[test]
    fn reads_repeated_rows_and_skips_empty_ones() {
        let fields: Fields = [
            ("phases[0].name", "construction"),
            ("phases[0].start", "2024-01-01"),
            ("phases[1].name", ""),
            ("phases[1].start", ""),
            ("phases[2].name", "acceleration"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let rows = rows(&fields, "phases", &["name", "start", "end"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1]["name"], "acceleration");
    }
}
