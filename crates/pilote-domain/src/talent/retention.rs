//! Retention figures: whether the State keeps its digital talent, computed from members'
//! missions (start, end, status, products).
//!
//! # Rules
//!
//! - **Missions taken.** A mission ending before it starts is a data-quality fault and is
//!   left out. For an incubator, only the missions naming one of its products (the
//!   product's `incubator` or one of its co-incubators) count; for the network, every
//!   mission. A mission without an end goes on.
//! - **Monthly headcount.** A member counts in a month when one of their missions covers
//!   at least one day of it. Each member counts once: by their `domaine`, and by the status
//!   of the covering mission that started last (the latest engagement wins when a member
//!   changes status within the month), so the status counts add up to the headcount.
//! - **Public agents.** Members counted under status `admin` (the source writes
//!   `independent` for freelancers and `service` for service companies' staff). Their
//!   share is public agents ÷ headcount. *Now* uses the same rule on the day `today`.
//! - **Tenure.** Per member, the number of days covered by their missions from their first
//!   start up to `today` included, overlapping or adjacent missions merged (a day is counted
//!   once); a mission starting after `today` adds nothing. The **median tenure** is taken
//!   over the members with at least one such day (mean of the two middle ones for an even
//!   count).
//! - **Departure.** A member leaves on the last day of a run of missions (overlapping or
//!   adjacent missions merged) when nothing covers the following day and that day is
//!   before `today` (a planned end is not yet a departure). A member who comes back later
//!   left all the same: each run's end is a departure.
//! - **Yearly turnover** = departures in the year ÷ mean headcount of the year, the mean of
//!   its monthly headcounts (up to the month of `today` for the current year). Absent when
//!   that mean is 0.
//! - **Renewal.** A mission ending on day `e` is *renewed* when another mission of the same
//!   member (in the same scope) starts after it started, no later than `e` + 31 days, and
//!   goes on after `e`. The **renewal rate** of a year = missions ending that year that were
//!   renewed ÷ missions ending that year, counting only the missions whose 31 days of grace
//!   are over by `today` (`e` + 31 < `today`). Absent when none ended.

use std::collections::HashSet;
use std::fmt;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::portfolio::{Domaine, Member, Mission, MissionStatus, Product};
use crate::{DomainError, Slug};

/// Days after a mission's end within which a new mission renews it.
pub const RENEWAL_DAYS: u64 = 31;

/// Most months one series may hold (fifty years).
pub const MONTHS_MAX: usize = 600;

/// A calendar month, written `AAAA-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    /// The month holding a day.
    pub fn of(day: NaiveDate) -> Self {
        Self {
            year: day.year(),
            month: day.month(),
        }
    }

    /// Parses `AAAA-MM`.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let invalid = || DomainError::UnknownValue {
            what: "mois (attendu AAAA-MM)",
            value: text.to_owned(),
        };
        let (year, month) = text.split_once('-').ok_or_else(invalid)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(invalid());
        }
        let year: i32 = year.parse().map_err(|_| invalid())?;
        let month: u32 = month.parse().map_err(|_| invalid())?;
        NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(invalid)?;
        Ok(Self { year, month })
    }

    /// The year.
    pub const fn year(self) -> i32 {
        self.year
    }

    /// The first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The last day.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    /// The following month.
    #[must_use]
    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The month `count` months before.
    #[must_use]
    pub fn minus(self, count: u32) -> Self {
        Self::of(
            self.first_day()
                .checked_sub_months(Months::new(count))
                .unwrap_or(NaiveDate::MIN),
        )
    }

    /// The months from `self` to `last` included.
    pub fn through(self, last: Self) -> impl Iterator<Item = Self> {
        std::iter::successors(Some(self), |m| Some(m.next())).take_while(move |m| *m <= last)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Which missions count: the whole network's, or those of an incubator's products.
#[derive(Debug, Clone, Default)]
pub enum Scope {
    /// Every mission.
    #[default]
    Network,
    /// Missions naming one of these products.
    Products(HashSet<Slug>),
}

impl Scope {
    /// The missions of the products `incubator` runs or co-incubates.
    pub fn incubator<'a>(
        incubator: &Slug,
        products: impl IntoIterator<Item = &'a Product>,
    ) -> Self {
        Self::Products(
            products
                .into_iter()
                .filter(|p| p.incubator == *incubator || p.incubators.contains(incubator))
                .map(|p| p.slug.clone())
                .collect(),
        )
    }

    fn takes(&self, mission: &Mission) -> bool {
        match self {
            Self::Network => true,
            Self::Products(products) => mission.products.iter().any(|p| products.contains(p)),
        }
    }
}

/// Members counted by mission status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ByStatus {
    /// Public agents (`admin`).
    pub admin: usize,
    /// Freelancers (`independent`).
    pub independent: usize,
    /// Service companies' staff (`service`).
    pub service: usize,
}

impl ByStatus {
    fn add(&mut self, status: MissionStatus) {
        match status {
            MissionStatus::Admin => self.admin += 1,
            MissionStatus::Independent => self.independent += 1,
            MissionStatus::Service => self.service += 1,
        }
    }

    /// The counts in the order of [`STATUSES`].
    pub const fn values(&self) -> [usize; 3] {
        [self.admin, self.independent, self.service]
    }
}

/// The statuses in display order, with their French labels.
pub const STATUSES: [(MissionStatus, &str); 3] = [
    (MissionStatus::Admin, "Agents publics"),
    (MissionStatus::Independent, "Indépendants"),
    (MissionStatus::Service, "Prestataires (ESN)"),
];

/// One month of the series.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MonthFigures {
    /// The month, `AAAA-MM`.
    #[schema(value_type = String, example = "2025-03")]
    pub month: Month,
    /// Members with a mission covering a day of the month.
    pub headcount: usize,
    /// The headcount by status of the latest covering mission.
    pub by_status: ByStatus,
    /// The headcount by `domaine`, in the order of [`Domaine::ALL`] (every one listed).
    pub by_domaine: Vec<DomaineCount>,
    /// Public agents ÷ headcount; absent without anyone.
    pub public_agent_share: Option<f64>,
}

/// Members of one `domaine`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct DomaineCount {
    /// The discipline.
    pub domaine: Domaine,
    /// Members.
    pub members: usize,
}

/// One year's departures and renewals.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct YearFigures {
    /// The year.
    pub year: i32,
    /// Mean of the year's monthly headcounts (up to the current month).
    pub mean_headcount: f64,
    /// Runs of missions ending that year with nothing the day after.
    pub departures: usize,
    /// Departures ÷ mean headcount; absent when the mean is 0.
    pub turnover: Option<f64>,
    /// Missions ending that year whose 31 days of grace are over.
    pub missions_ended: usize,
    /// Of those, the missions followed by another within 31 days.
    pub missions_renewed: usize,
    /// Renewed ÷ ended; absent when none ended.
    pub renewal_rate: Option<f64>,
}

/// The figures on a day.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Headline {
    /// The day the figures are computed at.
    pub today: NaiveDate,
    /// Members with at least one mission day up to `today`.
    pub members: usize,
    /// Members with a mission covering `today`.
    pub headcount: usize,
    /// Of those, the members whose latest covering mission has status `admin`.
    pub public_agents: usize,
    /// Public agents ÷ headcount; absent without anyone.
    pub public_agent_share: Option<f64>,
    /// Median days covered by a member's missions up to `today`.
    pub median_tenure_days: Option<f64>,
    /// The year before `today`'s: turnover and renewal.
    pub last_year: YearFigures,
}

/// A member's missions in scope, and their merged runs.
struct Career<'a> {
    domaine: Domaine,
    /// Valid missions in scope, by start.
    missions: Vec<&'a Mission>,
    /// Merged runs: first day, last day (`None`: goes on).
    runs: Vec<(NaiveDate, Option<NaiveDate>)>,
}

impl<'a> Career<'a> {
    fn of(member: &'a Member, scope: &Scope) -> Option<Self> {
        let mut missions: Vec<&Mission> = member
            .missions
            .iter()
            .filter(|m| m.end.is_none_or(|end| m.start <= end) && scope.takes(m))
            .collect();
        if missions.is_empty() {
            return None;
        }
        missions.sort_by_key(|m| m.start);
        let mut runs: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::new();
        for mission in &missions {
            match runs.last_mut() {
                // Adjacent or overlapping: the same run goes on.
                Some((_, last)) if last.is_none_or(|l| mission.start <= l + Days::new(1)) => {
                    *last = last.zip(mission.end).map(|(a, b)| a.max(b));
                }
                _ => runs.push((mission.start, mission.end)),
            }
        }
        Some(Self {
            domaine: member.domaine,
            missions,
            runs,
        })
    }

    /// The status of the covering mission that started last, if any covers a day of
    /// `first..=last`.
    fn status_within(&self, first: NaiveDate, last: NaiveDate) -> Option<MissionStatus> {
        self.missions
            .iter()
            .rev()
            .find(|m| m.start <= last && m.end.is_none_or(|end| first <= end))
            .map(|m| m.status)
    }

    fn tenure_days(&self, today: NaiveDate) -> u64 {
        self.runs
            .iter()
            .filter(|(start, _)| *start <= today)
            .map(|(start, end)| {
                let last = end.map_or(today, |end| end.min(today));
                u64::try_from((last - *start).num_days() + 1).unwrap_or(0)
            })
            .sum()
    }

    fn departures(&self, today: NaiveDate) -> impl Iterator<Item = NaiveDate> + '_ {
        self.runs
            .iter()
            .filter_map(move |(_, end)| end.filter(|end| *end < today))
    }

    /// Each mission's end, when its grace is over, and whether another renewed it.
    fn renewals(&self, today: NaiveDate) -> impl Iterator<Item = (NaiveDate, bool)> + '_ {
        self.missions.iter().filter_map(move |m| {
            let end = m.end?;
            let deadline = end + Days::new(RENEWAL_DAYS);
            (deadline < today).then(|| {
                let renewed = self.missions.iter().any(|next| {
                    next.start > m.start
                        && next.start <= deadline
                        && next.end.is_none_or(|e| e > end)
                });
                (end, renewed)
            })
        })
    }
}

/// The retention figures of a scope's members, ready to be asked for any months or years.
pub struct Retention<'a> {
    careers: Vec<Career<'a>>,
    today: NaiveDate,
}

#[expect(clippy::cast_precision_loss, reason = "headcounts are far below 2^52")]
fn ratio(part: usize, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| part as f64 / whole)
}

impl<'a> Retention<'a> {
    /// The missions of `members` in `scope`, looked at on `today`.
    pub fn new(
        members: impl IntoIterator<Item = &'a Member>,
        scope: &Scope,
        today: NaiveDate,
    ) -> Self {
        Self {
            careers: members
                .into_iter()
                .filter_map(|m| Career::of(m, scope))
                .collect(),
            today,
        }
    }

    /// The month of the first mission's start; `today`'s when there is none.
    pub fn first_month(&self) -> Month {
        self.careers
            .iter()
            .filter_map(|c| c.runs.first().map(|(start, _)| *start))
            .min()
            .map_or(Month::of(self.today), Month::of)
    }

    /// One month's figures.
    pub fn month(&self, month: Month) -> MonthFigures {
        let (first, last) = (month.first_day(), month.last_day());
        let mut by_status = ByStatus::default();
        let mut by_domaine = [0usize; Domaine::ALL.len()];
        for career in &self.careers {
            if let Some(status) = career.status_within(first, last) {
                by_status.add(status);
                if let Some(i) = Domaine::ALL.iter().position(|d| *d == career.domaine) {
                    by_domaine[i] += 1;
                }
            }
        }
        let headcount = by_status.values().iter().sum();
        #[expect(clippy::cast_precision_loss, reason = "headcounts are far below 2^52")]
        let public_agent_share = ratio(by_status.admin, headcount as f64);
        MonthFigures {
            month,
            headcount,
            by_status,
            by_domaine: Domaine::ALL
                .iter()
                .zip(by_domaine)
                .map(|(&domaine, members)| DomaineCount { domaine, members })
                .collect(),
            public_agent_share,
        }
    }

    /// The months from `from` to `to` included.
    pub fn months(&self, from: Month, to: Month) -> Vec<MonthFigures> {
        from.through(to).map(|m| self.month(m)).collect()
    }

    /// One year's turnover and renewal.
    pub fn year(&self, year: i32) -> YearFigures {
        let first = Month::of(NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN));
        let december = Month::of(NaiveDate::from_ymd_opt(year, 12, 1).unwrap_or(NaiveDate::MIN));
        let last = december.min(Month::of(self.today));
        let headcounts: Vec<usize> = first
            .through(last)
            .map(|m| self.month(m).headcount)
            .collect();
        #[expect(clippy::cast_precision_loss, reason = "headcounts are far below 2^52")]
        let mean_headcount = if headcounts.is_empty() {
            0.0
        } else {
            headcounts.iter().sum::<usize>() as f64 / headcounts.len() as f64
        };
        let departures = self
            .careers
            .iter()
            .flat_map(|c| c.departures(self.today))
            .filter(|day| day.year() == year)
            .count();
        let (mut ended, mut renewed) = (0, 0);
        for (end, was_renewed) in self.careers.iter().flat_map(|c| c.renewals(self.today)) {
            if end.year() == year {
                ended += 1;
                renewed += usize::from(was_renewed);
            }
        }
        #[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
        let renewal_rate = ratio(renewed, ended as f64);
        YearFigures {
            year,
            mean_headcount,
            departures,
            turnover: ratio(departures, mean_headcount),
            missions_ended: ended,
            missions_renewed: renewed,
            renewal_rate,
        }
    }

    /// The years from `from` to `to` included.
    pub fn years(&self, from: i32, to: i32) -> Vec<YearFigures> {
        (from..=to).map(|y| self.year(y)).collect()
    }

    /// The figures on `today`.
    pub fn headline(&self) -> Headline {
        let today = self.today;
        let mut tenures: Vec<u64> = self
            .careers
            .iter()
            .map(|c| c.tenure_days(today))
            .filter(|days| *days > 0)
            .collect();
        tenures.sort_unstable();
        let mut now = ByStatus::default();
        for career in &self.careers {
            if let Some(status) = career.status_within(today, today) {
                now.add(status);
            }
        }
        let headcount = now.values().iter().sum();
        #[expect(clippy::cast_precision_loss, reason = "headcounts are far below 2^52")]
        let public_agent_share = ratio(now.admin, headcount as f64);
        Headline {
            today,
            members: tenures.len(),
            headcount,
            public_agents: now.admin,
            public_agent_share,
            median_tenure_days: median(&tenures),
            last_year: self.year(today.year() - 1),
        }
    }
}

#[expect(clippy::cast_precision_loss, reason = "days are far below 2^52")]
fn median(sorted: &[u64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2] as f64),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
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

    fn member(slug: &str, domaine: Domaine, missions: Vec<Mission>) -> Member {
        let mut member: Member = serde_json::from_value(serde_json::json!({
            "slug": slug, "fullname": slug, "domaine": "Autre",
        }))
        .unwrap();
        member.domaine = domaine;
        member.missions = missions;
        member
    }

    fn product(slug: &str, incubator: &str) -> Product {
        serde_json::from_value(serde_json::json!({
            "slug": slug, "title": slug, "mission": "m", "incubator": incubator,
        }))
        .unwrap()
    }

    use MissionStatus::{Admin, Independent, Service};

    /// The hand-built network, looked at on 2025-03-15:
    /// - anne (Développement): independent 2023-01-01..2023-12-31 on `alpha`, then admin
    ///   2024-01-01.. (open) on `alpha` — back to back, one run.
    /// - bruno (Design): service 2023-03-10..2023-06-30 on `beta`, then service
    ///   2023-09-01..2024-02-29 on `beta` — a gap of two months.
    /// - chloe (Produit): admin 2023-06-01..2024-05-31 on `alpha`, and independent
    ///   2024-03-01..2024-08-31 on `beta` — overlapping.
    /// - david (Développement): independent 2024-11-01..2025-06-30 on `beta` (planned end).
    /// - emma (Design): a faulty mission 2024-05-01..2024-04-01 (left out), and a mission
    ///   starting 2025-04-01 (after today).
    ///
    /// Products: `alpha` run by `inc-a`, `beta` by `inc-b`.
    fn network() -> Vec<Member> {
        vec![
            member(
                "anne",
                Domaine::Developpement,
                vec![
                    mission("2023-01-01", Some("2023-12-31"), Independent, "alpha"),
                    mission("2024-01-01", None, Admin, "alpha"),
                ],
            ),
            member(
                "bruno",
                Domaine::Design,
                vec![
                    mission("2023-03-10", Some("2023-06-30"), Service, "beta"),
                    mission("2023-09-01", Some("2024-02-29"), Service, "beta"),
                ],
            ),
            member(
                "chloe",
                Domaine::Produit,
                vec![
                    mission("2023-06-01", Some("2024-05-31"), Admin, "alpha"),
                    mission("2024-03-01", Some("2024-08-31"), Independent, "beta"),
                ],
            ),
            member(
                "david",
                Domaine::Developpement,
                vec![mission(
                    "2024-11-01",
                    Some("2025-06-30"),
                    Independent,
                    "beta",
                )],
            ),
            member(
                "emma",
                Domaine::Design,
                vec![
                    mission("2024-05-01", Some("2024-04-01"), Admin, "alpha"),
                    mission("2025-04-01", None, Admin, "alpha"),
                ],
            ),
        ]
    }

    const TODAY: &str = "2025-03-15";

    #[test]
    fn months_parse_and_walk() {
        let march = Month::parse("2024-03").unwrap();
        assert_eq!(march.to_string(), "2024-03");
        assert_eq!(march.last_day(), day("2024-03-31"));
        assert_eq!(
            Month::parse("2024-02").unwrap().last_day(),
            day("2024-02-29")
        );
        assert_eq!(
            Month::parse("2024-12").unwrap().next().to_string(),
            "2025-01"
        );
        assert_eq!(march.minus(3).to_string(), "2023-12");
        assert_eq!(Month::parse("2023-11").unwrap().through(march).count(), 5);
        for bad in ["2024-13", "2024-3", "24-03", "2024/03", "", "abcd-ef"] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn monthly_headcount_by_status_and_domaine() {
        let members = network();
        let r = Retention::new(&members, &Scope::Network, day(TODAY));
        // 2023-07: anne (independent), chloe (admin); bruno's gap (07-01..08-31) → absent.
        let july = r.month(Month::parse("2023-07").unwrap());
        assert_eq!(july.headcount, 2);
        assert_eq!(
            july.by_status,
            ByStatus {
                admin: 1,
                independent: 1,
                service: 0
            }
        );
        assert_eq!(july.public_agent_share, Some(0.5));
        // 2024-03: anne (admin since 2024-01), chloe (admin mission and, from 03-01, an
        // independent one: the latest start wins → independent), bruno? his mission ended
        // 2024-02-29 → absent. 2 members: 1 admin, 1 independent.
        let march = r.month(Month::parse("2024-03").unwrap());
        assert_eq!(march.headcount, 2);
        assert_eq!(
            march.by_status,
            ByStatus {
                admin: 1,
                independent: 1,
                service: 0
            }
        );
        // 2024-02: anne admin, bruno service (until 02-29), chloe admin → 3, share 2/3.
        let feb = r.month(Month::parse("2024-02").unwrap());
        assert_eq!(
            feb.by_status,
            ByStatus {
                admin: 2,
                independent: 0,
                service: 1
            }
        );
        assert!((feb.public_agent_share.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        let count = |m: &MonthFigures, d: Domaine| {
            m.by_domaine
                .iter()
                .find(|c| c.domaine == d)
                .unwrap()
                .members
        };
        assert_eq!(count(&feb, Domaine::Developpement), 1);
        assert_eq!(count(&feb, Domaine::Design), 1);
        assert_eq!(count(&feb, Domaine::Produit), 1);
        assert_eq!(feb.by_domaine.len(), Domaine::ALL.len());
        // 2025-03: anne (admin), david (independent); emma starts in April → 2.
        assert_eq!(r.month(Month::parse("2025-03").unwrap()).headcount, 2);
        // A mission covering a single day of the month counts: bruno's first mission starts
        // 2023-03-10 → he counts in 2023-03 with anne: 2.
        assert_eq!(r.month(Month::parse("2023-03").unwrap()).headcount, 2);
        assert_eq!(r.first_month().to_string(), "2023-01");
    }

    #[test]
    fn headline_figures_on_a_day() {
        let members = network();
        let h = Retention::new(&members, &Scope::Network, day(TODAY)).headline();
        // Today 2025-03-15: anne (admin, open), david (independent until 06-30) → 2, 1 agent.
        assert_eq!(h.headcount, 2);
        assert_eq!(h.public_agents, 1);
        assert_eq!(h.public_agent_share, Some(0.5));
        // Tenures up to 2025-03-15, days included:
        // anne: one run 2023-01-01..2025-03-15 = 365 (2023) + 366 (2024) + 74 (to 03-15) = 805
        // bruno: 2023-03-10..06-30 = 22+30+31+30 = 113; 2023-09-01..2024-02-29 =
        //        30+31+30+31 + 31+29 = 182 → 295
        // chloe: one run 2023-06-01..2024-08-31 = 214 (Jun–Dec 2023) + 244 (Jan–Aug 2024) = 458
        // david: 2024-11-01..2025-03-15 = 30+31+31+28+15 = 135
        // emma: her valid mission starts after today → no day, not counted.
        // Sorted 135, 295, 458, 805 → median (295 + 458) / 2 = 376.5.
        assert_eq!(h.members, 4);
        assert_eq!(h.median_tenure_days, Some(376.5));
        assert_eq!(h.today, day(TODAY));
        assert_eq!(h.last_year.year, 2024);
    }

    #[test]
    #[expect(clippy::float_cmp, reason = "the values compared are exact")]
    fn turnover_counts_each_departure_over_the_mean_headcount() {
        let members = network();
        let r = Retention::new(&members, &Scope::Network, day(TODAY));
        // 2024 departures (end of a run, before today): bruno 2024-02-29, chloe 2024-08-31
        // → 2. (anne is open; david's end 2025-06-30 is later.)
        // Monthly headcounts 2024: Jan anne, bruno, chloe = 3; Feb 3; Mar anne, chloe = 2;
        // Apr 2; May 2; Jun anne, chloe (beta mission) = 2; Jul 2; Aug 2; Sep anne = 1;
        // Oct 1; Nov anne, david = 2; Dec 2 → sum 24, mean 2.0 → turnover 2 / 2 = 1.0.
        let y2024 = r.year(2024);
        assert_eq!(y2024.departures, 2);
        assert_eq!(y2024.mean_headcount, 2.0);
        assert_eq!(y2024.turnover, Some(1.0));
        // 2023: bruno leaves 2023-06-30 (nothing covers 07-01) → 1 departure; anne's
        // 2023-12-31 end is followed by 2024-01-01 → not a departure.
        // Headcounts 2023: Jan anne 1, Feb 1, Mar anne+bruno 2, Apr 2, May 2,
        // Jun anne, bruno, chloe 3, Jul 2, Aug 2, Sep 3, Oct 3, Nov 3, Dec 3 → 27 / 12 = 2.25.
        let y2023 = r.year(2023);
        assert_eq!(y2023.departures, 1);
        assert_eq!(y2023.mean_headcount, 2.25);
        assert!((y2023.turnover.unwrap() - 1.0 / 2.25).abs() < 1e-12);
        // 2025 so far (Jan–Mar): anne, david each month → mean 2, no departure yet.
        let y2025 = r.year(2025);
        assert_eq!(y2025.mean_headcount, 2.0);
        assert_eq!(y2025.departures, 0);
        assert_eq!(y2025.turnover, Some(0.0));
    }

    #[test]
    fn renewal_looks_for_a_new_mission_within_31_days() {
        let members = network();
        let r = Retention::new(&members, &Scope::Network, day(TODAY));
        // Missions ending in 2023 (grace over): anne 2023-12-31, renewed by 2024-01-01;
        // bruno 2023-06-30, next starts 2023-09-01 = 63 days later → not renewed.
        // → 1 / 2.
        let y2023 = r.year(2023);
        assert_eq!((y2023.missions_ended, y2023.missions_renewed), (2, 1));
        assert_eq!(y2023.renewal_rate, Some(0.5));
        // 2024: bruno 2024-02-29 (nothing after) no; chloe's admin mission 2024-05-31,
        // followed by her beta mission started 2024-03-01 (after 2023-06-01, before the
        // deadline, ending 2024-08-31 > 05-31) → renewed; chloe's 2024-08-31 → no.
        // → 1 / 3.
        let y2024 = r.year(2024);
        assert_eq!((y2024.missions_ended, y2024.missions_renewed), (3, 1));
        assert!((y2024.renewal_rate.unwrap() - 1.0 / 3.0).abs() < 1e-12);
        // 2025: david ends 2025-06-30, after today → not counted; none → absent.
        assert_eq!(r.year(2025).renewal_rate, None);
        // A mission ended 20 days before today is still in its grace: not counted.
        let late = vec![member(
            "fanny",
            Domaine::Data,
            vec![mission("2024-01-01", Some("2025-02-23"), Admin, "alpha")],
        )];
        let r = Retention::new(&late, &Scope::Network, day(TODAY));
        assert_eq!(r.year(2025).missions_ended, 0);
        // …but she has left: her run ended before today.
        assert_eq!(r.year(2025).departures, 1);
    }

    #[test]
    fn an_incubator_counts_the_missions_of_its_products() {
        let members = network();
        let products = [product("alpha", "inc-a"), product("beta", "inc-b")];
        let scope = Scope::incubator(&Slug::parse("inc-b").unwrap(), &products);
        let r = Retention::new(&members, &scope, day(TODAY));
        // inc-b (beta): bruno's two missions, chloe's 2024-03-01..08-31, david's.
        // Today: david only, independent → 1, share 0.
        let h = r.headline();
        assert_eq!((h.headcount, h.public_agents), (1, 0));
        assert_eq!(h.public_agent_share, Some(0.0));
        // Tenures: bruno 295; chloe 2024-03-01..08-31 = 31+30+31+30+31+31 = 184;
        // david 135 → median 184.
        assert_eq!(h.members, 3);
        assert_eq!(h.median_tenure_days, Some(184.0));
        // 2024 within inc-b: departures bruno 02-29, chloe 08-31 → 2. Headcounts: Jan 1,
        // Feb 1, Mar–Aug chloe 1 ×6, Sep 0, Oct 0, Nov david 1, Dec 1 → 10 / 12.
        // Renewal: chloe's admin mission is outside inc-b, so no renewal: 0 / 2.
        let y = r.year(2024);
        assert_eq!(y.departures, 2);
        assert!((y.mean_headcount - 10.0 / 12.0).abs() < 1e-12);
        assert!((y.turnover.unwrap() - 2.0 / (10.0 / 12.0)).abs() < 1e-12);
        assert_eq!((y.missions_ended, y.missions_renewed), (2, 0));
        // A co-incubated product counts for its co-incubator too.
        let mut shared = product("beta", "inc-b");
        shared.incubators = vec![Slug::parse("inc-a").unwrap()];
        let scope = Scope::incubator(&Slug::parse("inc-a").unwrap(), [&shared]);
        assert_eq!(
            Retention::new(&members, &scope, day(TODAY))
                .headline()
                .headcount,
            1
        );
    }

    #[test]
    fn nobody_gives_absent_ratios() {
        let r = Retention::new(&[], &Scope::Network, day(TODAY));
        let h = r.headline();
        assert_eq!((h.members, h.headcount), (0, 0));
        assert_eq!(h.public_agent_share, None);
        assert_eq!(h.median_tenure_days, None);
        assert_eq!(h.last_year.turnover, None);
        assert_eq!(h.last_year.renewal_rate, None);
        assert_eq!(r.first_month(), Month::of(day(TODAY)));
    }
}
