//! The `identity` context: roles, the permission table, and API token scopes.
//!
//! Every decision "may this person do that to this record" is taken by [`Principal::may`]
//! against [`PERMISSIONS`], the one table of who may do what; the web layer only gathers
//! the principal and the target, and the documentation prints the same table.

use std::fmt;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{DomainError, Slug};

/// A role held by an account. Product membership is not granted: it follows from the
/// member's current missions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The steering team: every action on every record.
    Administrator,
    /// Runs one incubator and its products.
    IncubatorManager,
    /// Works on a product today (derived from missions).
    ProductMember,
    /// Keeps one organisation's record.
    OrganisationEditor,
    /// An expert of the steering team: handles support requests.
    SupportExpert,
    /// Reads the access requests to one data producer's restricted data.
    DataReporter,
    /// Decides the access requests to one data producer's restricted data.
    DataInstructor,
    /// Runs one data producer's access: decides requests and keeps its webhooks.
    DataManager,
    /// Publishes one organisation's job offers and reviews their applications.
    Recruiter,
    /// Sits on one call's panel: scores its proposals and reviews its applications.
    Panelist,
}

impl Role {
    /// Every role, in the documentation's order.
    pub const ALL: [Self; 10] = [
        Self::Administrator,
        Self::IncubatorManager,
        Self::ProductMember,
        Self::OrganisationEditor,
        Self::SupportExpert,
        Self::DataReporter,
        Self::DataInstructor,
        Self::DataManager,
        Self::Recruiter,
        Self::Panelist,
    ];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Administrator => "administrator",
            Self::IncubatorManager => "incubator_manager",
            Self::ProductMember => "product_member",
            Self::OrganisationEditor => "organisation_editor",
            Self::SupportExpert => "support_expert",
            Self::DataReporter => "data_reporter",
            Self::DataInstructor => "data_instructor",
            Self::DataManager => "data_manager",
            Self::Recruiter => "recruiter",
            Self::Panelist => "panelist",
        }
    }

    /// The French label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Administrator => "Administrateur (équipe de pilotage)",
            Self::IncubatorManager => "Responsable d'incubateur",
            Self::ProductMember => "Membre d'un produit",
            Self::OrganisationEditor => "Éditeur d'organisation",
            Self::SupportExpert => "Expert de l'équipe de pilotage (accompagnement)",
            Self::DataReporter => "Rapporteur d'un producteur de données",
            Self::DataInstructor => "Instructeur d'un producteur de données",
            Self::DataManager => "Responsable d'un producteur de données",
            Self::Recruiter => "Recruteur d'une organisation",
            Self::Panelist => "Membre du jury d'un appel",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == name)
            .ok_or_else(|| DomainError::UnknownRole(name.to_owned()))
    }
}

/// A role granted to an account, with the record it applies to when the role is scoped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct RoleGrant {
    /// The role.
    pub role: Role,
    /// The incubator, organisation or data producer, for scoped roles.
    #[serde(default)]
    pub scope: Option<Slug>,
}

impl RoleGrant {
    /// Checks that the role is one that is granted, with a scope exactly when it needs one.
    pub fn new(role: Role, scope: Option<Slug>) -> Result<Self, DomainError> {
        match (role, role.scope_kind(), &scope) {
            (Role::ProductMember, _, _) => Err(DomainError::DerivedRole),
            (_, Some(kind), None) => Err(DomainError::RoleNeedsScope(role.as_str(), kind)),
            (_, None, Some(_)) => Err(DomainError::RoleTakesNoScope(role.as_str())),
            _ => Ok(Self { role, scope }),
        }
    }
}

impl Role {
    /// What a scoped role is granted for, as the error messages name it; `None` for the
    /// roles that hold everywhere.
    pub const fn scope_kind(self) -> Option<&'static str> {
        match self {
            Self::IncubatorManager => Some("un incubateur précis"),
            Self::OrganisationEditor | Self::Recruiter => Some("une organisation précise"),
            Self::DataReporter | Self::DataInstructor | Self::DataManager => {
                Some("un producteur de données précis")
            }
            Self::Panelist => Some("un appel à défis précis"),
            Self::Administrator | Self::ProductMember | Self::SupportExpert => None,
        }
    }
}

impl fmt::Display for RoleGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.scope {
            Some(scope) => write!(f, "{} « {scope} »", self.role.label()),
            None => f.write_str(self.role.label()),
        }
    }
}

/// What an API token may be used for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
pub enum Scope {
    /// Read what the account may read, personal fields included.
    #[serde(rename = "read")]
    Read,
    /// Write products, members, incubators and organisations.
    #[serde(rename = "write:portfolio")]
    WritePortfolio,
    /// Grant roles and read the audit log.
    #[serde(rename = "admin")]
    Admin,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Self; 3] = [Self::Read, Self::WritePortfolio, Self::Admin];

    /// The name used in tokens and forms.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::WritePortfolio => "write:portfolio",
            Self::Admin => "admin",
        }
    }

    /// The French label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Read => "Lecture (y compris les champs personnels visibles par le compte)",
            Self::WritePortfolio => {
                "Écriture du portefeuille (produits, membres, incubateurs, organisations)"
            }
            Self::Admin => "Administration (rôles, journal d'audit)",
        }
    }

    /// Parses a scope name.
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|scope| scope.as_str() == name)
            .ok_or_else(|| DomainError::UnknownScope(name.to_owned()))
    }
}

/// Something a person may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Create a product.
    CreateProduct,
    /// Change a product.
    UpdateProduct,
    /// Delete a product.
    DeleteProduct,
    /// Create a member.
    CreateMember,
    /// Change a member.
    UpdateMember,
    /// Delete a member.
    DeleteMember,
    /// Read a member's personal fields.
    ReadPersonalFields,
    /// Change an incubator.
    UpdateIncubator,
    /// Change an organisation.
    UpdateOrganisation,
    /// Grant or revoke roles.
    ManageRoles,
    /// Read the audit log.
    ReadAuditLog,
    /// Create one's own API tokens.
    ManageOwnTokens,
    /// Declare a product's impact: its indicators and their measurements, and read those
    /// that are not public.
    ManageImpact,
    /// Set the team composition recommended for each phase.
    ConfigureTeamComposition,
    /// Hold an investment committee of an incubator and record its decisions.
    ManageCommittees,
    /// Ask the steering team for support, for an organisation or a product.
    RequestSupport,
    /// Read a support request and its trail.
    ReadSupportRequest,
    /// Write a message on a support request.
    WriteSupportMessage,
    /// Work the support queue: triage, assign, record time, close; see the dashboard.
    HandleSupportRequests,
    /// Freeze the quarter's edition of the quality observatory.
    PublishObservatory,
    /// Declare oneself user or referent of a software of the catalogue.
    DeclareSoftware,
    /// Withdraw a declaration about a software.
    WithdrawSoftwareDeclaration,
    /// Start a request for access to restricted data, for one's organisation.
    RequestDataAccess,
    /// Read an access request and its trail.
    ReadAccessRequest,
    /// Write, submit, reopen or archive one's organisation's access request.
    EditAccessRequest,
    /// Decide an access request: ask for changes, approve, refuse, revoke, archive.
    InstructAccessRequest,
    /// Write a message on an access request.
    WriteAccessMessage,
    /// See who is authorised to use a producer's restricted data.
    ReadAuthorisations,
    /// Subscribe receivers to a data producer's events, end them, read their deliveries.
    ManageWebhooks,
    /// Add trainings to the catalogue and record who attended them.
    ManageTrainings,
    /// Open a call for challenges and change it.
    ManageCalls,
    /// Propose a challenge to a call on behalf of an organisation.
    ProposeChallenges,
    /// Score a call's challenge proposals on its grid.
    ScoreProposals,
    /// Publish and change an organisation's job offers.
    ManageJobOffers,
    /// Read applications, candidates' personal data included.
    ReadApplications,
    /// Move an application along, and write to its candidate.
    ReviewApplications,
}

/// Who may do an action, each rule relative to the target record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Any administrator.
    Administrator,
    /// A manager of one of the target's incubators.
    IncubatorManager,
    /// A member with a current mission on the target product.
    ProductMember,
    /// An editor of the target organisation.
    OrganisationEditor,
    /// The member the target is.
    Themselves,
    /// An expert of the steering team.
    SupportExpert,
    /// The account that filed the target.
    Requester,
    /// The agent who made the target declaration.
    Declarant,
    /// Anyone signed in.
    SignedIn,
    /// An agent of the organisation the target was filed for (same SIRET).
    ApplicantOrganisation,
    /// A reporter of the target's data producer.
    DataReporter,
    /// An instructor of the target's data producer.
    DataInstructor,
    /// A manager of the target's data producer.
    DataManager,
    /// A recruiter of the target's organisation.
    Recruiter,
    /// A member of the panel of the target's call.
    Panelist,
}

impl Rule {
    /// The French wording used in the documentation's table.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Administrator => "administrateur",
            Self::IncubatorManager => "responsable de l'incubateur",
            Self::ProductMember => "membre du produit",
            Self::OrganisationEditor => "éditeur de l'organisation",
            Self::Themselves => "le membre lui-même",
            Self::SupportExpert => "expert de l'équipe de pilotage",
            Self::Requester => "l'auteur de la demande",
            Self::Declarant => "l'auteur de la déclaration",
            Self::SignedIn => "toute personne connectée",
            Self::ApplicantOrganisation => "un agent de l'organisation demandeuse (même SIRET)",
            Self::DataReporter => "rapporteur du producteur",
            Self::DataInstructor => "instructeur du producteur",
            Self::DataManager => "responsable du producteur",
            Self::Recruiter => "recruteur de l'organisation",
            Self::Panelist => "membre du jury de l'appel",
        }
    }
}

/// One line of the permission table.
#[derive(Debug, Clone, Copy)]
pub struct Permission {
    /// The action.
    pub action: Action,
    /// What it is called in the documentation.
    pub label: &'static str,
    /// The token scope a machine needs for it.
    pub scope: Scope,
    /// Who may do it.
    pub rules: &'static [Rule],
}

/// Who takes part in a support request: the steering team, and the requester's side (the
/// organisation's editors, the product's team, the requester).
const SUPPORT_PARTIES: &[Rule] = &[
    Rule::Administrator,
    Rule::SupportExpert,
    Rule::OrganisationEditor,
    Rule::ProductMember,
    Rule::Requester,
];

/// The applicant's side of an access request: who filed it and their organisation.
const APPLICANT: &[Rule] = &[Rule::Requester, Rule::ApplicantOrganisation];

/// Who decides a producer's access requests.
const INSTRUCTORS: &[Rule] = &[Rule::DataInstructor, Rule::DataManager];

/// Who reviews an application: the call's panel or the offer's organisation's recruiters.
const REVIEWERS: &[Rule] = &[Rule::Administrator, Rule::Panelist, Rule::Recruiter];

/// Who may do what: the one table every check reads, and the documentation shows.
pub const PERMISSIONS: &[Permission] = &[
    Permission {
        action: Action::CreateProduct,
        label: "créer un produit",
        scope: Scope::WritePortfolio,
        rules: &[Rule::Administrator, Rule::IncubatorManager],
    },
    Permission {
        action: Action::UpdateProduct,
        label: "modifier un produit",
        scope: Scope::WritePortfolio,
        rules: &[
            Rule::Administrator,
            Rule::IncubatorManager,
            Rule::ProductMember,
        ],
    },
    Permission {
        action: Action::DeleteProduct,
        label: "supprimer un produit",
        scope: Scope::WritePortfolio,
        rules: &[Rule::Administrator, Rule::IncubatorManager],
    },
    Permission {
        action: Action::CreateMember,
        label: "créer un membre",
        scope: Scope::WritePortfolio,
        rules: &[Rule::Administrator, Rule::IncubatorManager],
    },
    Permission {
        action: Action::UpdateMember,
        label: "modifier un membre",
        scope: Scope::WritePortfolio,
        rules: &[
            Rule::Administrator,
            Rule::IncubatorManager,
            Rule::Themselves,
        ],
    },
    Permission {
        action: Action::DeleteMember,
        label: "supprimer un membre",
        scope: Scope::WritePortfolio,
        rules: &[Rule::Administrator],
    },
    Permission {
        action: Action::ReadPersonalFields,
        label: "lire les champs personnels d'un membre",
        scope: Scope::Read,
        rules: &[Rule::Administrator, Rule::Themselves],
    },
    Permission {
        action: Action::UpdateIncubator,
        label: "modifier un incubateur",
        scope: Scope::WritePortfolio,
        rules: &[Rule::Administrator, Rule::IncubatorManager],
    },
    Permission {
        action: Action::UpdateOrganisation,
        label: "modifier une organisation",
        scope: Scope::WritePortfolio,
        rules: &[Rule::Administrator, Rule::OrganisationEditor],
    },
    Permission {
        action: Action::ManageRoles,
        label: "attribuer ou retirer un rôle",
        scope: Scope::Admin,
        rules: &[Rule::Administrator],
    },
    Permission {
        action: Action::ReadAuditLog,
        label: "lire le journal d'audit",
        scope: Scope::Admin,
        rules: &[Rule::Administrator],
    },
    Permission {
        action: Action::ManageImpact,
        label: "déclarer l'impact d'un produit (indicateurs, mesures et budget hors FAST) et lire ses indicateurs non publics",
        scope: Scope::WritePortfolio,
        rules: &[
            Rule::Administrator,
            Rule::IncubatorManager,
            Rule::ProductMember,
        ],
    },
    Permission {
        action: Action::ConfigureTeamComposition,
        label: "configurer la composition d'équipe recommandée par phase",
        scope: Scope::Admin,
        rules: &[Rule::Administrator],
    },
    Permission {
        action: Action::PublishObservatory,
        label: "figer l'édition trimestrielle de l'observatoire de la qualité",
        scope: Scope::Admin,
        rules: &[Rule::Administrator],
    },
    Permission {
        action: Action::ManageCommittees,
        label: "tenir un comité d'investissement et y enregistrer les décisions sur les produits",
        scope: Scope::WritePortfolio,
        rules: &[Rule::Administrator, Rule::IncubatorManager],
    },
    Permission {
        action: Action::RequestSupport,
        label: "demander un accompagnement à l'équipe de pilotage, pour une organisation ou un produit",
        scope: Scope::WritePortfolio,
        rules: &[
            Rule::Administrator,
            Rule::OrganisationEditor,
            Rule::ProductMember,
        ],
    },
    Permission {
        action: Action::ReadSupportRequest,
        label: "lire une demande d'accompagnement et son historique",
        scope: Scope::Read,
        rules: SUPPORT_PARTIES,
    },
    Permission {
        action: Action::WriteSupportMessage,
        label: "écrire un message sur une demande d'accompagnement",
        scope: Scope::WritePortfolio,
        rules: SUPPORT_PARTIES,
    },
    Permission {
        action: Action::HandleSupportRequests,
        label: "traiter les demandes d'accompagnement (tri, expert, temps passé, clôture) et voir leur tableau de bord",
        scope: Scope::WritePortfolio,
        rules: &[Rule::Administrator, Rule::SupportExpert],
    },
    Permission {
        action: Action::DeclareSoftware,
        label: "se déclarer utilisateur ou référent d'un logiciel du catalogue",
        scope: Scope::WritePortfolio,
        rules: &[Rule::SignedIn],
    },
    Permission {
        action: Action::WithdrawSoftwareDeclaration,
        label: "retirer sa déclaration d'utilisateur ou de référent d'un logiciel",
        scope: Scope::WritePortfolio,
        rules: &[Rule::Declarant],
    },
    Permission {
        action: Action::RequestDataAccess,
        label: "demander l'accès à des données restreintes pour son organisation (SIRET)",
        scope: Scope::WritePortfolio,
        rules: &[Rule::SignedIn],
    },
    Permission {
        action: Action::ReadAccessRequest,
        label: "lire une demande d'accès et son historique (un brouillon jamais soumis reste au demandeur)",
        scope: Scope::Read,
        rules: &[
            Rule::Requester,
            Rule::ApplicantOrganisation,
            Rule::DataReporter,
            Rule::DataInstructor,
            Rule::DataManager,
        ],
    },
    Permission {
        action: Action::EditAccessRequest,
        label: "rédiger, soumettre, rouvrir ou archiver une demande d'accès de son organisation",
        scope: Scope::WritePortfolio,
        rules: APPLICANT,
    },
    Permission {
        action: Action::InstructAccessRequest,
        label: "instruire une demande d'accès (modifications, validation, refus, révocation, archivage)",
        scope: Scope::WritePortfolio,
        rules: INSTRUCTORS,
    },
    Permission {
        action: Action::WriteAccessMessage,
        label: "écrire un message sur une demande d'accès",
        scope: Scope::WritePortfolio,
        rules: &[
            Rule::Requester,
            Rule::ApplicantOrganisation,
            Rule::DataInstructor,
            Rule::DataManager,
        ],
    },
    Permission {
        action: Action::ReadAuthorisations,
        label: "voir les organisations habilitées aux données restreintes d'un producteur",
        scope: Scope::Read,
        rules: &[Rule::DataReporter, Rule::DataInstructor, Rule::DataManager],
    },
    Permission {
        action: Action::ManageWebhooks,
        label: "gérer les webhooks d'un producteur de données",
        scope: Scope::Admin,
        rules: &[Rule::Administrator, Rule::DataManager],
    },
    Permission {
        action: Action::ManageTrainings,
        label: "ajouter une formation au catalogue et enregistrer ses participants",
        scope: Scope::WritePortfolio,
        rules: &[Rule::Administrator],
    },
    Permission {
        action: Action::ManageCalls,
        label: "ouvrir un appel à défis et le modifier",
        scope: Scope::WritePortfolio,
        rules: &[Rule::Administrator],
    },
    Permission {
        action: Action::ProposeChallenges,
        label: "proposer un défi à un appel au nom d'une organisation",
        scope: Scope::WritePortfolio,
        rules: &[
            Rule::Administrator,
            Rule::OrganisationEditor,
            Rule::Recruiter,
        ],
    },
    Permission {
        action: Action::ScoreProposals,
        label: "noter les propositions de défis d'un appel",
        scope: Scope::WritePortfolio,
        rules: &[Rule::Administrator, Rule::Panelist],
    },
    Permission {
        action: Action::ManageJobOffers,
        label: "publier et modifier les offres d'emploi d'une organisation",
        scope: Scope::WritePortfolio,
        rules: &[Rule::Administrator, Rule::Recruiter],
    },
    Permission {
        action: Action::ReadApplications,
        label: "lire les candidatures d'un appel ou d'une offre, données personnelles comprises",
        scope: Scope::Read,
        rules: REVIEWERS,
    },
    Permission {
        action: Action::ReviewApplications,
        label: "faire avancer une candidature et écrire au candidat",
        scope: Scope::WritePortfolio,
        rules: REVIEWERS,
    },
    Permission {
        action: Action::ManageOwnTokens,
        label: "créer et révoquer ses jetons d'API",
        scope: Scope::Admin,
        rules: &[Rule::SignedIn],
    },
];

/// The line of the table for an action.
pub fn permission(action: Action) -> &'static Permission {
    PERMISSIONS
        .iter()
        .find(|permission| permission.action == action)
        // Every action has a line: the `every_action_has_a_line` test walks them all.
        .unwrap_or(&PERMISSIONS[0])
}

/// The record an action is aimed at, as far as permissions care.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// The product, for product actions.
    pub product: Option<Slug>,
    /// The incubators the record belongs to (a product's, or those of a member's products).
    pub incubators: Vec<Slug>,
    /// The organisation, for organisation actions.
    pub organisation: Option<Slug>,
    /// The member, for member actions.
    pub member: Option<Slug>,
    /// The account that filed the record, for support and access requests.
    pub account: Option<i64>,
    /// The organisation an access request was filed for (SIRET).
    pub siret: Option<String>,
    /// The data producer, for access requests and authorisations.
    pub provider: Option<Slug>,
    /// The call for challenges, for proposals and the applications to them.
    pub call: Option<Slug>,
}

/// Someone acting: a signed-in person, or a machine holding one of their tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The account's number.
    pub account: i64,
    /// The name shown in the log and the header.
    pub name: String,
    /// The member the account is, when linked.
    pub member: Option<Slug>,
    /// Granted roles.
    pub grants: Vec<RoleGrant>,
    /// Products the member works on today (from their current missions).
    pub products: Vec<Slug>,
    /// The token's scopes; `None` for a person signed in through a session.
    pub scopes: Option<Vec<Scope>>,
    /// The token's number, when acting through one.
    pub token: Option<i64>,
    /// The employing organisation's SIRET, from the identity provider.
    pub siret: Option<String>,
}

impl Principal {
    /// Whether this principal may do `action` to `target`.
    pub fn may(&self, action: Action, target: &Target) -> bool {
        let permission = permission(action);
        let scoped = self
            .scopes
            .as_ref()
            .is_none_or(|scopes| scopes.contains(&permission.scope));
        scoped
            && permission
                .rules
                .iter()
                .any(|rule| self.meets(*rule, target))
    }

    /// Whether this principal may do `action` to some record, to offer it at all (the
    /// "new product" button, for example).
    pub fn may_somewhere(&self, action: Action) -> bool {
        let permission = permission(action);
        let scoped = self
            .scopes
            .as_ref()
            .is_none_or(|scopes| scopes.contains(&permission.scope));
        scoped
            && permission.rules.iter().any(|rule| match rule {
                Rule::Administrator => self.is_administrator(),
                Rule::IncubatorManager => self.holds_any(Role::IncubatorManager),
                Rule::ProductMember => !self.products.is_empty(),
                Rule::OrganisationEditor => self.holds_any(Role::OrganisationEditor),
                Rule::Themselves => self.member.is_some(),
                Rule::SupportExpert => self.holds_any(Role::SupportExpert),
                Rule::ApplicantOrganisation => self.siret.is_some(),
                Rule::DataReporter => self.holds_any(Role::DataReporter),
                Rule::DataInstructor => self.holds_any(Role::DataInstructor),
                Rule::DataManager => self.holds_any(Role::DataManager),
                Rule::Recruiter => self.holds_any(Role::Recruiter),
                Rule::Panelist => self.holds_any(Role::Panelist),
                // Anyone may have filed something.
                Rule::Requester | Rule::Declarant | Rule::SignedIn => true,
            })
    }

    fn holds_any(&self, role: Role) -> bool {
        self.grants.iter().any(|grant| grant.role == role)
    }

    /// Whether the principal is an administrator.
    pub fn is_administrator(&self) -> bool {
        self.holds(Role::Administrator, None)
    }

    /// The roles held, product membership included, for display.
    pub fn roles(&self) -> Vec<Role> {
        let mut roles: Vec<Role> = self.grants.iter().map(|grant| grant.role).collect();
        if !self.products.is_empty() {
            roles.push(Role::ProductMember);
        }
        roles.sort_by_key(|role| Role::ALL.iter().position(|r| r == role));
        roles.dedup();
        roles
    }

    fn holds(&self, role: Role, scope: Option<&Slug>) -> bool {
        self.grants
            .iter()
            .any(|grant| grant.role == role && (scope.is_none() || grant.scope.as_ref() == scope))
    }

    fn meets(&self, rule: Rule, target: &Target) -> bool {
        match rule {
            Rule::Administrator => self.is_administrator(),
            Rule::IncubatorManager => target
                .incubators
                .iter()
                .any(|incubator| self.holds(Role::IncubatorManager, Some(incubator))),
            Rule::ProductMember => target
                .product
                .as_ref()
                .is_some_and(|product| self.products.contains(product)),
            Rule::OrganisationEditor => target.organisation.as_ref().is_some_and(|organisation| {
                self.holds(Role::OrganisationEditor, Some(organisation))
            }),
            Rule::Themselves => target.member.is_some() && target.member == self.member,
            Rule::SupportExpert => self.holds_any(Role::SupportExpert),
            Rule::Requester | Rule::Declarant => target.account == Some(self.account),
            Rule::SignedIn => true,
            Rule::ApplicantOrganisation => {
                self.siret.is_some() && target.siret.is_some() && self.siret == target.siret
            }
            Rule::DataReporter => self.holds_provider(Role::DataReporter, target),
            Rule::DataInstructor => self.holds_provider(Role::DataInstructor, target),
            Rule::DataManager => self.holds_provider(Role::DataManager, target),
            Rule::Recruiter => target
                .organisation
                .as_ref()
                .is_some_and(|organisation| self.holds(Role::Recruiter, Some(organisation))),
            Rule::Panelist => target
                .call
                .as_ref()
                .is_some_and(|call| self.holds(Role::Panelist, Some(call))),
        }
    }

    fn holds_provider(&self, role: Role, target: &Target) -> bool {
        target
            .provider
            .as_ref()
            .is_some_and(|provider| self.holds(role, Some(provider)))
    }
}

/// A person's account: who the identity provider says they are, and what they were granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Account {
    /// The account's number.
    pub id: i64,
    /// The identity provider's subject (`sub`); `None` for demo accounts.
    pub sub: Option<String>,
    /// Work e-mail address (personal).
    pub email: String,
    /// First name (personal).
    pub given_name: String,
    /// Last name (personal; ProConnect's `usual_name`).
    pub usual_name: String,
    /// The employing organisation's SIRET (personal).
    pub siret: Option<String>,
    /// The provider's own identifier of the agent (personal).
    pub uid: Option<String>,
    /// The member this account is, matched by e-mail.
    pub member: Option<Slug>,
    /// Granted roles.
    pub grants: Vec<RoleGrant>,
    /// Creation time (RFC 3339).
    pub created_at: String,
    /// Last sign-in (RFC 3339).
    pub last_sign_in_at: Option<String>,
}

impl Account {
    /// The name shown in the header and the audit log.
    pub fn display_name(&self) -> String {
        format!("{} {}", self.given_name, self.usual_name)
    }
}

/// What the identity provider tells about a person at sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderIdentity {
    /// Subject: the reconciliation key.
    pub sub: String,
    /// E-mail address.
    pub email: String,
    /// First name.
    pub given_name: String,
    /// Last name.
    pub usual_name: String,
    /// SIRET of the employer.
    pub siret: Option<String>,
    /// The provider's identifier.
    pub uid: Option<String>,
}

/// An API token as its owner sees it; the secret itself is shown once and never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApiToken {
    /// The token's number.
    pub id: i64,
    /// The owner's account.
    pub account: i64,
    /// What the owner called it.
    pub name: String,
    /// The secret's first characters, to recognise it.
    pub prefix: String,
    /// What it may be used for.
    pub scopes: Vec<Scope>,
    /// Creation time (RFC 3339).
    pub created_at: String,
    /// Expiry time (RFC 3339).
    pub expires_at: String,
    /// Revocation time, when revoked.
    pub revoked_at: Option<String>,
    /// Last use.
    pub last_used_at: Option<String>,
}

/// The permission table in Markdown, as the README shows it.
pub fn permission_table_markdown() -> String {
    let mut table = String::from("| Action | Qui peut | Portée du jeton |\n|---|---|---|\n");
    for permission in PERMISSIONS {
        let who: Vec<&str> = permission.rules.iter().map(|rule| rule.label()).collect();
        let _ = writeln!(
            table,
            "| {} | {} | `{}` |",
            permission.label,
            who.join(", "),
            permission.scope.as_str()
        );
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(s: &str) -> Slug {
        Slug::parse(s).unwrap()
    }

    fn principal(grants: Vec<RoleGrant>, member: Option<&str>, products: &[&str]) -> Principal {
        Principal {
            account: 1,
            name: "Agent".into(),
            member: member.map(slug),
            grants,
            products: products.iter().map(|p| slug(p)).collect(),
            scopes: None,
            token: None,
            siret: None,
        }
    }

    fn product(slug_: &str, incubator: &str) -> Target {
        Target {
            product: Some(slug(slug_)),
            incubators: vec![slug(incubator)],
            ..Target::default()
        }
    }

    #[test]
    fn every_action_has_a_line() {
        let actions = [
            Action::CreateProduct,
            Action::UpdateProduct,
            Action::DeleteProduct,
            Action::CreateMember,
            Action::UpdateMember,
            Action::DeleteMember,
            Action::ReadPersonalFields,
            Action::UpdateIncubator,
            Action::UpdateOrganisation,
            Action::ManageRoles,
            Action::ReadAuditLog,
            Action::ManageOwnTokens,
            Action::ManageImpact,
            Action::ConfigureTeamComposition,
            Action::ManageCommittees,
            Action::RequestSupport,
            Action::ReadSupportRequest,
            Action::WriteSupportMessage,
            Action::HandleSupportRequests,
            Action::PublishObservatory,
            Action::DeclareSoftware,
            Action::WithdrawSoftwareDeclaration,
            Action::RequestDataAccess,
            Action::ReadAccessRequest,
            Action::EditAccessRequest,
            Action::InstructAccessRequest,
            Action::WriteAccessMessage,
            Action::ReadAuthorisations,
            Action::ManageWebhooks,
            Action::ManageTrainings,
            Action::ManageCalls,
            Action::ProposeChallenges,
            Action::ScoreProposals,
            Action::ManageJobOffers,
            Action::ReadApplications,
            Action::ReviewApplications,
        ];
        for action in actions {
            assert_eq!(permission(action).action, action);
        }
        assert_eq!(PERMISSIONS.len(), actions.len());
    }

    #[test]
    fn access_requests_belong_to_an_organisation_and_a_producer() {
        let grant = |role, scope: &str| RoleGrant::new(role, Some(slug(scope))).unwrap();
        let request = Target {
            // Filed by someone else than the principals below.
            account: Some(99),
            siret: Some("13002526500013".into()),
            provider: Some(slug("insee")),
            ..Target::default()
        };
        let mut colleague = principal(vec![], None, &[]);
        colleague.siret = Some("13002526500013".into());
        assert!(colleague.may(Action::EditAccessRequest, &request));
        assert!(!colleague.may(Action::InstructAccessRequest, &request));
        let mut stranger = colleague.clone();
        stranger.siret = Some("12002701600563".into());
        assert!(!stranger.may(Action::ReadAccessRequest, &request));
        // No SIRET on either side is no match.
        let mut unknown = colleague.clone();
        unknown.siret = None;
        let anonymous_request = Target {
            siret: None,
            ..request.clone()
        };
        assert!(!unknown.may(Action::ReadAccessRequest, &anonymous_request));
        let instructor = principal(vec![grant(Role::DataInstructor, "insee")], None, &[]);
        assert!(instructor.may(Action::InstructAccessRequest, &request));
        assert!(instructor.may(Action::ReadAuthorisations, &request));
        assert!(!instructor.may(Action::EditAccessRequest, &request));
        let elsewhere = principal(vec![grant(Role::DataInstructor, "dgfip")], None, &[]);
        assert!(!elsewhere.may(Action::ReadAccessRequest, &request));
        let reporter = principal(vec![grant(Role::DataReporter, "insee")], None, &[]);
        assert!(reporter.may(Action::ReadAccessRequest, &request));
        assert!(!reporter.may(Action::WriteAccessMessage, &request));
        assert!(!reporter.may(Action::InstructAccessRequest, &request));
        // A draft never submitted names no producer: its instructors do not see it.
        let draft = Target {
            provider: None,
            ..request
        };
        assert!(!instructor.may(Action::ReadAccessRequest, &draft));
        assert!(RoleGrant::new(Role::DataManager, None).is_err());
    }

    #[test]
    fn declarations_are_withdrawn_by_their_author_only() {
        let agent = principal(vec![], None, &[]);
        let own = Target {
            account: Some(agent.account),
            ..Target::default()
        };
        let other = Target {
            account: Some(agent.account + 1),
            ..Target::default()
        };
        assert!(agent.may(Action::DeclareSoftware, &Target::default()));
        assert!(agent.may(Action::WithdrawSoftwareDeclaration, &own));
        assert!(!agent.may(Action::WithdrawSoftwareDeclaration, &other));
        let administrator = principal(
            vec![RoleGrant::new(Role::Administrator, None).unwrap()],
            None,
            &[],
        );
        assert!(!administrator.may(Action::WithdrawSoftwareDeclaration, &other));
    }

    #[test]
    fn managers_act_on_their_incubator_only() {
        let manager = principal(
            vec![RoleGrant::new(Role::IncubatorManager, Some(slug("dinum"))).unwrap()],
            None,
            &[],
        );
        assert!(manager.may(Action::UpdateProduct, &product("a", "dinum")));
        assert!(manager.may(Action::DeleteProduct, &product("a", "dinum")));
        assert!(!manager.may(Action::UpdateProduct, &product("a", "justice")));
        assert!(!manager.may(Action::ManageRoles, &Target::default()));
        let committee = |incubator: &str| Target {
            incubators: vec![slug(incubator)],
            ..Target::default()
        };
        assert!(manager.may(Action::ManageCommittees, &committee("dinum")));
        assert!(!manager.may(Action::ManageCommittees, &committee("justice")));
    }

    #[test]
    fn product_members_update_but_do_not_delete_their_product() {
        let member = principal(vec![], Some("jean.dupont"), &["a"]);
        assert!(member.may(Action::UpdateProduct, &product("a", "dinum")));
        assert!(!member.may(Action::DeleteProduct, &product("a", "dinum")));
        assert!(!member.may(Action::UpdateProduct, &product("b", "dinum")));
        assert_eq!(member.roles(), vec![Role::ProductMember]);
    }

    #[test]
    fn personal_fields_are_for_the_member_and_administrators() {
        let target = Target {
            member: Some(slug("jean.dupont")),
            ..Target::default()
        };
        let himself = principal(vec![], Some("jean.dupont"), &[]);
        let other = principal(vec![], Some("marie.curie"), &[]);
        let admin = principal(
            vec![RoleGrant::new(Role::Administrator, None).unwrap()],
            None,
            &[],
        );
        assert!(himself.may(Action::ReadPersonalFields, &target));
        assert!(!other.may(Action::ReadPersonalFields, &target));
        assert!(admin.may(Action::ReadPersonalFields, &target));
        // An account linked to no member is never "themselves".
        let unlinked = principal(vec![], None, &[]);
        assert!(!unlinked.may(Action::UpdateMember, &Target::default()));
    }

    #[test]
    fn tokens_are_limited_to_their_scopes() {
        let mut admin = principal(
            vec![RoleGrant::new(Role::Administrator, None).unwrap()],
            None,
            &[],
        );
        admin.scopes = Some(vec![Scope::Read]);
        assert!(!admin.may(Action::UpdateProduct, &product("a", "dinum")));
        admin.scopes = Some(vec![Scope::Read, Scope::WritePortfolio]);
        assert!(admin.may(Action::UpdateProduct, &product("a", "dinum")));
        assert!(!admin.may(Action::ManageRoles, &Target::default()));
    }

    #[test]
    fn offers_follow_the_table() {
        let manager = principal(
            vec![RoleGrant::new(Role::IncubatorManager, Some(slug("dinum"))).unwrap()],
            None,
            &[],
        );
        assert!(manager.may_somewhere(Action::CreateProduct));
        assert!(!manager.may_somewhere(Action::DeleteMember));
        let member = principal(vec![], Some("jean.dupont"), &["a"]);
        assert!(!member.may_somewhere(Action::CreateProduct));
        assert!(member.may_somewhere(Action::UpdateProduct));
    }

    #[test]
    fn support_requests_are_for_their_side_and_the_steering_team() {
        let request = Target {
            organisation: Some(slug("dir-solidarites")),
            product: Some(slug("a")),
            account: Some(42),
            ..Target::default()
        };
        let expert = principal(
            vec![RoleGrant::new(Role::SupportExpert, None).unwrap()],
            None,
            &[],
        );
        let editor = principal(
            vec![RoleGrant::new(Role::OrganisationEditor, Some(slug("dir-solidarites"))).unwrap()],
            None,
            &[],
        );
        let other_editor = principal(
            vec![RoleGrant::new(Role::OrganisationEditor, Some(slug("justice"))).unwrap()],
            None,
            &[],
        );
        let team = principal(vec![], Some("jean.dupont"), &["a"]);
        let mut requester = principal(vec![], None, &[]);
        requester.account = 42;
        for reader in [&expert, &editor, &team, &requester] {
            assert!(reader.may(Action::ReadSupportRequest, &request));
            assert!(reader.may(Action::WriteSupportMessage, &request));
        }
        assert!(!other_editor.may(Action::ReadSupportRequest, &request));
        assert!(!other_editor.may(Action::WriteSupportMessage, &request));
        assert!(expert.may(Action::HandleSupportRequests, &request));
        assert!(!editor.may(Action::HandleSupportRequests, &request));
        assert!(!requester.may(Action::HandleSupportRequests, &request));
        // An expert works the queue but files nothing for an organisation they do not edit.
        assert!(!expert.may(Action::RequestSupport, &request));
        assert!(editor.may(Action::RequestSupport, &request));
    }

    #[test]
    fn grants_check_their_scope() {
        assert!(RoleGrant::new(Role::IncubatorManager, None).is_err());
        assert!(RoleGrant::new(Role::Administrator, Some(slug("x"))).is_err());
        assert!(RoleGrant::new(Role::ProductMember, None).is_err());
        assert!(RoleGrant::new(Role::OrganisationEditor, Some(slug("x"))).is_ok());
    }

    #[test]
    fn the_table_names_every_action() {
        let table = permission_table_markdown();
        assert_eq!(table.lines().count(), PERMISSIONS.len() + 2);
        assert!(table.contains("| supprimer un membre | administrateur | `write:portfolio` |"));
    }
}
