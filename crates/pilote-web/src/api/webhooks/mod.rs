//! `/api/v1/data-producers/{slug}/webhooks`: the receivers subscribed to a data producer's
//! events, and their deliveries. Each body is signed with the subscription's secret
//! (`X-Hub-Signature-256`), which the server makes and shows once, at creation.

pub mod create;
pub mod delete;
pub mod deliveries;
pub mod list;

use pilote_domain::identity::{Action, Principal, Target};
use pilote_domain::{Slug, audit::Actor};

use crate::ApiError;
use crate::auth::authorize;

/// Checks that `principal` may manage the webhooks of the producer `raw`; returns the
/// producer and the actor to log.
fn managed(principal: Option<&Principal>, raw: &str) -> Result<(Slug, Actor), ApiError> {
    let producer = crate::api::path_slug(raw)?;
    let target = Target {
        provider: Some(producer.clone()),
        ..Target::default()
    };
    let actor = authorize(principal, Action::ManageWebhooks, &[target])?;
    Ok((producer, actor))
}
