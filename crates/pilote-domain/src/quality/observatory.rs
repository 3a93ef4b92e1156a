//! The levels of the online-procedures quality observatory: each indicator's value becomes a
//! colour by the thresholds the observatory publishes (DESIGN §5).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::record::{QualityRecord, Rating};
use super::rgaa::StatementStatus;
use super::service::ServiceHealth;
use crate::Slug;
use crate::portfolio::PhaseName;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// An indicator's colour in the observatory.
    pub enum Level ("niveau") {
        /// Good.
        Green = ("green", "Vert"),
        /// Fair.
        Yellow = ("yellow", "Orange"),
        /// Poor.
        Red = ("red", "Rouge"),
        /// A State identity service is offered, or the service comes to its users unasked.
        Blue = ("blue", "Bleu"),
        /// Too little to judge, or not applicable.
        Gray = ("gray", "Gris"),
    }
}

vocabulary! {
    /// How users sign in to the service.
    pub enum Identity ("identification") {
        /// FranceConnect.
        FranceConnect = ("franceconnect", "FranceConnect"),
        /// FranceConnect+.
        FranceConnectPlus = ("franceconnect_plus", "FranceConnect+"),
        /// ProConnect, for agents and professionals.
        ProConnect = ("proconnect", "ProConnect"),
        /// An account of its own, or none.
        None = ("none", "Aucune identification de l’État"),
        /// The service needs no sign-in.
        NotApplicable = ("not_applicable", "Non applicable"),
    }
}

vocabulary! {
    /// How much of the procedure is online.
    pub enum Online ("dématérialisation") {
        /// All of it.
        Yes = ("yes", "Oui"),
        /// Part of it.
        Partial = ("partial", "Partielle"),
        /// None of it.
        No = ("no", "Non"),
        /// The service acts without being asked.
        Proactive = ("proactive", "Proactive"),
    }
}

/// Reviews below which satisfaction and simplicity are not judged.
pub const MIN_REVIEWS: u32 = 100;

/// Satisfaction or simplicity, out of 10, from `reviews` reviews.
pub fn rating(score: f64, reviews: u32) -> Level {
    if reviews < MIN_REVIEWS {
        Level::Gray
    } else if score >= 8.0 {
        Level::Green
    } else if score >= 5.0 {
        Level::Yellow
    } else {
        Level::Red
    }
}

/// Accessibility: the RGAA rate (%) of the statement; no statement is red.
pub fn handicap(rate: Option<f64>) -> Level {
    match rate {
        Some(rate) if rate >= 100.0 => Level::Green,
        Some(rate) if rate >= 50.0 => Level::Yellow,
        _ => Level::Red,
    }
}

/// Availability over three months, in %.
pub fn uptime(percent: f64) -> Level {
    if percent >= 99.9 {
        Level::Green
    } else if percent >= 98.5 {
        Level::Yellow
    } else {
        Level::Red
    }
}

/// Mean load time, in milliseconds.
pub fn performance(mean_ms: f64) -> Level {
    if mean_ms < 400.0 {
        Level::Green
    } else if mean_ms < 800.0 {
        Level::Yellow
    } else {
        Level::Red
    }
}

/// The sign-in offered.
pub const fn auth(identity: Identity) -> Level {
    match identity {
        // The State's identity federations, for the public and for agents.
        Identity::FranceConnect | Identity::FranceConnectPlus | Identity::ProConnect => Level::Blue,
        Identity::None => Level::Red,
        Identity::NotApplicable => Level::Gray,
    }
}

/// Fields asked that the administration could pre-fill (« dites-le nous une fois »).
pub const fn dlnuf(fields: u32) -> Level {
    match fields {
        0 => Level::Green,
        1..=4 => Level::Yellow,
        _ => Level::Red,
    }
}

/// Share of users who could reach help, in %.
pub fn help_reachable(percent: f64) -> Level {
    if percent >= 85.0 {
        Level::Green
    } else if percent >= 70.0 {
        Level::Yellow
    } else {
        Level::Red
    }
}

/// How much of the procedure is online.
pub const fn online(online: Online) -> Level {
    match online {
        Online::Yes => Level::Green,
        Online::Partial => Level::Yellow,
        Online::No => Level::Red,
        Online::Proactive => Level::Blue,
    }
}

vocabulary! {
    /// An indicator of the observatory.
    pub enum Indicator ("indicateur") {
        /// Users' satisfaction (/10).
        Satisfaction = ("satisfaction", "Satisfaction"),
        /// How simple users find it (/10).
        Simplicity = ("simplicity", "Simplicité"),
        /// Accessibility: the RGAA rate.
        Handicap = ("handicap", "Accessibilité"),
        /// Availability over three months.
        Uptime = ("uptime", "Disponibilité"),
        /// Mean load time.
        Performance = ("performance", "Rapidité"),
        /// The sign-in offered.
        Auth = ("auth", "Identification"),
        /// Fields that could be pre-filled.
        Dlnuf = ("dlnuf", "Dites-le nous une fois"),
        /// Share of users who could reach help.
        HelpReachable = ("help_reachable", "Aide joignable"),
        /// Share of users who used help.
        HelpUsed = ("help_used", "Aide utilisée"),
        /// How much of the procedure is online.
        Online = ("online", "Démarche en ligne"),
        /// Share of users who go online.
        Usage = ("usage", "Usage en ligne"),
    }
}

vocabulary! {
    /// Where an indicator's value comes from.
    pub enum Source ("source") {
        /// Measured by Pilote's probes.
        Probe = ("probe", "Sonde"),
        /// An RGAA audit.
        Audit = ("audit", "Audit"),
        /// Declared by the team in its quality record.
        Declared = ("declared", "Déclaré"),
        /// The beta.gouv.fr network's own fields.
        Network = ("network", "Réseau beta.gouv.fr"),
    }
}

/// One indicator of one product in the observatory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Reading {
    /// Which indicator.
    pub indicator: Indicator,
    /// Its colour; none for those shown as plain percentages (usage, help used).
    pub level: Option<Level>,
    /// The value as a number, when it is one.
    pub value: Option<f64>,
    /// The value as shown, in French (« 99,95 % », « FranceConnect », « Non mesuré »).
    pub shown: String,
    /// Where it comes from; none when nothing is known.
    pub source: Option<Source>,
    /// The day or time of the evidence.
    pub date: Option<String>,
}

/// One product's line of the observatory table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ObservatoryRow {
    /// The product.
    #[schema(value_type = String)]
    pub product: Slug,
    /// Its name.
    pub title: String,
    /// Its incubator.
    #[schema(value_type = String)]
    pub incubator: Slug,
    /// The ministerial domains of its sponsors.
    pub ministries: Vec<String>,
    /// Its current phase.
    pub phase: Option<PhaseName>,
    /// Its public address, which the probes check.
    pub url: Option<String>,
    /// Every indicator, in the observatory's order.
    pub readings: Vec<Reading>,
}

/// A quarter's edition name (« 2026-T4 ») for a day.
pub fn edition_of(day: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}-T{}", day.year(), day.month0() / 3 + 1)
}

/// What the observatory knows of a product.
#[derive(Debug, Clone, Copy)]
pub struct Evidence<'a> {
    /// Its quality record.
    pub record: &'a QualityRecord,
    /// Whether the team wrote the record, or it was read from the network.
    pub record_source: Source,
    /// Its latest RGAA audit with a rate: the rate and the audit's day.
    pub audit: Option<(f64, NaiveDate)>,
    /// Its service's health over three months.
    pub health: Option<&'a ServiceHealth>,
}

/// A number in French: a decimal comma, at most two decimals, no trailing zeros.
pub fn french_number(value: f64) -> String {
    let text = format!("{:.2}", (value * 100.0).round() / 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.replace('.', ",")
}

impl Reading {
    fn unknown(indicator: Indicator, shown: &str) -> Self {
        Self {
            indicator,
            // Shown as plain percentages, these have no colour even when known.
            level: (!matches!(indicator, Indicator::Usage | Indicator::HelpUsed))
                .then_some(Level::Gray),
            value: None,
            shown: shown.to_owned(),
            source: None,
            date: None,
        }
    }

    fn declared(
        indicator: Indicator,
        level: Option<Level>,
        value: f64,
        shown: String,
        date: Option<NaiveDate>,
    ) -> Self {
        Self {
            indicator,
            level,
            value: Some(value),
            shown,
            source: Some(Source::Declared),
            date: date.map(|d| d.to_string()),
        }
    }
}

/// Every indicator of the observatory for one product, in the observatory's order.
pub fn readings(evidence: &Evidence<'_>) -> Vec<Reading> {
    const NOT_GIVEN: &str = "Non renseigné";
    let declared = &evidence.record.declared;
    let day = declared.date;
    let rating_reading = |indicator, rating: Option<Rating>| {
        rating.map_or_else(
            || Reading::unknown(indicator, NOT_GIVEN),
            |r| {
                Reading::declared(
                    indicator,
                    Some(self::rating(r.score, r.reviews)),
                    r.score,
                    format!("{}/10 ({} avis)", french_number(r.score), r.reviews),
                    day,
                )
            },
        )
    };
    let percent_reading = |indicator, value: Option<f64>, level: Option<fn(f64) -> Level>| {
        value.map_or_else(
            || Reading::unknown(indicator, NOT_GIVEN),
            |v| {
                Reading::declared(
                    indicator,
                    level.map(|level| level(v)),
                    v,
                    format!("{} %", french_number(v)),
                    day,
                )
            },
        )
    };
    let mut shown = vec![
        rating_reading(Indicator::Satisfaction, declared.satisfaction),
        rating_reading(Indicator::Simplicity, declared.simplicity),
        handicap_reading(evidence),
    ];
    shown.extend(service_readings(evidence.health));
    shown.push(evidence.record.identity.map_or_else(
        || Reading::unknown(Indicator::Auth, NOT_GIVEN),
        |identity| Reading {
            indicator: Indicator::Auth,
            level: Some(auth(identity)),
            value: None,
            shown: identity.label().to_owned(),
            source: Some(evidence.record_source),
            date: None,
        },
    ));
    shown.push(declared.dlnuf_fields.map_or_else(
        || Reading::unknown(Indicator::Dlnuf, NOT_GIVEN),
        |fields| {
            let plural = if fields > 1 { "s" } else { "" };
            Reading::declared(
                Indicator::Dlnuf,
                Some(dlnuf(fields)),
                f64::from(fields),
                format!("{fields} champ{plural}"),
                day,
            )
        },
    ));
    shown.push(percent_reading(
        Indicator::HelpReachable,
        declared.help_reachable,
        Some(help_reachable),
    ));
    shown.push(percent_reading(
        Indicator::HelpUsed,
        declared.help_used,
        None,
    ));
    shown.push(declared.online.map_or_else(
        || Reading::unknown(Indicator::Online, NOT_GIVEN),
        |value| Reading {
            indicator: Indicator::Online,
            level: Some(online(value)),
            value: None,
            shown: value.label().to_owned(),
            source: Some(Source::Declared),
            date: day.map(|d| d.to_string()),
        },
    ));
    shown.push(percent_reading(Indicator::Usage, declared.usage, None));
    shown
}

/// Accessibility: the latest audit's rate, else the statement's status, else red.
fn handicap_reading(evidence: &Evidence<'_>) -> Reading {
    if let Some((rate, day)) = evidence.audit {
        return Reading {
            indicator: Indicator::Handicap,
            level: Some(handicap(Some(rate))),
            value: Some(rate),
            shown: format!("{} %", french_number(rate)),
            source: Some(Source::Audit),
            date: Some(day.to_string()),
        };
    }
    let Some(statement) = &evidence.record.statement else {
        return Reading {
            level: Some(Level::Red),
            ..Reading::unknown(Indicator::Handicap, "Pas de déclaration d’accessibilité")
        };
    };
    // A statement without an audit here: its status stands for the rate's band.
    let level = match statement.status {
        StatementStatus::FullyCompliant => Level::Green,
        StatementStatus::PartiallyCompliant => Level::Yellow,
        StatementStatus::NotCompliant => Level::Red,
    };
    Reading {
        indicator: Indicator::Handicap,
        level: Some(level),
        value: None,
        shown: statement.status.label().to_owned(),
        source: Some(evidence.record_source),
        date: statement.date.map(|d| d.to_string()),
    }
}

/// Uptime and performance, from the probes.
fn service_readings(health: Option<&ServiceHealth>) -> [Reading; 2] {
    const NOT_MEASURED: &str = "Non mesuré";
    let measured = |indicator, value: Option<f64>, level: fn(f64) -> Level, unit: &str| match (
        health, value,
    ) {
        (Some(health), Some(value)) => Reading {
            indicator,
            level: Some(level(value)),
            value: Some(value),
            shown: format!("{} {unit}", french_number(value)),
            source: Some(Source::Probe),
            date: health.last_checked_at.clone(),
        },
        _ => Reading::unknown(indicator, NOT_MEASURED),
    };
    [
        measured(
            Indicator::Uptime,
            health.and_then(ServiceHealth::uptime),
            uptime,
            "%",
        ),
        measured(
            Indicator::Performance,
            health.and_then(|h| h.mean_ms).map(f64::round),
            performance,
            "ms",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_at_their_edges() {
        assert_eq!(rating(9.0, 99), Level::Gray);
        assert_eq!(rating(8.0, 100), Level::Green);
        assert_eq!(rating(7.99, 100), Level::Yellow);
        assert_eq!(rating(5.0, 100), Level::Yellow);
        assert_eq!(rating(4.99, 100), Level::Red);
    }

    #[test]
    fn handicap_at_its_edges() {
        assert_eq!(handicap(Some(100.0)), Level::Green);
        assert_eq!(handicap(Some(99.99)), Level::Yellow);
        assert_eq!(handicap(Some(50.0)), Level::Yellow);
        assert_eq!(handicap(Some(49.99)), Level::Red);
        assert_eq!(handicap(None), Level::Red);
    }

    #[test]
    fn uptime_and_performance_at_their_edges() {
        assert_eq!(uptime(99.9), Level::Green);
        assert_eq!(uptime(99.89), Level::Yellow);
        assert_eq!(uptime(98.5), Level::Yellow);
        assert_eq!(uptime(98.49), Level::Red);
        assert_eq!(performance(399.9), Level::Green);
        assert_eq!(performance(400.0), Level::Yellow);
        assert_eq!(performance(799.9), Level::Yellow);
        assert_eq!(performance(800.0), Level::Red);
    }

    #[test]
    fn declared_indicators_at_their_edges() {
        assert_eq!(auth(Identity::FranceConnect), Level::Blue);
        assert_eq!(auth(Identity::FranceConnectPlus), Level::Blue);
        assert_eq!(auth(Identity::ProConnect), Level::Blue);
        assert_eq!(auth(Identity::None), Level::Red);
        assert_eq!(auth(Identity::NotApplicable), Level::Gray);
        assert_eq!(dlnuf(0), Level::Green);
        assert_eq!(dlnuf(1), Level::Yellow);
        assert_eq!(dlnuf(4), Level::Yellow);
        assert_eq!(dlnuf(5), Level::Red);
        assert_eq!(help_reachable(85.0), Level::Green);
        assert_eq!(help_reachable(84.99), Level::Yellow);
        assert_eq!(help_reachable(70.0), Level::Yellow);
        assert_eq!(help_reachable(69.99), Level::Red);
        assert_eq!(online(Online::Yes), Level::Green);
        assert_eq!(online(Online::Partial), Level::Yellow);
        assert_eq!(online(Online::No), Level::Red);
        assert_eq!(online(Online::Proactive), Level::Blue);
    }

    fn find(readings: &[Reading], indicator: Indicator) -> &Reading {
        readings.iter().find(|r| r.indicator == indicator).unwrap()
    }

    #[test]
    fn readings_name_their_level_source_and_date() {
        use super::super::record::{Declared, Statement};
        let record = QualityRecord {
            identity: Some(Identity::FranceConnect),
            statement: Some(Statement {
                url: None,
                date: NaiveDate::from_ymd_opt(2025, 1, 2),
                status: StatementStatus::PartiallyCompliant,
            }),
            declared: Declared {
                date: NaiveDate::from_ymd_opt(2026, 9, 30),
                satisfaction: Some(Rating {
                    score: 8.25,
                    reviews: 120,
                }),
                simplicity: Some(Rating {
                    score: 9.0,
                    reviews: 12,
                }),
                dlnuf_fields: Some(5),
                usage: Some(42.5),
                ..Declared::default()
            },
            ..QualityRecord::default()
        };
        let health = ServiceHealth {
            product: crate::Slug::parse("p").unwrap(),
            checks: 1000,
            up: 999,
            mean_ms: Some(399.6),
            since: "2026-09-01T00:00:00Z".into(),
            last_checked_at: Some("2026-12-01T10:00:00Z".into()),
        };
        let evidence = Evidence {
            record: &record,
            record_source: Source::Declared,
            audit: None,
            health: Some(&health),
        };
        let all = readings(&evidence);
        assert_eq!(all.len(), Indicator::ALL.len());
        let satisfaction = find(&all, Indicator::Satisfaction);
        assert_eq!(satisfaction.level, Some(Level::Green));
        assert_eq!(satisfaction.shown, "8,25/10 (120 avis)");
        assert_eq!(satisfaction.date.as_deref(), Some("2026-09-30"));
        // Under 100 reviews: gray, whatever the score.
        assert_eq!(find(&all, Indicator::Simplicity).level, Some(Level::Gray));
        let handicap = find(&all, Indicator::Handicap);
        assert_eq!(
            (handicap.level, handicap.source),
            (Some(Level::Yellow), Some(Source::Declared))
        );
        let uptime = find(&all, Indicator::Uptime);
        assert_eq!(uptime.shown, "99,9 %");
        assert_eq!(
            (uptime.level, uptime.source),
            (Some(Level::Green), Some(Source::Probe))
        );
        // 399.6 ms rounds to 400: yellow.
        let performance = find(&all, Indicator::Performance);
        assert_eq!(
            (performance.level, performance.shown.as_str()),
            (Some(Level::Yellow), "400 ms")
        );
        assert_eq!(find(&all, Indicator::Auth).level, Some(Level::Blue));
        assert_eq!(find(&all, Indicator::Dlnuf).level, Some(Level::Red));
        let usage = find(&all, Indicator::Usage);
        assert_eq!((usage.level, usage.shown.as_str()), (None, "42,5 %"));
        let help = find(&all, Indicator::HelpReachable);
        assert_eq!(
            (help.level, help.source, help.shown.as_str()),
            (Some(Level::Gray), None, "Non renseigné")
        );

        // An audit's rate wins over the statement; no probe: not measured.
        let audited = Evidence {
            audit: Some((100.0, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())),
            health: None,
            ..evidence
        };
        let all = readings(&audited);
        let handicap = find(&all, Indicator::Handicap);
        assert_eq!(
            (handicap.level, handicap.source, handicap.date.as_deref()),
            (Some(Level::Green), Some(Source::Audit), Some("2026-11-01"))
        );
        assert_eq!(find(&all, Indicator::Uptime).shown, "Non mesuré");
        // No statement at all: red.
        let bare = QualityRecord::default();
        let all = readings(&Evidence {
            record: &bare,
            record_source: Source::Network,
            audit: None,
            health: None,
        });
        assert_eq!(find(&all, Indicator::Handicap).level, Some(Level::Red));
    }

    #[test]
    fn editions_are_quarters() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(edition_of(day(1, 1)), "2026-T1");
        assert_eq!(edition_of(day(3, 31)), "2026-T1");
        assert_eq!(edition_of(day(4, 1)), "2026-T2");
        assert_eq!(edition_of(day(12, 31)), "2026-T4");
    }

    #[test]
    fn numbers_read_in_french() {
        assert_eq!(french_number(99.9), "99,9");
        assert_eq!(french_number(100.0), "100");
        assert_eq!(french_number(66.666), "66,67");
    }
}
