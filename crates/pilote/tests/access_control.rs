//! Every write endpoint, tried with every role and with none, against the permission table.
//!
//! The API's write endpoints are read from the OpenAPI document and the forms' from the
//! pages themselves: an endpoint this file has no entry for fails the suite. Expectations
//! come from `pilote_domain::identity::PERMISSIONS`; each attempt runs on a fresh database,
//! so that an allowed delete does not change what the next attempt finds.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::collections::BTreeSet;

use common::{Backend, TestApp, TestDb, sha256_hex};
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::identity::{Action, Principal, Role, RoleGrant, Scope, Target};
use pilote_store::{DemoAccount, NewSession, NewToken};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

fn slug(text: &str) -> Slug {
    Slug::parse(text).unwrap()
}

/// Someone trying: a key, the roles and member of their account, their token's scopes.
struct Role_ {
    key: &'static str,
    grants: Vec<RoleGrant>,
    member: Option<&'static str>,
    scopes: Vec<Scope>,
    /// The employing organisation's SIRET: the applicant's, or another one.
    siret: &'static str,
}

/// The organisation of the access request of `fresh`, and everybody else's.
const APPLICANT_SIRET: &str = "13002526500013";
const OTHER_SIRET: &str = "12002701600563";

fn roles() -> Vec<Role_> {
    let grant = |role, scope: Option<&str>| RoleGrant::new(role, scope.map(slug)).unwrap();
    let all = Scope::ALL.to_vec();
    vec![
        Role_ {
            key: "admin",
            grants: vec![grant(Role::Administrator, None)],
            member: None,
            scopes: all.clone(),
            siret: OTHER_SIRET,
        },
        Role_ {
            key: "admin-read-only",
            grants: vec![grant(Role::Administrator, None)],
            member: None,
            scopes: vec![Scope::Read],
            siret: OTHER_SIRET,
        },
        Role_ {
            key: "manager",
            grants: vec![grant(Role::IncubatorManager, Some("fabrique-demo"))],
            member: None,
            scopes: all.clone(),
            siret: OTHER_SIRET,
        },
        Role_ {
            key: "other-manager",
            grants: vec![grant(Role::IncubatorManager, Some("lab-emploi"))],
            member: None,
            scopes: all.clone(),
            siret: OTHER_SIRET,
        },
        // Camille's current mission is on eau-claire (fabrique-demo): a product member, and herself.
        Role_ {
            key: "camille",
            grants: vec![],
            member: Some("camille.martin"),
            scopes: all.clone(),
            siret: OTHER_SIRET,
        },
        // Sarah works on droits-simples (atelier-social).
        Role_ {
            key: "sarah",
            grants: vec![],
            member: Some("sarah.durand"),
            scopes: all.clone(),
            siret: OTHER_SIRET,
        },
        Role_ {
            key: "editor",
            grants: vec![grant(Role::OrganisationEditor, Some("dir-solidarites"))],
            member: None,
            scopes: all.clone(),
            siret: OTHER_SIRET,
        },
        Role_ {
            key: "expert",
            grants: vec![grant(Role::SupportExpert, None)],
            member: None,
            scopes: all.clone(),
            siret: OTHER_SIRET,
        },
        // Files the access request of `fresh`, for the organisation of its SIRET.
        Role_ {
            key: "applicant",
            grants: vec![],
            member: None,
            scopes: all.clone(),
            siret: APPLICANT_SIRET,
        },
        Role_ {
            key: "data-manager",
            grants: vec![grant(Role::DataManager, Some("insee"))],
            member: None,
            scopes: all.clone(),
            siret: OTHER_SIRET,
        },
        Role_ {
            key: "data-instructor",
            grants: vec![grant(Role::DataInstructor, Some("insee"))],
            member: None,
            scopes: all.clone(),
            siret: OTHER_SIRET,
        },
        Role_ {
            key: "recruiter",
            grants: vec![grant(Role::Recruiter, Some("dir-solidarites"))],
            member: None,
            scopes: all.clone(),
            siret: OTHER_SIRET,
        },
        // Sits on the panel of the call of `fresh`.
        Role_ {
            key: "panelist",
            grants: vec![grant(Role::Panelist, Some(CALL))],
            member: None,
            scopes: all.clone(),
            siret: OTHER_SIRET,
        },
        Role_ {
            key: "agent",
            grants: vec![],
            member: None,
            scopes: all,
            siret: OTHER_SIRET,
        },
    ]
}

/// The call for challenges of `fresh`, open, with a retained challenge and an application
/// to it whose candidate holds `CANDIDATE_SECRET`.
const CALL: &str = "appel-essai";
const CANDIDATE_SECRET: &str = "secret-du-candidat";

fn call_target() -> Target {
    Target {
        call: Some(slug(CALL)),
        ..Target::default()
    }
}

/// A fresh server with the demo portfolio and one account per role; returns the app and
/// each role's account number.
async fn fresh() -> (TestApp, Vec<(&'static str, i64)>) {
    let db = TestDb::fresh(Backend::Sqlite).await.unwrap();
    db.fill_demo().await;
    let mut ids = Vec::new();
    for role in roles() {
        let account = db
            .store
            .ensure_demo_account(
                &DemoAccount {
                    key: role.key,
                    identity: pilote_domain::identity::ProviderIdentity {
                        sub: String::new(),
                        email: format!("{}@exemple.gouv.fr", role.key),
                        given_name: role.key.to_owned(),
                        usual_name: "Essai".into(),
                        siret: Some(role.siret.to_owned()),
                        uid: None,
                    },
                    member: role.member.map(slug),
                    grants: role.grants.clone(),
                },
                &Actor::system("test"),
            )
            .await
            .unwrap();
        let now = pilote_store::timestamp(chrono::Utc::now());
        let later = pilote_store::timestamp(chrono::Utc::now() + chrono::Duration::days(1));
        db.store
            .create_token(
                &NewToken {
                    account: account.id,
                    name: "essai".into(),
                    prefix: "pilote_essai".into(),
                    token_hash: sha256_hex(&token_of(role.key)),
                    scopes: role.scopes.clone(),
                    created_at: now.clone(),
                    expires_at: later,
                },
                &Actor::system("test"),
            )
            .await
            .unwrap();
        db.store
            .create_session(&NewSession {
                id_hash: sha256_hex(&session_of(role.key)),
                account: account.id,
                csrf_token: csrf_of(role.key),
                method: "demo".into(),
                id_token: None,
                now,
            })
            .await
            .unwrap();
        ids.push((role.key, account.id));
    }
    // An indicator of eau-claire with one measurement, for the endpoints that change them.
    let indicator = db
        .store
        .create_indicator(
            &serde_json::from_value(json!({
                "product": "eau-claire", "name": "Foyers informés", "category": "users_reached",
                "unit": "count", "direction": "higher_is_better", "methodology": "Comptage.",
                "public": true
            }))
            .unwrap(),
            &Actor::system("test"),
        )
        .await
        .unwrap();
    let measurement = db
        .store
        .create_measurement(
            &serde_json::from_value(json!({
                "indicator": indicator.id, "period_start": "2024-01-01",
                "period_end": "2024-12-31", "value": 120, "method": "measured",
                "recorded_by": "test", "recorded_at": "2025-01-02T00:00:00Z"
            }))
            .unwrap(),
            &Actor::system("test"),
        )
        .await
        .unwrap();
    ids.push(("indicator", indicator.id));
    ids.push(("measurement", measurement.id));
    let release = db
        .store
        .create_release(
            &serde_json::from_value(json!({
                "product": "eau-claire", "name": "v1.0", "date": "2025-03-01"
            }))
            .unwrap(),
            &Actor::system("test"),
        )
        .await
        .unwrap();
    ids.push(("release", release.id));
    // A committee of fabrique-demo, for the endpoints that record its decisions.
    let committee = db
        .store
        .create_committee(
            &serde_json::from_value(json!({
                "date": "2025-03-01", "incubator": "fabrique-demo",
                "members": ["Marc Michel, responsable de l'incubateur"]
            }))
            .unwrap(),
            &Actor::system("test"),
            "2025-03-01T00:00:00Z",
        )
        .await
        .unwrap();
    ids.push(("committee", committee.id));
    // A training, for the endpoints that record its attendees.
    let training = db
        .store
        .create_training(
            &serde_json::from_value(json!({
                "title": "Accessibilité numérique", "provider": "Access42",
                "start": "2025-03-10", "end": "2025-03-12", "format": "hybride"
            }))
            .unwrap(),
            &Actor::system("test"),
            "2025-03-01T00:00:00Z",
        )
        .await
        .unwrap();
    ids.push(("training", training.id));
    // A request of dir-solidarites's editor, waiting for triage, the first of its database.
    let editor = ids.iter().find(|(k, _)| *k == "editor").unwrap().1;
    let request = db
        .store
        .create_support_request(
            &serde_json::from_value(json!({
                "kind": "legal", "title": "Marché public", "description": "Réversibilité.",
                "organisation": "dir-solidarites"
            }))
            .unwrap(),
            pilote_domain::delivery::Party {
                account: editor,
                name: "editor Essai".into(),
            },
            &Actor::system("test"),
            "2025-03-01T00:00:00Z",
        )
        .await
        .unwrap();
    ids.push(("support", request.id));
    // An RGAA audit of eau-claire, for the endpoint that records its results.
    let audit = db
        .store
        .save_rgaa_audit(
            &serde_json::from_value(json!({
                "product": "eau-claire", "kind": "fast", "date": "2025-03-01",
                "pages": [{"title": "Accueil", "url": "https://eau-claire.example.org/"}]
            }))
            .unwrap(),
            &Actor::system("test"),
            "2025-03-01T00:00:00Z",
        )
        .await
        .unwrap();
    ids.push(("audit", audit));
    // LibreOffice, of which Camille is a referent, and on which eau-claire depends.
    let camille = ids.iter().find(|(k, _)| *k == "camille").unwrap().1;
    assert_eq!(
        camille,
        account_of("camille"),
        "accounts numbered in roles' order"
    );
    db.store
        .replace_software(
            &[
                serde_json::from_value(json!({"slug": "libreoffice", "name": "LibreOffice"}))
                    .unwrap(),
            ],
            &Actor::system("test"),
        )
        .await
        .unwrap();
    let declaration = db
        .store
        .declare_software(
            &serde_json::from_value(json!({
                "software": "libreoffice", "account": camille, "kind": "referent",
                "organisation": "DINUM"
            }))
            .unwrap(),
            &Actor::account(camille),
        )
        .await
        .unwrap();
    ids.push(("declaration", declaration.id));
    db.store
        .add_product_links(
            &[
                serde_json::from_value(json!({"product": "eau-claire", "software": "libreoffice"}))
                    .unwrap(),
            ],
            &Actor::system("test"),
        )
        .await
        .unwrap();
    // INSEE, a data producer with a receiver subscribed to its events, a restricted dataset
    // of it, and the applicant's request for it, sent back for changes: the applicant may
    // rewrite it, the instructor may decide it.
    db.store
        .apply_data_import(
            &pilote_store::DataImport {
                source: pilote_domain::data::DataSource::Manual,
                producers: vec![
                    serde_json::from_value(json!({
                        "slug": "insee", "name": "INSEE", "url": "https://www.insee.fr"
                    }))
                    .unwrap(),
                ],
                datasets: vec![
                    serde_json::from_value(json!({
                        "slug": "sirene-restreint", "title": "Sirene restreint",
                        "producer": "insee", "access": "restricted"
                    }))
                    .unwrap(),
                ],
                apis: vec![],
            },
            false,
            &Actor::system("test"),
        )
        .await
        .unwrap();
    let applicant = pilote_domain::delivery::Party {
        account: account_of("applicant"),
        name: "applicant Essai".into(),
    };
    let draft = pilote_domain::data::AccessRequest::draft(
        serde_json::from_value(access_form()).unwrap(),
        slug("insee"),
        APPLICANT_SIRET.into(),
        applicant.clone(),
        "2025-03-01T00:00:00Z",
    );
    let access = db
        .store
        .create_access_request(&draft, &Actor::system("test"))
        .await
        .unwrap();
    for (event, side) in [
        (
            pilote_domain::data::AccessEvent::Submit,
            pilote_domain::data::Side::Applicant,
        ),
        (
            pilote_domain::data::AccessEvent::RequestChanges,
            pilote_domain::data::Side::Instructor,
        ),
    ] {
        db.store
            .take_access_event(
                access.id,
                event,
                side,
                "Motif",
                applicant.clone(),
                &Actor::system("test"),
                "2025-03-02T00:00:00Z",
            )
            .await
            .unwrap();
    }
    ids.push(("access", access.id));
    let webhook = db
        .store
        .subscribe_webhook(
            &slug("insee"),
            "https://recepteur.example.org/pilote",
            "secret",
            &Actor::system("test"),
        )
        .await
        .unwrap();
    ids.push(("webhook", webhook.id));
    let (proposal, application) = recruitment_records(&db.store).await;
    ids.push(("proposal", proposal));
    ids.push(("application", application));
    (TestApp::spawn(db, pilote_web::Config::default()).await, ids)
}

/// The call of [`CALL`] with its retained challenge, an open job offer, and a confirmed
/// application to the challenge; returns the challenge's and the application's numbers.
async fn recruitment_records(store: &pilote_store::Store) -> (i64, i64) {
    use pilote_domain::talent::recruitment::{
        Application, Call, Candidate, ChallengeProposal, Criterion, JobOffer, Opening,
        ProposalStatus,
    };
    let system = Actor::system("test");
    let today = chrono::Utc::now().date_naive();
    let call = Call {
        slug: slug(CALL),
        title: "Appel d'essai".into(),
        description: String::new(),
        opens_on: today - chrono::Duration::days(1),
        closes_on: today + chrono::Duration::days(30),
        promotion: None,
    };
    let criteria = [Criterion {
        slug: slug("impact"),
        label: "Impact".into(),
        weight: 1,
    }];
    store.create_call(&call, &criteria, &system).await.unwrap();
    let proposal = store
        .save_proposal(
            &ChallengeProposal {
                id: 0,
                call: slug(CALL),
                organisation: slug("dir-solidarites"),
                product: Some(slug("droits-simples")),
                title: "Défi d'essai".into(),
                description: "Un défi.".into(),
                status: ProposalStatus::Retained,
            },
            &system,
        )
        .await
        .unwrap();
    let offer: JobOffer = serde_json::from_value(job_offer_body()).unwrap();
    store
        .save_job_offer(
            &JobOffer {
                slug: slug("offre-essai"),
                ..offer
            },
            &system,
        )
        .await
        .unwrap();
    let at = pilote_store::timestamp(chrono::Utc::now());
    let application = Application {
        confirmed_at: Some(at.clone()),
        ..Application::new(
            Opening::Challenge {
                call: slug(CALL),
                proposal: proposal.id,
                organisation: slug("dir-solidarites"),
            },
            serde_json::from_value::<Candidate>(candidate_body()).unwrap(),
            sha256_hex(CANDIDATE_SECRET),
            &at,
        )
    };
    let application = store
        .create_application(&application, &[], &system)
        .await
        .unwrap();
    (proposal.id, application.id)
}

fn candidate_body() -> Value {
    json!({
        "name": "Ada Lovelace", "email": "ada@exemple.fr", "profile": "Développeuse",
        "skills": ["Rust"], "motivation": "Servir le public"
    })
}

fn job_offer_body() -> Value {
    json!({
        "slug": "offre-nouvelle", "title": "Développeuse", "organisation": "dir-solidarites",
        "domaine": "Développement", "location": "Paris", "remote": "partial", "contract": "cdi",
        "closes_on": "2099-12-31", "description": "Le poste.", "published": true
    })
}

fn provider_target(provider: &str) -> Target {
    Target {
        provider: Some(slug(provider)),
        ..Target::default()
    }
}

/// A complete access request's content.
fn access_form() -> Value {
    json!({
        "dataset": "sirene-restreint", "title": "Contrôle", "purpose": "Vérifier.",
        "legal_basis": "CRPA", "data_requested": "Raison sociale", "retention_months": 12,
        "dpo_email": "dpo@exemple.gouv.fr", "technical_contact_email": "tech@exemple.gouv.fr"
    })
}

/// The target of the access request of `fresh`: the applicant's, submitted to insee.
fn access_target() -> Target {
    Target {
        account: Some(account_of("applicant")),
        siret: Some(APPLICANT_SIRET.into()),
        provider: Some(slug("insee")),
        ..Target::default()
    }
}

fn token_of(key: &str) -> String {
    format!("pilote_{key}_{}", "t".repeat(40))
}

fn session_of(key: &str) -> String {
    format!("session-{key}-{}", "s".repeat(40))
}

fn csrf_of(key: &str) -> String {
    format!("csrf-{key}-{}", "c".repeat(40))
}

/// The account number of a role: `fresh` creates them in [`roles`]'s order.
fn account_of(key: &str) -> i64 {
    let position = roles().iter().position(|r| r.key == key).unwrap();
    i64::try_from(position).unwrap() + 1
}

/// The target of a declaration made by Camille.
fn declaration_target() -> Target {
    Target {
        account: Some(account_of("camille")),
        ..Target::default()
    }
}

/// The principal the server should see for a role, built from the table's own terms.
fn principal(role: &Role_, scoped: bool) -> Principal {
    let products = match role.member {
        Some("camille.martin") => vec![slug("eau-claire")],
        Some("sarah.durand") => vec![slug("droits-simples")],
        _ => vec![],
    };
    Principal {
        account: account_of(role.key),
        name: role.key.into(),
        member: role.member.map(slug),
        grants: role.grants.clone(),
        products,
        scopes: scoped.then(|| role.scopes.clone()),
        token: None,
        siret: Some(role.siret.to_owned()),
    }
}

fn product_target(product: &str, incubator: &str) -> Target {
    Target {
        product: Some(slug(product)),
        incubators: vec![slug(incubator)],
        ..Target::default()
    }
}

fn member_target(member: &str, incubator: &str) -> Target {
    Target {
        member: Some(slug(member)),
        incubators: vec![slug(incubator)],
        ..Target::default()
    }
}

/// One write endpoint of the suite: how to call it, and what the table says about it.
struct Endpoint {
    method: Method,
    /// As the OpenAPI document or the forms name it, with `{slug}` / `{id}` placeholders.
    template: &'static str,
    /// The action checked, or `None` for sign-in and sign-out, open to all.
    action: Option<Action>,
    target: Target,
}

/// The target of the support request of `fresh`: dir-solidarites's.
fn support_target() -> Target {
    Target {
        organisation: Some(slug("dir-solidarites")),
        ..Target::default()
    }
}

fn committee_target(incubator: &str) -> Target {
    Target {
        incubators: vec![slug(incubator)],
        ..Target::default()
    }
}

fn api_endpoints() -> Vec<Endpoint> {
    let e = |method, template, action, target| Endpoint {
        method,
        template,
        action: Some(action),
        target,
    };
    let open = |method, template| Endpoint {
        method,
        template,
        action: None,
        target: Target::default(),
    };
    vec![
        e(
            Method::POST,
            "/api/v1/access-requests",
            Action::RequestDataAccess,
            Target::default(),
        ),
        e(
            Method::PUT,
            "/api/v1/access-requests/{id}",
            Action::EditAccessRequest,
            access_target(),
        ),
        e(
            Method::POST,
            "/api/v1/access-requests/{id}/events",
            Action::InstructAccessRequest,
            access_target(),
        ),
        e(
            Method::POST,
            "/api/v1/access-requests/{id}/messages",
            Action::WriteAccessMessage,
            access_target(),
        ),
        e(
            Method::POST,
            "/api/v1/products",
            Action::CreateProduct,
            product_target("nouveau-produit", "fabrique-demo"),
        ),
        e(
            Method::PUT,
            "/api/v1/products/{slug}",
            Action::UpdateProduct,
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            Method::DELETE,
            "/api/v1/products/{slug}",
            Action::DeleteProduct,
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            Method::POST,
            "/api/v1/products/{slug}/indicators",
            Action::ManageImpact,
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            Method::PUT,
            "/api/v1/products/{slug}/indicators/{id}",
            Action::ManageImpact,
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            Method::DELETE,
            "/api/v1/products/{slug}/indicators/{id}",
            Action::ManageImpact,
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            Method::POST,
            "/api/v1/products/{slug}/indicators/{id}/measurements",
            Action::ManageImpact,
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            Method::PUT,
            "/api/v1/products/{slug}/indicators/{id}/measurements/{measurement_id}",
            Action::ManageImpact,
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            Method::DELETE,
            "/api/v1/products/{slug}/indicators/{id}/measurements/{measurement_id}",
            Action::ManageImpact,
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            Method::PUT,
            "/api/v1/products/{slug}/budget",
            Action::ManageImpact,
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            Method::POST,
            "/api/v1/products/{slug}/releases",
            Action::UpdateProduct,
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            Method::DELETE,
            "/api/v1/products/{slug}/releases/{id}",
            Action::UpdateProduct,
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            Method::POST,
            "/api/v1/members",
            Action::CreateMember,
            member_target("nouveau.membre", "fabrique-demo"),
        ),
        e(
            Method::PUT,
            "/api/v1/members/{slug}",
            Action::UpdateMember,
            member_target("camille.martin", "fabrique-demo"),
        ),
        e(
            Method::DELETE,
            "/api/v1/members/{slug}",
            Action::DeleteMember,
            member_target("camille.martin", "fabrique-demo"),
        ),
        e(
            Method::PUT,
            "/api/v1/incubators/{slug}",
            Action::UpdateIncubator,
            Target {
                incubators: vec![slug("fabrique-demo")],
                ..Target::default()
            },
        ),
        e(
            Method::PUT,
            "/api/v1/organisations/{slug}",
            Action::UpdateOrganisation,
            Target {
                organisation: Some(slug("dir-solidarites")),
                ..Target::default()
            },
        ),
        e(
            Method::POST,
            "/api/v1/committees",
            Action::ManageCommittees,
            committee_target("fabrique-demo"),
        ),
        e(
            Method::POST,
            "/api/v1/committees/{id}/decisions",
            Action::ManageCommittees,
            committee_target("fabrique-demo"),
        ),
        e(
            Method::PUT,
            "/api/v1/products/{slug}/rgesn",
            Action::UpdateProduct,
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            Method::POST,
            "/api/v1/products/{slug}/audits",
            Action::UpdateProduct,
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            Method::PUT,
            "/api/v1/products/{slug}/audits/{id}/pages/{page}/criteria/{criterion}",
            Action::UpdateProduct,
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            Method::PUT,
            "/api/v1/products/{slug}/quality-record",
            Action::UpdateProduct,
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            Method::POST,
            "/api/v1/support-requests",
            Action::RequestSupport,
            support_target(),
        ),
        e(
            Method::POST,
            "/api/v1/support-requests/{id}/steps",
            Action::HandleSupportRequests,
            Target::default(),
        ),
        e(
            Method::POST,
            "/api/v1/support-requests/{id}/messages",
            Action::WriteSupportMessage,
            support_target(),
        ),
        e(
            Method::POST,
            "/api/v1/accounts/{id}/roles",
            Action::ManageRoles,
            Target::default(),
        ),
        e(
            Method::DELETE,
            "/api/v1/accounts/{id}/roles/{role}",
            Action::ManageRoles,
            Target::default(),
        ),
        e(
            Method::PUT,
            "/api/v1/delivery/recommended-composition",
            Action::ConfigureTeamComposition,
            Target::default(),
        ),
        e(
            Method::POST,
            "/api/v1/observatory/editions",
            Action::PublishObservatory,
            Target::default(),
        ),
        e(
            Method::POST,
            "/api/v1/software/{slug}/declarations",
            Action::DeclareSoftware,
            Target::default(),
        ),
        e(
            Method::DELETE,
            "/api/v1/software/{slug}/declarations/{id}",
            Action::WithdrawSoftwareDeclaration,
            declaration_target(),
        ),
        e(
            Method::PUT,
            "/api/v1/products/{slug}/software/{software}",
            Action::UpdateProduct,
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            Method::DELETE,
            "/api/v1/products/{slug}/software/{software}",
            Action::UpdateProduct,
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            Method::POST,
            "/api/v1/data-producers/{slug}/webhooks",
            Action::ManageWebhooks,
            provider_target("insee"),
        ),
        e(
            Method::DELETE,
            "/api/v1/data-producers/{slug}/webhooks/{id}",
            Action::ManageWebhooks,
            provider_target("insee"),
        ),
        e(
            Method::POST,
            "/api/v1/trainings",
            Action::ManageTrainings,
            Target::default(),
        ),
        e(
            Method::POST,
            "/api/v1/trainings/{id}/attendees",
            Action::ManageTrainings,
            Target::default(),
        ),
        e(
            Method::POST,
            "/api/v1/calls",
            Action::ManageCalls,
            Target::default(),
        ),
        e(
            Method::POST,
            "/api/v1/calls/{slug}/proposals",
            Action::ProposeChallenges,
            support_target(),
        ),
        e(
            Method::PUT,
            "/api/v1/calls/{slug}/proposals/{id}/status",
            Action::ManageCalls,
            Target::default(),
        ),
        e(
            Method::PUT,
            "/api/v1/calls/{slug}/proposals/{id}/scorecard",
            Action::ScoreProposals,
            call_target(),
        ),
        e(
            Method::PUT,
            "/api/v1/job-offers/{slug}",
            Action::ManageJobOffers,
            support_target(),
        ),
        e(
            Method::POST,
            "/api/v1/applications/{id}/events",
            Action::ReviewApplications,
            call_target(),
        ),
        e(
            Method::POST,
            "/api/v1/applications/{id}/messages",
            Action::ReviewApplications,
            call_target(),
        ),
        // Candidates need no account.
        open(
            Method::POST,
            "/api/v1/calls/{slug}/proposals/{id}/applications",
        ),
        open(Method::POST, "/api/v1/job-offers/{slug}/applications"),
        open(Method::POST, "/api/v1/applications/confirmation"),
    ]
}

fn form_endpoints() -> Vec<Endpoint> {
    let e = |template, action: Option<Action>, target| Endpoint {
        method: Method::POST,
        template,
        action,
        target,
    };
    vec![
        e(
            "/donnees/demandes/nouvelle",
            Some(Action::RequestDataAccess),
            Target::default(),
        ),
        e(
            "/donnees/demandes/{id}/modifier",
            Some(Action::EditAccessRequest),
            access_target(),
        ),
        e(
            "/donnees/demandes/{id}/evenements",
            Some(Action::InstructAccessRequest),
            access_target(),
        ),
        e(
            "/donnees/demandes/{id}/messages",
            Some(Action::WriteAccessMessage),
            access_target(),
        ),
        e(
            "/logiciels/{slug}/declarations",
            Some(Action::DeclareSoftware),
            Target::default(),
        ),
        e(
            "/logiciels/{slug}/declarations/{id}/retirer",
            Some(Action::WithdrawSoftwareDeclaration),
            declaration_target(),
        ),
        e(
            "/produits/{slug}/livraisons",
            Some(Action::UpdateProduct),
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            "/produits/{slug}/qualite/fiche",
            Some(Action::UpdateProduct),
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            "/produits/{slug}/audits/nouveau",
            Some(Action::UpdateProduct),
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            "/produits/{slug}/audits/{id}/pages/{id}",
            Some(Action::UpdateProduct),
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            "/produits/{slug}/rgesn",
            Some(Action::UpdateProduct),
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            "/observatoire/editions",
            Some(Action::PublishObservatory),
            Target::default(),
        ),
        e(
            "/produits/{slug}/livraisons/{id}/supprimer",
            Some(Action::UpdateProduct),
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            "/accompagnement/nouvelle",
            Some(Action::RequestSupport),
            support_target(),
        ),
        e(
            "/accompagnement/{id}/etapes",
            Some(Action::HandleSupportRequests),
            Target::default(),
        ),
        e(
            "/accompagnement/{id}/messages",
            Some(Action::WriteSupportMessage),
            support_target(),
        ),
        e(
            "/produits/nouveau",
            Some(Action::CreateProduct),
            product_target("nouveau-produit", "fabrique-demo"),
        ),
        e(
            "/produits/{slug}/modifier",
            Some(Action::UpdateProduct),
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            "/produits/{slug}/supprimer",
            Some(Action::DeleteProduct),
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            "/produits/{slug}/indicateurs/nouveau",
            Some(Action::ManageImpact),
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            "/produits/{slug}/indicateurs/{id}/modifier",
            Some(Action::ManageImpact),
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            "/produits/{slug}/indicateurs/{id}/supprimer",
            Some(Action::ManageImpact),
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            "/produits/{slug}/indicateurs/{id}/mesures/nouvelle",
            Some(Action::ManageImpact),
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            "/produits/{slug}/indicateurs/{id}/mesures/{id}/modifier",
            Some(Action::ManageImpact),
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            "/produits/{slug}/indicateurs/{id}/mesures/{id}/supprimer",
            Some(Action::ManageImpact),
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            "/produits/{slug}/budget",
            Some(Action::ManageImpact),
            product_target("eau-claire", "fabrique-demo"),
        ),
        e(
            "/membres/nouveau",
            Some(Action::CreateMember),
            member_target("nouveau.membre", "fabrique-demo"),
        ),
        e(
            "/membres/{slug}/modifier",
            Some(Action::UpdateMember),
            member_target("camille.martin", "fabrique-demo"),
        ),
        e(
            "/membres/{slug}/supprimer",
            Some(Action::DeleteMember),
            member_target("camille.martin", "fabrique-demo"),
        ),
        e(
            "/comites/nouveau",
            Some(Action::ManageCommittees),
            committee_target("fabrique-demo"),
        ),
        e(
            "/comites/{id}/decisions",
            Some(Action::ManageCommittees),
            committee_target("fabrique-demo"),
        ),
        e(
            "/admin/comptes/{id}/roles",
            Some(Action::ManageRoles),
            Target::default(),
        ),
        e(
            "/admin/comptes/{id}/roles/retrait",
            Some(Action::ManageRoles),
            Target::default(),
        ),
        e(
            "/compte/jetons",
            Some(Action::ManageOwnTokens),
            Target::default(),
        ),
        e(
            "/compte/jetons/{id}/revocation",
            Some(Action::ManageOwnTokens),
            Target::default(),
        ),
        e(
            "/admin/composition-recommandee",
            Some(Action::ConfigureTeamComposition),
            Target::default(),
        ),
        e(
            "/talents/formations/nouvelle",
            Some(Action::ManageTrainings),
            Target::default(),
        ),
        e(
            "/talents/formations/{id}/participants",
            Some(Action::ManageTrainings),
            Target::default(),
        ),
        e(
            "/talents/offres/nouvelle",
            Some(Action::ManageJobOffers),
            support_target(),
        ),
        e(
            "/talents/offres/{slug}/modifier",
            Some(Action::ManageJobOffers),
            support_target(),
        ),
        e(
            "/talents/appels/{slug}/proposer",
            Some(Action::ProposeChallenges),
            support_target(),
        ),
        e(
            "/talents/appels/{slug}/propositions/{id}",
            Some(Action::ScoreProposals),
            call_target(),
        ),
        e(
            "/talents/candidatures/{id}",
            Some(Action::ReviewApplications),
            call_target(),
        ),
        // Candidates need no account.
        e(
            "/talents/offres/{slug}/candidature",
            None,
            Target::default(),
        ),
        e(
            "/talents/appels/{slug}/defis/{id}/candidature",
            None,
            Target::default(),
        ),
        e("/talents/candidature", None, Target::default()),
        e("/deconnexion", None, Target::default()),
        e("/connexion/demo", None, Target::default()),
        e("/connexion/reauthentification", None, Target::default()),
    ]
}

/// A valid indicator of eau-claire, as a body.
fn indicator_body() -> Value {
    json!({
        "name": "Foyers informés, modifié", "category": "users_reached", "unit": "count",
        "direction": "higher_is_better", "methodology": "Comptage.", "public": true
    })
}

/// A valid measurement of a count, as a body.
fn measurement_body() -> Value {
    json!({
        "period_start": "2025-01-01", "period_end": "2025-06-30", "value": 80,
        "method": "declared"
    })
}

/// The concrete request of an API endpoint: path and body.
async fn api_request(
    app: &TestApp,
    endpoint: &Endpoint,
    ids: &[(&str, i64)],
) -> (String, Option<Value>) {
    let id = |key: &str| ids.iter().find(|(k, _)| *k == key).unwrap().1;
    let current = |path: &str| {
        let path = path.to_owned();
        async move { app.get(&path).await.1 }
    };
    match (endpoint.method.as_str(), endpoint.template) {
        ("POST", "/api/v1/access-requests") => {
            ("/api/v1/access-requests".into(), Some(access_form()))
        }
        ("PUT", "/api/v1/access-requests/{id}") => (
            format!("/api/v1/access-requests/{}", id("access")),
            Some(access_form()),
        ),
        ("POST", "/api/v1/access-requests/{id}/events") => (
            format!("/api/v1/access-requests/{}/events", id("access")),
            Some(json!({"event": "approve", "message": "Accordé."})),
        ),
        ("POST", "/api/v1/access-requests/{id}/messages") => (
            format!("/api/v1/access-requests/{}/messages", id("access")),
            Some(json!({"body": "Bonjour"})),
        ),
        ("POST", "/api/v1/products") => (
            "/api/v1/products".into(),
            Some(json!({
                "slug": "nouveau-produit", "title": "Nouveau", "mission": "m", "incubator": "fabrique-demo",
                "phases": [{"name": "investigation", "start": "2024-01-01"}]
            })),
        ),
        ("PUT", "/api/v1/products/{slug}") => {
            let mut product = current("/api/v1/products/eau-claire").await;
            product["title"] = json!("Eau claire, modifié");
            ("/api/v1/products/eau-claire".into(), Some(product))
        }
        ("DELETE", "/api/v1/products/{slug}") => ("/api/v1/products/eau-claire".into(), None),
        ("POST", "/api/v1/products/{slug}/indicators") => (
            "/api/v1/products/eau-claire/indicators".into(),
            Some(indicator_body()),
        ),
        ("PUT", "/api/v1/products/{slug}/indicators/{id}") => (
            format!("/api/v1/products/eau-claire/indicators/{}", id("indicator")),
            Some(indicator_body()),
        ),
        ("DELETE", "/api/v1/products/{slug}/indicators/{id}") => (
            format!("/api/v1/products/eau-claire/indicators/{}", id("indicator")),
            None,
        ),
        ("POST", "/api/v1/products/{slug}/indicators/{id}/measurements") => (
            format!(
                "/api/v1/products/eau-claire/indicators/{}/measurements",
                id("indicator")
            ),
            Some(measurement_body()),
        ),
        ("PUT", "/api/v1/products/{slug}/indicators/{id}/measurements/{measurement_id}") => (
            format!(
                "/api/v1/products/eau-claire/indicators/{}/measurements/{}",
                id("indicator"),
                id("measurement")
            ),
            Some(measurement_body()),
        ),
        ("DELETE", "/api/v1/products/{slug}/indicators/{id}/measurements/{measurement_id}") => (
            format!(
                "/api/v1/products/eau-claire/indicators/{}/measurements/{}",
                id("indicator"),
                id("measurement")
            ),
            None,
        ),
        ("POST", "/api/v1/products/{slug}/releases") => (
            "/api/v1/products/eau-claire/releases".into(),
            Some(json!({"name": "v2.0", "date": "2025-06-01", "size": "small"})),
        ),
        ("DELETE", "/api/v1/products/{slug}/releases/{id}") => (
            format!("/api/v1/products/eau-claire/releases/{}", id("release")),
            None,
        ),
        ("PUT", "/api/v1/products/{slug}/budget") => (
            "/api/v1/products/eau-claire/budget".into(),
            Some(json!({"lines": [{"year": 2025, "amount": 1000, "source": "ministry"}]})),
        ),
        ("POST", "/api/v1/members") => (
            "/api/v1/members".into(),
            Some(json!({
                "slug": "nouveau.membre", "fullname": "Nouveau Membre", "domaine": "Design",
                "missions": [{"start": "2024-01-01", "end": "2099-12-31", "status": "admin", "products": ["eau-claire"]}]
            })),
        ),
        ("PUT", "/api/v1/members/{slug}") => {
            let mut member = current("/api/v1/members/camille.martin").await;
            member["role"] = json!("Développeuse, modifié");
            ("/api/v1/members/camille.martin".into(), Some(member))
        }
        ("DELETE", "/api/v1/members/{slug}") => ("/api/v1/members/camille.martin".into(), None),
        ("PUT", "/api/v1/incubators/{slug}") => {
            let mut incubator = current("/api/v1/incubators/fabrique-demo").await;
            incubator["title"] = json!("La Fabrique, modifiée");
            ("/api/v1/incubators/fabrique-demo".into(), Some(incubator))
        }
        ("PUT", "/api/v1/organisations/{slug}") => {
            let mut organisation = current("/api/v1/organisations/dir-solidarites").await;
            organisation["name"] = json!("Direction des solidarités, modifiée");
            (
                "/api/v1/organisations/dir-solidarites".into(),
                Some(organisation),
            )
        }
        ("POST", "/api/v1/committees") => (
            "/api/v1/committees".into(),
            Some(json!({
                "date": "2025-06-01", "incubator": "fabrique-demo",
                "members": ["Julie Simon, DINUM"]
            })),
        ),
        ("POST", "/api/v1/committees/{id}/decisions") => (
            format!("/api/v1/committees/{}/decisions", id("committee")),
            Some(json!({"product": "eau-claire", "kind": "continue"})),
        ),
        ("PUT", "/api/v1/products/{slug}/rgesn") => (
            "/api/v1/products/eau-claire/rgesn".into(),
            Some(json!({"assessments": [{"criterion": "1.1", "answer": "met"}]})),
        ),
        ("POST", "/api/v1/products/{slug}/audits") => (
            "/api/v1/products/eau-claire/audits".into(),
            Some(json!({"kind": "full", "date": "2025-06-01",
                        "pages": [{"title": "Accueil", "url": "https://eau-claire.example.org/"}]})),
        ),
        ("PUT", "/api/v1/products/{slug}/audits/{id}/pages/{page}/criteria/{criterion}") => (
            format!(
                "/api/v1/products/eau-claire/audits/{}/pages/1/criteria/1.1",
                id("audit")
            ),
            Some(json!({"status": "compliant"})),
        ),
        ("PUT", "/api/v1/products/{slug}/quality-record") => (
            "/api/v1/products/eau-claire/quality-record".into(),
            Some(json!({"identity": "proconnect", "statement": {"status": "not_compliant"}})),
        ),
        ("POST", "/api/v1/support-requests") => (
            "/api/v1/support-requests".into(),
            Some(json!({
                "kind": "design", "title": "Parcours", "description": "Refonte du parcours.",
                "organisation": "dir-solidarites"
            })),
        ),
        ("POST", "/api/v1/support-requests/{id}/steps") => (
            format!("/api/v1/support-requests/{}/steps", id("support")),
            Some(json!({"step": "accept"})),
        ),
        ("POST", "/api/v1/support-requests/{id}/messages") => (
            format!("/api/v1/support-requests/{}/messages", id("support")),
            Some(json!({"body": "Bonjour"})),
        ),
        ("POST", "/api/v1/accounts/{id}/roles") => (
            format!("/api/v1/accounts/{}/roles", id("agent")),
            Some(json!({"role": "organisation_editor", "scope": "region-exemple"})),
        ),
        ("DELETE", "/api/v1/accounts/{id}/roles/{role}") => (
            format!(
                "/api/v1/accounts/{}/roles/organisation_editor?scope=dir-solidarites",
                id("editor")
            ),
            None,
        ),
        ("PUT", "/api/v1/delivery/recommended-composition") => (
            "/api/v1/delivery/recommended-composition".into(),
            Some(json!({"phases": [
                {"phase": "construction", "disciplines": ["intrapreneurship", "coaching"]}
            ]})),
        ),
        ("POST", "/api/v1/observatory/editions") => (
            "/api/v1/observatory/editions".into(),
            Some(json!({"edition": "2026-T1"})),
        ),
        ("POST", "/api/v1/software/{slug}/declarations") => (
            "/api/v1/software/libreoffice/declarations".into(),
            Some(json!({"kind": "user", "organisation": "DINUM", "version": "7.6"})),
        ),
        ("DELETE", "/api/v1/software/{slug}/declarations/{id}") => (
            format!(
                "/api/v1/software/libreoffice/declarations/{}",
                id("declaration")
            ),
            None,
        ),
        ("PUT", "/api/v1/products/{slug}/software/{software}") => (
            "/api/v1/products/eau-claire/software/libreoffice".into(),
            Some(json!({"role": "dependency"})),
        ),
        ("DELETE", "/api/v1/products/{slug}/software/{software}") => (
            "/api/v1/products/eau-claire/software/libreoffice".into(),
            None,
        ),
        ("POST", "/api/v1/data-producers/{slug}/webhooks") => (
            "/api/v1/data-producers/insee/webhooks".into(),
            Some(json!({"url": "https://autre-recepteur.example.org/pilote"})),
        ),
        ("DELETE", "/api/v1/data-producers/{slug}/webhooks/{id}") => (
            format!("/api/v1/data-producers/insee/webhooks/{}", id("webhook")),
            None,
        ),
        ("POST", "/api/v1/trainings") => (
            "/api/v1/trainings".into(),
            Some(json!({
                "title": "Éco-conception", "provider": "INR", "start": "2025-10-14",
                "end": "2025-10-15", "format": "presentiel"
            })),
        ),
        ("POST", "/api/v1/trainings/{id}/attendees") => (
            format!("/api/v1/trainings/{}/attendees", id("training")),
            Some(json!({"member": "camille.martin"})),
        ),
        ("POST", "/api/v1/calls") => (
            "/api/v1/calls".into(),
            Some(json!({
                "slug": "appel-nouveau", "title": "Nouvel appel", "opens_on": "2099-01-01",
                "closes_on": "2099-03-01",
                "criteria": [{"slug": "impact", "label": "Impact", "weight": 1}]
            })),
        ),
        ("POST", "/api/v1/calls/{slug}/proposals") => (
            format!("/api/v1/calls/{CALL}/proposals"),
            Some(json!({
                "organisation": "dir-solidarites", "title": "Un autre défi",
                "description": "Un problème."
            })),
        ),
        ("PUT", "/api/v1/calls/{slug}/proposals/{id}/status") => (
            format!("/api/v1/calls/{CALL}/proposals/{}/status", id("proposal")),
            Some(json!({"status": "declined"})),
        ),
        ("PUT", "/api/v1/calls/{slug}/proposals/{id}/scorecard") => (
            format!(
                "/api/v1/calls/{CALL}/proposals/{}/scorecard",
                id("proposal")
            ),
            Some(json!({"marks": {"impact": 3}})),
        ),
        ("POST", "/api/v1/calls/{slug}/proposals/{id}/applications") => (
            format!(
                "/api/v1/calls/{CALL}/proposals/{}/applications",
                id("proposal")
            ),
            Some(candidate_body()),
        ),
        ("PUT", "/api/v1/job-offers/{slug}") => (
            "/api/v1/job-offers/offre-nouvelle".into(),
            Some(job_offer_body()),
        ),
        ("POST", "/api/v1/job-offers/{slug}/applications") => (
            "/api/v1/job-offers/offre-essai/applications".into(),
            Some(candidate_body()),
        ),
        ("POST", "/api/v1/applications/confirmation") => (
            "/api/v1/applications/confirmation".into(),
            Some(json!({"token": CANDIDATE_SECRET})),
        ),
        ("POST", "/api/v1/applications/{id}/events") => (
            format!("/api/v1/applications/{}/events", id("application")),
            Some(json!({"event": "shortlist"})),
        ),
        ("POST", "/api/v1/applications/{id}/messages") => (
            format!("/api/v1/applications/{}/messages", id("application")),
            Some(json!({"message": "Bonjour"})),
        ),
        (method, template) => panic!("no request for {method} {template}: add one to this suite"),
    }
}

/// The concrete form post: path and fields (the CSRF token is added by the caller).
fn form_request(
    endpoint: &Endpoint,
    ids: &[(&str, i64)],
    key: &str,
) -> (String, Vec<(String, String)>) {
    let id = |key: &str| ids.iter().find(|(k, _)| *k == key).unwrap().1;
    let fields = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    let product = [
        ("slug", "nouveau-produit"),
        ("title", "Nouveau"),
        ("mission", "m"),
        ("incubator", "fabrique-demo"),
        ("phases[0].name", "investigation"),
        ("phases[0].start", "2024-01-01"),
    ];
    let member = [
        ("slug", "nouveau.membre"),
        ("fullname", "Nouveau Membre"),
        ("role", "Designer"),
        ("domaine", "Design"),
        ("missions[0].start", "2024-01-01"),
        ("missions[0].end", "2099-12-31"),
        ("missions[0].status", "admin"),
        ("missions[0].products", "eau-claire"),
    ];
    let indicator = [
        ("name", "Foyers informés, modifié"),
        ("category", "users_reached"),
        ("unit", "count"),
        ("direction", "higher_is_better"),
        ("methodology", "Comptage."),
        ("public", "on"),
    ];
    let measurement = [
        ("period_start", "2025-01-01"),
        ("period_end", "2025-06-30"),
        ("value", "80"),
        ("method", "declared"),
    ];
    let indicator_path = format!("/produits/eau-claire/indicateurs/{}", id("indicator"));
    let measurement_path = format!("{indicator_path}/mesures/{}", id("measurement"));
    let access_fields = [
        ("dataset", "sirene-restreint"),
        ("title", "Contrôle"),
        ("purpose", "Vérifier."),
        ("legal_basis", "CRPA"),
        ("data_requested", "Raison sociale"),
        ("retention_months", "12"),
        ("dpo_email", "dpo@exemple.gouv.fr"),
        ("technical_contact_email", "tech@exemple.gouv.fr"),
    ];
    let access_path = format!("/donnees/demandes/{}", id("access"));
    match endpoint.template {
        "/donnees/demandes/nouvelle" => (endpoint.template.into(), fields(&access_fields)),
        "/donnees/demandes/{id}/modifier" => {
            (format!("{access_path}/modifier"), fields(&access_fields))
        }
        "/donnees/demandes/{id}/evenements" => (
            format!("{access_path}/evenements"),
            fields(&[("event", "approve"), ("message", "Accordé.")]),
        ),
        "/donnees/demandes/{id}/messages" => (
            format!("{access_path}/messages"),
            fields(&[("body", "Bonjour")]),
        ),
        "/produits/nouveau" => (endpoint.template.into(), fields(&product)),
        "/produits/{slug}/indicateurs/nouveau" => (
            "/produits/eau-claire/indicateurs/nouveau".into(),
            fields(&indicator),
        ),
        "/produits/{slug}/indicateurs/{id}/modifier" => {
            (format!("{indicator_path}/modifier"), fields(&indicator))
        }
        "/produits/{slug}/indicateurs/{id}/supprimer" => {
            (format!("{indicator_path}/supprimer"), vec![])
        }
        "/produits/{slug}/indicateurs/{id}/mesures/nouvelle" => (
            format!("{indicator_path}/mesures/nouvelle"),
            fields(&measurement),
        ),
        "/produits/{slug}/indicateurs/{id}/mesures/{id}/modifier" => {
            (format!("{measurement_path}/modifier"), fields(&measurement))
        }
        "/produits/{slug}/indicateurs/{id}/mesures/{id}/supprimer" => {
            (format!("{measurement_path}/supprimer"), vec![])
        }
        "/produits/{slug}/budget" => (
            "/produits/eau-claire/budget".into(),
            fields(&[
                ("lines[0].year", "2025"),
                ("lines[0].amount", "1000"),
                ("lines[0].source", "ministry"),
            ]),
        ),
        "/produits/{slug}/modifier" => ("/produits/eau-claire/modifier".into(), fields(&product)),
        "/produits/{slug}/supprimer" => ("/produits/eau-claire/supprimer".into(), vec![]),
        "/membres/nouveau" => (endpoint.template.into(), fields(&member)),
        "/membres/{slug}/modifier" => ("/membres/camille.martin/modifier".into(), fields(&member)),
        "/membres/{slug}/supprimer" => ("/membres/camille.martin/supprimer".into(), vec![]),
        "/comites/nouveau" => (
            endpoint.template.into(),
            fields(&[
                ("date", "2025-06-01"),
                ("incubator", "fabrique-demo"),
                ("members", "Julie Simon, DINUM"),
            ]),
        ),
        "/comites/{id}/decisions" => (
            format!("/comites/{}/decisions", id("committee")),
            fields(&[("product", "eau-claire"), ("kind", "continue")]),
        ),
        "/produits/{slug}/qualite/fiche" => (
            "/produits/eau-claire/qualite/fiche".into(),
            fields(&[("identity", "franceconnect")]),
        ),
        "/produits/{slug}/audits/nouveau" => (
            "/produits/eau-claire/audits/nouveau".into(),
            fields(&[
                ("kind", "fast"),
                ("date", "2025-06-01"),
                ("pages", "Accueil | https://eau-claire.example.org/"),
            ]),
        ),
        "/produits/{slug}/audits/{id}/pages/{id}" => (
            format!("/produits/eau-claire/audits/{}/pages/1", id("audit")),
            fields(&[("1.1.status", "compliant")]),
        ),
        "/produits/{slug}/rgesn" => (
            "/produits/eau-claire/rgesn".into(),
            fields(&[("1.1.answer", "met")]),
        ),
        "/observatoire/editions" => (endpoint.template.into(), fields(&[("edition", "2025-T1")])),
        "/logiciels/{slug}/declarations" => (
            "/logiciels/libreoffice/declarations".into(),
            fields(&[("kind", "user"), ("organisation", "DINUM")]),
        ),
        "/logiciels/{slug}/declarations/{id}/retirer" => (
            format!(
                "/logiciels/libreoffice/declarations/{}/retirer",
                id("declaration")
            ),
            vec![],
        ),
        "/produits/{slug}/livraisons" => (
            "/produits/eau-claire/livraisons".into(),
            fields(&[("name", "v3.0"), ("date", "2025-09-01"), ("size", "medium")]),
        ),
        "/produits/{slug}/livraisons/{id}/supprimer" => (
            format!(
                "/produits/eau-claire/livraisons/{}/supprimer",
                id("release")
            ),
            vec![],
        ),
        "/accompagnement/nouvelle" => (
            endpoint.template.into(),
            fields(&[
                ("kind", "design"),
                ("title", "Parcours"),
                ("description", "Refonte du parcours."),
                ("organisation", "dir-solidarites"),
            ]),
        ),
        "/accompagnement/{id}/etapes" => (
            format!("/accompagnement/{}/etapes", id("support")),
            fields(&[("step", "accept")]),
        ),
        "/accompagnement/{id}/messages" => (
            format!("/accompagnement/{}/messages", id("support")),
            fields(&[("body", "Bonjour")]),
        ),
        "/admin/comptes/{id}/roles" => (
            format!("/admin/comptes/{}/roles", id("agent")),
            fields(&[("role", "organisation_editor"), ("scope", "region-exemple")]),
        ),
        "/admin/comptes/{id}/roles/retrait" => (
            format!("/admin/comptes/{}/roles/retrait", id("editor")),
            fields(&[
                ("role", "organisation_editor"),
                ("scope", "dir-solidarites"),
            ]),
        ),
        "/compte/jetons" => (
            endpoint.template.into(),
            fields(&[("nom", "essai"), ("portees", "read"), ("validite", "30")]),
        ),
        // Token numbers follow the accounts' order: each role revokes its own.
        "/compte/jetons/{id}/revocation" => {
            let own = ids.iter().find(|(k, _)| *k == key).map_or(1, |(_, id)| *id);
            (format!("/compte/jetons/{own}/revocation"), vec![])
        }
        "/deconnexion" | "/connexion/reauthentification" => (endpoint.template.into(), vec![]),
        "/connexion/demo" => (
            endpoint.template.into(),
            fields(&[("compte", "administratrice")]),
        ),
        "/admin/composition-recommandee" => (
            endpoint.template.into(),
            fields(&[
                ("construction", "intrapreneurship"),
                ("construction", "coaching"),
            ]),
        ),
        "/talents/formations/nouvelle" => (
            endpoint.template.into(),
            fields(&[
                ("title", "Éco-conception"),
                ("provider", "INR"),
                ("start", "2025-10-14"),
                ("end", "2025-10-15"),
                ("format", "presentiel"),
            ]),
        ),
        "/talents/formations/{id}/participants" => (
            format!("/talents/formations/{}/participants", id("training")),
            fields(&[("member", "camille.martin")]),
        ),
        "/talents/offres/nouvelle" | "/talents/offres/{slug}/modifier" => (
            if endpoint.template.ends_with("nouvelle") {
                "/talents/offres/nouvelle".to_owned()
            } else {
                "/talents/offres/offre-essai/modifier".to_owned()
            },
            fields(&[
                ("slug", "offre-nouvelle"),
                ("title", "Développeuse"),
                ("organisation", "dir-solidarites"),
                ("domaine", "Développement"),
                ("location", "Paris"),
                ("remote", "partial"),
                ("contract", "cdi"),
                ("closes_on", "2099-12-31"),
                ("description", "Le poste."),
                ("published", "on"),
            ]),
        ),
        "/talents/appels/{slug}/proposer" => (
            format!("/talents/appels/{CALL}/proposer"),
            fields(&[
                ("organisation", "dir-solidarites"),
                ("title", "Un autre défi"),
                ("description", "Un problème."),
            ]),
        ),
        "/talents/appels/{slug}/propositions/{id}" => (
            format!("/talents/appels/{CALL}/propositions/{}", id("proposal")),
            fields(&[("note-impact", "3")]),
        ),
        "/talents/candidatures/{id}" => (
            format!("/talents/candidatures/{}", id("application")),
            fields(&[("event", "shortlist"), ("message", "")]),
        ),
        "/talents/offres/{slug}/candidature" | "/talents/appels/{slug}/defis/{id}/candidature" => {
            let candidate = [
                ("name", "Ada Lovelace"),
                ("email", "ada@exemple.fr"),
                ("profile", "Développeuse"),
                ("motivation", "Servir le public"),
            ];
            if endpoint.template.starts_with("/talents/offres") {
                (
                    "/talents/offres/offre-essai/candidature".to_owned(),
                    fields(&candidate),
                )
            } else {
                (
                    format!(
                        "/talents/appels/{CALL}/defis/{}/candidature",
                        id("proposal")
                    ),
                    fields(&candidate),
                )
            }
        }
        "/talents/candidature" => (
            "/talents/candidature".to_owned(),
            fields(&[("jeton", CANDIDATE_SECRET), ("action", "confirmer")]),
        ),
        other => panic!("no form post for {other}: add one to this suite"),
    }
}

fn expected(endpoint: &Endpoint, role: Option<&Role_>, scoped: bool) -> &'static str {
    match (endpoint.action, role) {
        (None, _) => "open",
        (Some(_), None) => "unauthenticated",
        (Some(action), Some(role)) => {
            if principal(role, scoped).may(action, &endpoint.target) {
                "allowed"
            } else {
                "forbidden"
            }
        }
    }
}

fn outcome(status: StatusCode, endpoint: &Endpoint) -> &'static str {
    // A support request one may not see does not exist: its addresses answer 404.
    // So does an access request.
    // So does an application, to whoever does not review it.
    let hidden = endpoint.template.contains("support-requests/{id}")
        || endpoint.template.contains("applications/{id}")
        || endpoint.template.starts_with("/talents/candidatures/{id}")
        || endpoint.template.starts_with("/accompagnement/{id}")
        || endpoint.template.contains("access-requests/{id}")
        || endpoint.template.starts_with("/donnees/demandes/{id}");
    match status.as_u16() {
        404 if hidden => "forbidden",
        401 => "unauthenticated",
        403 => "forbidden",
        200 | 201 | 202 | 204 | 303 => "allowed",
        _ => "unexpected",
    }
}

#[tokio::test]
async fn every_api_write_follows_the_permission_table() {
    // Every write operation the OpenAPI document lists has an entry here.
    let document = serde_json::to_value(pilote_web::api::openapi_document()).unwrap();
    let mut documented = BTreeSet::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            if method != "get" {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    let endpoints = api_endpoints();
    let covered: BTreeSet<(String, String)> = endpoints
        .iter()
        .map(|e| (e.method.to_string(), e.template.to_owned()))
        .collect();
    assert_eq!(
        documented, covered,
        "each API write needs an entry in this suite"
    );

    let mut failures = Vec::new();
    let mut tried = 0;
    for endpoint in &endpoints {
        let mut attempts: Vec<Option<Role_>> = vec![None];
        attempts.extend(roles().into_iter().map(Some));
        for role in attempts {
            let (app, ids) = fresh().await;
            let (path, body) = api_request(&app, endpoint, &ids).await;
            let mut request = app.client.request(endpoint.method.clone(), app.url(&path));
            if let Some(role) = &role {
                request = request.bearer_auth(token_of(role.key));
            }
            if let Some(body) = &body {
                request = request.json(body);
            }
            let response = request.send().await.unwrap();
            let status = response.status();
            let want = expected(endpoint, role.as_ref(), true);
            let got = outcome(status, endpoint);
            tried += 1;
            let agrees = want == got || (want == "open" && status.as_u16() < 500);
            if !agrees {
                failures.push(format!(
                    "{} {path} as {}: expected {want}, got {status} {}",
                    endpoint.method,
                    role.as_ref().map_or("anonymous", |r| r.key),
                    response.text().await.unwrap_or_default()
                ));
            }
            app.stop().await;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {tried} attempts disagree with the table:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(tried, api_endpoints().len() * (roles().len() + 1));
}

/// Every form's address in the pages an administrator sees, with slugs and numbers replaced
/// by placeholders.
async fn forms_in_pages(app: &TestApp, ids: &[(&str, i64)]) -> BTreeSet<String> {
    let id = |key: &str| ids.iter().find(|(k, _)| *k == key).unwrap().1;
    let indicator = format!("/produits/eau-claire/indicateurs/{}", id("indicator"));
    let measurement = format!("{indicator}/mesures/{}", id("measurement"));
    let impact_pages = [
        "/produits/eau-claire/indicateurs/nouveau".to_owned(),
        format!("{indicator}/modifier"),
        format!("{indicator}/supprimer"),
        format!("{indicator}/mesures/nouvelle"),
        format!("{measurement}/modifier"),
        format!("{measurement}/supprimer"),
        "/produits/eau-claire/budget".to_owned(),
        "/produits/eau-claire/qualite/fiche".to_owned(),
        "/produits/eau-claire/audits/nouveau".to_owned(),
        format!("/produits/eau-claire/audits/{}/pages/1", id("audit")),
        "/produits/eau-claire/rgesn".to_owned(),
        "/observatoire".to_owned(),
        // Recruitment: the forms of recruiters, organisations, the panel, candidates.
        "/talents/offres/nouvelle".to_owned(),
        "/talents/offres/offre-essai".to_owned(),
        "/talents/offres/offre-essai/modifier".to_owned(),
        format!("/talents/appels/{CALL}/proposer"),
        format!("/talents/appels/{CALL}/defis/{}", id("proposal")),
        format!("/talents/appels/{CALL}/propositions/{}", id("proposal")),
        format!("/talents/candidatures/{}", id("application")),
        format!("/talents/candidature?jeton={CANDIDATE_SECRET}"),
    ];
    let pages = [
        "/",
        "/produits",
        "/produits/eau-claire",
        "/produits/nouveau",
        "/produits/eau-claire/modifier",
        "/produits/eau-claire/supprimer",
        "/membres/camille.martin",
        "/membres/nouveau",
        "/membres/camille.martin/modifier",
        "/membres/camille.martin/supprimer",
        "/compte",
        "/admin/comptes",
        "/admin/composition-recommandee",
        "/equipes-produits",
        "/connexion",
        "/connexion/reauthentification",
        "/produits/eau-claire/historique",
        "/comites",
        "/comites/nouveau",
        // The committee of `fresh`, the first of its database.
        "/comites/1",
        "/produits/eau-claire/livraisons",
        "/accompagnement",
        "/accompagnement/nouvelle",
        // The support request of `fresh`, the first of its database.
        "/accompagnement/1",
        "/logiciels/libreoffice",
        "/donnees",
        "/donnees/api",
        "/donnees/producteurs",
        "/donnees/demandes",
        "/donnees/demandes/nouvelle?jeu=sirene-restreint",
        "/talents/formations/nouvelle",
        // The training of `fresh`, the first of its database.
        "/talents/formations/1",
    ];
    let mut actions = BTreeSet::new();
    for page in pages
        .into_iter()
        .chain(impact_pages.iter().map(String::as_str))
    {
        let response = app
            .client
            .get(app.url(page))
            .header(
                header::COOKIE,
                format!("pilote_session={}", session_of("admin")),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{page}");
        let html = response.text().await.unwrap();
        for form in html.split("<form").skip(1) {
            let tag = &form[..form.find('>').unwrap()];
            if !tag.contains("method=\"post\"") {
                continue;
            }
            let action = tag
                .split("action=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let path = action.split(['#', '?']).next().unwrap();
            let template: Vec<String> = path
                .split('/')
                .map(|segment| match segment {
                    "eau-claire" | "camille.martin" | "libreoffice" | "offre-essai" | CALL => {
                        "{slug}".to_owned()
                    }
                    s if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) => {
                        "{id}".to_owned()
                    }
                    s => s.to_owned(),
                })
                .collect();
            actions.insert(template.join("/"));
        }
    }
    actions
}

#[tokio::test]
async fn every_form_follows_the_permission_table() {
    let (app, ids) = fresh().await;
    let found = forms_in_pages(&app, &ids).await;
    let known: BTreeSet<String> = form_endpoints()
        .iter()
        .map(|e| e.template.to_owned())
        .collect();
    let unknown: Vec<&String> = found.difference(&known).collect();
    assert!(
        unknown.is_empty(),
        "forms without an entry in this suite: {unknown:?}"
    );
    app.stop().await;

    let mut failures = Vec::new();
    for endpoint in form_endpoints() {
        let mut attempts: Vec<Option<Role_>> = vec![None];
        attempts.extend(
            roles()
                .into_iter()
                .filter(|r| r.key != "admin-read-only")
                .map(Some),
        );
        for role in attempts {
            let (app, ids) = fresh().await;
            let key = role.as_ref().map_or("anonymous", |r| r.key);
            let (path, mut fields) = form_request(&endpoint, &ids, key);
            let mut request = app.client.post(app.url(&path));
            // Anonymous visitors hold a CSRF cookie of their own; people, their session's token.
            let (cookie, csrf) = role.as_ref().map_or_else(
                || (format!("pilote_csrf={}", "a".repeat(43)), "a".repeat(43)),
                |role| {
                    (
                        format!("pilote_session={}", session_of(role.key)),
                        csrf_of(role.key),
                    )
                },
            );
            request = request.header(header::COOKIE, cookie);
            fields.push(("csrf".into(), csrf));
            let response = request.form(&fields).send().await.unwrap();
            let status = response.status();
            // Sessions are people, not tokens: scopes do not apply.
            let want = expected(&endpoint, role.as_ref(), false);
            let got = outcome(status, &endpoint);
            let agrees = want == got || (want == "open" && status.as_u16() < 500);
            if !agrees {
                failures.push(format!(
                    "POST {path} as {key}: expected {want}, got {status} {}",
                    response
                        .text()
                        .await
                        .unwrap_or_default()
                        .chars()
                        .take(300)
                        .collect::<String>()
                ));
            }
            app.stop().await;
        }
    }
    assert!(
        failures.is_empty(),
        "{} form posts disagree with the table:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
