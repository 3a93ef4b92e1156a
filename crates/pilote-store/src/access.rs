//! Requests for access to restricted data through the [`Store`].

use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::data::{
    AccessEvent, AccessForm, AccessRequest, Authorisation, Side, TrailEntry,
};
use pilote_domain::delivery::Party;

use crate::{Result, Store};

/// Whose authorisations to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorisationsOf {
    /// Those a request granted.
    Request(i64),
    /// Those on a dataset.
    Dataset(Slug),
    /// Those on an API.
    Api(Slug),
}

/// What a sweep of the requests waiting on their applicants did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Applicants reminded.
    pub reminded: u64,
    /// Drafts archived.
    pub archived: u64,
}

impl Store {
    /// Stores the draft `request` (already checked) and returns it with its number.
    pub async fn create_access_request(
        &self,
        request: &AccessRequest,
        actor: &Actor,
    ) -> Result<AccessRequest> {
        dispatch!(self, pool => backend::access::create(pool, request, actor).await)
    }

    /// One request; [`crate::StoreError::NotFound`] when none has this number.
    pub async fn access_request(&self, id: i64) -> Result<AccessRequest> {
        dispatch!(self, pool => backend::access::request(pool, id).await)
    }

    /// Every request, latest change first.
    pub async fn access_requests(&self) -> Result<Vec<AccessRequest>> {
        dispatch!(self, pool => backend::access::requests(pool).await)
    }

    /// A request's trail, oldest first.
    pub async fn access_trail(&self, request: i64) -> Result<Vec<TrailEntry>> {
        dispatch!(self, pool => backend::access::trail(pool, request).await)
    }

    /// Authorisations, latest first.
    pub async fn authorisations(&self, of: &AuthorisationsOf) -> Result<Vec<Authorisation>> {
        dispatch!(self, pool => backend::access::authorisations(pool, of).await)
    }

    /// Replaces the content of request `id`, checked against it as stored
    /// ([`crate::StoreError::Refused`] once it is no longer the applicant's to change).
    pub async fn edit_access_request(
        &self,
        id: i64,
        form: &AccessForm,
        by: Party,
        actor: &Actor,
        at: &str,
    ) -> Result<(AccessRequest, TrailEntry)> {
        dispatch!(self, pool => backend::access::advance(pool, id, backend::access::Move::Edit(form), by.clone(), actor, at).await)
    }

    /// Takes `event` by `side` on request `id`, checked against it as stored; grants, ends
    /// or revokes its authorisation, and queues the e-mails and webhooks it causes.
    #[allow(clippy::too_many_arguments)]
    pub async fn take_access_event(
        &self,
        id: i64,
        event: AccessEvent,
        side: Side,
        message: &str,
        by: Party,
        actor: &Actor,
        at: &str,
    ) -> Result<(AccessRequest, TrailEntry)> {
        dispatch!(self, pool => backend::access::advance(pool, id, backend::access::Move::Event { event, side, message }, by.clone(), actor, at).await)
    }

    /// Adds a message to request `id`.
    pub async fn add_access_message(
        &self,
        id: i64,
        body: &str,
        by: Party,
        actor: &Actor,
        at: &str,
    ) -> Result<(AccessRequest, TrailEntry)> {
        dispatch!(self, pool => backend::access::advance(pool, id, backend::access::Move::Message(body), by.clone(), actor, at).await)
    }

    /// Reminds the applicants of requests waiting on them since before `remind_before`,
    /// once per wait, and archives the drafts untouched since `archive_before`.
    pub async fn sweep_access_requests(
        &self,
        remind_before: &str,
        archive_before: &str,
        actor: &Actor,
        at: &str,
    ) -> Result<Swept> {
        let (reminded, archived) = dispatch!(self, pool => backend::access::sweep(pool, remind_before, archive_before, actor, at).await)?;
        Ok(Swept { reminded, archived })
    }
}
