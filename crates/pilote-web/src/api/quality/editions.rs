//! `/api/v1/observatory/editions`: the observatory frozen once a quarter.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pilote_domain::identity::{Action, Principal, Target};
use pilote_domain::quality::observatory::edition_of;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::observatory::live;
use crate::api::extract::{JsonValue, parse_record};
use crate::auth::{Caller, authorize};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A frozen edition.
#[derive(Debug, Serialize, ToSchema)]
pub struct Edition {
    /// Its name: year and quarter (« 2026-T4 »).
    pub edition: String,
    /// When it was frozen.
    pub frozen_at: String,
}

/// What to freeze.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEdition {
    /// The edition's name, `YYYY-Tn`; the current quarter's when absent.
    #[serde(default)]
    pub edition: Option<String>,
}

/// Whether `name` reads `YYYY-Tn` with n from 1 to 4.
fn is_edition(name: &str) -> bool {
    let Some((year, quarter)) = name.split_once("-T") else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && matches!(quarter, "1" | "2" | "3" | "4")
}

/// Freezes the live observatory as `edition` (the current quarter's when none); shared by
/// the API and the page's form.
pub(crate) async fn freeze(
    state: &AppState,
    principal: Option<&Principal>,
    edition: Option<String>,
) -> Result<Edition, ApiError> {
    let actor = authorize(principal, Action::PublishObservatory, &[Target::default()])?;
    let now = chrono::Utc::now();
    let edition = edition
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| edition_of(now.date_naive()));
    if !is_edition(&edition) {
        return Err(ApiError::field(
            "edition",
            format!("« {edition} » : attendu une année et un trimestre, par exemple 2026-T4"),
        ));
    }
    let rows = live(state).await?;
    let at = pilote_store::timestamp(now);
    match state
        .store()
        .freeze_observatory_edition(&edition, &rows, &actor, &at)
        .await
    {
        Err(pilote_store::StoreError::Conflict) => Err(ApiError::Conflict(format!(
            "l'édition {edition} est déjà figée"
        ))),
        other => other.map_err(ApiError::from),
    }?;
    Ok(Edition {
        edition,
        frozen_at: at,
    })
}

/// Lists the frozen editions, latest first.
#[utoipa::path(
    get,
    path = "/api/v1/observatory/editions",
    tag = "quality",
    responses((status = 200, description = "Les éditions figées", body = Vec<Edition>))
)]
pub async fn list_editions(State(state): State<AppState>) -> Result<Json<Vec<Edition>>, ApiError> {
    let editions = state.store().observatory_editions().await?;
    Ok(Json(
        editions
            .into_iter()
            .map(|(edition, frozen_at, _)| Edition { edition, frozen_at })
            .collect(),
    ))
}

/// Freezes the observatory as it is now into a quarterly edition, read afterwards with
/// `GET /api/v1/observatory?edition=`.
#[utoipa::path(
    post,
    path = "/api/v1/observatory/editions",
    tag = "quality",
    request_body = NewEdition,
    security(("jeton" = ["admin"])),
    responses(
        (status = 201, description = "L'édition figée", body = Edition),
        (status = 401, description = "Jeton absent ou invalide", body = ErrorBody),
        (status = 403, description = "Réservé aux administrateurs", body = ErrorBody),
        (status = 409, description = "Édition déjà figée", body = ErrorBody),
        (status = 422, description = "Nom d'édition invalide", body = ErrorBody),
    )
)]
pub async fn freeze_edition(
    State(state): State<AppState>,
    caller: Caller,
    JsonValue(body): JsonValue,
) -> Result<(StatusCode, Json<Edition>), ApiError> {
    caller.authenticated()?;
    let edition = parse_record::<NewEdition>(body)?.edition;
    Ok((
        StatusCode::CREATED,
        Json(freeze(&state, caller.principal(), edition).await?),
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn edition_names() {
        assert!(super::is_edition("2026-T4"));
        assert!(!super::is_edition("2026-T5"));
        assert!(!super::is_edition("26-T1"));
        assert!(!super::is_edition("2026-Q1"));
    }
}
