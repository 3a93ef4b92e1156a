//! Recruitment's records through the [`Store`]: calls and their proposals, job offers, and
//! the applications to them.

use chrono::NaiveDate;
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::notification::Email;
use pilote_domain::portfolio::{Domaine, Member};
use pilote_domain::talent::recruitment::{
    Application, ApplicationEntry, ApplicationEvent, Call, ChallengeProposal, ContractType,
    Criterion, JobOffer, RemotePolicy, Scorecard,
};

use crate::{Result, Store};

/// Which job offers to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfferFilters {
    /// Only the published ones (the public's view).
    pub published_only: bool,
    /// Only this discipline.
    pub domaine: Option<Domaine>,
    /// Only this contract.
    pub contract: Option<ContractType>,
    /// Only this remote policy.
    pub remote: Option<RemotePolicy>,
    /// Only this organisation's.
    pub organisation: Option<Slug>,
}

/// What a change to an application brings along, written in the same transaction.
#[derive(Debug, Clone, Copy, Default)]
pub struct Consequences<'a> {
    /// The e-mails it sends (to the candidate).
    pub emails: &'a [Email],
    /// The member it makes or extends: a selected challenge candidate, with their mission.
    pub member: Option<&'a Member>,
}

impl Store {
    /// Opens a call with its scoring grid; [`crate::StoreError::Conflict`] when the slug
    /// is taken.
    pub async fn create_call(
        &self,
        call: &Call,
        criteria: &[Criterion],
        actor: &Actor,
    ) -> Result<Call> {
        dispatch!(self, pool => backend::recruitment::create_call(pool, call, criteria, actor).await)
    }

    /// One call; [`crate::StoreError::NotFound`] when none has this slug.
    pub async fn call(&self, slug: &Slug) -> Result<Call> {
        dispatch!(self, pool => backend::recruitment::call(pool, slug).await)
    }

    /// A call's scoring grid.
    pub async fn call_criteria(&self, slug: &Slug) -> Result<Vec<Criterion>> {
        dispatch!(self, pool => backend::recruitment::criteria(pool, slug).await)
    }

    /// Every call, latest opening first.
    pub async fn calls(&self) -> Result<Vec<Call>> {
        dispatch!(self, pool => backend::recruitment::calls(pool).await)
    }

    /// Stores a challenge proposal: new when its number is 0, replaced otherwise.
    pub async fn save_proposal(
        &self,
        proposal: &ChallengeProposal,
        actor: &Actor,
    ) -> Result<ChallengeProposal> {
        dispatch!(self, pool => backend::recruitment::save_proposal(pool, proposal, actor).await)
    }

    /// One proposal; [`crate::StoreError::NotFound`] when none has this number.
    pub async fn proposal(&self, id: i64) -> Result<ChallengeProposal> {
        dispatch!(self, pool => backend::recruitment::proposal(pool, id).await)
    }

    /// A call's proposals, in the order they came.
    pub async fn proposals(&self, call: &Slug) -> Result<Vec<ChallengeProposal>> {
        dispatch!(self, pool => backend::recruitment::proposals(pool, call).await)
    }

    /// Creates or replaces a job offer.
    pub async fn save_job_offer(&self, offer: &JobOffer, actor: &Actor) -> Result<JobOffer> {
        dispatch!(self, pool => backend::recruitment::save_offer(pool, offer, actor).await)
    }

    /// One offer, published or not; [`crate::StoreError::NotFound`] when none has this slug.
    pub async fn job_offer(&self, slug: &Slug) -> Result<JobOffer> {
        dispatch!(self, pool => backend::recruitment::offer(pool, slug).await)
    }

    /// The offers that match `filters`, soonest closing first.
    pub async fn job_offers(&self, filters: &OfferFilters) -> Result<Vec<JobOffer>> {
        dispatch!(self, pool => backend::recruitment::offers(pool, filters).await)
    }

    /// Stores a new application with the e-mails it sends (its confirmation); its `token`
    /// must already be the secret's digest.
    pub async fn create_application(
        &self,
        application: &Application,
        emails: &[Email],
        actor: &Actor,
    ) -> Result<Application> {
        dispatch!(self, pool => backend::recruitment::create_application(pool, application, emails, actor).await)
    }

    /// One application; [`crate::StoreError::NotFound`] when none has this number.
    pub async fn application(&self, id: i64) -> Result<Application> {
        dispatch!(self, pool => backend::recruitment::application(pool, id).await)
    }

    /// The application a candidate's token (its digest) belongs to, if any.
    pub async fn application_with_token(&self, token: &str) -> Result<Option<Application>> {
        dispatch!(self, pool => backend::recruitment::application_with_token(pool, token).await)
    }

    /// The applications to a call's challenges and/or to an offer.
    pub async fn applications(
        &self,
        call: Option<&Slug>,
        offer: Option<&Slug>,
    ) -> Result<Vec<Application>> {
        dispatch!(self, pool => backend::recruitment::applications(pool, call, offer).await)
    }

    /// An application's history: changes of state and messages, oldest first.
    pub async fn application_entries(&self, id: i64) -> Result<Vec<ApplicationEntry>> {
        dispatch!(self, pool => backend::recruitment::application_entries(pool, id).await)
    }

    /// Writes an application's new state or confirmation, with the event or message that
    /// changed it and its consequences, in one transaction.
    pub async fn record_application(
        &self,
        application: &Application,
        event: Option<ApplicationEvent>,
        message: &str,
        consequences: Consequences<'_>,
        actor: &Actor,
        at: &str,
    ) -> Result<Application> {
        dispatch!(self, pool => backend::recruitment::record_application(pool, application, event, message, &consequences, actor, at).await)
    }

    /// Records a panelist's scorecard of a proposal, replacing their previous one.
    pub async fn save_scorecard(&self, card: &Scorecard, actor: &Actor, at: &str) -> Result<()> {
        dispatch!(self, pool => backend::recruitment::save_scorecard(pool, card, actor, at).await)
    }

    /// The scorecards of a call's proposals, by proposal then panelist.
    pub async fn scorecards(&self, call: &Slug) -> Result<Vec<Scorecard>> {
        dispatch!(self, pool => backend::recruitment::scorecards(pool, call).await)
    }

    /// Erases candidates' data of the applications closed (or never confirmed) more than
    /// `retention_days` before `today`; returns their numbers.
    pub async fn erase_applications(
        &self,
        today: NaiveDate,
        retention_days: u32,
        actor: &Actor,
        at: &str,
    ) -> Result<Vec<i64>> {
        dispatch!(self, pool => backend::recruitment::erase_applications(pool, today, retention_days, actor, at).await)
    }
}
