//! The domain's one error type: a value that cannot be what it claims to be.

/// Why a value was refused. Messages are in French: they reach users as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A slug with characters or a length that no reference may have.
    #[error("identifiant invalide « {value} » : {reason}")]
    InvalidSlug {
        /// The refused text.
        value: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A phase name that is neither current nor a known legacy name.
    #[error("phase inconnue « {0} »")]
    UnknownPhase(String),
    /// A member's `domaine` outside the network's list.
    #[error("domaine inconnu « {0} »")]
    UnknownDomaine(String),
    /// A mission status outside `independent | admin | service`.
    #[error("statut de mission inconnu « {0} »")]
    UnknownMissionStatus(String),
    /// A date that is not an ISO-8601 calendar date.
    #[error("date invalide « {0} » (attendu AAAA-MM-JJ)")]
    InvalidDate(String),
    /// An amount of money that cannot be represented.
    #[error("montant invalide « {0} »")]
    InvalidAmount(String),
    /// A field that must hold text was empty.
    #[error("ce champ est obligatoire")]
    Required,
}
