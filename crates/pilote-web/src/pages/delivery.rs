//! Delivery's pages: the team section of a product's page, the portfolio's incomplete teams
//! (`/equipes-produits`), and the administrators' form for the recommended composition.

use askama::Template;
use axum::Form;
use axum::extract::{OriginalUri, State};
use axum::response::{IntoResponse, Redirect, Response};
use pilote_domain::delivery::{Discipline, RecommendedComposition, TeamComposition};
use pilote_domain::identity::{Action, Target};
use pilote_domain::portfolio::PhaseName;
use serde::Deserialize;

use super::{Layout, PAGE_SIZE, PageError, Pagination, page};
use crate::api::delivery::composition::{
    PortfolioComposition, ProductCompleteness, portfolio_composition,
};
use crate::api::delivery::recommended_replace::replace;
use crate::api::extract::parse_query;
use crate::auth::{Visitor, authorize};
use crate::{ApiError, AppState};

/// A share as a whole percentage, in French typography.
fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

/// The team's health in one sentence, and its gaps in another when it has some.
pub(crate) fn team_sentences(team: &TeamComposition) -> (String, Option<String>) {
    let health = &team.health;
    let mut parts = vec![match health.active_members {
        0 => "Aucun membre actif".to_owned(),
        1 => "1 membre actif".to_owned(),
        n => format!("{n} membres actifs"),
    }];
    if let Some(share) = health.public_agent_share {
        parts[0] = format!("{}, dont {} d’agents publics", parts[0], percent(share));
    }
    parts.push(match health.turnover_12_months {
        Some(turnover) => format!(
            "rotation sur 12 mois : {} ({} départ{})",
            percent(turnover),
            health.departures_12_months,
            if health.departures_12_months > 1 {
                "s"
            } else {
                ""
            }
        ),
        None => "pas de rotation mesurable sur 12 mois".to_owned(),
    });
    if !team.recommended.is_empty() && team.complete {
        parts.push("composition recommandée pour la phase : complète".to_owned());
    }
    let sentence = format!("{}.", parts.join(" ; "));
    let gaps = (!team.missing.is_empty()).then(|| {
        team.missing
            .iter()
            .map(|m| m.message.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    });
    (sentence, gaps)
}

/// A choice of a filter's select.
pub struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "delivery_teams.html")]
struct TeamsPage {
    layout: Layout,
    view: PortfolioComposition,
    /// The incomplete products of the page shown, by title.
    incomplete: Vec<ProductCompleteness>,
    pagination: Pagination,
    incubators: Vec<Choice>,
    phases: Vec<Choice>,
}

impl TeamsPage {
    fn phase_label(phase: Option<&PhaseName>) -> &'static str {
        phase.map_or("", |p| p.label())
    }

    fn missing(product: &ProductCompleteness) -> String {
        product
            .missing
            .iter()
            .map(|m| m.message.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The page's filters.
#[derive(Debug, Default, Deserialize)]
struct TeamsQuery {
    incubator: Option<String>,
    phase: Option<String>,
    page: Option<usize>,
}

/// `GET /equipes-produits`: products whose team lacks a recommended discipline.
pub async fn teams(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, PageError> {
    let query: TeamsQuery = parse_query(uri.query())?;
    let incubator = query.incubator.filter(|s| !s.is_empty());
    let phase = query
        .phase
        .filter(|s| !s.is_empty())
        .map(|p| PhaseName::parse(&p))
        .transpose()
        .map_err(|e| ApiError::field("phase", e.to_string()))?;
    let model = state.model();
    let today = chrono::Local::now().date_naive();
    let mut view = portfolio_composition(&model, incubator.as_deref(), phase, today);
    // One page of incomplete products at a time keeps the page light on the real network.
    let all: Vec<ProductCompleteness> = std::mem::take(&mut view.products)
        .into_iter()
        .filter(|p| !p.complete)
        .collect();
    let current = query.page.unwrap_or(1).max(1);
    let mut filters = form_urlencoded::Serializer::new(String::new());
    if let Some(slug) = &incubator {
        filters.append_pair("incubator", slug);
    }
    if let Some(p) = phase {
        filters.append_pair("phase", p.as_str());
    }
    let pagination = Pagination::new("/equipes-produits", &filters.finish(), current, all.len());
    let incomplete = all
        .into_iter()
        .skip((current - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    let incubators = model
        .portfolio()
        .incubators
        .iter()
        .map(|i| Choice {
            selected: incubator.as_deref() == Some(i.slug.as_str()),
            value: i.slug.to_string(),
            label: i.title.clone(),
        })
        .collect();
    let recommended = model.recommended_composition();
    let phases = PhaseName::ALL
        .into_iter()
        .filter(|p| !recommended.for_phase(*p).is_empty())
        .map(|p| Choice {
            selected: phase == Some(p),
            value: p.as_str().to_owned(),
            label: p.label().to_owned(),
        })
        .collect();
    Ok(page(&TeamsPage {
        layout: Layout::new(
            "/equipes",
            &[
                ("/equipes", "Équipes"),
                ("", "Composition des équipes produit"),
            ],
        ),
        view,
        incomplete,
        pagination,
        incubators,
        phases,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "recommended_composition.html")]
struct RecommendedPage {
    layout: Layout,
    composition: RecommendedComposition,
    disciplines: [Discipline; 7],
}

/// `GET /admin/composition-recommandee`: the form, for administrators.
pub async fn recommended_form(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, PageError> {
    authorize(
        visitor.principal.as_ref(),
        Action::ConfigureTeamComposition,
        &[Target::default()],
    )?;
    Ok(page(&RecommendedPage {
        layout: Layout::new(
            "",
            &[("/admin/composition-recommandee", "Composition recommandée")],
        ),
        composition: state.model().recommended_composition().clone(),
        disciplines: Discipline::ALL,
    })?
    .into_response())
}

/// `POST /admin/composition-recommandee`: each phase's checked disciplines (fields named
/// after the phase, valued with the discipline) become the recommended composition.
pub async fn recommended_submit(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    // Refuse before reading the fields, so that a stranger learns nothing from them.
    authorize(
        visitor.principal.as_ref(),
        Action::ConfigureTeamComposition,
        &[Target::default()],
    )?;
    let pairs = fields
        .iter()
        .filter(|(name, _)| name != "csrf")
        .map(|(name, value)| {
            let phase = PhaseName::parse(name).map_err(|e| ApiError::field(name, e.to_string()))?;
            let discipline =
                Discipline::parse(value).map_err(|e| ApiError::field(name, e.to_string()))?;
            Ok((phase, discipline))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    replace(
        &state,
        visitor.principal.as_ref(),
        RecommendedComposition::from_pairs(pairs),
    )
    .await?;
    Ok(Redirect::to("/equipes-produits").into_response())
}

/// A product's releases in one sentence: how many, the latest, and the cadence.
pub(crate) fn release_sentence(
    model: &crate::read_model::ReadModel,
    product: &pilote_domain::portfolio::Product,
    today: chrono::NaiveDate,
) -> String {
    let shown = crate::api::releases::releases_of(model, product, today);
    let Some(latest) = shown.data.first() else {
        return "Aucune livraison connue : l’équipe peut les déclarer, ou les lire depuis le dépôt du produit s’il est sur GitHub ou un GitLab.".to_owned();
    };
    let cadence = match shown.cadence_days {
        Some(days) => format!(
            "une livraison tous les {days:.0} jours en médiane sur six mois{}",
            if shown.delivers_monthly {
                " : au moins une par mois"
            } else {
                ""
            }
        ),
        None => "trop peu de livraisons sur six mois pour une cadence".to_owned(),
    };
    format!(
        "{} livraison{}, la dernière « {} » le {} ; {cadence}.",
        shown.total,
        if shown.total > 1 { "s" } else { "" },
        latest.name,
        latest.date.format("%d/%m/%Y")
    )
}

#[derive(Template)]
#[template(path = "delivery_cadence.html")]
struct CadencePage {
    layout: Layout,
    cadence: crate::api::releases::cadence::Cadence,
}

impl CadencePage {
    fn share(value: Option<f64>) -> String {
        value.map_or_else(|| "—".to_owned(), percent)
    }

    fn days(value: Option<f64>) -> String {
        value.map_or_else(|| "—".to_owned(), |days| format!("{days:.0} j"))
    }
}

/// `GET /livraisons`: how often each incubator's products deliver.
pub async fn cadence(State(state): State<AppState>) -> Result<Response, PageError> {
    let today = chrono::Local::now().date_naive();
    let cadence = crate::api::releases::cadence::cadence_by_incubator(&state.model(), today);
    Ok(page(&CadencePage {
        layout: Layout::new("/livraisons", &[("", "Cadence de livraison")]),
        cadence,
    })?
    .into_response())
}
