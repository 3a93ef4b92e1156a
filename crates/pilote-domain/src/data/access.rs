//! Requests for access to restricted data, on the `DataPass` model: an agent asks, for their
//! organisation (its SIRET), to use a restricted dataset or API; the producer's instructors
//! decide; an approval grants an authorisation, which a revocation or a later approval of
//! the same request ends.
//!
//! ```text
//!                 ┌──────────────request_changes─────────────┐
//!                 ▼                                          │
//! draft ──submit──▶ submitted ──approve──▶ validated ──revoke──▶ revoked
//!   ▲  ▲ changes_requested ─submit─┘ │          │                │
//!   │  └───────────reopen────────────┼──────────┘                │
//!   │   approve / refuse also from changes_requested             │
//!   └─ archive ◀── draft | refused | revoked ────────────────────┘
//! ```
//!
//! Every check of a transition lives here, so that the store applies the same rules
//! inside its transaction. Pure: no I/O.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::delivery::Party;
use crate::identity::{Action, Principal, Target};
use crate::portfolio::DataQualityWarning;
use crate::vocabulary::vocabulary;
use crate::{DomainError, Slug};

vocabulary! {
    /// Where an access request stands.
    #[derive(Default)]
    pub enum AccessState ("état de demande d'accès") {
        /// Being written by the applicant.
        #[default]
        Draft = ("draft", "Brouillon"),
        /// Waiting for the instructors.
        Submitted = ("submitted", "Soumise"),
        /// Sent back to the applicant for changes.
        ChangesRequested = ("changes_requested", "Modifications demandées"),
        /// Approved: an authorisation runs.
        Validated = ("validated", "Validée"),
        /// Refused by the instructors.
        Refused = ("refused", "Refusée"),
        /// Its authorisation was revoked.
        Revoked = ("revoked", "Révoquée"),
        /// Closed for good.
        Archived = ("archived", "Archivée"),
    }
}

impl AccessState {
    /// Whether the applicant is the one expected to act next.
    pub const fn waits_on_applicant(self) -> bool {
        matches!(self, Self::Draft | Self::ChangesRequested)
    }

    /// Whether the applicant may change the request's content.
    pub const fn is_editable(self) -> bool {
        matches!(self, Self::Draft | Self::ChangesRequested)
    }
}

vocabulary! {
    /// A change of state of an access request (DESIGN §5).
    pub enum AccessEvent ("événement de demande d'accès") {
        /// The applicant sends it to the instructors.
        Submit = ("submit", "Soumettre"),
        /// The instructors send it back for changes.
        RequestChanges = ("request_changes", "Demander des modifications"),
        /// The instructors approve it: an authorisation is granted.
        Approve = ("approve", "Valider"),
        /// The instructors refuse it.
        Refuse = ("refuse", "Refuser"),
        /// The instructors revoke its authorisation.
        Revoke = ("revoke", "Révoquer"),
        /// Closed for good.
        Archive = ("archive", "Archiver"),
        /// The applicant reopens a validated request to change it; the running authorisation
        /// stays until the new version is approved.
        Reopen = ("reopen", "Rouvrir"),
    }
}

/// Who may take an event: the applicant's side or the producer's instructors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The applicant and the agents of their organisation (same SIRET).
    Applicant,
    /// The producer's instructors and managers.
    Instructor,
}

impl AccessEvent {
    /// The state `self` leads to from `state`; `None` when DESIGN §5 has no such arrow.
    pub const fn next(self, state: AccessState) -> Option<AccessState> {
        use AccessState::{
            Archived, ChangesRequested, Draft, Refused, Revoked, Submitted, Validated,
        };
        match (self, state) {
            (Self::Submit, Draft | ChangesRequested) => Some(Submitted),
            (Self::RequestChanges, Submitted) => Some(ChangesRequested),
            (Self::Approve, Submitted | ChangesRequested) => Some(Validated),
            (Self::Refuse, Submitted | ChangesRequested) => Some(Refused),
            (Self::Revoke, Validated) => Some(Revoked),
            (Self::Archive, Draft | Refused | Revoked) => Some(Archived),
            (Self::Reopen, Validated) => Some(Draft),
            _ => None,
        }
    }

    /// The sides that may take `self` from `state`: the applicant writes, submits, reopens
    /// and drops a draft; the instructors decide, and archive what they refused or revoked.
    pub const fn may_take(self, side: Side, state: AccessState) -> bool {
        match self {
            Self::Submit | Self::Reopen => matches!(side, Side::Applicant),
            Self::RequestChanges | Self::Approve | Self::Refuse | Self::Revoke => {
                matches!(side, Side::Instructor)
            }
            Self::Archive => match state {
                AccessState::Draft => matches!(side, Side::Applicant),
                _ => true,
            },
        }
    }

    /// Whether the event must say why (to the applicant, in the trail).
    pub const fn needs_message(self) -> bool {
        matches!(self, Self::RequestChanges | Self::Refuse | Self::Revoke)
    }

    /// The infinitive the refusals use (« impossible de valider … »).
    const fn verb(self) -> &'static str {
        match self {
            Self::Submit => "de soumettre",
            Self::RequestChanges => "de demander des modifications sur",
            Self::Approve => "de valider",
            Self::Refuse => "de refuser",
            Self::Revoke => "de révoquer",
            Self::Archive => "d’archiver",
            Self::Reopen => "de rouvrir",
        }
    }
}

vocabulary! {
    /// Where an authorisation stands.
    pub enum AuthorisationState ("état d'habilitation") {
        /// Data may be used under it.
        Active = ("active", "Active"),
        /// Replaced by the approval of the reopened request.
        Obsolete = ("obsolete", "Obsolète"),
        /// Withdrawn by the instructors.
        Revoked = ("revoked", "Révoquée"),
    }
}

vocabulary! {
    /// What an entry of a request's trail records.
    pub enum TrailKind ("entrée d'historique") {
        /// The draft was started.
        Created = ("created", "Brouillon créé"),
        /// The applicant changed the content.
        Updated = ("updated", "Demande modifiée"),
        /// Sent to the instructors.
        Submitted = ("submit", "Demande soumise"),
        /// Sent back for changes.
        ChangesRequested = ("request_changes", "Modifications demandées"),
        /// Approved.
        Approved = ("approve", "Demande validée"),
        /// Refused.
        Refused = ("refuse", "Demande refusée"),
        /// Revoked.
        Revoked = ("revoke", "Habilitation révoquée"),
        /// Archived.
        Archived = ("archive", "Demande archivée"),
        /// Reopened.
        Reopened = ("reopen", "Demande rouverte"),
        /// A message between the applicant and the instructors.
        Message = ("message", "Message"),
        /// A reminder sent to the applicant.
        Reminded = ("reminded", "Relance envoyée"),
    }
}

impl From<AccessEvent> for TrailKind {
    fn from(event: AccessEvent) -> Self {
        match event {
            AccessEvent::Submit => Self::Submitted,
            AccessEvent::RequestChanges => Self::ChangesRequested,
            AccessEvent::Approve => Self::Approved,
            AccessEvent::Refuse => Self::Refused,
            AccessEvent::Revoke => Self::Revoked,
            AccessEvent::Archive => Self::Archived,
            AccessEvent::Reopen => Self::Reopened,
        }
    }
}

/// The longest title, in characters.
pub const TITLE_MAX: usize = 200;
/// The longest text field or message, in characters.
pub const TEXT_MAX: usize = 10_000;
/// The longest retention period, in months (ten years).
pub const RETENTION_MAX: i64 = 120;

/// What the applicant writes: the content of a request, saved as a draft at any stage and
/// complete only when submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccessForm {
    /// The restricted dataset asked for (slug); or `api`.
    #[serde(default)]
    pub dataset: Option<Slug>,
    /// The restricted API asked for (slug); or `dataset`.
    #[serde(default)]
    pub api: Option<Slug>,
    /// A short title of the project the data is for.
    #[serde(default)]
    pub title: String,
    /// What the data will be used for (« finalité »).
    #[serde(default)]
    pub purpose: String,
    /// The legal basis of the processing (« cadre juridique »).
    #[serde(default)]
    pub legal_basis: String,
    /// Where the legal basis is published.
    #[serde(default)]
    pub legal_basis_url: Option<String>,
    /// The data asked for, as precisely as the producer lists it.
    #[serde(default)]
    pub data_requested: String,
    /// How long the data is kept, in months.
    #[serde(default)]
    pub retention_months: Option<i64>,
    /// The data protection officer's e-mail address.
    #[serde(default)]
    pub dpo_email: Option<String>,
    /// The technical contact's e-mail address.
    #[serde(default)]
    pub technical_contact_email: Option<String>,
}

/// Whether `text` looks like an e-mail address (something, an @, a dotted domain).
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>')
        && !domain.contains('@')
}

fn warning(field: &str, error: &DomainError) -> DataQualityWarning {
    DataQualityWarning::new(field, error.to_string())
}

fn text_too_long(
    field: &'static str,
    label: &'static str,
    text: &str,
    max: usize,
) -> Option<DataQualityWarning> {
    (text.chars().count() > max)
        .then(|| warning(field, &DomainError::TooLong { field: label, max }))
}

impl AccessForm {
    /// Trims every text and drops empty optional ones.
    #[must_use]
    pub fn normalised(mut self) -> Self {
        for text in [
            &mut self.title,
            &mut self.purpose,
            &mut self.legal_basis,
            &mut self.data_requested,
        ] {
            *text = text.trim().to_owned();
        }
        for text in [
            &mut self.legal_basis_url,
            &mut self.dpo_email,
            &mut self.technical_contact_email,
        ] {
            *text = text
                .take()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty());
        }
        self
    }

    /// What is wrong whatever the stage: one target, lengths, formats.
    pub fn validate(&self) -> Vec<DataQualityWarning> {
        let mut warnings = Vec::new();
        match (&self.dataset, &self.api) {
            (None, None) => warnings.push(warning("dataset", &DomainError::AccessWithoutTarget)),
            (Some(_), Some(_)) => warnings.push(warning("api", &DomainError::AccessTwoTargets)),
            _ => {}
        }
        warnings.extend(text_too_long("title", "intitulé", &self.title, TITLE_MAX));
        for (field, label, text) in [
            ("purpose", "finalité", &self.purpose),
            ("legal_basis", "cadre juridique", &self.legal_basis),
            ("data_requested", "données demandées", &self.data_requested),
        ] {
            warnings.extend(text_too_long(field, label, text, TEXT_MAX));
        }
        if let Some(url) = &self.legal_basis_url
            && !crate::is_http_url(url)
        {
            warnings.push(warning(
                "legal_basis_url",
                &DomainError::NotAWebAddress(url.clone()),
            ));
        }
        if let Some(months) = self.retention_months
            && !(1..=RETENTION_MAX).contains(&months)
        {
            warnings.push(warning(
                "retention_months",
                &DomainError::RetentionOutOfRange(months),
            ));
        }
        for (field, email) in [
            ("dpo_email", &self.dpo_email),
            ("technical_contact_email", &self.technical_contact_email),
        ] {
            if let Some(email) = email
                && !is_email(email)
            {
                warnings.push(warning(field, &DomainError::NotAnEmail(email.clone())));
            }
        }
        warnings
    }

    /// What a submission needs on top of [`Self::validate`]: every field filled (the guard
    /// of `submit`).
    pub fn missing(&self) -> Vec<DataQualityWarning> {
        let mut warnings = Vec::new();
        for (field, label, text) in [
            ("title", "intitulé", &self.title),
            ("purpose", "finalité", &self.purpose),
            ("legal_basis", "cadre juridique", &self.legal_basis),
            ("data_requested", "données demandées", &self.data_requested),
        ] {
            if text.trim().is_empty() {
                warnings.push(warning(field, &DomainError::RequiredText(label)));
            }
        }
        for (field, label, given) in [
            (
                "retention_months",
                "durée de conservation",
                self.retention_months.is_some(),
            ),
            (
                "dpo_email",
                "délégué à la protection des données",
                self.dpo_email.is_some(),
            ),
            (
                "technical_contact_email",
                "contact technique",
                self.technical_contact_email.is_some(),
            ),
        ] {
            if !given {
                warnings.push(warning(field, &DomainError::RequiredText(label)));
            }
        }
        warnings
    }
}

/// Whether `siret` is a SIRET: 14 digits with a valid Luhn key.
pub fn is_siret(siret: &str) -> bool {
    if siret.len() != 14 || !siret.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits: Vec<u32> = siret.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A request for access to a restricted dataset or API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccessRequest {
    /// The store's number.
    pub id: i64,
    /// What the applicant wrote.
    #[serde(flatten)]
    pub form: AccessForm,
    /// The producer of the dataset or API: its instructors decide.
    pub provider: Slug,
    /// The organisation the applicant acts for (its SIRET, from the identity provider).
    pub siret: String,
    /// Who started it.
    pub applicant: Party,
    /// Where it stands.
    pub state: AccessState,
    /// When it was started, RFC 3339.
    pub created_at: String,
    /// Its last event, RFC 3339: reminders and archiving count from it.
    pub updated_at: String,
    /// When it was first submitted: from then on the instructors see it.
    #[serde(default)]
    pub submitted_at: Option<String>,
    /// The last decision (approve, refuse, revoke).
    #[serde(default)]
    pub decided_at: Option<String>,
}

/// Why an event was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessRefusal {
    /// The state has no such arrow: a conflict.
    State(DomainError),
    /// The event is not this side's to take.
    Side,
    /// A guard failed on these fields.
    Guard(Vec<DataQualityWarning>),
}

impl AccessRequest {
    /// A new draft by `applicant` for the organisation `siret`, on `provider`'s data.
    pub fn draft(
        form: AccessForm,
        provider: Slug,
        siret: String,
        applicant: Party,
        at: &str,
    ) -> Self {
        Self {
            id: 0,
            form: form.normalised(),
            provider,
            siret,
            applicant,
            state: AccessState::Draft,
            created_at: at.to_owned(),
            updated_at: at.to_owned(),
            submitted_at: None,
            decided_at: None,
        }
    }

    /// The record permissions look at. The producer is named only once the request was
    /// submitted: a draft never sent is the applicant's alone.
    pub fn target(&self) -> Target {
        Target {
            account: Some(self.applicant.account),
            siret: Some(self.siret.clone()),
            provider: self.submitted_at.as_ref().map(|_| self.provider.clone()),
            ..Target::default()
        }
    }

    /// Replaces the content, while the applicant holds the pen.
    pub fn edit(&mut self, form: AccessForm, at: &str) -> Result<(), AccessRefusal> {
        if !self.state.is_editable() {
            return Err(AccessRefusal::State(DomainError::AccessNotEditable(
                self.state.label(),
            )));
        }
        let form = form.normalised();
        let warnings = form.validate();
        if !warnings.is_empty() {
            return Err(AccessRefusal::Guard(warnings));
        }
        self.form = form;
        at.clone_into(&mut self.updated_at);
        Ok(())
    }

    /// Takes `event` by `side` with `message` at `at`: checks the arrow, the side and the
    /// guards, and changes the request. The caller grants, ends or revokes the
    /// authorisation as [`AccessEvent`] says.
    pub fn take(
        &mut self,
        event: AccessEvent,
        side: Side,
        message: &str,
        at: &str,
    ) -> Result<AccessState, AccessRefusal> {
        let next = event.next(self.state).ok_or_else(|| {
            AccessRefusal::State(DomainError::StepNotAllowed {
                step: event.verb(),
                status: self.state.label(),
            })
        })?;
        if !event.may_take(side, self.state) {
            return Err(AccessRefusal::Side);
        }
        let mut warnings = Vec::new();
        if event.needs_message() && message.trim().is_empty() {
            warnings.push(warning("message", &DomainError::RequiredText("motif")));
        }
        warnings.extend(text_too_long("message", "message", message, TEXT_MAX));
        if event == AccessEvent::Submit {
            warnings.extend(self.form.validate());
            warnings.extend(self.form.missing());
        }
        if !warnings.is_empty() {
            return Err(AccessRefusal::Guard(warnings));
        }
        if event == AccessEvent::Submit && self.submitted_at.is_none() {
            self.submitted_at = Some(at.to_owned());
        }
        if matches!(
            event,
            AccessEvent::Approve | AccessEvent::Refuse | AccessEvent::Revoke
        ) {
            self.decided_at = Some(at.to_owned());
        }
        at.clone_into(&mut self.updated_at);
        self.state = next;
        Ok(next)
    }
}

/// An authorisation to use a restricted dataset or API, granted by approving a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Authorisation {
    /// The store's number.
    pub id: i64,
    /// The request that granted it.
    pub request: i64,
    /// The dataset, or the API.
    #[serde(default)]
    pub dataset: Option<Slug>,
    /// The API, or the dataset.
    #[serde(default)]
    pub api: Option<Slug>,
    /// The producer.
    pub provider: Slug,
    /// The organisation authorised.
    pub siret: String,
    /// Where it stands.
    pub state: AuthorisationState,
    /// When it was granted.
    pub granted_at: String,
    /// When it became obsolete or was revoked.
    #[serde(default)]
    pub ended_at: Option<String>,
}

/// What a person may see of a dataset's or an API's details (its resources' addresses):
/// a restricted one's existence is public, its details and its authorised users are not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entitlement {
    /// The data is open, or open with an account: nothing is withheld.
    Public,
    /// The producer's staff (reporters, instructors, managers): the details and who is
    /// authorised.
    Staff,
    /// An agent of an organisation holding an active authorisation, granted then.
    Authorised {
        /// When the authorisation was granted, RFC 3339.
        since: String,
    },
    /// Anyone else: the existence only.
    Withheld,
}

impl Entitlement {
    /// Whether the details (resources' addresses, checksums) may be shown.
    pub const fn allows_details(&self) -> bool {
        !matches!(self, Self::Withheld)
    }
}

/// The one rule of who sees a restricted dataset's or API's details: its producer's staff
/// (`ReadAuthorisations` on the producer), and the agents of an organisation (SIRET) one of
/// `authorisations` actively authorises. Open and open-with-account data withholds nothing.
pub fn entitlement(
    principal: Option<&Principal>,
    access: super::AccessType,
    producer: Option<&Slug>,
    authorisations: &[Authorisation],
) -> Entitlement {
    if access != super::AccessType::Restricted {
        return Entitlement::Public;
    }
    let Some(principal) = principal else {
        return Entitlement::Withheld;
    };
    let target = Target {
        provider: producer.cloned(),
        ..Target::default()
    };
    if producer.is_some() && principal.may(Action::ReadAuthorisations, &target) {
        return Entitlement::Staff;
    }
    principal
        .siret
        .as_deref()
        .and_then(|siret| {
            authorisations.iter().find(|a| {
                a.state == AuthorisationState::Active
                    && a.siret == siret
                    && producer.is_none_or(|p| *p == a.provider)
            })
        })
        .map_or(Entitlement::Withheld, |a| Entitlement::Authorised {
            since: a.granted_at.clone(),
        })
}

/// An entry of a request's trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TrailEntry {
    /// The store's number.
    pub id: i64,
    /// The request.
    pub request: i64,
    /// When, RFC 3339.
    pub at: String,
    /// Who; the account 0 is Pilote itself (reminders, archiving).
    pub actor: Party,
    /// What.
    pub kind: TrailKind,
    /// The state after it.
    pub state: AccessState,
    /// The message or reason.
    pub text: String,
}

/// The job kind of the hourly sweep that reminds applicants and archives stale drafts.
pub const SWEEP_JOB: &str = "access_sweep";

/// Days without news after which the applicant is reminded of a request waiting on them.
pub const REMIND_AFTER_DAYS: i64 = 30;
/// Days without news after which a draft is archived (six months).
pub const ARCHIVE_AFTER_DAYS: i64 = 183;

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> AccessForm {
        AccessForm {
            dataset: Slug::parse("base-sirene-restreinte").ok(),
            api: None,
            title: "Vérification des entreprises".into(),
            purpose: "Instruire les aides".into(),
            legal_basis: "Article L. 100-3 du CRPA".into(),
            legal_basis_url: Some("https://www.legifrance.gouv.fr/".into()),
            data_requested: "Raison sociale, adresse".into(),
            retention_months: Some(12),
            dpo_email: Some("dpo@exemple.gouv.fr".into()),
            technical_contact_email: Some("tech@exemple.gouv.fr".into()),
        }
    }

    fn request(state: AccessState) -> AccessRequest {
        let mut request = AccessRequest::draft(
            complete(),
            Slug::parse("insee").expect("slug"),
            "13002526500013".into(),
            Party {
                account: 7,
                name: "Agnès Dupont".into(),
            },
            "2026-01-01T00:00:00Z",
        );
        request.state = state;
        request
    }

    /// Every event from every state by both sides: allowed exactly along DESIGN §5's
    /// arrows, by the side that owns the event.
    #[test]
    fn every_event_from_every_state() {
        use AccessEvent as E;
        use AccessState as S;
        let arrows = [
            (E::Submit, S::Draft, S::Submitted),
            (E::Submit, S::ChangesRequested, S::Submitted),
            (E::RequestChanges, S::Submitted, S::ChangesRequested),
            (E::Approve, S::Submitted, S::Validated),
            (E::Approve, S::ChangesRequested, S::Validated),
            (E::Refuse, S::Submitted, S::Refused),
            (E::Refuse, S::ChangesRequested, S::Refused),
            (E::Revoke, S::Validated, S::Revoked),
            (E::Archive, S::Draft, S::Archived),
            (E::Archive, S::Refused, S::Archived),
            (E::Archive, S::Revoked, S::Archived),
            (E::Reopen, S::Validated, S::Draft),
        ];
        let mut allowed = 0;
        for &event in AccessEvent::ALL {
            for &state in AccessState::ALL {
                let arrow = arrows
                    .iter()
                    .find(|(e, from, _)| *e == event && *from == state);
                for side in [Side::Applicant, Side::Instructor] {
                    let mut r = request(state);
                    let outcome = r.take(event, side, "parce que", "2026-02-01T00:00:00Z");
                    match arrow {
                        None => {
                            assert!(
                                matches!(outcome, Err(AccessRefusal::State(_))),
                                "{event:?} from {state:?}: {outcome:?}"
                            );
                            assert_eq!(r.state, state);
                        }
                        Some((_, _, to)) if event.may_take(side, state) => {
                            assert_eq!(outcome, Ok(*to), "{event:?} from {state:?}");
                            assert_eq!(r.state, *to);
                            allowed += 1;
                        }
                        Some(_) => {
                            assert_eq!(outcome, Err(AccessRefusal::Side));
                            assert_eq!(r.state, state);
                        }
                    }
                }
            }
        }
        // 12 arrows, one side each, but both sides archive what was refused or revoked.
        assert_eq!(allowed, 14);
    }

    #[test]
    fn guards() {
        let mut r = request(AccessState::Submitted);
        match r.take(AccessEvent::Refuse, Side::Instructor, "  ", "t") {
            Err(AccessRefusal::Guard(w)) => assert_eq!(w[0].field, "message"),
            other => panic!("{other:?}"),
        }
        let mut r = request(AccessState::Draft);
        r.form.dpo_email = None;
        r.form.purpose = String::new();
        match r.take(AccessEvent::Submit, Side::Applicant, "", "t") {
            Err(AccessRefusal::Guard(w)) => {
                let fields: Vec<&str> = w.iter().map(|w| w.field.as_str()).collect();
                assert_eq!(fields, ["purpose", "dpo_email"]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(r.state, AccessState::Draft);
        r.form = complete();
        assert_eq!(
            r.take(
                AccessEvent::Submit,
                Side::Applicant,
                "",
                "2026-03-01T00:00:00Z"
            ),
            Ok(AccessState::Submitted)
        );
        assert_eq!(r.submitted_at.as_deref(), Some("2026-03-01T00:00:00Z"));
        assert!(r.target().provider.is_some());
    }

    #[test]
    fn a_draft_never_submitted_names_no_producer() {
        let r = request(AccessState::Draft);
        assert_eq!(r.target().provider, None);
        assert_eq!(r.target().siret.as_deref(), Some("13002526500013"));
    }

    #[test]
    fn editing_only_while_the_applicant_holds_the_pen() {
        let mut r = request(AccessState::Submitted);
        assert!(matches!(
            r.edit(complete(), "t"),
            Err(AccessRefusal::State(_))
        ));
        let mut r = request(AccessState::ChangesRequested);
        let mut form = complete();
        form.dpo_email = Some("pas une adresse".into());
        form.retention_months = Some(0);
        match r.edit(form, "t") {
            Err(AccessRefusal::Guard(w)) => {
                let fields: Vec<&str> = w.iter().map(|w| w.field.as_str()).collect();
                assert_eq!(fields, ["retention_months", "dpo_email"]);
            }
            other => panic!("{other:?}"),
        }
        let mut form = complete();
        form.api = Slug::parse("api-particulier").ok();
        assert!(matches!(r.edit(form, "t"), Err(AccessRefusal::Guard(_))));
    }

    #[test]
    fn sirets() {
        // DINUM's and INSEE's establishments; a changed digit breaks the key.
        assert!(is_siret("13002526500013"));
        assert!(is_siret("12002701600563"));
        assert!(!is_siret("13002526500014"));
        assert!(!is_siret("1300252650001"));
        assert!(!is_siret("1300252650001a"));
    }

    #[test]
    fn emails() {
        assert!(is_email("dpo@exemple.gouv.fr"));
        for bad in [
            "dpo",
            "dpo@",
            "@exemple.fr",
            "dpo@exemple",
            "a b@c.fr",
            "a@b@c.fr",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    fn person(siret: Option<&str>, grant: Option<(crate::identity::Role, &str)>) -> Principal {
        Principal {
            account: 3,
            name: "Agent".into(),
            member: None,
            grants: grant
                .map(|(role, scope)| {
                    crate::identity::RoleGrant::new(role, Slug::parse(scope).ok()).unwrap()
                })
                .into_iter()
                .collect(),
            products: vec![],
            scopes: None,
            token: None,
            siret: siret.map(Into::into),
        }
    }

    fn authorisation(siret: &str, state: AuthorisationState) -> Authorisation {
        Authorisation {
            id: 1,
            request: 4,
            dataset: Slug::parse("base-sirene-restreinte").ok(),
            api: None,
            provider: Slug::parse("insee").unwrap(),
            siret: siret.into(),
            state,
            granted_at: "2026-02-01T00:00:00Z".into(),
            ended_at: None,
        }
    }

    #[test]
    fn who_is_entitled_to_restricted_details() {
        use super::super::AccessType;
        use crate::identity::Role;
        let insee = Slug::parse("insee").ok();
        let active = [authorisation("13002526500013", AuthorisationState::Active)];
        let of = |p: Option<&Principal>, auths: &[Authorisation]| {
            entitlement(p, AccessType::Restricted, insee.as_ref(), auths)
        };
        // Open data withholds nothing, even from anonymous visitors.
        for access in [AccessType::Open, AccessType::Account] {
            assert_eq!(
                entitlement(None, access, insee.as_ref(), &[]),
                Entitlement::Public
            );
        }
        assert_eq!(of(None, &active), Entitlement::Withheld);
        for role in [Role::DataReporter, Role::DataInstructor, Role::DataManager] {
            assert_eq!(
                of(Some(&person(None, Some((role, "insee")))), &[]),
                Entitlement::Staff
            );
        }
        let elsewhere = person(None, Some((Role::DataInstructor, "dgfip")));
        assert_eq!(of(Some(&elsewhere), &active), Entitlement::Withheld);
        let admin = person(None, Some((Role::Administrator, "")));
        assert_eq!(of(Some(&admin), &active), Entitlement::Withheld);
        let agent = person(Some("13002526500013"), None);
        assert_eq!(
            of(Some(&agent), &active),
            Entitlement::Authorised {
                since: "2026-02-01T00:00:00Z".into()
            }
        );
        assert!(of(Some(&agent), &active).allows_details());
        let other = person(Some("12002701600563"), None);
        assert_eq!(of(Some(&other), &active), Entitlement::Withheld);
        assert!(!of(Some(&other), &active).allows_details());
        for ended in [AuthorisationState::Obsolete, AuthorisationState::Revoked] {
            let gone = [authorisation("13002526500013", ended)];
            assert_eq!(of(Some(&agent), &gone), Entitlement::Withheld);
        }
        // Without a producer, no staff can be named.
        let staff = person(None, Some((Role::DataManager, "insee")));
        assert_eq!(
            entitlement(Some(&staff), AccessType::Restricted, None, &[]),
            Entitlement::Withheld
        );
    }
}
