//! Recruitment: calls for challenges and the proposals administrations make to them, the
//! panel's scoring grid, job offers, and the applications candidates send to either.
//!
//! ```text
//! received ──shortlist──▶ shortlisted ──invite──▶ interview ──select──▶ selected
//!     │                        │                      │
//!     └──────── reject ────────┴──────────────────────┴──▶ rejected
//!     └──────── withdraw (the candidate, with their token) ──▶ withdrawn
//! ```
//!
//! Candidates need no account: they prove who they are with the token the confirmation
//! e-mail carries. Their personal data is the reviewers' only (the call's panel, the offer's
//! organisation's recruiters, administrators), and is erased once the application has been
//! closed for the retention period. Pure: no I/O.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::data::access::is_email;
use crate::identity::{Action, Principal, Target};
use crate::portfolio::{DataQualityWarning, Domaine, Member, Mission, MissionStatus};
use crate::vocabulary::vocabulary;
use crate::{DomainError, Slug};

/// Most characters of a title, a name, an organisation or a location.
pub const TITLE_MAX: usize = 200;
/// Most characters of a description, a profile, a motivation or a message.
pub const TEXT_MAX: usize = 10_000;
/// Most skills a candidate lists.
pub const SKILLS_MAX: usize = 30;
/// The highest mark a panelist gives on a criterion.
pub const MARK_MAX: u8 = 5;
/// What replaces a candidate's personal texts once erased.
pub const ERASED: &str = "[effacé]";

fn warning(field: &str, message: impl Into<String>) -> DataQualityWarning {
    DataQualityWarning::new(field, message.into())
}

/// Warnings for a required, bounded text.
fn check_text(field: &str, value: &str, required: bool, max: usize) -> Vec<DataQualityWarning> {
    if required && value.is_empty() {
        vec![warning(field, DomainError::Required.to_string())]
    } else if value.chars().count() > max {
        vec![warning(field, format!("{max} caractères au plus"))]
    } else {
        Vec::new()
    }
}

fn trim(text: &mut String) {
    *text = text.trim().to_owned();
}

/// A call for challenges (« appel à défis »): administrations propose challenges between
/// its dates, then candidates apply to those retained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Call {
    /// Stable identifier (`eig-2027`).
    pub slug: Slug,
    /// Its name (« Appel à défis EIG 2027 »).
    pub title: String,
    /// What it seeks, for administrations and candidates.
    #[serde(default)]
    pub description: String,
    /// First day proposals and applications are taken.
    pub opens_on: NaiveDate,
    /// Last day they are taken.
    pub closes_on: NaiveDate,
    /// The promotion its challenges will form, when known.
    #[serde(default)]
    pub promotion: Option<Slug>,
}

impl Call {
    /// Trims the texts, then lists what is wrong, by field.
    pub fn validate(&mut self) -> Vec<DataQualityWarning> {
        trim(&mut self.title);
        trim(&mut self.description);
        let mut problems = check_text("title", &self.title, true, TITLE_MAX);
        problems.extend(check_text(
            "description",
            &self.description,
            false,
            TEXT_MAX,
        ));
        if self.closes_on < self.opens_on {
            problems.push(warning(
                "closes_on",
                format!(
                    "l'appel se clôt ({}) avant de s'ouvrir ({})",
                    self.closes_on, self.opens_on
                ),
            ));
        }
        problems
    }

    /// Whether the call takes proposals and applications on `day`.
    pub fn is_open(&self, day: NaiveDate) -> bool {
        self.opens_on <= day && day <= self.closes_on
    }
}

vocabulary! {
    /// Where a challenge proposal stands.
    #[derive(Default)]
    pub enum ProposalStatus ("statut de proposition de défi") {
        /// Sent by the administration, waiting for the panel.
        #[default]
        Submitted = ("submitted", "Déposée"),
        /// Retained by the panel: candidates may apply to it.
        Retained = ("retained", "Retenue"),
        /// Not retained.
        Declined = ("declined", "Non retenue"),
    }
}

/// A challenge an administration proposes to a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChallengeProposal {
    /// The store's number; 0 before it is stored.
    #[serde(default)]
    pub id: i64,
    /// The call's slug.
    pub call: Slug,
    /// The proposing administration's organisation slug.
    pub organisation: Slug,
    /// The product the challenge's team will work on, once one exists.
    #[serde(default)]
    pub product: Option<Slug>,
    /// Its title.
    pub title: String,
    /// The problem it takes on.
    pub description: String,
    /// Where it stands.
    #[serde(default)]
    pub status: ProposalStatus,
}

impl ChallengeProposal {
    /// Trims the texts, then lists what is wrong, by field.
    pub fn validate(&mut self) -> Vec<DataQualityWarning> {
        trim(&mut self.title);
        trim(&mut self.description);
        let mut problems = check_text("title", &self.title, true, TITLE_MAX);
        problems.extend(check_text("description", &self.description, true, TEXT_MAX));
        problems
    }

    /// Whether candidates may apply to it.
    pub const fn takes_applications(&self) -> bool {
        matches!(self.status, ProposalStatus::Retained)
    }
}

/// A criterion of a call's scoring grid, with its weight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Criterion {
    /// Stable identifier (`impact`).
    pub slug: Slug,
    /// Its French label (« Impact pour les usagers »).
    pub label: String,
    /// How much it counts against the others (1 or more).
    pub weight: u32,
}

/// A call's scoring grid: the criteria the panel marks each proposal on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScoringGrid {
    /// The criteria, in the form's order.
    pub criteria: Vec<Criterion>,
}

/// A panelist's mark on one criterion, from 0 to [`MARK_MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "u8", into = "u8")]
pub struct Mark(u8);

impl Mark {
    /// Checks the mark is within the grid's scale.
    pub fn new(value: u8) -> Result<Self, DomainError> {
        if value <= MARK_MAX {
            Ok(Self(value))
        } else {
            Err(DomainError::UnknownValue {
                what: "note (de 0 à 5)",
                value: value.to_string(),
            })
        }
    }

    /// The mark as a number.
    pub const fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Mark {
    type Error = DomainError;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Mark> for u8 {
    fn from(mark: Mark) -> Self {
        mark.0
    }
}

/// One panelist's marks on one proposal, by criterion slug.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Scorecard {
    /// The panelist's account.
    pub panelist: i64,
    /// The proposal's number.
    pub proposal: i64,
    /// A mark per criterion.
    pub marks: Vec<(Slug, Mark)>,
}

impl ScoringGrid {
    /// Lists what is wrong: no criterion, a weight of 0, a criterion twice, an empty label.
    pub fn validate(&self) -> Vec<DataQualityWarning> {
        let mut problems = Vec::new();
        if self.criteria.is_empty() {
            problems.push(warning("criteria", "au moins un critère"));
        }
        for (i, criterion) in self.criteria.iter().enumerate() {
            if criterion.weight == 0 {
                problems.push(warning(
                    "weight",
                    format!("le critère « {} » doit peser au moins 1", criterion.slug),
                ));
            }
            if criterion.label.trim().is_empty() {
                problems.push(warning("label", DomainError::Required.to_string()));
            }
            if self.criteria[..i].iter().any(|c| c.slug == criterion.slug) {
                problems.push(warning(
                    "criteria",
                    format!("le critère « {} » figure deux fois", criterion.slug),
                ));
            }
        }
        problems
    }

    /// Checks a scorecard marks every criterion of the grid exactly once, and nothing else.
    pub fn check(&self, card: &Scorecard) -> Vec<DataQualityWarning> {
        let mut problems = Vec::new();
        for criterion in &self.criteria {
            let count = card
                .marks
                .iter()
                .filter(|(slug, _)| *slug == criterion.slug)
                .count();
            if count != 1 {
                problems.push(warning(
                    "marks",
                    format!("une note et une seule pour « {} »", criterion.label),
                ));
            }
        }
        for (slug, _) in &card.marks {
            if !self.criteria.iter().any(|c| c.slug == *slug) {
                problems.push(warning("marks", format!("critère inconnu « {slug} »")));
            }
        }
        problems
    }

    /// A scorecard's weighted mean, out of [`MARK_MAX`]; `None` when it does not fit the
    /// grid.
    pub fn weighted(&self, card: &Scorecard) -> Option<f64> {
        if !self.check(card).is_empty() || self.criteria.is_empty() {
            return None;
        }
        let mut total = 0u64;
        let mut weights = 0u64;
        for criterion in &self.criteria {
            let mark = card
                .marks
                .iter()
                .find(|(slug, _)| *slug == criterion.slug)
                .map(|(_, mark)| mark.get())?;
            total += u64::from(criterion.weight) * u64::from(mark);
            weights += u64::from(criterion.weight);
        }
        #[expect(clippy::cast_precision_loss, reason = "small sums of small marks")]
        Some(total as f64 / weights as f64)
    }

    /// The panel's score of a proposal: the mean of its panelists' weighted marks.
    pub fn panel_score(&self, cards: &[Scorecard]) -> Option<f64> {
        let scores: Vec<f64> = cards.iter().filter_map(|c| self.weighted(c)).collect();
        if scores.is_empty() {
            return None;
        }
        #[expect(clippy::cast_precision_loss, reason = "a panel is a handful of people")]
        Some(scores.iter().sum::<f64>() / scores.len() as f64)
    }
}

vocabulary! {
    /// How much of the job may be done remotely.
    pub enum RemotePolicy ("politique de télétravail") {
        /// On site every day.
        OnSite = ("on_site", "Sur site"),
        /// Some days a week remotely.
        Partial = ("partial", "Télétravail partiel"),
        /// Remotely, with occasional gatherings.
        Full = ("full", "Télétravail complet"),
    }
}

vocabulary! {
    /// The kind of contract an offer proposes.
    pub enum ContractType ("type de contrat") {
        /// A civil servant's post (« titulaire »), open to transfers.
        Permanent = ("titulaire", "Titulaire de la fonction publique"),
        /// A fixed-term contract.
        FixedTerm = ("cdd", "Contractuel (CDD)"),
        /// An open-ended contract.
        OpenEnded = ("cdi", "Contractuel (CDI)"),
        /// A work-study contract.
        WorkStudy = ("alternance", "Alternance"),
        /// An internship.
        Internship = ("stage", "Stage"),
    }
}

/// A gross yearly salary range, in euros.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "RawSalary")]
pub struct SalaryRange {
    /// The lowest salary, in euros a year.
    min: u32,
    /// The highest salary, in euros a year.
    max: u32,
}

#[derive(Deserialize)]
struct RawSalary {
    min: u32,
    max: u32,
}

impl TryFrom<RawSalary> for SalaryRange {
    type Error = DomainError;
    fn try_from(raw: RawSalary) -> Result<Self, Self::Error> {
        Self::new(raw.min, raw.max)
    }
}

impl SalaryRange {
    /// Checks that the lowest salary is not above the highest.
    pub fn new(min: u32, max: u32) -> Result<Self, DomainError> {
        if min <= max {
            Ok(Self { min, max })
        } else {
            Err(DomainError::InvalidAmount(format!(
                "fourchette de {min} à {max} € : le minimum dépasse le maximum"
            )))
        }
    }

    /// The lowest salary.
    pub const fn min(self) -> u32 {
        self.min
    }

    /// The highest salary.
    pub const fn max(self) -> u32 {
        self.max
    }
}

/// A job offer for a digital role in an administration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JobOffer {
    /// Stable identifier (`developpeur-dinum-2027`).
    pub slug: Slug,
    /// The role (« Développeuse ou développeur back-end »).
    pub title: String,
    /// The hiring organisation's slug.
    pub organisation: Slug,
    /// The discipline.
    pub domaine: Domaine,
    /// Where the job is (« Paris », « Lyon »).
    pub location: String,
    /// How much remote work is possible.
    pub remote: RemotePolicy,
    /// The contract proposed.
    pub contract: ContractType,
    /// The salary range, when published.
    #[serde(default)]
    pub salary: Option<SalaryRange>,
    /// Last day applications are taken.
    pub closes_on: NaiveDate,
    /// The job, the team, the profile sought.
    pub description: String,
    /// Whether the public sees it.
    #[serde(default)]
    pub published: bool,
}

impl JobOffer {
    /// Trims the texts, then lists what is wrong, by field.
    pub fn validate(&mut self) -> Vec<DataQualityWarning> {
        trim(&mut self.title);
        trim(&mut self.location);
        trim(&mut self.description);
        let mut problems = check_text("title", &self.title, true, TITLE_MAX);
        problems.extend(check_text("location", &self.location, true, TITLE_MAX));
        problems.extend(check_text("description", &self.description, true, TEXT_MAX));
        problems
    }

    /// Whether candidates may apply on `day`.
    pub fn takes_applications(&self, day: NaiveDate) -> bool {
        self.published && day <= self.closes_on
    }
}

/// What an application is sent to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Opening {
    /// A challenge proposal retained by a call.
    Challenge {
        /// The call.
        call: Slug,
        /// The proposal's number.
        proposal: i64,
        /// The proposing organisation.
        organisation: Slug,
    },
    /// A job offer.
    JobOffer {
        /// The offer.
        offer: Slug,
        /// The hiring organisation.
        organisation: Slug,
    },
}

/// What a candidate tells about themself: all of it personal, erased after retention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Candidate {
    /// Full name.
    pub name: String,
    /// E-mail address, where the confirmation and the decisions go.
    pub email: String,
    /// Profile: background and current role.
    pub profile: String,
    /// Skills, one per entry.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Why this challenge or job.
    pub motivation: String,
}

impl Candidate {
    /// Trims the texts and drops empty skills, then lists what is wrong, by field.
    pub fn validate(&mut self) -> Vec<DataQualityWarning> {
        trim(&mut self.name);
        trim(&mut self.email);
        trim(&mut self.profile);
        trim(&mut self.motivation);
        for skill in &mut self.skills {
            trim(skill);
        }
        self.skills.retain(|s| !s.is_empty());
        let mut problems = check_text("name", &self.name, true, TITLE_MAX);
        problems.extend(check_text("email", &self.email, true, TITLE_MAX));
        if !self.email.is_empty() && !is_email(&self.email) {
            problems.push(warning("email", "adresse électronique invalide"));
        }
        problems.extend(check_text("profile", &self.profile, true, TEXT_MAX));
        problems.extend(check_text("motivation", &self.motivation, true, TEXT_MAX));
        if self.skills.len() > SKILLS_MAX {
            problems.push(warning(
                "skills",
                format!("{SKILLS_MAX} compétences au plus"),
            ));
        }
        for skill in &self.skills {
            problems.extend(check_text("skills", skill, true, TITLE_MAX));
        }
        problems
    }

    /// The same record with every personal field erased.
    pub fn erased() -> Self {
        Self {
            name: ERASED.to_owned(),
            email: ERASED.to_owned(),
            profile: ERASED.to_owned(),
            skills: Vec::new(),
            motivation: ERASED.to_owned(),
        }
    }
}

vocabulary! {
    /// Where an application stands.
    #[derive(Default)]
    pub enum ApplicationState ("état de candidature") {
        /// Received, waiting for the reviewers.
        #[default]
        Received = ("received", "Reçue"),
        /// Kept for a closer look.
        Shortlisted = ("shortlisted", "Présélectionnée"),
        /// The candidate is invited to an interview.
        Interview = ("interview", "Entretien"),
        /// The candidate is selected.
        Selected = ("selected", "Retenue"),
        /// Not retained.
        Rejected = ("rejected", "Non retenue"),
        /// The candidate withdrew it.
        Withdrawn = ("withdrawn", "Retirée"),
    }
}

impl ApplicationState {
    /// Whether the application is decided for good: the retention period runs from then.
    pub const fn is_closed(self) -> bool {
        matches!(self, Self::Selected | Self::Rejected | Self::Withdrawn)
    }
}

vocabulary! {
    /// A change of state of an application.
    pub enum ApplicationEvent ("événement de candidature") {
        /// The reviewers keep it for a closer look.
        Shortlist = ("shortlist", "Présélectionner"),
        /// The reviewers invite the candidate to an interview.
        Invite = ("invite", "Inviter à un entretien"),
        /// The reviewers select the candidate.
        Select = ("select", "Retenir"),
        /// The reviewers do not retain it.
        Reject = ("reject", "Ne pas retenir"),
        /// The candidate withdraws it.
        Withdraw = ("withdraw", "Retirer"),
    }
}

/// Who takes an event on an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The call's panel, the offer's recruiters, or an administrator.
    Reviewer,
    /// The candidate, proven by their token.
    Candidate,
}

impl ApplicationEvent {
    /// The state `self` leads to from `state`; `None` when there is no such arrow.
    pub const fn next(self, state: ApplicationState) -> Option<ApplicationState> {
        use ApplicationState::{Interview, Received, Rejected, Selected, Shortlisted, Withdrawn};
        match (self, state) {
            (Self::Shortlist, Received) => Some(Shortlisted),
            (Self::Invite, Shortlisted) => Some(Interview),
            (Self::Select, Interview) => Some(Selected),
            (Self::Reject, Received | Shortlisted | Interview) => Some(Rejected),
            (Self::Withdraw, Received | Shortlisted | Interview) => Some(Withdrawn),
            _ => None,
        }
    }

    /// The side that owns the event: the candidate withdraws, the reviewers decide.
    pub const fn side(self) -> Side {
        match self {
            Self::Withdraw => Side::Candidate,
            _ => Side::Reviewer,
        }
    }

    /// Whether the event must say why, to the candidate.
    pub const fn needs_message(self) -> bool {
        matches!(self, Self::Reject)
    }

    /// The infinitive the refusals use.
    const fn verb(self) -> &'static str {
        match self {
            Self::Shortlist => "de présélectionner",
            Self::Invite => "d’inviter à un entretien pour",
            Self::Select => "de retenir",
            Self::Reject => "de ne pas retenir",
            Self::Withdraw => "de retirer",
        }
    }
}

/// Who acts on an application.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    /// Someone signed in, or a machine with their token.
    Person(&'a Principal),
    /// Someone holding a token from a confirmation e-mail.
    Token(&'a str),
}

/// An application to a challenge or a job offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Application {
    /// The store's number; 0 before it is stored.
    #[serde(default)]
    pub id: i64,
    /// What it is sent to.
    pub opening: Opening,
    /// The candidate (personal).
    pub candidate: Candidate,
    /// The SHA-256 digest of the secret the confirmation e-mail carries (the secret itself
    /// is never stored); empty once erased. Never shown.
    #[serde(skip)]
    pub token: String,
    /// Where it stands.
    pub state: ApplicationState,
    /// When it was sent (RFC 3339).
    pub created_at: String,
    /// When the candidate confirmed their address; reviewers see it only then.
    #[serde(default)]
    pub confirmed_at: Option<String>,
    /// When it reached a closed state.
    #[serde(default)]
    pub closed_at: Option<String>,
    /// When its personal data was erased.
    #[serde(default)]
    pub erased_at: Option<String>,
}

/// Why an event was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The state has no such arrow: a conflict.
    State(DomainError),
    /// The actor may not take the event: forbidden.
    Forbidden,
    /// The candidate has not confirmed their address yet.
    Unconfirmed,
    /// A guard failed on these fields.
    Guard(Vec<DataQualityWarning>),
}

/// Compares two secrets in time that does not depend on where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Application {
    /// A new application, received and waiting for the candidate's confirmation.
    pub fn new(opening: Opening, candidate: Candidate, token: String, at: &str) -> Self {
        Self {
            id: 0,
            opening,
            candidate,
            token,
            state: ApplicationState::Received,
            created_at: at.to_owned(),
            confirmed_at: None,
            closed_at: None,
            erased_at: None,
        }
    }

    /// The record permissions look at: the call for a challenge (its panel), the
    /// organisation for a job offer (its recruiters).
    pub fn target(&self) -> Target {
        match &self.opening {
            Opening::Challenge { call, .. } => Target {
                call: Some(call.clone()),
                ..Target::default()
            },
            Opening::JobOffer { organisation, .. } => Target {
                organisation: Some(organisation.clone()),
                ..Target::default()
            },
        }
    }

    /// Whether `token` (a presented secret's digest) is this application's.
    pub fn holds(&self, token: &str) -> bool {
        !self.token.is_empty() && same_secret(&self.token, token)
    }

    /// Whether `actor` may read the candidate's personal data.
    pub fn may_read(&self, actor: Actor<'_>) -> bool {
        match actor {
            Actor::Person(person) => {
                self.confirmed_at.is_some() && person.may(Action::ReadApplications, &self.target())
            }
            Actor::Token(token) => self.holds(token),
        }
    }

    /// The candidate confirms their address with the e-mail's token.
    pub fn confirm(&mut self, token: &str, at: &str) -> Result<(), Refusal> {
        if !self.holds(token) {
            return Err(Refusal::Forbidden);
        }
        if self.confirmed_at.is_none() {
            self.confirmed_at = Some(at.to_owned());
        }
        Ok(())
    }

    /// Whether `actor` is on the side that owns `event`.
    fn may_take(&self, event: ApplicationEvent, actor: Actor<'_>) -> bool {
        match (event.side(), actor) {
            (Side::Reviewer, Actor::Person(person)) => {
                person.may(Action::ReviewApplications, &self.target())
            }
            (Side::Candidate, Actor::Token(token)) => self.holds(token),
            _ => false,
        }
    }

    /// Takes `event` by `actor` with `message` at `at`: checks the arrow, the actor and the
    /// guards, and changes the application. Selecting a challenge's candidate makes them a
    /// member with a mission: the caller does that, in the same transaction.
    pub fn take(
        &mut self,
        event: ApplicationEvent,
        actor: Actor<'_>,
        message: &str,
        at: &str,
    ) -> Result<ApplicationState, Refusal> {
        if !self.may_take(event, actor) {
            return Err(Refusal::Forbidden);
        }
        let next = event.next(self.state).ok_or_else(|| {
            Refusal::State(DomainError::StepNotAllowed {
                step: event.verb(),
                status: self.state.label(),
            })
        })?;
        if self.confirmed_at.is_none() {
            return Err(Refusal::Unconfirmed);
        }
        let mut problems = check_text("message", message.trim(), event.needs_message(), TEXT_MAX);
        if let Some(problem) = problems.first_mut()
            && message.trim().is_empty()
        {
            problem.message = DomainError::RequiredText("motif").to_string();
        }
        if !problems.is_empty() {
            return Err(Refusal::Guard(problems));
        }
        self.state = next;
        if next.is_closed() {
            self.closed_at = Some(at.to_owned());
        }
        Ok(next)
    }

    /// Whether its personal data is due for erasure on `today`: closed (or never confirmed)
    /// more than `retention_days` ago, and not erased yet.
    pub fn is_due_for_erasure(&self, today: NaiveDate, retention_days: u32) -> bool {
        let since = match (&self.closed_at, &self.confirmed_at) {
            (Some(closed), _) => closed,
            // Never confirmed: nobody saw it; it goes after the same period.
            (None, None) => &self.created_at,
            (None, Some(_)) => return false,
        };
        self.erased_at.is_none()
            && since
                .get(..10)
                .and_then(|d| d.parse::<NaiveDate>().ok())
                .is_some_and(|day| day + Duration::days(i64::from(retention_days)) < today)
    }

    /// Erases the candidate's personal data and the token; the rest stays for the figures.
    pub fn erase(&mut self, at: &str) {
        self.candidate = Candidate::erased();
        self.token = String::new();
        self.erased_at = Some(at.to_owned());
    }
}

/// One line of an application's history: a change of state or a message to the candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApplicationEntry {
    /// The event, when the state changed; none for a message or a confirmation.
    pub event: Option<ApplicationEvent>,
    /// What was written to the candidate (erased with their data).
    pub message: String,
    /// Who did it, as the audit log names them.
    pub author: String,
    /// When (RFC 3339).
    pub at: String,
}

/// The member a selected challenge candidate becomes, or `existing` when they already are
/// one: either way with a new mission on the challenge's `product` from `start`, as a
/// public agent (the State hires its EIG), at `employer`.
pub fn recruit(
    candidate: &Candidate,
    slug: Slug,
    existing: Option<Member>,
    product: Slug,
    start: NaiveDate,
    employer: &str,
) -> Member {
    let mission = Mission {
        start,
        end: None,
        status: MissionStatus::Admin,
        employer: Some(employer.to_owned()),
        products: vec![product],
    };
    let mut member = existing.unwrap_or_else(|| Member {
        slug,
        fullname: candidate.name.clone(),
        role: "Entrepreneur d'intérêt général".to_owned(),
        domaine: Domaine::Autre,
        competences: candidate.skills.clone(),
        github: None,
        link: None,
        member_type: None,
        missions: Vec::new(),
        previously: Vec::new(),
        badges: Vec::new(),
        teams: Vec::new(),
        bio: String::new(),
        email: Some(candidate.email.clone()),
        phone: None,
        extra: crate::portfolio::Extra::default(),
        data_quality: Vec::new(),
    });
    member.missions.push(mission);
    member
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{Role, RoleGrant};

    fn slug(s: &str) -> Slug {
        Slug::parse(s).unwrap()
    }

    fn candidate() -> Candidate {
        Candidate {
            name: " Ada Lovelace ".into(),
            email: "ada@exemple.fr".into(),
            profile: "Développeuse".into(),
            skills: vec!["Rust".into(), " ".into()],
            motivation: "Servir le public".into(),
        }
    }

    const TOKEN: &str = "jeton-de-confirmation-0123456789";

    fn challenge_application(state: ApplicationState) -> Application {
        let mut a = Application::new(
            Opening::Challenge {
                call: slug("eig-2027"),
                proposal: 1,
                organisation: slug("dinum"),
            },
            candidate(),
            TOKEN.into(),
            "2027-01-10T09:00:00Z",
        );
        a.confirmed_at = Some("2027-01-10T10:00:00Z".into());
        a.state = state;
        a
    }

    fn offer_application(state: ApplicationState) -> Application {
        let mut a = challenge_application(state);
        a.opening = Opening::JobOffer {
            offer: slug("dev-dinum"),
            organisation: slug("dinum"),
        };
        a
    }

    fn person(grants: &[(Role, Option<&str>)]) -> Principal {
        Principal {
            account: 9,
            name: "x".into(),
            member: None,
            grants: grants
                .iter()
                .map(|(role, scope)| RoleGrant::new(*role, scope.map(slug)).unwrap())
                .collect(),
            products: vec![],
            scopes: None,
            token: None,
            siret: None,
        }
    }

    /// An actor's name, account or token, and whether it reviews challenge / job-offer
    /// applications.
    type TableActor = (
        &'static str,
        Option<Principal>,
        Option<&'static str>,
        bool,
        bool,
    );

    /// Every actor the table walks, and whether it reviews challenge / job-offer
    /// applications of `eig-2027` / `dinum`.
    fn actors() -> Vec<TableActor> {
        vec![
            (
                "administrator",
                Some(person(&[(Role::Administrator, None)])),
                None,
                true,
                true,
            ),
            (
                "panelist",
                Some(person(&[(Role::Panelist, Some("eig-2027"))])),
                None,
                true,
                false,
            ),
            (
                "other panelist",
                Some(person(&[(Role::Panelist, Some("eig-2026"))])),
                None,
                false,
                false,
            ),
            (
                "recruiter",
                Some(person(&[(Role::Recruiter, Some("dinum"))])),
                None,
                false,
                true,
            ),
            (
                "other recruiter",
                Some(person(&[(Role::Recruiter, Some("insee"))])),
                None,
                false,
                false,
            ),
            (
                "organisation editor",
                Some(person(&[(Role::OrganisationEditor, Some("dinum"))])),
                None,
                false,
                false,
            ),
            ("signed in", Some(person(&[])), None, false, false),
            ("candidate", None, Some(TOKEN), false, false),
            (
                "wrong token",
                None,
                Some("jeton-de-confirmation-9876543210"),
                false,
                false,
            ),
        ]
    }

    /// Every event from every state by every actor, on both kinds of opening: allowed
    /// exactly along the arrows, by the side that owns the event.
    #[test]
    fn every_event_from_every_state_by_every_actor() {
        use ApplicationEvent as E;
        use ApplicationState as S;
        let arrows = [
            (E::Shortlist, S::Received, S::Shortlisted),
            (E::Invite, S::Shortlisted, S::Interview),
            (E::Select, S::Interview, S::Selected),
            (E::Reject, S::Received, S::Rejected),
            (E::Reject, S::Shortlisted, S::Rejected),
            (E::Reject, S::Interview, S::Rejected),
            (E::Withdraw, S::Received, S::Withdrawn),
            (E::Withdraw, S::Shortlisted, S::Withdrawn),
            (E::Withdraw, S::Interview, S::Withdrawn),
        ];
        let mut allowed = 0;
        for make in [challenge_application, offer_application] {
            for &event in ApplicationEvent::ALL {
                for &state in ApplicationState::ALL {
                    let arrow = arrows
                        .iter()
                        .find(|(e, from, _)| *e == event && *from == state);
                    for (name, principal, token, on_call, on_offer) in actors() {
                        let mut a = make(state);
                        let reviews = if matches!(a.opening, Opening::Challenge { .. }) {
                            on_call
                        } else {
                            on_offer
                        };
                        let actor = match (&principal, token) {
                            (Some(p), _) => Actor::Person(p),
                            (None, Some(t)) => Actor::Token(t),
                            (None, None) => unreachable!(),
                        };
                        let owns = match event.side() {
                            Side::Reviewer => reviews,
                            Side::Candidate => name == "candidate",
                        };
                        let outcome = a.take(event, actor, "motif", "2027-02-01T00:00:00Z");
                        match (owns, arrow) {
                            (false, _) => assert_eq!(
                                outcome,
                                Err(Refusal::Forbidden),
                                "{name} {event:?} from {state:?}"
                            ),
                            (true, None) => assert!(
                                matches!(outcome, Err(Refusal::State(_))),
                                "{name} {event:?} from {state:?}: {outcome:?}"
                            ),
                            (true, Some((_, _, to))) => {
                                assert_eq!(outcome, Ok(*to), "{name} {event:?} from {state:?}");
                                assert_eq!(a.state, *to);
                                assert_eq!(a.closed_at.is_some(), to.is_closed());
                                allowed += 1;
                                continue;
                            }
                        }
                        assert_eq!(a.state, state, "{name} {event:?} from {state:?}");
                    }
                }
            }
        }
        // Per opening: 6 reviewer arrows by 2 reviewers (admin and the scoped role), and 3
        // withdrawals by the candidate.
        assert_eq!(allowed, 2 * (6 * 2 + 3));
    }

    #[test]
    fn who_reads_a_candidate() {
        for make in [challenge_application, offer_application] {
            let a = make(ApplicationState::Received);
            let on_call = matches!(a.opening, Opening::Challenge { .. });
            for (name, principal, token, call, offer) in actors() {
                let actor = match (&principal, token) {
                    (Some(p), _) => Actor::Person(p),
                    (None, Some(t)) => Actor::Token(t),
                    (None, None) => unreachable!(),
                };
                let expected = if on_call { call } else { offer } || name == "candidate";
                assert_eq!(a.may_read(actor), expected, "{name}");
            }
        }
        // Not before the candidate confirmed.
        let mut a = challenge_application(ApplicationState::Received);
        a.confirmed_at = None;
        let admin = person(&[(Role::Administrator, None)]);
        assert!(!a.may_read(Actor::Person(&admin)));
        assert_eq!(
            a.take(ApplicationEvent::Shortlist, Actor::Person(&admin), "", "t"),
            Err(Refusal::Unconfirmed)
        );
    }

    #[test]
    fn confirmation_needs_the_token() {
        let mut a = challenge_application(ApplicationState::Received);
        a.confirmed_at = None;
        assert_eq!(a.confirm("autre", "t1"), Err(Refusal::Forbidden));
        assert_eq!(a.confirm(TOKEN, "t1"), Ok(()));
        assert_eq!(a.confirm(TOKEN, "t2"), Ok(()));
        assert_eq!(a.confirmed_at.as_deref(), Some("t1"));
    }

    #[test]
    fn a_rejection_says_why() {
        let admin = person(&[(Role::Administrator, None)]);
        let mut a = challenge_application(ApplicationState::Received);
        match a.take(ApplicationEvent::Reject, Actor::Person(&admin), "  ", "t") {
            Err(Refusal::Guard(w)) => assert_eq!(w[0].field, "message"),
            other => panic!("{other:?}"),
        }
        assert_eq!(a.state, ApplicationState::Received);
    }

    #[test]
    fn erasure_after_the_retention_period() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let mut a = challenge_application(ApplicationState::Rejected);
        a.closed_at = Some("2027-03-01T12:00:00Z".into());
        assert!(!a.is_due_for_erasure(day("2027-03-31"), 30));
        assert!(a.is_due_for_erasure(day("2027-04-01"), 30));
        a.erase("2027-04-01T00:00:00Z");
        assert_eq!(a.candidate, Candidate::erased());
        assert!(!a.holds(TOKEN));
        assert!(!a.is_due_for_erasure(day("2028-01-01"), 30));
        // Still running: kept.
        let open = challenge_application(ApplicationState::Interview);
        assert!(!open.is_due_for_erasure(day("2030-01-01"), 30));
        // Never confirmed: goes after the period from its sending.
        let mut unconfirmed = challenge_application(ApplicationState::Received);
        unconfirmed.confirmed_at = None;
        assert!(unconfirmed.is_due_for_erasure(day("2027-02-10"), 30));
    }

    #[test]
    fn candidates_are_trimmed_and_checked() {
        let mut c = candidate();
        assert!(c.validate().is_empty());
        assert_eq!(c.name, "Ada Lovelace");
        assert_eq!(c.skills, ["Rust"]);
        c.email = "pas-une-adresse".into();
        c.motivation = String::new();
        let fields: Vec<String> = c.validate().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["email", "motivation"]);
    }

    #[test]
    fn salary_ranges() {
        assert!(SalaryRange::new(40_000, 55_000).is_ok());
        assert!(SalaryRange::new(40_000, 40_000).is_ok());
        assert!(SalaryRange::new(55_000, 40_000).is_err());
        let parsed: Result<SalaryRange, _> =
            serde_json::from_value(serde_json::json!({"min": 60000, "max": 50000}));
        assert!(parsed.is_err());
        assert_eq!(
            ContractType::parse("cdd").unwrap().label(),
            "Contractuel (CDD)"
        );
        assert_eq!(
            RemotePolicy::parse("partial").unwrap().label(),
            "Télétravail partiel"
        );
    }

    #[test]
    fn weighted_scores() {
        let grid = ScoringGrid {
            criteria: vec![
                Criterion {
                    slug: slug("impact"),
                    label: "Impact".into(),
                    weight: 3,
                },
                Criterion {
                    slug: slug("faisabilite"),
                    label: "Faisabilité".into(),
                    weight: 1,
                },
            ],
        };
        assert!(grid.validate().is_empty());
        let card = |impact, faisabilite| Scorecard {
            panelist: 1,
            proposal: 1,
            marks: vec![
                (slug("impact"), Mark::new(impact).unwrap()),
                (slug("faisabilite"), Mark::new(faisabilite).unwrap()),
            ],
        };
        assert_eq!(grid.weighted(&card(5, 1)), Some(4.0));
        assert_eq!(grid.panel_score(&[card(5, 1), card(1, 5)]), Some(3.0));
        assert!(Mark::new(6).is_err());
        let partial = Scorecard {
            panelist: 1,
            proposal: 1,
            marks: vec![(slug("impact"), Mark::new(2).unwrap())],
        };
        assert_eq!(grid.weighted(&partial), None);
        assert_eq!(grid.check(&partial).len(), 1);
        let bad = ScoringGrid {
            criteria: vec![
                Criterion {
                    slug: slug("a"),
                    label: "A".into(),
                    weight: 0,
                },
                Criterion {
                    slug: slug("a"),
                    label: " ".into(),
                    weight: 1,
                },
            ],
        };
        let fields: Vec<String> = bad.validate().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["weight", "label", "criteria"]);
    }

    #[test]
    fn calls_and_offers() {
        let mut call = Call {
            slug: slug("eig-2027"),
            title: " Appel 2027 ".into(),
            description: String::new(),
            opens_on: "2027-01-01".parse().unwrap(),
            closes_on: "2027-02-28".parse().unwrap(),
            promotion: None,
        };
        assert!(call.validate().is_empty());
        assert!(call.is_open("2027-02-28".parse().unwrap()));
        assert!(!call.is_open("2027-03-01".parse().unwrap()));
        call.closes_on = "2026-12-01".parse().unwrap();
        assert_eq!(call.validate()[0].field, "closes_on");
        let mut offer: JobOffer = serde_json::from_value(serde_json::json!({
            "slug": "dev-dinum", "title": "Développeur", "organisation": "dinum",
            "domaine": "Développement", "location": "Paris", "remote": "partial",
            "contract": "cdi", "salary": {"min": 45000, "max": 60000},
            "closes_on": "2027-03-01", "description": "Rejoindre l'équipe."
        }))
        .unwrap();
        assert!(offer.validate().is_empty());
        assert!(!offer.takes_applications("2027-02-01".parse().unwrap()));
        offer.published = true;
        assert!(offer.takes_applications("2027-03-01".parse().unwrap()));
        assert!(!offer.takes_applications("2027-03-02".parse().unwrap()));
    }
}
