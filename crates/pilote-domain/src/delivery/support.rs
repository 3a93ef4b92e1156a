//! Support requests: an administration or a product team asks the steering team for help,
//! the steering team triages, assigns an expert, records the time spent and closes with an
//! outcome, and both sides exchange messages. Each step is checked here against the
//! request's status, so that the store applies the same rules inside its transaction.
//!
//! ```text
//! submitted ──accept──▶ accepted ──assign──▶ in_progress ──close──▶ closed
//!     │ └──redirect──▶ redirected      │          │ ▲ assign, record time
//!     └──decline──▶ declined ◀─decline─┘          └─┘
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::identity::Target;
use crate::portfolio::DataQualityWarning;
use crate::vocabulary::vocabulary;
use crate::{DomainError, Slug};

vocabulary! {
    /// What the steering team is asked to help with.
    pub enum SupportKind ("type d'accompagnement") {
        /// Service and interface design.
        Design = ("design", "Design"),
        /// Data: access, quality, exploitation.
        Data = ("data", "Données"),
        /// Security and homologation.
        SecurityHomologation = ("security_homologation", "Sécurité et homologation"),
        /// An RGAA accessibility audit.
        AccessibilityAudit = ("accessibility_audit", "Audit d’accessibilité"),
        /// Eco-design.
        EcoDesign = ("eco_design", "Écoconception"),
        /// Hosting and cloud.
        HostingCloud = ("hosting_cloud", "Hébergement et cloud"),
        /// Recruiting digital talent.
        Recruitment = ("recruitment", "Recrutement"),
        /// Legal questions.
        Legal = ("legal", "Juridique"),
    }
}

vocabulary! {
    /// How soon help is needed.
    #[derive(Default)]
    pub enum Urgency ("urgence") {
        /// Within weeks.
        Low = ("low", "Faible"),
        /// Within days.
        #[default]
        Normal = ("normal", "Normale"),
        /// Blocking now.
        High = ("high", "Haute"),
    }
}

vocabulary! {
    /// Where a request stands.
    #[derive(Default)]
    pub enum SupportStatus ("statut de demande") {
        /// Waiting for the steering team's triage.
        #[default]
        Submitted = ("submitted", "Soumise"),
        /// Accepted, waiting for an expert.
        Accepted = ("accepted", "Acceptée"),
        /// An expert works on it.
        InProgress = ("in_progress", "En cours"),
        /// Declined, with a reason.
        Declined = ("declined", "Refusée"),
        /// Sent elsewhere, with where.
        Redirected = ("redirected", "Réorientée"),
        /// Done, with an outcome.
        Closed = ("closed", "Close"),
    }
}

impl SupportStatus {
    /// Whether the steering team still has something to do.
    pub const fn is_open(self) -> bool {
        matches!(self, Self::Submitted | Self::Accepted | Self::InProgress)
    }
}

vocabulary! {
    /// How a closed request ended.
    pub enum Outcome ("issue de la demande") {
        /// The need was met.
        Resolved = ("resolved", "Résolue"),
        /// Part of the need was met.
        PartlyResolved = ("partly_resolved", "Partiellement résolue"),
        /// The need was not met.
        NotResolved = ("not_resolved", "Non résolue"),
    }
}

vocabulary! {
    /// What happened to a request.
    pub enum SupportEventKind ("événement de demande") {
        /// Filed.
        Submitted = ("submitted", "Demande soumise"),
        /// Accepted by the steering team.
        Accepted = ("accepted", "Demande acceptée"),
        /// Declined, with a reason.
        Declined = ("declined", "Demande refusée"),
        /// Redirected elsewhere.
        Redirected = ("redirected", "Demande réorientée"),
        /// An expert was assigned.
        Assigned = ("assigned", "Expert ou experte désigné"),
        /// Time spent was recorded.
        TimeRecorded = ("time_recorded", "Temps passé"),
        /// Closed with an outcome.
        Closed = ("closed", "Demande close"),
        /// A message between the requester's side and the steering team.
        Message = ("message", "Message"),
    }
}

/// An account taking part in a request, with its name at the time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Party {
    /// The account's number.
    pub account: i64,
    /// The account's name.
    pub name: String,
}

/// The longest title, in characters.
pub const TITLE_MAX: usize = 200;
/// The longest description or message, in characters.
pub const TEXT_MAX: usize = 10_000;
/// The most time one entry records, in minutes (a long working day).
pub const MINUTES_MAX: i64 = 12 * 60;

/// A request for support from the steering team.
///
/// A body gives `kind`, `urgency`, `title`, `description` and the `organisation` and/or
/// `product` concerned; the other fields are set by Pilote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SupportRequest {
    /// The store's number; 0 before the request is stored.
    #[serde(default)]
    pub id: i64,
    /// What help is asked for.
    pub kind: SupportKind,
    /// How soon.
    #[serde(default)]
    pub urgency: Urgency,
    /// A short title.
    pub title: String,
    /// The need, in the requester's words.
    pub description: String,
    /// The administration asking (slug); for a product team, one of its sponsors.
    #[serde(default)]
    pub organisation: Option<Slug>,
    /// The product concerned, when a product team asks.
    #[serde(default)]
    pub product: Option<Slug>,
    /// Who asked (set by Pilote).
    #[serde(default)]
    pub requester: Party,
    /// Where it stands (set by Pilote).
    #[serde(default)]
    pub status: SupportStatus,
    /// The expert working on it (set by Pilote).
    #[serde(default)]
    pub assignee: Option<Party>,
    /// Time recorded, in minutes (set by Pilote).
    #[serde(default)]
    pub minutes_spent: i64,
    /// How it ended, once closed (set by Pilote).
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// When it was filed, RFC 3339 (set by Pilote).
    #[serde(default)]
    pub submitted_at: String,
    /// When the steering team first answered (accepted, declined or redirected).
    #[serde(default)]
    pub triaged_at: Option<String>,
    /// When it was closed, declined or redirected.
    #[serde(default)]
    pub closed_at: Option<String>,
}

/// Something that happened to a request: the trail its page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SupportEvent {
    /// The store's number.
    pub id: i64,
    /// The request.
    pub request: i64,
    /// When, RFC 3339.
    pub at: String,
    /// Who.
    pub actor: Party,
    /// What.
    pub kind: SupportEventKind,
    /// The reason, the redirection, the note, the outcome's summary or the message.
    pub text: String,
    /// Time recorded, in minutes.
    #[serde(default)]
    pub minutes: Option<i64>,
    /// The expert assigned.
    #[serde(default)]
    pub expert: Option<Party>,
    /// The outcome, when closing.
    #[serde(default)]
    pub outcome: Option<Outcome>,
}

/// A step of the steering team on a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum SupportStep {
    /// Take the request on.
    Accept {
        /// A word to the requester.
        #[serde(default)]
        comment: String,
    },
    /// Refuse it, saying why.
    Decline {
        /// Why.
        reason: String,
    },
    /// Send the requester elsewhere.
    Redirect {
        /// Where (a team, a service, an address).
        to: String,
        /// Why.
        #[serde(default)]
        reason: String,
    },
    /// Give it to an expert of the steering team (again, to hand it over).
    Assign {
        /// The expert's account.
        expert: i64,
    },
    /// Record time spent on it.
    RecordTime {
        /// Minutes, from 1 to 720.
        minutes: i64,
        /// What was done.
        #[serde(default)]
        note: String,
    },
    /// Close it with an outcome.
    Close {
        /// How it ended.
        outcome: Outcome,
        /// What was done and delivered.
        summary: String,
    },
}

/// Why a step or a message was refused: the field it concerns and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRefusal {
    /// The field, or `step` when the request's status forbids the step.
    pub field: &'static str,
    /// The reason.
    pub error: DomainError,
}

impl StepRefusal {
    fn on(field: &'static str, error: DomainError) -> Self {
        Self { field, error }
    }

    /// Whether the request's status, rather than a field, forbids the step.
    pub fn is_conflict(&self) -> bool {
        self.field == "step"
    }
}

fn required(field: &'static str, label: &'static str, text: &str) -> Result<(), StepRefusal> {
    if text.trim().is_empty() {
        Err(StepRefusal::on(field, DomainError::RequiredText(label)))
    } else if text.chars().count() > TEXT_MAX {
        Err(StepRefusal::on(
            field,
            DomainError::TooLong {
                field: label,
                max: TEXT_MAX,
            },
        ))
    } else {
        Ok(())
    }
}

impl SupportStep {
    /// The French name of the step, as the refusals say it (« impossible d’accepter … »).
    pub const fn label(&self) -> &'static str {
        match self {
            Self::Accept { .. } => "d’accepter",
            Self::Decline { .. } => "de refuser",
            Self::Redirect { .. } => "de réorienter",
            Self::Assign { .. } => "de désigner un expert pour",
            Self::RecordTime { .. } => "de saisir du temps sur",
            Self::Close { .. } => "de clore",
        }
    }

    /// The status the step leads to from `status`, or why it may not be taken.
    pub fn next(&self, status: SupportStatus) -> Result<SupportStatus, StepRefusal> {
        use SupportStatus::{Accepted, Closed, Declined, InProgress, Redirected, Submitted};
        let next = match (self, status) {
            (Self::Accept { .. }, Submitted) => Accepted,
            (Self::Decline { .. }, Submitted | Accepted) => Declined,
            (Self::Redirect { .. }, Submitted | Accepted) => Redirected,
            (Self::Assign { .. }, Accepted | InProgress)
            | (Self::RecordTime { .. }, InProgress) => InProgress,
            (Self::Close { .. }, InProgress) => Closed,
            _ => {
                return Err(StepRefusal::on(
                    "step",
                    DomainError::StepNotAllowed {
                        step: self.label(),
                        status: status.label(),
                    },
                ));
            }
        };
        self.check_fields()?;
        Ok(next)
    }

    fn check_fields(&self) -> Result<(), StepRefusal> {
        match self {
            Self::Accept { .. } | Self::Assign { .. } => Ok(()),
            Self::Decline { reason } => required("reason", "motif", reason),
            Self::Redirect { to, .. } => required("to", "réorientation", to),
            Self::RecordTime { minutes, .. } => {
                if (1..=MINUTES_MAX).contains(minutes) {
                    Ok(())
                } else {
                    Err(StepRefusal::on(
                        "minutes",
                        DomainError::MinutesOutOfRange(*minutes),
                    ))
                }
            }
            Self::Close { summary, .. } => required("summary", "bilan", summary),
        }
    }

    fn event_kind(&self) -> SupportEventKind {
        match self {
            Self::Accept { .. } => SupportEventKind::Accepted,
            Self::Decline { .. } => SupportEventKind::Declined,
            Self::Redirect { .. } => SupportEventKind::Redirected,
            Self::Assign { .. } => SupportEventKind::Assigned,
            Self::RecordTime { .. } => SupportEventKind::TimeRecorded,
            Self::Close { .. } => SupportEventKind::Closed,
        }
    }

    fn text(&self) -> String {
        let text = match self {
            Self::Accept { comment } => comment.clone(),
            Self::Decline { reason } => reason.clone(),
            Self::Redirect { to, reason } if reason.trim().is_empty() => to.clone(),
            Self::Redirect { to, reason } => format!("{} — {}", to.trim(), reason.trim()),
            Self::Assign { .. } => String::new(),
            Self::RecordTime { note, .. } => note.clone(),
            Self::Close { summary, .. } => summary.clone(),
        };
        text.trim().to_owned()
    }
}

impl SupportRequest {
    /// Inconsistencies within a new request, by field.
    pub fn validate(&self) -> Vec<DataQualityWarning> {
        let mut warnings = Vec::new();
        let title = self.title.trim();
        if title.is_empty() {
            warnings.push(DataQualityWarning::new(
                "title",
                DomainError::RequiredText("titre").to_string(),
            ));
        } else if title.chars().count() > TITLE_MAX {
            warnings.push(DataQualityWarning::new(
                "title",
                DomainError::TooLong {
                    field: "titre",
                    max: TITLE_MAX,
                }
                .to_string(),
            ));
        }
        if let Err(refusal) = required("description", "description", &self.description) {
            warnings.push(DataQualityWarning::new(
                refusal.field,
                refusal.error.to_string(),
            ));
        }
        if self.organisation.is_none() && self.product.is_none() {
            warnings.push(DataQualityWarning::new(
                "organisation",
                DomainError::SupportWithoutRequester.to_string(),
            ));
        }
        warnings
    }

    /// The record permissions look at: the organisation, the product and the requester.
    pub fn target(&self) -> Target {
        Target {
            product: self.product.clone(),
            organisation: self.organisation.clone(),
            account: Some(self.requester.account),
            ..Target::default()
        }
    }

    /// The event of its filing by `requester` at `at`; sets the fields Pilote owns.
    pub fn submit(&mut self, requester: Party, at: &str) -> SupportEvent {
        self.title = self.title.trim().to_owned();
        self.description = self.description.trim().to_owned();
        self.requester = requester.clone();
        self.status = SupportStatus::Submitted;
        self.assignee = None;
        self.minutes_spent = 0;
        self.outcome = None;
        at.clone_into(&mut self.submitted_at);
        self.triaged_at = None;
        self.closed_at = None;
        SupportEvent {
            id: 0,
            request: self.id,
            at: at.to_owned(),
            actor: requester,
            kind: SupportEventKind::Submitted,
            text: String::new(),
            minutes: None,
            expert: None,
            outcome: None,
        }
    }

    /// Takes `step` by `actor` at `at`: checks it against the status, changes the request
    /// and returns the event to record. `expert` is the assigned expert's party, for
    /// [`SupportStep::Assign`] (the caller checks that the account is one).
    pub fn advance(
        &mut self,
        step: &SupportStep,
        actor: Party,
        expert: Option<Party>,
        at: &str,
    ) -> Result<SupportEvent, StepRefusal> {
        let next = step.next(self.status)?;
        if matches!(
            step,
            SupportStep::Accept { .. } | SupportStep::Decline { .. } | SupportStep::Redirect { .. }
        ) && self.triaged_at.is_none()
        {
            self.triaged_at = Some(at.to_owned());
        }
        let mut event = SupportEvent {
            id: 0,
            request: self.id,
            at: at.to_owned(),
            actor,
            kind: step.event_kind(),
            text: step.text(),
            minutes: None,
            expert: None,
            outcome: None,
        };
        match step {
            SupportStep::Assign { expert: account } => {
                let expert = expert
                    .filter(|party| party.account == *account)
                    .ok_or_else(|| StepRefusal::on("expert", DomainError::NotAnExpert(*account)))?;
                self.assignee = Some(expert.clone());
                event.expert = Some(expert);
            }
            SupportStep::RecordTime { minutes, .. } => {
                self.minutes_spent += minutes;
                event.minutes = Some(*minutes);
            }
            SupportStep::Close { outcome, .. } => {
                self.outcome = Some(*outcome);
                event.outcome = Some(*outcome);
            }
            SupportStep::Accept { .. }
            | SupportStep::Decline { .. }
            | SupportStep::Redirect { .. } => {}
        }
        if !next.is_open() {
            self.closed_at = Some(at.to_owned());
        }
        self.status = next;
        Ok(event)
    }

    /// The event of a message `body` by `author` at `at`; messages are open in every status.
    pub fn message(
        &self,
        author: Party,
        body: &str,
        at: &str,
    ) -> Result<SupportEvent, StepRefusal> {
        required("body", "message", body)?;
        Ok(SupportEvent {
            id: 0,
            request: self.id,
            at: at.to_owned(),
            actor: author,
            kind: SupportEventKind::Message,
            text: body.trim().to_owned(),
            minutes: None,
            expert: None,
            outcome: None,
        })
    }

    /// Who is told of `event`, by account, never its author: the steering team of a new
    /// request; the requester of the team's answers; the expert and the requester of an
    /// assignment; the other side of a message (the expert, or the whole steering team
    /// while none is assigned).
    pub fn recipients(&self, event: &SupportEvent, steering_team: &[i64]) -> Vec<i64> {
        let from_requester_side = !steering_team.contains(&event.actor.account);
        let mut recipients: Vec<i64> = match event.kind {
            SupportEventKind::Submitted => steering_team.to_vec(),
            SupportEventKind::Message if from_requester_side => match &self.assignee {
                Some(expert) => vec![expert.account],
                None => steering_team.to_vec(),
            },
            SupportEventKind::Accepted
            | SupportEventKind::Declined
            | SupportEventKind::Redirected
            | SupportEventKind::Closed
            | SupportEventKind::Message => vec![self.requester.account],
            SupportEventKind::Assigned => event
                .expert
                .iter()
                .map(|expert| expert.account)
                .chain([self.requester.account])
                .collect(),
            SupportEventKind::TimeRecorded => Vec::new(),
        };
        recipients.retain(|account| *account != event.actor.account);
        recipients.sort_unstable();
        recipients.dedup();
        recipients
    }

    /// The notification's subject for `event`, in French.
    pub fn subject(&self, event: &SupportEvent) -> String {
        let what = match event.kind {
            SupportEventKind::Message => format!("nouveau message de {}", event.actor.name),
            SupportEventKind::Assigned => format!(
                "confiée à {}",
                event.expert.as_ref().map_or("", |e| e.name.as_str())
            ),
            kind => kind.label().to_lowercase(),
        };
        format!(
            "Demande d’accompagnement n° {} « {} » : {what}",
            self.id, self.title
        )
    }
}

/// A notification recorded for an account (until e-mails go out through an outbox).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    /// The store's number.
    pub id: i64,
    /// Who it is for.
    pub account: i64,
    /// What happened.
    pub subject: String,
    /// The page to open.
    pub link: String,
    /// When, RFC 3339.
    pub created_at: String,
}

/// Requests of one kind or one ministry.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Demand {
    /// The kind's stored name or the ministerial domain.
    pub key: String,
    /// What people read.
    pub label: String,
    /// Requests filed.
    pub total: usize,
    /// Of which still open.
    pub open: usize,
}

/// The requests an expert holds.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ExpertLoad {
    /// The expert.
    pub expert: Party,
    /// Requests assigned and in progress.
    pub open: usize,
    /// Requests assigned and closed.
    pub closed: usize,
    /// Time recorded on the requests assigned to them, in minutes.
    pub minutes: i64,
}

/// The steering team's view of the demand and of its answers.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SupportDashboard {
    /// Requests filed.
    pub total: usize,
    /// Of which still open.
    pub open: usize,
    /// By kind, every kind listed.
    pub by_kind: Vec<Demand>,
    /// By ministerial domain of the organisation asking, most asked first.
    pub by_ministry: Vec<Demand>,
    /// Median hours from filing to the first answer (accepted, declined, redirected).
    pub median_hours_to_triage: Option<f64>,
    /// Median days from filing to closing, over closed requests.
    pub median_days_to_close: Option<f64>,
    /// Requests waiting for triage.
    pub awaiting_triage: usize,
    /// By expert, most loaded first.
    pub by_expert: Vec<ExpertLoad>,
}

fn hours_between(from: &str, to: &str) -> Option<f64> {
    let from = DateTime::parse_from_rfc3339(from).ok()?;
    let to = DateTime::parse_from_rfc3339(to).ok()?;
    #[expect(clippy::cast_precision_loss, reason = "seconds fit an f64 exactly")]
    let seconds = (to.with_timezone(&Utc) - from.with_timezone(&Utc)).num_seconds() as f64;
    Some(seconds / 3600.0)
}

fn tally<'a>(
    requests: &'a [SupportRequest],
    key: impl Fn(&'a SupportRequest) -> (String, String),
) -> Vec<Demand> {
    let mut demands: Vec<Demand> = Vec::new();
    for request in requests {
        let (key, label) = key(request);
        let position = demands
            .iter()
            .position(|d| d.key == key)
            .unwrap_or_else(|| {
                demands.push(Demand {
                    key,
                    label,
                    total: 0,
                    open: 0,
                });
                demands.len() - 1
            });
        demands[position].total += 1;
        demands[position].open += usize::from(request.status.is_open());
    }
    demands
}

/// The dashboard of `requests`; `ministry_of` gives a request's ministerial domain (from its
/// organisation, or its product's sponsor), and "non renseigné" is counted when none.
pub fn dashboard(
    requests: &[SupportRequest],
    ministry_of: impl Fn(&SupportRequest) -> Option<String>,
) -> SupportDashboard {
    let mut by_kind: Vec<Demand> = SupportKind::ALL
        .iter()
        .map(|kind| Demand {
            key: kind.as_str().to_owned(),
            label: kind.label().to_owned(),
            total: 0,
            open: 0,
        })
        .collect();
    for demand in tally(requests, |r| {
        (r.kind.as_str().to_owned(), r.kind.label().to_owned())
    }) {
        if let Some(line) = by_kind.iter_mut().find(|d| d.key == demand.key) {
            *line = demand;
        }
    }
    let mut by_ministry = tally(requests, |r| {
        let ministry = ministry_of(r).filter(|m| !m.trim().is_empty());
        let label = ministry
            .clone()
            .unwrap_or_else(|| "non renseigné".to_owned());
        (ministry.unwrap_or_default(), label)
    });
    by_ministry.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.label.cmp(&b.label)));
    let to_triage: Vec<f64> = requests
        .iter()
        .filter_map(|r| hours_between(&r.submitted_at, r.triaged_at.as_deref()?))
        .collect();
    let to_close: Vec<f64> = requests
        .iter()
        .filter(|r| r.status == SupportStatus::Closed)
        .filter_map(|r| hours_between(&r.submitted_at, r.closed_at.as_deref()?))
        .map(|hours| hours / 24.0)
        .collect();
    let mut by_expert: Vec<ExpertLoad> = Vec::new();
    for request in requests {
        let Some(expert) = &request.assignee else {
            continue;
        };
        let position = by_expert
            .iter()
            .position(|load| load.expert.account == expert.account)
            .unwrap_or_else(|| {
                by_expert.push(ExpertLoad {
                    expert: expert.clone(),
                    open: 0,
                    closed: 0,
                    minutes: 0,
                });
                by_expert.len() - 1
            });
        let load = &mut by_expert[position];
        load.open += usize::from(request.status.is_open());
        load.closed += usize::from(request.status == SupportStatus::Closed);
        load.minutes += request.minutes_spent;
    }
    by_expert.sort_by(|a, b| {
        b.open
            .cmp(&a.open)
            .then_with(|| b.minutes.cmp(&a.minutes))
            .then_with(|| a.expert.name.cmp(&b.expert.name))
    });
    SupportDashboard {
        total: requests.len(),
        open: requests.iter().filter(|r| r.status.is_open()).count(),
        by_kind,
        by_ministry,
        median_hours_to_triage: super::median(&to_triage),
        median_days_to_close: super::median(&to_close),
        awaiting_triage: requests
            .iter()
            .filter(|r| r.status == SupportStatus::Submitted)
            .count(),
        by_expert,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(account: i64, name: &str) -> Party {
        Party {
            account,
            name: name.into(),
        }
    }

    fn request() -> SupportRequest {
        let mut request: SupportRequest = serde_json::from_value(serde_json::json!({
            "kind": "accessibility_audit", "title": "  Audit RGAA  ",
            "description": "Audit avant mise en ligne.", "organisation": "dir-solidarites"
        }))
        .unwrap();
        request.id = 7;
        request.submit(party(5, "Élise Fontaine"), "2025-03-03T09:00:00Z");
        request
    }

    fn step(json: serde_json::Value) -> SupportStep {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_request_goes_from_submission_to_closing() {
        let mut request = request();
        assert_eq!(request.title, "Audit RGAA");
        assert_eq!(request.urgency, Urgency::Normal);
        let admin = party(1, "Julie Simon");
        let expert = party(2, "Nora Expert");
        request
            .advance(
                &step(serde_json::json!({"step": "accept"})),
                admin.clone(),
                None,
                "2025-03-03T15:00:00Z",
            )
            .unwrap();
        assert_eq!(request.status, SupportStatus::Accepted);
        assert_eq!(request.triaged_at.as_deref(), Some("2025-03-03T15:00:00Z"));
        let assigned = request
            .advance(
                &SupportStep::Assign { expert: 2 },
                admin.clone(),
                Some(expert.clone()),
                "2025-03-04T09:00:00Z",
            )
            .unwrap();
        assert_eq!(assigned.expert, Some(expert.clone()));
        assert_eq!(request.status, SupportStatus::InProgress);
        for minutes in [90, 30] {
            request
                .advance(
                    &SupportStep::RecordTime {
                        minutes,
                        note: "audit".into(),
                    },
                    expert.clone(),
                    None,
                    "2025-03-05T09:00:00Z",
                )
                .unwrap();
        }
        assert_eq!(request.minutes_spent, 120);
        let closed = request
            .advance(
                &SupportStep::Close {
                    outcome: Outcome::Resolved,
                    summary: " Rapport remis. ".into(),
                },
                expert,
                None,
                "2025-03-13T09:00:00Z",
            )
            .unwrap();
        assert_eq!(closed.text, "Rapport remis.");
        assert_eq!(request.status, SupportStatus::Closed);
        assert_eq!(request.closed_at.as_deref(), Some("2025-03-13T09:00:00Z"));
        // Nothing but messages after closing.
        let again = request
            .advance(
                &SupportStep::Accept {
                    comment: String::new(),
                },
                admin,
                None,
                "2025-03-14T09:00:00Z",
            )
            .unwrap_err();
        assert!(again.is_conflict());
        assert_eq!(
            again.error.to_string(),
            "impossible d’accepter une demande « Close »"
        );
        assert!(
            request
                .message(party(5, "Élise"), "Merci !", "2025-03-14T10:00:00Z")
                .is_ok()
        );
    }

    #[test]
    fn every_step_is_allowed_from_its_statuses_only() {
        use SupportStatus::{Accepted, Closed, Declined, InProgress, Redirected, Submitted};
        let steps = [
            (
                SupportStep::Accept {
                    comment: String::new(),
                },
                vec![Submitted],
            ),
            (
                SupportStep::Decline {
                    reason: "hors périmètre".into(),
                },
                vec![Submitted, Accepted],
            ),
            (
                SupportStep::Redirect {
                    to: "ANSSI".into(),
                    reason: String::new(),
                },
                vec![Submitted, Accepted],
            ),
            (
                SupportStep::Assign { expert: 2 },
                vec![Accepted, InProgress],
            ),
            (
                SupportStep::RecordTime {
                    minutes: 60,
                    note: String::new(),
                },
                vec![InProgress],
            ),
            (
                SupportStep::Close {
                    outcome: Outcome::Resolved,
                    summary: "fait".into(),
                },
                vec![InProgress],
            ),
        ];
        for (step, allowed) in steps {
            for status in SupportStatus::ALL.iter().copied() {
                assert_eq!(
                    step.next(status).is_ok(),
                    allowed.contains(&status),
                    "{step:?} from {status:?}"
                );
            }
        }
        // Terminal statuses accept no step at all.
        for status in [Declined, Redirected, Closed] {
            assert!(!status.is_open());
        }
    }

    #[test]
    fn steps_check_their_fields() {
        let status = SupportStatus::Submitted;
        let refusal = SupportStep::Decline {
            reason: "  ".into(),
        }
        .next(status)
        .unwrap_err();
        assert_eq!(
            (refusal.field, refusal.error.to_string().as_str()),
            ("reason", "motif : ce champ est obligatoire")
        );
        let refusal = SupportStep::Redirect {
            to: String::new(),
            reason: "x".into(),
        }
        .next(status)
        .unwrap_err();
        assert_eq!(refusal.field, "to");
        for minutes in [0, -5, MINUTES_MAX + 1] {
            let refusal = SupportStep::RecordTime {
                minutes,
                note: String::new(),
            }
            .next(SupportStatus::InProgress)
            .unwrap_err();
            assert_eq!(refusal.field, "minutes");
        }
        // Assigning someone who is not an expert is refused on the field.
        let mut request = request();
        request.status = SupportStatus::Accepted;
        let refusal = request
            .advance(
                &SupportStep::Assign { expert: 9 },
                party(1, "Julie"),
                None,
                "2025-03-04T09:00:00Z",
            )
            .unwrap_err();
        assert_eq!(refusal.field, "expert");
        assert_eq!(
            request.status,
            SupportStatus::Accepted,
            "unchanged when refused"
        );
    }

    #[test]
    fn a_new_request_says_what_is_missing() {
        let request: SupportRequest = serde_json::from_value(serde_json::json!({
            "kind": "legal", "title": "", "description": " "
        }))
        .unwrap();
        let fields: Vec<String> = request.validate().into_iter().map(|w| w.field).collect();
        assert_eq!(fields, ["title", "description", "organisation"]);
        assert!(
            serde_json::from_value::<SupportRequest>(serde_json::json!({
                "kind": "astrology", "title": "t", "description": "d", "organisation": "x"
            }))
            .is_err()
        );
        assert_eq!(
            SupportKind::parse("astrology").unwrap_err().to_string(),
            "type d'accompagnement : valeur inconnue « astrology »"
        );
    }

    #[test]
    fn each_event_reaches_the_other_side() {
        let steering = [1, 2, 3];
        let mut request = request();
        let submitted = SupportEvent {
            kind: SupportEventKind::Submitted,
            ..request.message(party(5, "Élise"), "x", "t").unwrap()
        };
        assert_eq!(request.recipients(&submitted, &steering), vec![1, 2, 3]);
        // Before anyone is assigned, a message from the requester's side goes to the team.
        let question = request
            .message(party(6, "Collègue"), "Où en est-on ?", "t")
            .unwrap();
        assert_eq!(request.recipients(&question, &steering), vec![1, 2, 3]);
        request.status = SupportStatus::Accepted;
        let assigned = request
            .advance(
                &SupportStep::Assign { expert: 2 },
                party(1, "Julie"),
                Some(party(2, "Nora")),
                "t",
            )
            .unwrap();
        assert_eq!(request.recipients(&assigned, &steering), vec![2, 5]);
        assert_eq!(request.recipients(&question, &steering), vec![2]);
        let answer = request.message(party(2, "Nora"), "Demain.", "t").unwrap();
        assert_eq!(request.recipients(&answer, &steering), vec![5]);
        assert_eq!(
            request.subject(&answer),
            "Demande d’accompagnement n° 7 « Audit RGAA » : nouveau message de Nora"
        );
    }

    #[test]
    fn the_dashboard_counts_demand_times_and_load() {
        let mut first = request();
        first
            .advance(
                &SupportStep::Accept {
                    comment: String::new(),
                },
                party(1, "Julie"),
                None,
                "2025-03-03T13:00:00Z",
            )
            .unwrap();
        first
            .advance(
                &SupportStep::Assign { expert: 2 },
                party(1, "Julie"),
                Some(party(2, "Nora")),
                "2025-03-03T14:00:00Z",
            )
            .unwrap();
        first
            .advance(
                &SupportStep::RecordTime {
                    minutes: 240,
                    note: String::new(),
                },
                party(2, "Nora"),
                None,
                "2025-03-04T09:00:00Z",
            )
            .unwrap();
        first
            .advance(
                &SupportStep::Close {
                    outcome: Outcome::Resolved,
                    summary: "ok".into(),
                },
                party(2, "Nora"),
                None,
                "2025-03-05T09:00:00Z",
            )
            .unwrap();
        let mut second = request();
        second.kind = SupportKind::Legal;
        second.organisation = Some(Slug::parse("autre").unwrap());
        second
            .advance(
                &SupportStep::Decline {
                    reason: "non".into(),
                },
                party(1, "Julie"),
                None,
                "2025-03-04T09:00:00Z",
            )
            .unwrap();
        let third = request();
        let dashboard = dashboard(&[first, second, third], |r| {
            r.organisation
                .as_ref()
                .filter(|o| o.as_str() == "dir-solidarites")
                .map(|_| "solidarite-sante".to_owned())
        });
        assert_eq!(
            (dashboard.total, dashboard.open, dashboard.awaiting_triage),
            (3, 1, 1)
        );
        let audit = dashboard
            .by_kind
            .iter()
            .find(|d| d.key == "accessibility_audit")
            .unwrap();
        assert_eq!((audit.total, audit.open), (2, 1));
        assert_eq!(dashboard.by_kind.len(), SupportKind::ALL.len());
        assert_eq!(dashboard.by_ministry[0].label, "solidarite-sante");
        assert_eq!(dashboard.by_ministry[0].total, 2);
        assert_eq!(dashboard.by_ministry[1].label, "non renseigné");
        // Triage after 4 h and after 24 h: median 14 h. Closed after 2 days.
        assert_eq!(dashboard.median_hours_to_triage, Some(14.0));
        assert_eq!(dashboard.median_days_to_close, Some(2.0));
        assert_eq!(
            dashboard.by_expert,
            vec![ExpertLoad {
                expert: party(2, "Nora"),
                open: 0,
                closed: 1,
                minutes: 240
            }]
        );
    }
}
