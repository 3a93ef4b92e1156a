//! The levels of the online-procedures quality observatory: each indicator's value becomes a
//! colour by the thresholds the observatory publishes (DESIGN §5).

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
}
