//! Support requests to the steering team through the [`Store`].

use pilote_domain::audit::Actor;
use pilote_domain::delivery::{Notification, Party, SupportEvent, SupportRequest, SupportStep};

use crate::{Result, Store};

impl Store {
    /// Files a request (already checked) by `requester` at `at`, notifying the steering
    /// team; returns it as stored.
    pub async fn create_support_request(
        &self,
        request: &SupportRequest,
        requester: Party,
        actor: &Actor,
        at: &str,
    ) -> Result<SupportRequest> {
        dispatch!(self, pool => backend::support::create(pool, request, requester.clone(), actor, at).await)
    }

    /// One request; [`crate::StoreError::NotFound`] when none has this number.
    pub async fn support_request(&self, id: i64) -> Result<SupportRequest> {
        dispatch!(self, pool => backend::support::request(pool, id).await)
    }

    /// Every request, latest first.
    pub async fn support_requests(&self) -> Result<Vec<SupportRequest>> {
        dispatch!(self, pool => backend::support::requests(pool).await)
    }

    /// A request's trail, oldest first.
    pub async fn support_events(&self, request: i64) -> Result<Vec<SupportEvent>> {
        dispatch!(self, pool => backend::support::events(pool, request).await)
    }

    /// Takes a step of the steering team on request `id`, checked against it as stored
    /// ([`crate::StoreError::Refused`] with the reason otherwise); `expert` is the account
    /// assigned, for an assignment.
    pub async fn advance_support_request(
        &self,
        id: i64,
        step: &SupportStep,
        expert: Option<Party>,
        by: Party,
        actor: &Actor,
        at: &str,
    ) -> Result<(SupportRequest, SupportEvent)> {
        dispatch!(self, pool => backend::support::advance(pool, id, backend::support::Move::Step { step, expert: expert.clone() }, by.clone(), actor, at).await)
    }

    /// Adds a message to request `id`.
    pub async fn add_support_message(
        &self,
        id: i64,
        body: &str,
        by: Party,
        actor: &Actor,
        at: &str,
    ) -> Result<(SupportRequest, SupportEvent)> {
        dispatch!(self, pool => backend::support::advance(pool, id, backend::support::Move::Message(body), by.clone(), actor, at).await)
    }

    /// The steering team: administrators and experts, who may be assigned a request.
    pub async fn steering_team(&self) -> Result<Vec<Party>> {
        dispatch!(self, pool => backend::support::steering_team(pool).await)
    }

    /// An account's latest notifications, at most `limit`.
    pub async fn notifications(&self, account: i64, limit: i64) -> Result<Vec<Notification>> {
        dispatch!(self, pool => backend::support::notifications(pool, account, limit).await)
    }
}
