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
    /// A discipline outside the delivery context's list.
    #[error("discipline inconnue « {0} »")]
    UnknownDiscipline(String),
    /// A phase listed twice in a recommended composition.
    #[error("la phase « {0} » figure deux fois")]
    DuplicatePhase(String),
    /// A mission status outside `independent | admin | service`.
    #[error("statut de mission inconnu « {0} »")]
    UnknownMissionStatus(String),
    /// A date that is not an ISO-8601 calendar date.
    #[error("date invalide « {0} » (attendu AAAA-MM-JJ)")]
    InvalidDate(String),
    /// An amount of money that cannot be represented.
    #[error("montant invalide « {0} »")]
    InvalidAmount(String),
    /// A page weight that is negative, infinite or not a number.
    #[error("poids de page invalide « {0} » (attendu un nombre de Ko positif ou nul)")]
    InvalidPageSize(String),
    /// A field that must hold text was empty.
    #[error("ce champ est obligatoire")]
    Required,
    /// An audit action or actor kind that does not exist.
    #[error("nom inconnu dans le journal d'audit « {0} »")]
    UnknownAuditName(String),
    /// A role name outside the permission table.
    #[error("rôle inconnu « {0} »")]
    UnknownRole(String),
    /// A token scope that does not exist.
    #[error("portée inconnue « {0} »")]
    UnknownScope(String),
    /// Product membership follows from missions; it is never granted.
    #[error("le rôle de membre d'un produit découle des missions et ne s'attribue pas")]
    DerivedRole,
    /// A scoped role granted without its scope (incubator, organisation, producer, call).
    #[error("le rôle « {0} » s'attribue pour {1}")]
    RoleNeedsScope(&'static str, &'static str),
    /// An unscoped role granted with a scope.
    #[error("le rôle « {0} » ne se limite pas à un périmètre")]
    RoleTakesNoScope(&'static str),
    /// An impact category outside the list.
    #[error("catégorie d'impact inconnue « {0} »")]
    UnknownImpactCategory(String),
    /// An indicator unit outside `eur | count | percent | days | hours | score`.
    #[error("unité inconnue « {0} »")]
    UnknownUnit(String),
    /// An indicator direction other than `higher_is_better | lower_is_better`.
    #[error("sens d'amélioration inconnu « {0} »")]
    UnknownDirection(String),
    /// A measurement method other than `measured | estimated | declared`.
    #[error("méthode de mesure inconnue « {0} »")]
    UnknownMeasurementMethod(String),
    /// A budget source outside the list.
    #[error("source de financement inconnue « {0} »")]
    UnknownBudgetSource(String),
    /// Two quantities of different units added together.
    #[error("impossible d'additionner des {} et des {}", .left.plural(), .right.plural())]
    IncompatibleUnits {
        /// The left operand's unit.
        left: crate::impact::Unit,
        /// The right operand's unit.
        right: crate::impact::Unit,
    },
    /// Rates and scores are levels, not quantities: their sum means nothing.
    #[error("impossible d'additionner des {} : ce sont des niveaux, pas des quantités", .0.plural())]
    NotAdditive(crate::impact::Unit),
    /// A release size outside `small | medium | large`.
    #[error("taille de livraison inconnue « {0} » (attendu small, medium ou large)")]
    UnknownReleaseSize(String),
    /// A release source outside `declared | forge`.
    #[error("origine de livraison inconnue « {0} »")]
    UnknownReleaseSource(String),
    /// An address that should lead to a web page.
    #[error("« {0} » doit être une adresse http:// ou https://")]
    NotAWebAddress(String),
    /// A committee decision kind outside the list.
    #[error("décision inconnue « {0} »")]
    UnknownDecisionKind(String),
    /// A committee held without anyone on it.
    #[error("indiquez au moins un membre du comité")]
    CommitteeWithoutMembers,
    /// A decision to move to a phase that names none.
    #[error("une décision de passage de phase doit indiquer la nouvelle phase")]
    DecisionWithoutPhase,
    /// A decision to move a product to the phase it is already in.
    #[error("le produit est déjà en phase « {0} » : choisissez une autre phase")]
    DecisionToCurrentPhase(&'static str),
    /// A phase given with a decision that does not change it.
    #[error("seule une décision de passage de phase indique une phase")]
    PhaseWithoutMove,
    /// Funding granted without a positive amount.
    #[error("un financement accordé doit indiquer un montant positif, en centimes")]
    FundingWithoutAmount,
    /// An amount given with a decision that grants no funding.
    #[error("seul un financement accordé indique un montant")]
    AmountWithoutFunding,
    /// A stop decision on a product already stopped.
    #[error("le produit est déjà arrêté")]
    AlreadyStopped,
    /// A decision dated before the start of the product's current phase.
    #[error("la décision ({date}) précède le début de la phase en cours ({start})")]
    DecisionBeforeCurrentPhase {
        /// The committee's date.
        date: chrono::NaiveDate,
        /// The current phase's start.
        start: chrono::NaiveDate,
    },
    /// A decision "without details" recorded by hand: only imported committees lack them.
    #[error(
        "une décision saisie précise son objet : poursuite, passage de phase, arrêt ou financement"
    )]
    DecisionWithoutDetails,
    /// A decision on a product its committee's incubator does not run.
    #[error(
        "le produit « {product} » n'est pas suivi par l'incubateur du comité (« {incubator} »)"
    )]
    ProductOutsideIncubator {
        /// The product.
        product: String,
        /// The committee's incubator.
        incubator: String,
    },
    /// A value outside a closed list.
    #[error("{what} : valeur inconnue « {value} »")]
    UnknownValue {
        /// What the list is.
        what: &'static str,
        /// The value given.
        value: String,
    },
    /// A text that must be given.
    #[error("{0} : ce champ est obligatoire")]
    RequiredText(&'static str),
    /// A text longer than allowed.
    #[error("{field} : {max} caractères au plus")]
    TooLong {
        /// The field's name.
        field: &'static str,
        /// The most characters.
        max: usize,
    },
    /// A support step its request's status does not allow.
    #[error("impossible {step} une demande « {status} »")]
    StepNotAllowed {
        /// The step, with its preposition (« d’accepter »).
        step: &'static str,
        /// The request's status.
        status: &'static str,
    },
    /// Time recorded outside one working day.
    #[error("durée invalide ({0} min) : entre 1 et 720 minutes par saisie")]
    MinutesOutOfRange(i64),
    /// An expert who is not in the steering team.
    #[error("le compte n° {0} n'est pas membre de l'équipe de pilotage (administrateur ou expert)")]
    NotAnExpert(i64),
    /// An audit result for a criterion the audit's type does not check.
    #[error("le critère {criterion} n'est pas vérifié par un « {audit} »")]
    CriterionOutsideAudit {
        /// The criterion.
        criterion: String,
        /// The audit's type.
        audit: &'static str,
    },
    /// A criterion answered twice in one self-assessment.
    #[error("le critère {0} a déjà une réponse")]
    AnsweredTwice(String),
    /// Non-compliances recorded on a criterion that is not non-compliant.
    #[error("seul un critère non conforme a des non-conformités")]
    NonComplianceOnCompliant,
    /// Values that contradict one another (a reason for a software that is not dereferenced).
    #[error("{0}")]
    Inconsistent(&'static str),
    /// A support request naming neither an organisation nor a product.
    #[error("indiquez l'organisation qui demande ou le produit concerné")]
    SupportWithoutRequester,
    /// An access request naming neither a dataset nor an API.
    #[error("indiquez le jeu de données ou l'API demandés")]
    AccessWithoutTarget,
    /// An access request naming both a dataset and an API.
    #[error("une demande porte sur un jeu de données ou sur une API, pas les deux")]
    AccessTwoTargets,
    /// A retention period outside one month to ten years.
    #[error("durée de conservation invalide ({0} mois) : entre 1 et 120 mois")]
    RetentionOutOfRange(i64),
    /// Text that is not an e-mail address.
    #[error("adresse électronique invalide « {0} »")]
    NotAnEmail(String),
    /// An access request whose content is no longer the applicant's to change.
    #[error("une demande « {0} » ne se modifie plus")]
    AccessNotEditable(&'static str),
}

/// The field and message of a deserialisation error at `path`.
///
/// serde reports a missing field on the record that lacks it (the path is `.`, the field
/// only in the message); this names the field itself, so that users read
/// `title: ce champ est obligatoire`.
pub fn field_error(path: &str, message: &str) -> (String, String) {
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match missing {
        Some(field) if path == "." => (field.to_owned(), DomainError::Required.to_string()),
        Some(field) => (format!("{path}.{field}"), DomainError::Required.to_string()),
        None => (path.to_owned(), message.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_missing_field() {
        let required = DomainError::Required.to_string();
        assert_eq!(
            field_error(".", "missing field `title`"),
            ("title".into(), required.clone())
        );
        assert_eq!(
            field_error("phases[0]", "missing field `start`"),
            ("phases[0].start".into(), required)
        );
        assert_eq!(field_error("phase", "bad"), ("phase".into(), "bad".into()));
    }
}
