//! The `audit` context: the append-only, hash-chained log of every write.
//!
//! A write hands the log a [`Change`] per record (what it was, what it became); the store
//! turns each into an [`AuditEntry`] chained to the previous one by its hash
//! ([`chain`]), so that altering, removing or reordering an entry breaks the chain at that
//! entry. Personal values are sealed with a key per person ([`seal`]); destroying the key
//! erases them from every entry without touching the chain. Pure: no I/O here.

mod chain;
mod seal;

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::DomainError;

pub use chain::{
    AuditEntry, BreakReason, ChainBreak, ChainHead, ChainVerifier, GENESIS_HASH, StoredEntry,
    audit_time, canonical_json, entry_hash, format_time, verify_chain,
};
pub use seal::{ERASED, PersonKey, SealError, is_sealed, open, open_personal, seal, seal_personal};

/// What kind of party made a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A person signed in with their account.
    Account,
    /// A machine using an account's API token.
    Token,
    /// Someone running the `pilote` command on the server.
    Cli,
    /// Pilote itself (demo data, maintenance).
    System,
}

impl ActorKind {
    /// Every kind.
    pub const ALL: [Self; 4] = [Self::Account, Self::Token, Self::Cli, Self::System];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Token => "token",
            Self::Cli => "cli",
            Self::System => "system",
        }
    }

    /// The French label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Account => "compte",
            Self::Token => "jeton d'API",
            Self::Cli => "ligne de commande",
            Self::System => "système",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| DomainError::UnknownAuditName(name.to_owned()))
    }
}

/// Who made a write.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct Actor {
    /// What kind of party.
    pub kind: ActorKind,
    /// Its identifier within that kind (account number, token number, OS user, ...).
    pub id: String,
    /// The name shown in the log.
    pub name: String,
}

impl Actor {
    /// A person signed in with the account `account`. The log names the account by number
    /// only: a name would be a personal value that erasure could not remove from the chain.
    pub fn account(account: i64) -> Self {
        Self {
            kind: ActorKind::Account,
            id: account.to_string(),
            name: format!("compte n° {account}"),
        }
    }

    /// A machine using the API token `token` of the account `account` (named by numbers
    /// only, as [`Actor::account`]).
    pub fn token(account: i64, token: i64) -> Self {
        Self {
            kind: ActorKind::Token,
            id: account.to_string(),
            name: format!("jeton n° {token} du compte n° {account}"),
        }
    }

    /// The account behind a person or a machine, when there is one.
    pub fn account_number(&self) -> Option<i64> {
        match self.kind {
            ActorKind::Account | ActorKind::Token => self.id.parse().ok(),
            ActorKind::Cli | ActorKind::System => None,
        }
    }

    /// Someone running the command line as the OS user `user`.
    pub fn cli(user: impl Into<String>) -> Self {
        let user = user.into();
        Self {
            kind: ActorKind::Cli,
            id: user.clone(),
            name: user,
        }
    }

    /// Pilote itself, doing `what` (`démo`, ...).
    pub fn system(what: impl Into<String>) -> Self {
        let what = what.into();
        Self {
            kind: ActorKind::System,
            id: what.clone(),
            name: what,
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            // Their names already say what they are.
            ActorKind::Account | ActorKind::Token => f.write_str(&self.name),
            ActorKind::Cli | ActorKind::System => {
                write!(f, "{} ({})", self.name, self.kind.label())
            }
        }
    }
}

/// What a write did to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// The record was created.
    Create,
    /// The record was changed.
    Update,
    /// The record was deleted.
    Delete,
    /// A role was granted.
    Grant,
    /// A role or a token was revoked.
    Revoke,
    /// Someone signed in.
    SignIn,
    /// A person's personal data was erased.
    Erase,
}

impl AuditAction {
    /// Every action.
    pub const ALL: [Self; 7] = [
        Self::Create,
        Self::Update,
        Self::Delete,
        Self::Grant,
        Self::Revoke,
        Self::SignIn,
        Self::Erase,
    ];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
            Self::Grant => "grant",
            Self::Revoke => "revoke",
            Self::SignIn => "sign_in",
            Self::Erase => "erase",
        }
    }

    /// The French label, for pages.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Create => "création",
            Self::Update => "modification",
            Self::Delete => "suppression",
            Self::Grant => "attribution",
            Self::Revoke => "retrait",
            Self::SignIn => "connexion",
            Self::Erase => "effacement",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|action| action.as_str() == name)
            .ok_or_else(|| DomainError::UnknownAuditName(name.to_owned()))
    }
}

/// What one write did to one record: what a write hands to the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// What was done.
    pub action: AuditAction,
    /// The kind of record (`product`, `member`, `account`, ...).
    pub entity_kind: String,
    /// The record's identifier (a slug, an account number).
    pub entity_id: String,
    /// The person whose key seals the personal values (`member:jean.dupont`, `account:42`).
    pub subject: Option<String>,
    /// The record before the write; `None` on creation.
    pub before: Option<Value>,
    /// The record after the write; `None` on deletion.
    pub after: Option<Value>,
}

impl Change {
    /// Whether `before` or `after` holds a personal value (see [`personal_fields`]).
    pub fn holds_personal_values(&self) -> bool {
        let fields = personal_fields(&self.entity_kind);
        [&self.before, &self.after]
            .into_iter()
            .flatten()
            .any(|value| {
                fields
                    .iter()
                    .any(|field| value.get(field).is_some_and(|v| !v.is_null()))
            })
    }

    /// The subject whose key seals this change: the one given, or, for a record holding
    /// personal values without one, the record itself (never store them in the clear).
    pub fn sealing_subject(&self) -> Option<String> {
        self.subject.clone().or_else(|| {
            self.holds_personal_values()
                .then(|| format!("{}:{}", self.entity_kind, self.entity_id))
        })
    }

    /// This change with its personal values sealed under `key`.
    pub fn sealed(mut self, key: &PersonKey) -> Result<Self, SealError> {
        for value in [&mut self.before, &mut self.after].into_iter().flatten() {
            seal_personal(&self.entity_kind, value, key)?;
        }
        Ok(self)
    }
}

/// The top-level fields of a record kind that hold personal data: sealed in the log and
/// erasable. The one place that says which fields are personal.
pub fn personal_fields(entity_kind: &str) -> &'static [&'static str] {
    match entity_kind {
        "member" => &["email", "phone"],
        "account" => &["email", "given_name", "usual_name", "uid", "siret"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Ok(action));
            assert_eq!(
                serde_json::to_value(action).unwrap(),
                json!(action.as_str())
            );
        }
        for kind in ActorKind::ALL {
            assert_eq!(ActorKind::parse(kind.as_str()), Ok(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
        }
        assert!(AuditAction::parse("explode").is_err());
        assert_eq!(AuditAction::Update.label(), "modification");
    }

    #[test]
    fn actors_say_who_they_are() {
        let cli = Actor::cli("marie");
        assert_eq!((cli.kind, cli.id.as_str()), (ActorKind::Cli, "marie"));
        assert_eq!(Actor::system("démo").to_string(), "démo (système)");
        let account = Actor::account(42);
        assert_eq!(account.to_string(), "compte n° 42");
        assert_eq!(account.account_number(), Some(42));
        let token = Actor::token(42, 7);
        assert_eq!(token.to_string(), "jeton n° 7 du compte n° 42");
        assert_eq!(token.account_number(), Some(42));
        assert_eq!(cli.account_number(), None);
    }

    #[test]
    fn a_change_without_subject_is_sealed_under_its_record() {
        let change = Change {
            action: AuditAction::Create,
            entity_kind: "member".into(),
            entity_id: "jean.dupont".into(),
            subject: None,
            before: None,
            after: Some(json!({"slug": "jean.dupont", "email": "jean@example.org"})),
        };
        assert!(change.holds_personal_values());
        assert_eq!(
            change.sealing_subject().as_deref(),
            Some("member:jean.dupont")
        );
        let public = Change {
            after: Some(json!({"slug": "jean.dupont", "email": null})),
            ..change
        };
        assert!(!public.holds_personal_values());
        assert_eq!(public.sealing_subject(), None);
    }
}
