//! Team composition: which disciplines a product's current team covers, against the
//! composition administrators recommend for its phase, and the team's health.
//!
//! # From `domaine` to discipline
//!
//! | member's `domaine` | discipline |
//! |---|---|
//! | Intraprenariat | intrapreneurship |
//! | Produit | product |
//! | Design | design |
//! | Développement | development |
//! | Data | data |
//! | Déploiement | deployment |
//! | Coaching | coaching |
//! | Animation, Support, Attributaire, Autre | none: they count as members, cover no discipline |
//!
//! Intrapreneurship and product are two disciplines, not one: the recommendation asks for
//! both an intrapreneur (the public agent who carries the product) and a product person.
//! Animation is the network's community work, not a role inside a product team.
//!
//! # Team health
//!
//! Over the product's missions (those naming it), on a day `today`:
//! - **active members**: members with a mission on the product covering `today`;
//! - **public agents**: active members whose covering mission has status `admin` (the source
//!   writes `independent` for freelancers and `service` for service companies' staff);
//!   their share is public agents ÷ active members;
//! - **turnover over 12 months** = departures ÷ average headcount, where a departure is a
//!   member not active today whose last mission on the product ended in the 12 months
//!   before `today`, and the average headcount is (active members 12 months ago + active
//!   members today) ÷ 2, the usual HR definition. It is absent when both headcounts are 0.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::DomainError;
use crate::portfolio::{Domaine, Member, MissionStatus, PhaseName, Product};

/// A discipline of a multidisciplinary product team.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Discipline {
    /// The public agent who carries the product inside the administration.
    Intrapreneurship,
    /// Product management.
    Product,
    /// Design.
    Design,
    /// Software development.
    Development,
    /// Data.
    Data,
    /// Deployment to users.
    Deployment,
    /// Coaching.
    Coaching,
}

impl Discipline {
    /// Every discipline, in display order.
    pub const ALL: [Self; 7] = [
        Self::Intrapreneurship,
        Self::Product,
        Self::Design,
        Self::Development,
        Self::Data,
        Self::Deployment,
        Self::Coaching,
    ];

    /// The name used in the API and the store.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Intrapreneurship => "intrapreneurship",
            Self::Product => "product",
            Self::Design => "design",
            Self::Development => "development",
            Self::Data => "data",
            Self::Deployment => "deployment",
            Self::Coaching => "coaching",
        }
    }

    /// The French label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Intrapreneurship => "Intrapreneuriat",
            Self::Product => "Produit",
            Self::Design => "Design",
            Self::Development => "Développement",
            Self::Data => "Données",
            Self::Deployment => "Déploiement",
            Self::Coaching => "Coaching",
        }
    }

    /// The person who brings it, in French, for « construction sans intrapreneur ».
    pub const fn person(self) -> &'static str {
        match self {
            Self::Intrapreneurship => "intrapreneur",
            Self::Product => "responsable produit",
            Self::Design => "designer",
            Self::Development => "développeur",
            Self::Data => "spécialiste des données",
            Self::Deployment => "chargé de déploiement",
            Self::Coaching => "coach",
        }
    }

    /// Parses a name.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|discipline| discipline.as_str() == name)
            .ok_or_else(|| DomainError::UnknownDiscipline(name.to_owned()))
    }
}

/// The discipline a member's `domaine` brings to a team (see the module's table).
pub const fn discipline_of(domaine: Domaine) -> Option<Discipline> {
    match domaine {
        Domaine::Intraprenariat => Some(Discipline::Intrapreneurship),
        Domaine::Produit => Some(Discipline::Product),
        Domaine::Design => Some(Discipline::Design),
        Domaine::Developpement => Some(Discipline::Development),
        Domaine::Data => Some(Discipline::Data),
        Domaine::Deploiement => Some(Discipline::Deployment),
        Domaine::Coaching => Some(Discipline::Coaching),
        Domaine::Animation | Domaine::Support | Domaine::Attributaire | Domaine::Autre => None,
    }
}

/// The disciplines recommended for one phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PhaseRecommendation {
    /// The phase.
    pub phase: PhaseName,
    /// The disciplines a team in this phase should cover, in display order.
    pub disciplines: Vec<Discipline>,
}

/// The composition administrators recommend, per phase: one entry for every phase, in
/// display order, with its disciplines in display order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RecommendedComposition {
    /// Every phase with its recommended disciplines (possibly none).
    pub phases: Vec<PhaseRecommendation>,
}

impl Default for RecommendedComposition {
    /// The composition seeded by the store's migration, before any administrator changes it.
    fn default() -> Self {
        use Discipline::{Coaching, Deployment, Design, Development, Intrapreneurship, Product};
        Self::from_pairs([
            (PhaseName::Investigation, Intrapreneurship),
            (PhaseName::Investigation, Product),
            (PhaseName::Investigation, Coaching),
            (PhaseName::Construction, Intrapreneurship),
            (PhaseName::Construction, Product),
            (PhaseName::Construction, Design),
            (PhaseName::Construction, Development),
            (PhaseName::Construction, Coaching),
            (PhaseName::Acceleration, Intrapreneurship),
            (PhaseName::Acceleration, Product),
            (PhaseName::Acceleration, Design),
            (PhaseName::Acceleration, Development),
            (PhaseName::Acceleration, Deployment),
            (PhaseName::Acceleration, Coaching),
            (PhaseName::Consolidation, Intrapreneurship),
            (PhaseName::Consolidation, Product),
            (PhaseName::Consolidation, Development),
            (PhaseName::Consolidation, Deployment),
        ])
    }
}

impl RecommendedComposition {
    /// The composition of (phase, discipline) pairs, in any order, duplicates ignored.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (PhaseName, Discipline)>) -> Self {
        let mut by_phase: BTreeMap<PhaseName, Vec<Discipline>> = PhaseName::ALL
            .into_iter()
            .map(|p| (p, Vec::new()))
            .collect();
        for (phase, discipline) in pairs {
            by_phase.entry(phase).or_default().push(discipline);
        }
        Self {
            phases: by_phase
                .into_iter()
                .map(|(phase, mut disciplines)| {
                    disciplines.sort_unstable();
                    disciplines.dedup();
                    PhaseRecommendation { phase, disciplines }
                })
                .collect(),
        }
    }

    /// The same composition, normalised: every phase once, in order; a body naming a phase
    /// twice is refused, since one of its lists would silently win.
    pub fn normalised(self) -> Result<Self, DomainError> {
        let mut seen = Vec::new();
        for entry in &self.phases {
            if seen.contains(&entry.phase) {
                return Err(DomainError::DuplicatePhase(entry.phase.as_str().to_owned()));
            }
            seen.push(entry.phase);
        }
        Ok(Self::from_pairs(self.pairs()))
    }

    /// Every (phase, discipline) pair, as the store keeps them.
    pub fn pairs(&self) -> Vec<(PhaseName, Discipline)> {
        self.phases
            .iter()
            .flat_map(|entry| entry.disciplines.iter().map(|d| (entry.phase, *d)))
            .collect()
    }

    /// The disciplines recommended for a phase.
    pub fn for_phase(&self, phase: PhaseName) -> &[Discipline] {
        self.phases
            .iter()
            .find(|entry| entry.phase == phase)
            .map_or(&[], |entry| entry.disciplines.as_slice())
    }
}

/// How many active members bring a discipline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DisciplineCount {
    /// The discipline.
    pub discipline: Discipline,
    /// Active members bringing it.
    pub members: usize,
}

/// A recommended discipline the current team lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MissingDiscipline {
    /// The discipline.
    pub discipline: Discipline,
    /// What is missing, in French: « construction sans intrapreneur ».
    pub message: String,
}

/// A team's health (see the module's documentation for the formulas).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TeamHealth {
    /// Members with a mission on the product today.
    pub active_members: usize,
    /// Active members whose mission has status `admin`.
    pub public_agents: usize,
    /// Public agents ÷ active members; absent without active members.
    pub public_agent_share: Option<f64>,
    /// Active members twelve months ago.
    pub headcount_12_months_ago: usize,
    /// Members who left in the last twelve months.
    pub departures_12_months: usize,
    /// (Headcount twelve months ago + headcount today) ÷ 2.
    pub average_headcount_12_months: f64,
    /// Departures ÷ average headcount; absent when the average is 0.
    pub turnover_12_months: Option<f64>,
}

/// A product's current team against the recommended composition for its phase.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TeamComposition {
    /// The product's current phase, if any.
    pub phase: Option<PhaseName>,
    /// Disciplines covered by at least one active member, in display order.
    pub disciplines: Vec<DisciplineCount>,
    /// The disciplines recommended for the current phase.
    pub recommended: Vec<Discipline>,
    /// Recommended disciplines nobody active brings.
    pub missing: Vec<MissingDiscipline>,
    /// Whether the team covers every recommended discipline.
    pub complete: bool,
    /// Headcount, public agents and turnover.
    pub health: TeamHealth,
}

impl TeamComposition {
    /// Whether the team lacks a discipline.
    pub fn lacks(&self, discipline: Discipline) -> bool {
        self.missing.iter().any(|m| m.discipline == discipline)
    }
}

/// How a phase reads inside « … sans intrapreneur ».
const fn phase_words(phase: PhaseName) -> &'static str {
    match phase {
        PhaseName::Opere => "service opéré",
        PhaseName::Transfere => "service transféré",
        PhaseName::Consolidation => "consolidation",
        PhaseName::Acceleration => "accélération",
        PhaseName::Construction => "construction",
        PhaseName::Investigation => "investigation",
        PhaseName::AbandonInvestigation => "investigation non concluante",
        PhaseName::Abandon => "service arrêté",
    }
}

/// The composition and health of `product`'s team on `today`, from `members` (any members:
/// only their missions naming the product count).
pub fn compose<'a>(
    product: &Product,
    members: impl IntoIterator<Item = &'a Member>,
    recommended: &RecommendedComposition,
    today: NaiveDate,
) -> TeamComposition {
    let year_ago = today.checked_sub_months(Months::new(12)).unwrap_or(today);
    let mut counts: BTreeMap<Discipline, usize> = BTreeMap::new();
    let (mut active, mut agents, mut then, mut departures) = (0, 0, 0, 0);
    for member in members {
        let missions: Vec<_> = member
            .missions
            .iter()
            .filter(|m| m.products.contains(&product.slug))
            .collect();
        if missions.is_empty() {
            continue;
        }
        if missions.iter().any(|m| m.covers(year_ago)) {
            then += 1;
        }
        let current: Vec<_> = missions.iter().filter(|m| m.covers(today)).collect();
        if current.is_empty() {
            // Left when the last mission on the product ended; open missions never end.
            let left = missions.iter().map(|m| m.end).max().flatten();
            if left.is_some_and(|day| year_ago <= day && day < today) {
                departures += 1;
            }
            continue;
        }
        active += 1;
        if current.iter().any(|m| m.status == MissionStatus::Admin) {
            agents += 1;
        }
        if let Some(discipline) = discipline_of(member.domaine) {
            *counts.entry(discipline).or_default() += 1;
        }
    }
    let phase = product.current_phase().map(|p| p.name);
    let recommended: Vec<Discipline> =
        phase.map_or_else(Vec::new, |p| recommended.for_phase(p).to_vec());
    let missing: Vec<MissingDiscipline> = recommended
        .iter()
        .filter(|d| !counts.contains_key(d))
        .map(|&discipline| MissingDiscipline {
            discipline,
            message: format!(
                "{} sans {}",
                phase.map_or("produit", phase_words),
                discipline.person()
            ),
        })
        .collect();
    #[expect(clippy::cast_precision_loss, reason = "headcounts are far below 2^52")]
    let (average, ratio) = {
        let average = (then + active) as f64 / 2.0;
        let ratio = |part: usize, whole: f64| (whole > 0.0).then(|| part as f64 / whole);
        (average, ratio)
    };
    #[expect(clippy::cast_precision_loss, reason = "headcounts are far below 2^52")]
    let active_f = active as f64;
    TeamComposition {
        phase,
        disciplines: counts
            .into_iter()
            .map(|(discipline, members)| DisciplineCount {
                discipline,
                members,
            })
            .collect(),
        complete: missing.is_empty(),
        recommended,
        missing,
        health: TeamHealth {
            active_members: active,
            public_agents: agents,
            public_agent_share: ratio(agents, active_f),
            headcount_12_months_ago: then,
            departures_12_months: departures,
            average_headcount_12_months: average,
            turnover_12_months: ratio(departures, average),
        },
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::Slug;
    use crate::portfolio::{Mission, Phase};

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn product(phase: PhaseName) -> Product {
        let mut product: Product = serde_json::from_value(serde_json::json!({
            "slug": "mon-produit", "title": "Mon produit", "mission": "m", "incubator": "inc",
        }))
        .unwrap();
        product.phases = vec![Phase {
            name: phase,
            start: day("2023-01-01"),
            end: None,
            source_name: None,
            comment: None,
        }];
        product
    }

    fn member(slug: &str, domaine: Domaine, missions: Vec<Mission>) -> Member {
        let mut member: Member = serde_json::from_value(serde_json::json!({
            "slug": slug, "fullname": slug, "domaine": domaine,
        }))
        .unwrap();
        member.missions = missions;
        member
    }

    fn mission(start: &str, end: Option<&str>, status: MissionStatus, product: &str) -> Mission {
        Mission {
            start: day(start),
            end: end.map(day),
            status,
            employer: None,
            products: vec![Slug::parse(product).unwrap()],
        }
    }

    #[test]
    fn every_domaine_maps_as_the_table_says() {
        let covered: Vec<Discipline> = Domaine::ALL.into_iter().filter_map(discipline_of).collect();
        assert_eq!(covered.len(), Discipline::ALL.len());
        for discipline in Discipline::ALL {
            assert!(covered.contains(&discipline), "{discipline:?}");
            assert_eq!(Discipline::parse(discipline.as_str()), Ok(discipline));
        }
        assert_eq!(discipline_of(Domaine::Animation), None);
        assert!(Discipline::parse("marketing").is_err());
    }

    #[test]
    fn a_constructed_team_is_checked_by_hand() {
        let today = day("2025-06-30");
        let p = "mon-produit";
        let members = [
            // Active public agent intrapreneur.
            member(
                "a",
                Domaine::Intraprenariat,
                vec![mission("2023-01-01", None, MissionStatus::Admin, p)],
            ),
            // Active freelance developer, also there a year ago.
            member(
                "b",
                Domaine::Developpement,
                vec![mission(
                    "2024-01-01",
                    Some("2026-01-01"),
                    MissionStatus::Independent,
                    p,
                )],
            ),
            // Active designer through a service company, arrived this year.
            member(
                "c",
                Domaine::Design,
                vec![mission("2025-01-01", None, MissionStatus::Service, p)],
            ),
            // Left in March: a departure; was there a year ago.
            member(
                "d",
                Domaine::Coaching,
                vec![mission(
                    "2024-01-01",
                    Some("2025-03-31"),
                    MissionStatus::Independent,
                    p,
                )],
            ),
            // Left two years ago: neither a departure nor a headcount.
            member(
                "e",
                Domaine::Produit,
                vec![mission(
                    "2022-01-01",
                    Some("2023-06-30"),
                    MissionStatus::Admin,
                    p,
                )],
            ),
            // Active animator: a member without a discipline.
            member(
                "f",
                Domaine::Animation,
                vec![mission("2025-01-01", None, MissionStatus::Admin, p)],
            ),
            // Works on another product only.
            member(
                "g",
                Domaine::Coaching,
                vec![mission("2020-01-01", None, MissionStatus::Admin, "autre")],
            ),
        ];
        let team = compose(
            &product(PhaseName::Construction),
            &members,
            &RecommendedComposition::default(),
            today,
        );
        let covered: Vec<(Discipline, usize)> = team
            .disciplines
            .iter()
            .map(|c| (c.discipline, c.members))
            .collect();
        assert_eq!(
            covered,
            [
                (Discipline::Intrapreneurship, 1),
                (Discipline::Design, 1),
                (Discipline::Development, 1)
            ]
        );
        let missing: Vec<&str> = team.missing.iter().map(|m| m.message.as_str()).collect();
        assert_eq!(
            missing,
            [
                "construction sans responsable produit",
                "construction sans coach"
            ]
        );
        assert!(!team.complete);
        assert!(team.lacks(Discipline::Coaching));
        let health = &team.health;
        assert_eq!(health.active_members, 4);
        assert_eq!(health.public_agents, 2);
        assert_eq!(health.public_agent_share, Some(0.5));
        // a, b, d were there on 2024-06-30.
        assert_eq!(health.headcount_12_months_ago, 3);
        assert_eq!(health.departures_12_months, 1);
        assert!((health.average_headcount_12_months - 3.5).abs() < 1e-12);
        assert!((health.turnover_12_months.unwrap() - 1.0 / 3.5).abs() < 1e-12);
    }

    #[test]
    fn a_phase_without_recommendation_is_complete() {
        let team = compose(
            &product(PhaseName::Opere),
            &[],
            &RecommendedComposition::default(),
            day("2025-01-01"),
        );
        assert!(team.complete);
        assert_eq!(team.health.public_agent_share, None);
        assert_eq!(team.health.turnover_12_months, None);
    }

    #[test]
    fn a_composition_names_each_phase_once() {
        let composition = RecommendedComposition {
            phases: vec![
                PhaseRecommendation {
                    phase: PhaseName::Construction,
                    disciplines: vec![Discipline::Coaching, Discipline::Design],
                },
                PhaseRecommendation {
                    phase: PhaseName::Construction,
                    disciplines: vec![],
                },
            ],
        };
        assert!(composition.normalised().is_err());
        let one = RecommendedComposition {
            phases: vec![PhaseRecommendation {
                phase: PhaseName::Construction,
                disciplines: vec![
                    Discipline::Coaching,
                    Discipline::Design,
                    Discipline::Coaching,
                ],
            }],
        }
        .normalised()
        .unwrap();
        assert_eq!(one.phases.len(), PhaseName::ALL.len());
        assert_eq!(
            one.for_phase(PhaseName::Construction),
            [Discipline::Design, Discipline::Coaching]
        );
        assert_eq!(one.for_phase(PhaseName::Acceleration), []);
    }

    fn arbitrary_member(index: usize) -> impl Strategy<Value = Member> {
        let missions = prop::collection::vec(
            (
                0i64..1500,
                prop::option::of(0i64..900),
                0usize..3,
                any::<bool>(),
            ),
            0..3,
        );
        (0usize..Domaine::ALL.len(), missions).prop_map(move |(d, missions)| {
            let origin = day("2022-01-01");
            let missions = missions
                .into_iter()
                .map(|(start, length, status, ours)| Mission {
                    start: origin + chrono::Days::new(start.unsigned_abs()),
                    end: length.map(|l| origin + chrono::Days::new((start + l).unsigned_abs())),
                    status: [
                        MissionStatus::Admin,
                        MissionStatus::Independent,
                        MissionStatus::Service,
                    ][status],
                    employer: None,
                    products: vec![
                        Slug::parse(if ours { "mon-produit" } else { "autre" }).unwrap(),
                    ],
                })
                .collect();
            member(&format!("m{index}"), Domaine::ALL[d], missions)
        })
    }

    fn arbitrary_team() -> impl Strategy<Value = Vec<Member>> {
        (0usize..8).prop_flat_map(|n| (0..n).map(arbitrary_member).collect::<Vec<_>>())
    }

    proptest! {
        #[test]
        fn figures_stay_within_their_bounds(members in arbitrary_team(), phase in 0usize..8) {
            let phase = PhaseName::ALL[phase];
            let recommended = RecommendedComposition::default();
            let team = compose(&product(phase), &members, &recommended, day("2025-01-01"));
            let h = &team.health;
            prop_assert!(h.public_agents <= h.active_members);
            prop_assert!(h.active_members <= members.len());
            prop_assert!(h.departures_12_months + h.active_members <= members.len());
            if let Some(share) = h.public_agent_share {
                prop_assert!((0.0..=1.0).contains(&share));
            }
            prop_assert!(h.turnover_12_months.is_none_or(|t| t >= 0.0));
            let covered: usize = team.disciplines.iter().map(|c| c.members).sum();
            prop_assert!(covered <= h.active_members);
            // Every recommended discipline is either covered or missing, never both.
            for discipline in recommended.for_phase(phase) {
                let is_covered = team.disciplines.iter().any(|c| c.discipline == *discipline);
                prop_assert_ne!(is_covered, team.lacks(*discipline));
            }
            prop_assert_eq!(team.complete, team.missing.is_empty());
        }

        #[test]
        fn a_new_active_member_never_adds_a_gap(members in arbitrary_team(), d in 0usize..11) {
            let recommended = RecommendedComposition::default();
            let today = day("2025-01-01");
            let before = compose(&product(PhaseName::Construction), &members, &recommended, today);
            let mut more = members.clone();
            more.push(member(
                "nouveau",
                Domaine::ALL[d],
                vec![mission("2024-12-01", None, MissionStatus::Admin, "mon-produit")],
            ));
            let after = compose(&product(PhaseName::Construction), &more, &recommended, today);
            prop_assert!(after.missing.len() <= before.missing.len());
            prop_assert_eq!(after.health.active_members, before.health.active_members + 1);
        }
    }
}
