//! Applying without an account: to a retained challenge of an open call, or to a published
//! job offer; then confirming one's address with the secret the e-mail carries.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pilote_domain::talent::recruitment::{Application, Candidate, Opening};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::applications::{ApplicationJson, with_history};
use super::offers::visible_offer;
use super::{call_at, candidate_link, refused};
use crate::api::extract::{JsonValue, parse_record};
use crate::auth::limits::ClientIp;
use crate::auth::secret;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// What the candidate is told once their application is received.
#[derive(Serialize, ToSchema)]
pub struct Receipt {
    /// The application's number.
    pub id: i64,
    /// What happens next.
    pub message: String,
}

/// The secret of a confirmation e-mail.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CandidateToken {
    /// The secret, as the e-mail's link carries it.
    pub token: String,
}

/// Applies to a published job offer still taking applications. No account needed: a
/// confirmation e-mail goes to the address given.
#[utoipa::path(
    post,
    path = "/api/v1/job-offers/{slug}/applications",
    tag = "talent",
    params(("slug" = String, Path, description = "Identifiant de l'offre")),
    request_body = Candidate,
    responses(
        (status = 202, description = "Candidature reçue ; elle attend la confirmation de l'adresse", body = Receipt),
        (status = 404, description = "Offre inconnue ou non publiée", body = ErrorBody),
        (status = 409, description = "Offre close", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
        (status = 429, description = "Trop de candidatures depuis cette adresse", body = ErrorBody),
    )
)]
pub(crate) async fn apply_to_offer(
    State(state): State<AppState>,
    client: ClientIp,
    Path(slug): Path<String>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    let candidate: Candidate = parse_record(body)?;
    let receipt = submit_to_offer(&state, client, &slug, candidate).await?;
    Ok((StatusCode::ACCEPTED, Json(receipt)).into_response())
}

/// Checks and stores an application to an offer: the one path of the API and the form.
pub(crate) async fn submit_to_offer(
    state: &AppState,
    client: ClientIp,
    slug: &str,
    candidate: Candidate,
) -> Result<Receipt, ApiError> {
    let offer = visible_offer(state, None, slug).await?;
    if !offer.takes_applications(chrono::Utc::now().date_naive()) {
        return Err(ApiError::Conflict(format!(
            "l'offre a clos ses candidatures le {}",
            offer.closes_on
        )));
    }
    let opening = Opening::JobOffer {
        offer: offer.slug,
        organisation: offer.organisation,
    };
    submit(state, client, opening, &offer.title, candidate).await
}

/// Applies to a challenge retained by an open call. No account needed: a confirmation
/// e-mail goes to the address given.
#[utoipa::path(
    post,
    path = "/api/v1/calls/{slug}/proposals/{id}/applications",
    tag = "talent",
    params(
        ("slug" = String, Path, description = "Identifiant de l'appel"),
        ("id" = i64, Path, description = "Numéro du défi retenu"),
    ),
    request_body = Candidate,
    responses(
        (status = 202, description = "Candidature reçue ; elle attend la confirmation de l'adresse", body = Receipt),
        (status = 404, description = "Appel inconnu, ou défi non retenu", body = ErrorBody),
        (status = 409, description = "Appel clos", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
        (status = 429, description = "Trop de candidatures depuis cette adresse", body = ErrorBody),
    )
)]
pub(crate) async fn apply_to_challenge(
    State(state): State<AppState>,
    client: ClientIp,
    Path((slug, id)): Path<(String, String)>,
    JsonValue(body): JsonValue,
) -> Result<Response, ApiError> {
    let candidate: Candidate = parse_record(body)?;
    let receipt = submit_to_challenge(&state, client, &slug, &id, candidate).await?;
    Ok((StatusCode::ACCEPTED, Json(receipt)).into_response())
}

/// Checks and stores an application to a challenge: the one path of the API and the form.
pub(crate) async fn submit_to_challenge(
    state: &AppState,
    client: ClientIp,
    call: &str,
    proposal: &str,
    candidate: Candidate,
) -> Result<Receipt, ApiError> {
    let call = call_at(state, call).await?;
    let id = crate::api::indicators::path_id(proposal)?;
    let proposal = state.store().proposal(id).await?;
    if proposal.call != call.slug || !proposal.takes_applications() {
        return Err(ApiError::NotFound);
    }
    if !call.is_open(chrono::Utc::now().date_naive()) {
        return Err(ApiError::Conflict(format!(
            "l'appel prend les candidatures du {} au {}",
            call.opens_on, call.closes_on
        )));
    }
    let opening = Opening::Challenge {
        call: call.slug,
        proposal: proposal.id,
        organisation: proposal.organisation,
    };
    submit(state, client, opening, &proposal.title, candidate).await
}

/// Stores a checked application with its confirmation e-mail, in one transaction.
async fn submit(
    state: &AppState,
    client: ClientIp,
    opening: Opening,
    title: &str,
    mut candidate: Candidate,
) -> Result<Receipt, ApiError> {
    crate::api::refuse_problems(candidate.validate())?;
    // Counted once valid: a typo in the form does not use up the allowance.
    state.limits().application(client)?;
    let secret = secret::random_secret();
    let at = pilote_store::timestamp(chrono::Utc::now());
    let application = Application::new(opening, candidate, secret::hash(&secret), &at);
    let mut email = super::to_candidate(
        &application,
        format!("Confirmez votre candidature : {title}"),
        &format!(
            "Nous avons bien reçu votre candidature à « {title} ».\n\nPour qu'elle soit examinée, confirmez votre adresse en ouvrant le lien ci-dessous ; il vous permet aussi de la suivre et de la retirer. Gardez-le pour vous.\n\nSans confirmation, votre candidature et vos données seront effacées."
        ),
    );
    email.link = Some(candidate_link(&secret));
    let stored = state
        .store()
        .create_application(
            &application,
            &[email],
            &pilote_domain::audit::Actor::system("candidat"),
        )
        .await?;
    Ok(Receipt {
        id: stored.id,
        message: format!(
            "Candidature reçue. Un courriel de confirmation a été envoyé à {} : ouvrez son lien pour qu'elle soit examinée.",
            stored.candidate.email
        ),
    })
}

/// Confirms a candidate's address with the secret of their e-mail; returns their
/// application and its history.
#[utoipa::path(
    post,
    path = "/api/v1/applications/confirmation",
    tag = "talent",
    request_body = CandidateToken,
    responses(
        (status = 200, description = "Adresse confirmée ; la candidature sera examinée", body = ApplicationJson),
        (status = 404, description = "Lien inconnu, ou candidature effacée", body = ErrorBody),
        (status = 422, description = "Valeurs invalides", body = ErrorBody),
    )
)]
pub async fn confirm_application(
    State(state): State<AppState>,
    JsonValue(body): JsonValue,
) -> Result<Json<ApplicationJson>, ApiError> {
    let body: CandidateToken = parse_record(body)?;
    Ok(Json(confirm(&state, &body.token).await?))
}

/// The application a candidate's secret opens, confirmed if it was not yet.
pub(crate) async fn confirm(state: &AppState, secret: &str) -> Result<ApplicationJson, ApiError> {
    let digest = secret::hash(secret.trim());
    let mut application = state
        .store()
        .application_with_token(&digest)
        .await?
        .ok_or(ApiError::NotFound)?;
    if application.confirmed_at.is_none() {
        let at = pilote_store::timestamp(chrono::Utc::now());
        application.confirm(&digest, &at).map_err(refused)?;
        application = state
            .store()
            .record_application(
                &application,
                None,
                "Adresse confirmée",
                pilote_store::Consequences::default(),
                &pilote_domain::audit::Actor::system("candidat"),
                &at,
            )
            .await?;
    }
    with_history(state, application).await
}
