//! The sign-in page, and the demo accounts of `serve --demo`: one per role, chosen with a
//! click, so that a newcomer can try every part of Pilote. Never offered in production.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::identity::{ProviderIdentity, Role, RoleGrant};
use pilote_store::DemoAccount;
use serde::Deserialize;

use super::limits::ClientIp;
use super::visitor::append_cookie;
use super::{Visitor, now, safe_return};
use crate::pages::{Layout, PageError, page};
use crate::{ApiError, AppState};

/// A demo account as the sign-in page offers it.
pub(crate) struct DemoChoice {
    /// The account's key.
    pub key: &'static str,
    /// Who it is.
    pub name: &'static str,
    /// What it can do.
    pub description: &'static str,
}

/// The demo accounts, one per role, on the demo portfolio's records.
pub(crate) const DEMO_CHOICES: [DemoChoice; 8] = [
    DemoChoice {
        key: "administratrice",
        name: "Julie Simon",
        description: "Administratrice (équipe de pilotage) : tous les droits",
    },
    DemoChoice {
        key: "responsable-incubateur",
        name: "Marc Michel",
        description: "Responsable de l'incubateur « fabrique-demo » et de ses produits",
    },
    DemoChoice {
        key: "membre-produit",
        name: "Sarah Durand",
        description: "Membre de l'équipe du produit « droits-simples » (par sa mission en cours)",
    },
    DemoChoice {
        key: "editrice-organisation",
        name: "Élise Fontaine",
        description: "Éditrice de l'organisation « dir-solidarites »",
    },
    DemoChoice {
        key: "expert-accompagnement",
        name: "Nora Benali",
        description: "Experte de l'équipe de pilotage : traite les demandes d'accompagnement",
    },
    DemoChoice {
        key: "instructrice-donnees",
        name: "Inès Garnier",
        description: "Instructrice des demandes d'accès aux données restreintes du producteur « dir-solidarites »",
    },
    DemoChoice {
        key: "jury-appel",
        name: "Paul Lefèvre",
        description: "Membre du jury de l'appel à défis « eig-demo » : note les propositions, examine les candidatures",
    },
    DemoChoice {
        key: "recruteuse",
        name: "Claire Moreau",
        description: "Recruteuse de l'organisation « dir-solidarites » : publie ses offres d'emploi, examine les candidatures",
    },
];

fn slug(text: &str) -> Option<Slug> {
    Slug::parse(text).ok()
}

/// The demo accounts to create, matching [`DEMO_CHOICES`].
pub fn demo_accounts() -> Vec<DemoAccount> {
    let identity = |given: &str, usual: &str, email: &str| ProviderIdentity {
        sub: String::new(),
        email: email.to_owned(),
        given_name: given.to_owned(),
        usual_name: usual.to_owned(),
        siret: Some("13002526500013".to_owned()),
        uid: None,
    };
    let grant = |role, scope: Option<&str>| RoleGrant::new(role, scope.and_then(slug)).ok();
    vec![
        DemoAccount {
            key: "administratrice",
            identity: identity("Julie", "Simon", "julie.simon@demo.beta.gouv.fr"),
            member: slug("julie.simon"),
            grants: grant(Role::Administrator, None).into_iter().collect(),
        },
        DemoAccount {
            key: "responsable-incubateur",
            identity: identity("Marc", "Michel", "marc.michel@demo.beta.gouv.fr"),
            member: slug("marc.michel"),
            grants: grant(Role::IncubatorManager, Some("fabrique-demo"))
                .into_iter()
                .collect(),
        },
        DemoAccount {
            key: "membre-produit",
            identity: identity("Sarah", "Durand", "sarah.durand@demo.beta.gouv.fr"),
            member: slug("sarah.durand"),
            grants: Vec::new(),
        },
        DemoAccount {
            key: "editrice-organisation",
            identity: identity("Élise", "Fontaine", "elise.fontaine@demo.gouv.fr"),
            member: None,
            grants: grant(Role::OrganisationEditor, Some("dir-solidarites"))
                .into_iter()
                .collect(),
        },
        DemoAccount {
            key: "expert-accompagnement",
            identity: identity("Nora", "Benali", "nora.benali@demo.gouv.fr"),
            member: None,
            grants: grant(Role::SupportExpert, None).into_iter().collect(),
        },
        DemoAccount {
            key: "instructrice-donnees",
            identity: ProviderIdentity {
                // An agent of the producing administration, not of the applicants'.
                siret: Some("11000201100044".to_owned()),
                ..identity("Inès", "Garnier", "ines.garnier@demo.gouv.fr")
            },
            member: None,
            grants: grant(Role::DataInstructor, Some("dir-solidarites"))
                .into_iter()
                .collect(),
        },
        DemoAccount {
            key: "jury-appel",
            identity: identity("Paul", "Lefèvre", "paul.lefevre@demo.gouv.fr"),
            member: None,
            grants: grant(Role::Panelist, Some("eig-demo"))
                .into_iter()
                .collect(),
        },
        DemoAccount {
            key: "recruteuse",
            identity: identity("Claire", "Moreau", "claire.moreau@demo.gouv.fr"),
            member: None,
            grants: grant(Role::Recruiter, Some("dir-solidarites"))
                .into_iter()
                .collect(),
        },
    ]
}

/// Creates the demo accounts that do not exist yet.
pub async fn ensure_demo_accounts(store: &pilote_store::Store) -> Result<(), ApiError> {
    let actor = Actor::system("démo");
    for account in demo_accounts() {
        store.ensure_demo_account(&account, &actor).await?;
    }
    Ok(())
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    layout: Layout,
    proconnect: bool,
    demo: &'static [DemoChoice],
    return_to: String,
}

/// Query of the sign-in page.
#[derive(Debug, Deserialize)]
pub(crate) struct SignInQuery {
    retour: Option<String>,
}

/// The sign-in page: ProConnect, and the demo accounts under `serve --demo`.
pub(crate) async fn sign_in_page(
    State(state): State<AppState>,
    Query(query): Query<SignInQuery>,
) -> Result<Response, PageError> {
    let demo: &'static [DemoChoice] = if state.config().demo_sign_in {
        &DEMO_CHOICES
    } else {
        &[]
    };
    Ok(page(&SignInPage {
        layout: Layout::new("", &[("/connexion", "Connexion")]),
        proconnect: state.config().oidc.is_some(),
        demo,
        return_to: safe_return(query.retour.as_deref()),
    })?
    .into_response())
}

/// The demo sign-in form.
#[derive(Debug, Deserialize)]
pub(crate) struct DemoSignIn {
    compte: String,
    retour: Option<String>,
}

/// Signs in as a demo account; refused unless the server runs with `--demo` outside
/// production.
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    client_ip: ClientIp,
    visitor: Visitor,
    Form(form): Form<DemoSignIn>,
) -> Result<Response, PageError> {
    state.limits().sign_in(client_ip)?;
    if !state.config().demo_sign_in {
        return Err(ApiError::Forbidden(
            "la connexion de démonstration n'est offerte que par `pilote serve --demo`, hors production",
        )
        .into());
    }
    if !DEMO_CHOICES.iter().any(|choice| choice.key == form.compte) {
        return Err(ApiError::field("compte", "choisissez un compte de démonstration").into());
    }
    let account = state
        .store()
        .demo_account(&form.compte)
        .await
        .map_err(ApiError::from)?;
    if let Some(session) = &visitor.session {
        state
            .store()
            .delete_session(&session.id_hash)
            .await
            .map_err(ApiError::from)?;
    }
    let cookie = super::open_session(&state, account.id, "demo", None).await?;
    let mut response = Redirect::to(&safe_return(form.retour.as_deref())).into_response();
    append_cookie(&mut response, &cookie);
    Ok(response)
}

/// Confirms identity again for a demo session (a ProConnect session goes back to the
/// provider instead).
pub(crate) async fn reauthenticate(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, PageError> {
    let session = visitor.session.as_ref().ok_or(ApiError::Unauthorized(
        "connectez-vous pour confirmer votre identité",
    ))?;
    if session.method != "demo" || !state.config().demo_sign_in {
        return Ok(
            Redirect::to("/connexion/proconnect?reauthentification=1&retour=/compte")
                .into_response(),
        );
    }
    state
        .store()
        .reauthenticate_session(&session.id_hash, &now())
        .await
        .map_err(ApiError::from)?;
    Ok(Redirect::to("/compte#jetons").into_response())
}
