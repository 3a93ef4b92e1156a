//! Investment committees, their decisions with the frozen impact evidence, the phase
//! change a decision causes, and the rule saying which products are overdue for one.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::impact::{Baseline, Category, Direction, Goal, Indicator, Measurement, Method, Unit};
use crate::portfolio::{DataQualityWarning, Phase, PhaseName, Product};
use crate::{DomainError, Slug};

/// An investment committee of an incubator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Committee {
    /// The store's number; 0 before the committee is stored.
    #[serde(default)]
    pub id: i64,
    /// The day it sat.
    pub date: NaiveDate,
    /// The incubator whose products it decides on.
    pub incubator: Slug,
    /// Who sat on it (names and functions, as the minutes give them).
    #[serde(default)]
    pub members: Vec<String>,
    /// A free comment (agenda, minutes' address).
    #[serde(default)]
    pub comment: String,
}

impl Committee {
    /// Inconsistencies within the record, by field.
    pub fn validate(&self) -> Vec<DataQualityWarning> {
        let mut warnings = Vec::new();
        if self.members.iter().all(|member| member.trim().is_empty()) {
            warnings.push(DataQualityWarning::new(
                "members",
                DomainError::CommitteeWithoutMembers.to_string(),
            ));
        }
        warnings
    }
}

/// What a committee decided for a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// The product goes on in its phase.
    Continue,
    /// The product moves to another phase (`phase`).
    MoveToPhase,
    /// The product stops.
    Stop,
    /// Funding is granted (`amount_cents`).
    Funding,
    /// A committee sat on the product; the source says no more (imported events).
    Unspecified,
}

impl DecisionKind {
    /// Every kind, in the forms' order.
    pub const ALL: [Self; 5] = [
        Self::Continue,
        Self::MoveToPhase,
        Self::Stop,
        Self::Funding,
        Self::Unspecified,
    ];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Continue => "continue",
            Self::MoveToPhase => "move_to_phase",
            Self::Stop => "stop",
            Self::Funding => "funding",
            Self::Unspecified => "unspecified",
        }
    }

    /// The French label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Continue => "Poursuite",
            Self::MoveToPhase => "Passage de phase",
            Self::Stop => "Arrêt",
            Self::Funding => "Financement accordé",
            Self::Unspecified => "Comité tenu (sans détail)",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| DomainError::UnknownDecisionKind(name.to_owned()))
    }
}

/// Where a decision comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionSource {
    /// Recorded in Pilote, at a committee.
    Committee,
    /// A `committee` event of the beta.gouv.fr content.
    Beta,
}

impl DecisionSource {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Committee => "committee",
            Self::Beta => "beta",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        match name {
            "committee" => Ok(Self::Committee),
            "beta" => Ok(Self::Beta),
            other => Err(DomainError::UnknownDecisionKind(other.to_owned())),
        }
    }
}

/// A value of an indicator as it was presented.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EvidenceValue {
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// The value, in the indicator's unit.
    pub value: f64,
    /// How it was obtained.
    pub method: Method,
    /// The document that backs it.
    #[serde(default)]
    pub evidence_url: Option<String>,
}

/// An indicator of the product as the committee saw it: a copy, so that later changes to
/// the indicator or its measurements never change what the decision rested on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Evidence {
    /// The indicator's number (it may since have changed or gone).
    pub indicator: i64,
    /// Its name then.
    pub name: String,
    /// Its category then.
    pub category: Category,
    /// Its unit then.
    pub unit: Unit,
    /// Its direction then.
    pub direction: Direction,
    /// Whether it was public then.
    pub public: bool,
    /// Its baseline then.
    #[serde(default)]
    pub baseline: Option<Baseline>,
    /// Its target then.
    #[serde(default)]
    pub target: Option<Goal>,
    /// Its latest value known at the committee's date (period ended by then).
    #[serde(default)]
    pub latest: Option<EvidenceValue>,
    /// The progress of that value from the baseline to the target.
    #[serde(default)]
    pub progress: Option<f64>,
}

/// The evidence of a product's indicators on `day`: each indicator with the latest of its
/// measurements whose period had ended by then.
pub fn evidence_at<'a>(
    indicators: impl IntoIterator<Item = (&'a Indicator, &'a [Measurement])>,
    day: NaiveDate,
) -> Vec<Evidence> {
    indicators
        .into_iter()
        .map(|(indicator, measurements)| {
            let known: Vec<Measurement> = measurements
                .iter()
                .filter(|m| m.period_end <= day)
                .cloned()
                .collect();
            let latest = crate::impact::latest(&known);
            Evidence {
                indicator: indicator.id,
                name: indicator.name.clone(),
                category: indicator.category,
                unit: indicator.unit,
                direction: indicator.direction,
                public: indicator.public,
                baseline: indicator.baseline.clone(),
                target: indicator.target.clone(),
                progress: latest.and_then(|m| indicator.progress(m.value)),
                latest: latest.map(|m| EvidenceValue {
                    period_start: m.period_start,
                    period_end: m.period_end,
                    value: m.value,
                    method: m.method,
                    evidence_url: m.evidence_url.clone(),
                }),
            }
        })
        .collect()
}

/// A committee's decision on a product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Decision {
    /// The store's number; 0 before the decision is stored.
    #[serde(default)]
    pub id: i64,
    /// The committee's number; `None` for imported decisions, whose committee is unknown.
    #[serde(default)]
    pub committee: Option<i64>,
    /// The product decided on.
    pub product: Slug,
    /// The committee's date.
    #[serde(default = "epoch")]
    pub date: NaiveDate,
    /// What was decided.
    pub kind: DecisionKind,
    /// The new phase, for `move_to_phase`.
    #[serde(default)]
    pub phase: Option<PhaseName>,
    /// The funding granted, in euro cents, for `funding`.
    #[serde(default)]
    pub amount_cents: Option<i64>,
    /// The reasons, in a few words.
    #[serde(default)]
    pub comment: String,
    /// The product's phase when the decision was taken.
    #[serde(default)]
    pub phase_before: Option<PhaseName>,
    /// The phase the decision moved the product to, when it changed it.
    #[serde(default)]
    pub phase_after: Option<PhaseName>,
    /// The impact evidence presented, frozen at the committee's date.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Where the decision comes from.
    #[serde(default = "recorded")]
    pub source: DecisionSource,
    /// Who recorded it (an account's name), set when it is stored.
    #[serde(default)]
    pub recorded_by: String,
    /// When it was recorded (RFC 3339), set when it is stored.
    #[serde(default)]
    pub recorded_at: String,
}

const fn recorded() -> DecisionSource {
    DecisionSource::Committee
}

fn epoch() -> NaiveDate {
    NaiveDate::default()
}

impl Decision {
    /// Checks the decision against the product it is about, taken at `committee`, and
    /// returns the phase it moves the product to, if any. Every refusal says why in French.
    pub fn check(
        &self,
        product: &Product,
        committee: &Committee,
    ) -> Result<Option<PhaseName>, DomainError> {
        let runs = product.incubator == committee.incubator
            || product.incubators.contains(&committee.incubator);
        if !runs {
            return Err(DomainError::ProductOutsideIncubator {
                product: product.slug.to_string(),
                incubator: committee.incubator.to_string(),
            });
        }
        if self.kind == DecisionKind::Unspecified {
            return Err(DomainError::DecisionWithoutDetails);
        }
        match (self.kind, self.amount_cents) {
            (DecisionKind::Funding, None) => return Err(DomainError::FundingWithoutAmount),
            (DecisionKind::Funding, Some(cents)) if cents <= 0 => {
                return Err(DomainError::FundingWithoutAmount);
            }
            (DecisionKind::Funding, Some(_)) | (_, None) => {}
            (_, Some(_)) => return Err(DomainError::AmountWithoutFunding),
        }
        if self.kind != DecisionKind::MoveToPhase && self.phase.is_some() {
            return Err(DomainError::PhaseWithoutMove);
        }
        let current = product.current_phase();
        let target = match self.kind {
            DecisionKind::MoveToPhase => {
                let phase = self.phase.ok_or(DomainError::DecisionWithoutPhase)?;
                if current.is_some_and(|c| c.name == phase) {
                    return Err(DomainError::DecisionToCurrentPhase(phase.label()));
                }
                Some(phase)
            }
            DecisionKind::Stop => {
                if current.is_some_and(|c| {
                    matches!(c.name, PhaseName::Abandon | PhaseName::AbandonInvestigation)
                }) {
                    return Err(DomainError::AlreadyStopped);
                }
                Some(if product.reached_construction() {
                    PhaseName::Abandon
                } else {
                    PhaseName::AbandonInvestigation
                })
            }
            _ => None,
        };
        if let (Some(_), Some(current)) = (target, current)
            && committee.date < current.start
        {
            return Err(DomainError::DecisionBeforeCurrentPhase {
                date: committee.date,
                start: current.start,
            });
        }
        Ok(target)
    }

    /// The field a refusal of [`Decision::check`] is about, for forms and the API.
    pub fn field_of(error: &DomainError) -> &'static str {
        match error {
            DomainError::DecisionWithoutPhase
            | DomainError::DecisionToCurrentPhase(_)
            | DomainError::PhaseWithoutMove
            | DomainError::DecisionBeforeCurrentPhase { .. } => "phase",
            DomainError::FundingWithoutAmount | DomainError::AmountWithoutFunding => "amount_cents",
            DomainError::ProductOutsideIncubator { .. } => "product",
            _ => "kind",
        }
    }
}

/// The name of the beta.gouv.fr content's events that record a committee.
pub const COMMITTEE_EVENT: &str = "committee";

/// The decisions "without details" that the products' `committee` events record: one per
/// product and day (comments of the same day joined), with the phase the product was in.
pub fn imported_decisions(products: &[Product]) -> Vec<Decision> {
    let mut decisions: Vec<Decision> = Vec::new();
    for product in products {
        let mut days: Vec<(NaiveDate, Vec<&str>)> = Vec::new();
        for event in product.events.iter().filter(|e| e.name == COMMITTEE_EVENT) {
            let comment = event.comment.as_deref().map(str::trim).unwrap_or_default();
            match days.iter_mut().find(|(day, _)| *day == event.date) {
                Some((_, comments)) => comments.push(comment),
                None => days.push((event.date, vec![comment])),
            }
        }
        days.sort_by_key(|(day, _)| *day);
        decisions.extend(days.into_iter().map(|(date, comments)| {
            Decision {
                id: 0,
                committee: None,
                product: product.slug.clone(),
                date,
                kind: DecisionKind::Unspecified,
                phase: None,
                amount_cents: None,
                comment: comments
                    .into_iter()
                    .filter(|c| !c.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ; "),
                phase_before: product.phase_on(date).map(|p| p.name),
                phase_after: None,
                evidence: Vec::new(),
                source: DecisionSource::Beta,
                recorded_by: String::new(),
                recorded_at: String::new(),
            }
        }));
    }
    decisions
}

/// A product's phases after a decision moves it to `phase` on `date`: the current phase
/// ends that day (unless it already ended), and the new one starts then, so that it
/// becomes the current phase.
pub fn phases_after(product: &Product, phase: PhaseName, date: NaiveDate) -> Vec<Phase> {
    let mut phases = product.phases.clone();
    let current = phases
        .iter()
        .enumerate()
        .max_by_key(|(index, p)| (p.start, *index))
        .map(|(index, _)| index);
    if let Some(current) = current.and_then(|index| phases.get_mut(index))
        && current.end.is_none_or(|end| end > date)
    {
        current.end = Some(date);
    }
    phases.push(Phase {
        name: phase,
        source_name: None,
        start: date,
        end: None,
        comment: Some(format!("décision du comité d'investissement du {date}")),
    });
    phases
}

/// Which products are overdue for a committee: those in one of `phases` for more than
/// `months` since they entered it or since their last committee, whichever is later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OverdueRule {
    /// Months allowed without a committee.
    pub months: u32,
    /// The phases the rule watches.
    pub phases: Vec<PhaseName>,
}

impl Default for OverdueRule {
    /// More than six months in construction without a committee.
    fn default() -> Self {
        Self {
            months: 6,
            phases: vec![PhaseName::Construction],
        }
    }
}

/// A product overdue for a committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Overdue {
    /// The product.
    pub product: Slug,
    /// Its current phase.
    pub phase: PhaseName,
    /// When it entered that phase.
    pub phase_start: NaiveDate,
    /// Its last committee, if any.
    pub last_committee: Option<NaiveDate>,
    /// When a committee was due.
    pub due: NaiveDate,
    /// Days since then.
    pub days_overdue: i64,
}

impl OverdueRule {
    /// Parses a comma-separated list of phase names (`construction,acceleration`).
    pub fn parse_phases(list: &str) -> Result<Vec<PhaseName>, DomainError> {
        list.split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(PhaseName::parse)
            .collect()
    }

    /// Whether `product`, whose last committee was `last_committee`, is overdue on `today`.
    pub fn check(
        &self,
        product: &Product,
        last_committee: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Option<Overdue> {
        let current = product.current_phase()?;
        if !self.phases.contains(&current.name) || current.end.is_some_and(|end| end < today) {
            return None;
        }
        let since = last_committee.map_or(current.start, |last| last.max(current.start));
        let due = since.checked_add_months(Months::new(self.months))?;
        (today > due).then(|| Overdue {
            product: product.slug.clone(),
            phase: current.name,
            phase_start: current.start,
            last_committee,
            due,
            days_overdue: (today - due).num_days(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn product(phases: &[(PhaseName, &str)]) -> Product {
        serde_json::from_value(serde_json::json!({
            "slug": "mon-produit",
            "title": "Mon produit",
            "mission": "Aider",
            "incubator": "dinum",
            "phases": phases.iter().map(|(name, start)| serde_json::json!({"name": name, "start": start})).collect::<Vec<_>>(),
        }))
        .unwrap()
    }

    fn committee(date: &str) -> Committee {
        Committee {
            id: 1,
            date: day(date),
            incubator: Slug::parse("dinum").unwrap(),
            members: vec!["Camille Martin, DINUM".into()],
            comment: String::new(),
        }
    }

    fn decision(kind: DecisionKind) -> Decision {
        Decision {
            id: 0,
            committee: Some(1),
            product: Slug::parse("mon-produit").unwrap(),
            date: day("2024-06-01"),
            kind,
            phase: None,
            amount_cents: None,
            comment: String::new(),
            phase_before: None,
            phase_after: None,
            evidence: Vec::new(),
            source: DecisionSource::Committee,
            recorded_by: String::new(),
            recorded_at: String::new(),
        }
    }

    #[test]
    fn moving_to_the_current_phase_is_refused() {
        let product = product(&[(PhaseName::Construction, "2023-01-01")]);
        let mut move_to = decision(DecisionKind::MoveToPhase);
        move_to.phase = Some(PhaseName::Construction);
        let error = move_to
            .check(&product, &committee("2024-06-01"))
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "le produit est déjà en phase « Construction » : choisissez une autre phase"
        );
        assert_eq!(Decision::field_of(&error), "phase");
        move_to.phase = Some(PhaseName::Acceleration);
        assert_eq!(
            move_to.check(&product, &committee("2024-06-01")),
            Ok(Some(PhaseName::Acceleration))
        );
        move_to.phase = None;
        assert_eq!(
            move_to.check(&product, &committee("2024-06-01")),
            Err(DomainError::DecisionWithoutPhase)
        );
    }

    #[test]
    fn funding_needs_an_amount_and_only_funding_has_one() {
        let product = product(&[(PhaseName::Construction, "2023-01-01")]);
        let at = committee("2024-06-01");
        let mut funding = decision(DecisionKind::Funding);
        let error = funding.check(&product, &at).unwrap_err();
        assert_eq!(
            error.to_string(),
            "un financement accordé doit indiquer un montant positif, en centimes"
        );
        assert_eq!(Decision::field_of(&error), "amount_cents");
        funding.amount_cents = Some(0);
        assert_eq!(
            funding.check(&product, &at),
            Err(DomainError::FundingWithoutAmount)
        );
        funding.amount_cents = Some(15_000_000);
        assert_eq!(funding.check(&product, &at), Ok(None));
        let mut carry_on = decision(DecisionKind::Continue);
        carry_on.amount_cents = Some(100);
        assert_eq!(
            carry_on.check(&product, &at),
            Err(DomainError::AmountWithoutFunding)
        );
        carry_on.amount_cents = None;
        carry_on.phase = Some(PhaseName::Acceleration);
        assert_eq!(
            carry_on.check(&product, &at),
            Err(DomainError::PhaseWithoutMove)
        );
    }

    #[test]
    fn stopping_goes_to_the_right_abandon() {
        let at = committee("2024-06-01");
        let built = product(&[
            (PhaseName::Investigation, "2022-01-01"),
            (PhaseName::Construction, "2023-01-01"),
        ]);
        assert_eq!(
            decision(DecisionKind::Stop).check(&built, &at),
            Ok(Some(PhaseName::Abandon))
        );
        let studied = product(&[(PhaseName::Investigation, "2024-01-01")]);
        assert_eq!(
            decision(DecisionKind::Stop).check(&studied, &at),
            Ok(Some(PhaseName::AbandonInvestigation))
        );
        let stopped = product(&[(PhaseName::Abandon, "2024-01-01")]);
        assert_eq!(
            decision(DecisionKind::Stop).check(&stopped, &at),
            Err(DomainError::AlreadyStopped)
        );
    }

    #[test]
    fn refuses_other_incubators_products_unspecified_and_past_dates() {
        let product = product(&[(PhaseName::Construction, "2023-01-01")]);
        let mut elsewhere = committee("2024-06-01");
        elsewhere.incubator = Slug::parse("justice").unwrap();
        assert!(matches!(
            decision(DecisionKind::Continue).check(&product, &elsewhere),
            Err(DomainError::ProductOutsideIncubator { .. })
        ));
        assert_eq!(
            decision(DecisionKind::Unspecified).check(&product, &committee("2024-06-01")),
            Err(DomainError::DecisionWithoutDetails)
        );
        let mut move_to = decision(DecisionKind::MoveToPhase);
        move_to.phase = Some(PhaseName::Acceleration);
        assert_eq!(
            move_to.check(&product, &committee("2022-06-01")),
            Err(DomainError::DecisionBeforeCurrentPhase {
                date: day("2022-06-01"),
                start: day("2023-01-01")
            })
        );
    }

    #[test]
    fn a_committee_needs_members() {
        let mut empty = committee("2024-06-01");
        empty.members = vec![" ".into()];
        assert_eq!(empty.validate()[0].field, "members");
        assert!(committee("2024-06-01").validate().is_empty());
    }

    #[test]
    fn evidence_keeps_the_values_known_at_the_date() {
        let indicator: Indicator = serde_json::from_value(serde_json::json!({
            "id": 7, "product": "mon-produit", "name": "Délai", "category": "user_delays_shortened",
            "unit": "days", "direction": "lower_is_better",
            "baseline": {"value": 30.0, "date": "2022-01-01", "source": "étude"},
            "target": {"value": 10.0, "date": "2025-01-01"}
        }))
        .unwrap();
        let measure = |end: &str, value: f64| Measurement {
            id: 0,
            indicator: 7,
            period_start: day("2020-01-01"),
            period_end: day(end),
            value,
            method: Method::Measured,
            evidence_url: None,
            comment: String::new(),
            recorded_by: String::new(),
            recorded_at: String::new(),
        };
        let measurements = [measure("2023-12-31", 20.0), measure("2024-12-31", 12.0)];
        let evidence = evidence_at([(&indicator, &measurements[..])], day("2024-06-01"));
        assert_eq!(evidence.len(), 1);
        assert!((evidence[0].latest.as_ref().unwrap().value - 20.0).abs() < 1e-9);
        assert_eq!(evidence[0].progress, Some(0.5));
        let none = evidence_at([(&indicator, &measurements[..])], day("2023-01-01"));
        assert!(none[0].latest.is_none());
    }

    #[test]
    fn overdue_counts_from_the_phase_or_the_last_committee() {
        let rule = OverdueRule::default();
        let product = product(&[(PhaseName::Construction, "2024-01-01")]);
        assert!(rule.check(&product, None, day("2024-07-01")).is_none());
        let late = rule.check(&product, None, day("2024-07-11")).unwrap();
        assert_eq!(late.due, day("2024-07-01"));
        assert_eq!(late.days_overdue, 10);
        assert!(
            rule.check(&product, Some(day("2024-05-01")), day("2024-07-11"))
                .is_none()
        );
        // A committee before the phase began does not count.
        let old = rule
            .check(&product, Some(day("2023-01-01")), day("2024-07-11"))
            .unwrap();
        assert_eq!(old.last_committee, Some(day("2023-01-01")));
        let accelerating = super::tests::product(&[(PhaseName::Acceleration, "2020-01-01")]);
        assert!(rule.check(&accelerating, None, day("2024-07-11")).is_none());
        assert_eq!(
            OverdueRule::parse_phases("construction, acceleration"),
            Ok(vec![PhaseName::Construction, PhaseName::Acceleration])
        );
        assert!(OverdueRule::parse_phases("prototype").is_err());
    }

    #[test]
    fn committee_events_become_decisions_without_details() {
        let mut product = product(&[(PhaseName::Construction, "2023-01-01")]);
        product.events = serde_json::from_value(serde_json::json!([
            {"name": "committee", "date": "2024-03-01", "comment": "Poursuite"},
            {"name": "product_launch", "date": "2024-04-01"},
            {"name": "committee", "date": "2022-03-01"},
            {"name": "committee", "date": "2024-03-01", "comment": "Financement"},
        ]))
        .unwrap();
        let decisions = imported_decisions(&[product]);
        assert_eq!(decisions.len(), 2);
        assert_eq!(decisions[0].date, day("2022-03-01"));
        assert_eq!(decisions[0].phase_before, None);
        assert_eq!(decisions[1].comment, "Poursuite ; Financement");
        assert_eq!(decisions[1].phase_before, Some(PhaseName::Construction));
        assert!(
            decisions
                .iter()
                .all(|d| d.kind == DecisionKind::Unspecified && d.source == DecisionSource::Beta)
        );
    }

    #[test]
    fn kinds_round_trip() {
        for kind in DecisionKind::ALL {
            assert_eq!(DecisionKind::parse(kind.as_str()), Ok(kind));
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::json!(kind.as_str())
            );
        }
    }

    fn any_phase() -> impl Strategy<Value = PhaseName> {
        prop::sample::select(PhaseName::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn a_phase_change_makes_the_new_phase_current(
            phase in any_phase(),
            current in any_phase(),
            start_offset in 0i64..2000,
            after in 0i64..2000,
        ) {
            let start = day("2018-01-01") + chrono::Duration::days(start_offset);
            let product = product(&[(current, &start.to_string())]);
            let date = start + chrono::Duration::days(after);
            let mut moved = product.clone();
            moved.phases = phases_after(&product, phase, date);
            prop_assert_eq!(moved.current_phase().map(|p| p.name), Some(phase));
            prop_assert_eq!(moved.phases.len(), 2);
            prop_assert!(moved.phases.iter().all(|p| !p.ends_before_it_starts()));
        }

        #[test]
        fn never_overdue_within_the_allowed_months(
            months in 1u32..24,
            start_offset in 0i64..3000,
            elapsed in 0i64..3000,
        ) {
            let rule = OverdueRule { months, phases: vec![PhaseName::Construction] };
            let start = day("2015-01-01") + chrono::Duration::days(start_offset);
            let product = product(&[(PhaseName::Construction, &start.to_string())]);
            let today = start + chrono::Duration::days(elapsed);
            let due = start.checked_add_months(Months::new(months)).unwrap();
            prop_assert_eq!(rule.check(&product, None, today).is_some(), today > due);
            // A committee today always clears the product.
            prop_assert!(rule.check(&product, Some(today), today).is_none());
            // A longer allowance never makes more products overdue.
            let looser = OverdueRule { months: months + 1, ..rule.clone() };
            prop_assert!(looser.check(&product, None, today).is_none() || rule.check(&product, None, today).is_some());
        }
    }
}
