//! Money, stored as integer cents and shown in euros.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::DomainError;

/// An amount in euro cents. Shown in JSON as euros (`300000`, or `12.5` when cents remain).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money {
    cents: i64,
}

impl Money {
    /// An amount from cents.
    pub const fn from_cents(cents: i64) -> Self {
        Self { cents }
    }

    /// An amount from whole euros, refusing what would overflow.
    pub fn from_euros(euros: i64) -> Result<Self, DomainError> {
        euros
            .checked_mul(100)
            .map(Self::from_cents)
            .ok_or_else(|| DomainError::InvalidAmount(euros.to_string()))
    }

    /// An amount from a decimal number of euros, rounded to the cent.
    pub fn from_euros_f64(euros: f64) -> Result<Self, DomainError> {
        let cents = (euros * 100.0).round();
        // i64 holds every cent count below 9e16 exactly through f64.
        if !cents.is_finite() || cents.abs() > 9.0e15 {
            return Err(DomainError::InvalidAmount(euros.to_string()));
        }
        #[expect(clippy::cast_possible_truncation, reason = "range checked above")]
        Ok(Self::from_cents(cents as i64))
    }

    /// The amount in cents.
    pub const fn cents(self) -> i64 {
        self.cents
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.cents % 100 == 0 {
            serializer.serialize_i64(self.cents / 100)
        } else {
            #[expect(
                clippy::cast_precision_loss,
                reason = "amounts stay far below 2^53 cents"
            )]
            serializer.serialize_f64(self.cents as f64 / 100.0)
        }
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let euros = f64::deserialize(deserializer)?;
        Self::from_euros_f64(euros).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Money {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Number)
            .description(Some("Montant en euros"))
            .into()
    }
}

impl utoipa::ToSchema for Money {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shows_euros() {
        assert_eq!(
            serde_json::to_string(&Money::from_euros(300_000).unwrap()).unwrap(),
            "300000"
        );
        assert_eq!(
            serde_json::to_string(&Money::from_cents(1250)).unwrap(),
            "12.5"
        );
    }

    proptest! {
        #[test]
        fn round_trips_through_json(cents in -1_000_000_000_000i64..1_000_000_000_000) {
            let money = Money::from_cents(cents);
            let back: Money = serde_json::from_str(&serde_json::to_string(&money).unwrap()).unwrap();
            prop_assert_eq!(back, money);
        }
    }
}
