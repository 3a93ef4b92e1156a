//! Administration of accounts: the list, and granting or revoking roles.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use pilote_domain::Slug;
use pilote_domain::identity::{Account, Action, Principal, Role, RoleGrant, Target};
use serde::Deserialize;

use super::{Visitor, authorize};
use crate::pages::{Layout, PageError, page};
use crate::{ApiError, AppState};

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage {
    layout: Layout,
    accounts: Vec<Account>,
    roles: [Role; 4],
}

/// The roles an administrator grants (product membership follows from missions).
const GRANTED_ROLES: [Role; 4] = [
    Role::Administrator,
    Role::IncubatorManager,
    Role::OrganisationEditor,
    Role::SupportExpert,
];

/// Every account with its roles, and the forms to change them.
pub(crate) async fn accounts_page(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, PageError> {
    authorize(
        visitor.principal.as_ref(),
        Action::ManageRoles,
        &[Target::default()],
    )?;
    let accounts = state.store().accounts().await.map_err(ApiError::from)?;
    Ok(page(&AccountsPage {
        layout: Layout::new("", &[("/admin/comptes", "Comptes et rôles")]),
        accounts,
        roles: GRANTED_ROLES,
    })?
    .into_response())
}

/// A role to grant or revoke, as forms and the API send it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct GrantForm {
    /// `administrator`, `incubator_manager`, `organisation_editor` or `support_expert`.
    pub role: String,
    /// The incubator or organisation, for scoped roles.
    #[serde(default)]
    pub scope: Option<String>,
}

impl GrantForm {
    /// The grant, checked: a known role, with a scope exactly when it needs one, naming an
    /// existing incubator, organisation or call.
    pub(crate) async fn parse(&self, state: &AppState) -> Result<RoleGrant, ApiError> {
        let role = Role::parse(&self.role).map_err(|e| ApiError::field("role", e.to_string()))?;
        let scope = self
            .scope
            .as_deref()
            .map(str::trim)
            .filter(|scope| !scope.is_empty())
            .map(Slug::parse)
            .transpose()
            .map_err(|e| ApiError::field("scope", e.to_string()))?;
        let grant =
            RoleGrant::new(role, scope).map_err(|e| ApiError::field("scope", e.to_string()))?;
        let model = state.model();
        let exists = match (&grant.role, &grant.scope) {
            (Role::IncubatorManager, Some(slug)) => model.incubator(slug).is_some(),
            (Role::OrganisationEditor | Role::Recruiter, Some(slug)) => {
                model.organisation(slug).is_some()
            }
            (Role::Panelist, Some(slug)) => match state.store().call(slug).await {
                Ok(_) => true,
                Err(pilote_store::StoreError::NotFound) => false,
                Err(other) => return Err(other.into()),
            },
            _ => true,
        };
        match (exists, grant.role.scope_kind()) {
            (false, Some(kind)) => Err(ApiError::field(
                "scope",
                format!(
                    "aucun enregistrement ne porte cet identifiant : ce rôle s'attribue pour {kind}"
                ),
            )),
            _ => Ok(grant),
        }
    }
}

/// Whether a role is granted or revoked.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RoleChange {
    /// Give the role.
    Grant,
    /// Take it back.
    Revoke,
}

/// Grants or revokes a role, for the accounts page and the API alike.
pub(crate) async fn change_role(
    state: &AppState,
    principal: Option<&Principal>,
    account: i64,
    form: &GrantForm,
    change: RoleChange,
) -> Result<Account, ApiError> {
    let actor = authorize(principal, Action::ManageRoles, &[Target::default()])?;
    let grant = form.parse(state).await?;
    let store = state.store();
    let changed = match change {
        RoleChange::Grant => store.grant_role(account, &grant, &actor).await,
        RoleChange::Revoke => store.revoke_role(account, &grant, &actor).await,
    };
    changed.map_err(|error| match error {
        pilote_store::StoreError::Conflict => ApiError::Conflict("ce compte a déjà ce rôle".into()),
        other => other.into(),
    })
}

/// Grants a role from the accounts page.
pub(crate) async fn grant_role(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<GrantForm>,
) -> Result<Response, PageError> {
    change_role(
        &state,
        visitor.principal.as_ref(),
        id,
        &form,
        RoleChange::Grant,
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/comptes#compte-{id}")).into_response())
}

/// Revokes a role from the accounts page.
pub(crate) async fn revoke_role(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<GrantForm>,
) -> Result<Response, PageError> {
    change_role(
        &state,
        visitor.principal.as_ref(),
        id,
        &form,
        RoleChange::Revoke,
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/comptes#compte-{id}")).into_response())
}
