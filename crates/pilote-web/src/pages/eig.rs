//! The EIG programme: its challenges by promotion (`/talents/eig`) and a challenge with its
//! key figures, entrepreneurs and mentors, and a link to the product that carries its
//! results (`/talents/eig/defis/{slug}`).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use pilote_domain::talent::eig::{Challenge, Promotion};

use super::{Layout, PageError, page};
use crate::api::eig::challenge::{ChallengeDetail, detail};
use crate::{ApiError, AppState};

/// A promotion with its challenges, by title.
struct PromotionSection {
    promotion: Promotion,
    challenges: Vec<Challenge>,
}

#[derive(Template)]
#[template(path = "eig.html")]
struct ProgrammePage {
    layout: Layout,
    sections: Vec<PromotionSection>,
    challenges: usize,
    eigs: usize,
    mentors: usize,
    figures: usize,
}

/// `GET /talents/eig`.
pub async fn list(State(state): State<AppState>) -> Result<Html<String>, PageError> {
    let programme = state
        .store()
        .eig_programme()
        .await
        .map_err(ApiError::from)?;
    let mut promotions = programme.promotions.clone();
    promotions.sort_by(|a, b| b.year.cmp(&a.year).then_with(|| b.code.cmp(&a.code)));
    let sections = promotions
        .into_iter()
        .map(|promotion| {
            let mut challenges: Vec<Challenge> = programme
                .challenges
                .iter()
                .filter(|c| c.promotion == promotion.slug)
                .cloned()
                .collect();
            challenges.sort_by_cached_key(|c| pilote_domain::text::fold(&c.title));
            PromotionSection {
                promotion,
                challenges,
            }
        })
        .filter(|s| !s.challenges.is_empty())
        .collect();
    let count = |role| programme.people.iter().filter(|p| p.role == role).count();
    page(&ProgrammePage {
        layout: Layout::new(
            "",
            &[
                ("/talents", "Talents"),
                ("", "Entrepreneurs d'intérêt général"),
            ],
        ),
        sections,
        challenges: programme.challenges.len(),
        eigs: count(pilote_domain::talent::eig::EigRole::Eig),
        mentors: count(pilote_domain::talent::eig::EigRole::Mentor),
        figures: programme
            .challenges
            .iter()
            .map(|c| c.key_figures.len())
            .sum(),
    })
}

#[derive(Template)]
#[template(path = "eig_challenge.html")]
struct ChallengePage {
    layout: Layout,
    /// The challenge itself, for short.
    c: Challenge,
    detail: ChallengeDetail,
    /// Whether the portfolio holds the challenge's product.
    has_product: bool,
}

/// `GET /talents/eig/defis/{slug}`.
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let programme = state
        .store()
        .eig_programme()
        .await
        .map_err(ApiError::from)?;
    let detail = detail(&programme, &slug)?;
    let has_product = pilote_domain::Slug::parse(&detail.challenge.product)
        .is_ok_and(|product| state.model().product(&product).is_some());
    let title = detail.challenge.challenge.title.clone();
    page(&ChallengePage {
        layout: Layout::new(
            "",
            &[
                ("/talents", "Talents"),
                ("/talents/eig", "Entrepreneurs d'intérêt général"),
                ("", &title),
            ],
        ),
        c: detail.challenge.challenge.clone(),
        detail,
        has_product,
    })
}
