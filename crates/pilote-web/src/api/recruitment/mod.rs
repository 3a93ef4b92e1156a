//! Recruitment through the API: calls for challenges and their proposals, the panel's
//! scorecards, job offers, and the applications candidates send without an account.
//!
//! A candidate proves who they are with the secret of their confirmation e-mail; the store
//! keeps only its digest. Their personal data is shown to the call's panel or the offer's
//! recruiters only, once confirmed: anyone else is told the application does not exist.

pub mod applications;
pub mod apply;
pub mod calls;
pub mod offers;
pub mod proposals;

use pilote_domain::Slug;
use pilote_domain::identity::Target;
use pilote_domain::notification::Email;
use pilote_domain::talent::recruitment::{Application, Refusal};

use crate::{ApiError, AppState};

/// The permission target of a call: its panel.
pub(crate) fn call_target(call: &Slug) -> Target {
    Target {
        call: Some(call.clone()),
        ..Target::default()
    }
}

/// The permission target of an organisation: its recruiters and editors.
pub(crate) fn organisation_target(organisation: &Slug) -> Target {
    Target {
        organisation: Some(organisation.clone()),
        ..Target::default()
    }
}

/// The call of the address; 404 when unknown.
pub(crate) async fn call_at(
    state: &AppState,
    raw: &str,
) -> Result<pilote_domain::talent::recruitment::Call, ApiError> {
    let slug = crate::api::path_slug(raw)?;
    Ok(state.store().call(&slug).await?)
}

/// The HTTP answer to a refused event.
pub(crate) fn refused(refusal: Refusal) -> ApiError {
    match refusal {
        Refusal::State(error) => ApiError::Conflict(error.to_string()),
        Refusal::Forbidden => {
            ApiError::Forbidden("cette action ne vous revient pas sur cette candidature")
        }
        Refusal::Unconfirmed => ApiError::Conflict(
            "le candidat n'a pas encore confirmé son adresse électronique".into(),
        ),
        Refusal::Guard(problems) => ApiError::Unprocessable(
            problems
                .into_iter()
                .map(|problem| (problem.field, problem.message))
                .collect(),
        ),
    }
}

/// The page where a candidate confirms and follows their application, with their secret.
pub(crate) fn candidate_link(secret: &str) -> String {
    format!("/talents/candidature?jeton={secret}")
}

/// An e-mail to the candidate of `application`, signed by the programme.
pub(crate) fn to_candidate(application: &Application, subject: String, body: &str) -> Email {
    Email {
        to: vec![application.candidate.email.clone()],
        subject,
        body: format!(
            "Bonjour {},\n\n{body}\n\nL'équipe des talents du numérique de l'État",
            application.candidate.name
        ),
        link: None,
    }
}
