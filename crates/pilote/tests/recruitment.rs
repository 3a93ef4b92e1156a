//! Recruitment on both backends: a call, its proposals and an offer stored and read back,
//! an application confirmed and moved along, a candidate's data kept from another call's
//! panel and from the public, and erased after the retention period.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use chrono::NaiveDate;
use common::TestDb;
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::identity::{Principal, Role, RoleGrant};
use pilote_domain::portfolio::Domaine;
use pilote_domain::talent::recruitment::{
    self, Application, ApplicationEvent, ApplicationState, Call, Candidate, ChallengeProposal,
    ContractType, Criterion, JobOffer, Mark, Opening, ProposalStatus, Refusal, RemotePolicy,
    SalaryRange, Scorecard,
};
use pilote_store::{Consequences, OfferFilters};

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn call(name: &str) -> Call {
    Call {
        slug: slug(name),
        title: format!("Appel {name}"),
        description: "Des défis pour l'État".into(),
        opens_on: day("2027-01-01"),
        closes_on: day("2027-02-28"),
        promotion: None,
    }
}

fn offer(name: &str, published: bool, contract: ContractType) -> JobOffer {
    JobOffer {
        slug: slug(name),
        title: "Développeuse ou développeur".into(),
        organisation: slug("dinum"),
        domaine: Domaine::Developpement,
        location: "Paris".into(),
        remote: RemotePolicy::Partial,
        contract,
        salary: Some(SalaryRange::new(45_000, 60_000).unwrap()),
        closes_on: day("2027-03-31"),
        description: "Rejoindre l'équipe.".into(),
        published,
    }
}

fn candidate() -> Candidate {
    Candidate {
        name: "Ada Lovelace".into(),
        email: "ada@exemple.fr".into(),
        profile: "Développeuse".into(),
        skills: vec!["Rust".into()],
        motivation: "Servir le public".into(),
    }
}

fn person(account: i64, role: Role, scope: Option<&str>) -> Principal {
    Principal {
        account,
        name: format!("compte {account}"),
        member: None,
        grants: vec![RoleGrant::new(role, scope.map(slug)).unwrap()],
        products: vec![],
        scopes: None,
        token: None,
        siret: None,
    }
}

const DIGEST: &str = "condensat-du-jeton";

async fn calls_offers_and_applications(db: TestDb) {
    let store = &db.store;
    let system = Actor::system("test");
    let criteria = [Criterion {
        slug: slug("impact"),
        label: "Impact".into(),
        weight: 2,
    }];
    store
        .create_call(&call("eig-2027"), &criteria, &system)
        .await
        .unwrap();
    store
        .create_call(&call("eig-2026"), &criteria, &system)
        .await
        .unwrap();
    assert!(
        store
            .create_call(&call("eig-2027"), &criteria, &system)
            .await
            .is_err()
    );
    assert_eq!(store.calls().await.unwrap().len(), 2);
    assert_eq!(
        store.call_criteria(&slug("eig-2027")).await.unwrap(),
        criteria
    );

    let mut proposal = store
        .save_proposal(
            &ChallengeProposal {
                id: 0,
                call: slug("eig-2027"),
                organisation: slug("dinum"),
                product: None,
                title: "Mieux instruire".into(),
                description: "Un défi".into(),
                status: ProposalStatus::Submitted,
            },
            &system,
        )
        .await
        .unwrap();
    assert!(proposal.id > 0);
    proposal.status = ProposalStatus::Retained;
    let proposal = store.save_proposal(&proposal, &system).await.unwrap();
    assert!(proposal.takes_applications());
    assert_eq!(store.proposals(&slug("eig-2027")).await.unwrap().len(), 1);

    // Scorecards: one per panelist and proposal, a second one replacing the first.
    let card = |mark: u8| Scorecard {
        panelist: 10,
        proposal: proposal.id,
        marks: vec![(slug("impact"), Mark::new(mark).unwrap())],
    };
    let at = "2027-01-10T00:00:00Z";
    store.save_scorecard(&card(3), &system, at).await.unwrap();
    store.save_scorecard(&card(4), &system, at).await.unwrap();
    assert_eq!(
        store.scorecards(&slug("eig-2027")).await.unwrap(),
        [card(4)]
    );
    assert!(
        store
            .scorecards(&slug("eig-2026"))
            .await
            .unwrap()
            .is_empty()
    );

    // Offers: the public sees the published ones, filtered.
    store
        .save_job_offer(&offer("dev-dinum", true, ContractType::OpenEnded), &system)
        .await
        .unwrap();
    store
        .save_job_offer(&offer("data-dinum", true, ContractType::FixedTerm), &system)
        .await
        .unwrap();
    store
        .save_job_offer(&offer("brouillon", false, ContractType::OpenEnded), &system)
        .await
        .unwrap();
    let public = OfferFilters {
        published_only: true,
        ..OfferFilters::default()
    };
    assert_eq!(store.job_offers(&public).await.unwrap().len(), 2);
    let cdd = OfferFilters {
        contract: Some(ContractType::FixedTerm),
        ..public.clone()
    };
    let found = store.job_offers(&cdd).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].slug, slug("data-dinum"));
    assert_eq!(
        found[0].salary.map(|s| (s.min(), s.max())),
        Some((45_000, 60_000))
    );
    assert_eq!(
        store
            .job_offers(&OfferFilters::default())
            .await
            .unwrap()
            .len(),
        3
    );

    // An application to the challenge, confirmed, then moved along by the panel.
    let sent = Application::new(
        Opening::Challenge {
            call: slug("eig-2027"),
            proposal: proposal.id,
            organisation: slug("dinum"),
        },
        candidate(),
        DIGEST.into(),
        "2027-01-15T10:00:00Z",
    );
    let confirmation = pilote_domain::notification::Email {
        to: vec!["ada@exemple.fr".into()],
        subject: "Confirmez votre candidature".into(),
        body: "Bonjour Ada Lovelace".into(),
        link: Some("/talents/candidature?jeton=secret".into()),
    };
    let mut application = store
        .create_application(&sent, std::slice::from_ref(&confirmation), &system)
        .await
        .unwrap();
    // The worker sends it.
    let jobs = store
        .claim_jobs("w", "2027-01-15T10:01:00Z", "2027-01-15T10:03:00Z", 10)
        .await
        .unwrap();
    let queued = store.outbox(10).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].email, confirmation);
    assert!(
        store
            .record_email_sent(&jobs[0].lease, queued[0].id, "2027-01-15T10:02:00Z")
            .await
            .unwrap()
    );
    assert_eq!(application.state, ApplicationState::Received);
    let panelist = person(10, Role::Panelist, Some("eig-2027"));
    let other_panel = person(11, Role::Panelist, Some("eig-2026"));
    let recruiter = person(12, Role::Recruiter, Some("dinum"));
    // Nobody reads it before the candidate confirmed.
    assert!(!application.may_read(recruitment::Actor::Person(&panelist)));
    application.confirm(DIGEST, "2027-01-15T10:05:00Z").unwrap();
    let mut application = store
        .record_application(
            &application,
            None,
            "",
            Consequences::default(),
            &system,
            "2027-01-15T10:05:00Z",
        )
        .await
        .unwrap();
    assert!(application.may_read(recruitment::Actor::Person(&panelist)));
    // Another call's panel, a recruiter (of the proposing organisation, for an offer role
    // only) and a stranger's token neither read nor move it.
    for stranger in [&other_panel, &recruiter] {
        assert!(!application.may_read(recruitment::Actor::Person(stranger)));
        assert_eq!(
            application.clone().take(
                ApplicationEvent::Shortlist,
                recruitment::Actor::Person(stranger),
                "",
                "t"
            ),
            Err(Refusal::Forbidden)
        );
    }
    assert!(!application.may_read(recruitment::Actor::Token("autre-jeton")));
    for event in [ApplicationEvent::Shortlist, ApplicationEvent::Invite] {
        application
            .take(
                event,
                recruitment::Actor::Person(&panelist),
                "",
                "2027-02-01T00:00:00Z",
            )
            .unwrap();
        application = store
            .record_application(
                &application,
                Some(event),
                "",
                Consequences::default(),
                &Actor::system("panel"),
                "2027-02-01T00:00:00Z",
            )
            .await
            .unwrap();
    }
    assert_eq!(application.state, ApplicationState::Interview);
    application
        .take(
            ApplicationEvent::Reject,
            recruitment::Actor::Person(&panelist),
            "Profil trop éloigné du défi",
            "2027-03-01T09:00:00Z",
        )
        .unwrap();
    let application = store
        .record_application(
            &application,
            Some(ApplicationEvent::Reject),
            "Profil trop éloigné du défi",
            Consequences::default(),
            &Actor::system("panel"),
            "2027-03-01T09:00:00Z",
        )
        .await
        .unwrap();
    assert_eq!(
        application.closed_at.as_deref(),
        Some("2027-03-01T09:00:00Z")
    );

    // An application to the offer, still running: never erased.
    let running = store
        .create_application(
            &Application {
                confirmed_at: Some("2027-01-20T00:00:00Z".into()),
                ..Application::new(
                    Opening::JobOffer {
                        offer: slug("dev-dinum"),
                        organisation: slug("dinum"),
                    },
                    candidate(),
                    "autre-condensat".into(),
                    "2027-01-20T00:00:00Z",
                )
            },
            &[],
            &system,
        )
        .await
        .unwrap();
    assert!(running.may_read(recruitment::Actor::Person(&recruiter)));
    assert!(!running.may_read(recruitment::Actor::Person(&panelist)));
    assert_eq!(
        store
            .applications(None, Some(&slug("dev-dinum")))
            .await
            .unwrap()
            .len(),
        1
    );

    // Erasure: nothing before the period ends, the closed one after.
    let erased = store
        .erase_applications(day("2027-03-20"), 30, &system, "2027-03-20T00:00:00Z")
        .await
        .unwrap();
    assert!(erased.is_empty());
    let erased = store
        .erase_applications(day("2027-04-01"), 30, &system, "2027-04-01T00:00:00Z")
        .await
        .unwrap();
    assert_eq!(erased, [application.id]);
    let gone = store.application(application.id).await.unwrap();
    assert_eq!(gone.candidate, Candidate::erased());
    let sent_mail = store.outbox(10).await.unwrap().pop().unwrap();
    assert_eq!(sent_mail.email.to, [recruitment::ERASED]);
    assert_eq!(
        sent_mail.email.body,
        recruitment::ERASED,
        "the e-mail quoted them"
    );
    assert_eq!(sent_mail.email.link, None);
    assert_eq!(gone.state, ApplicationState::Rejected);
    assert!(!gone.holds(DIGEST));
    let kept = store.application(running.id).await.unwrap();
    assert_eq!(kept.candidate.name, "Ada Lovelace");
}
on_both_backends!(recruitment_store, calls_offers_and_applications);

/// The secret a candidate's latest e-mail carries in its link.
async fn secret_sent_to(store: &pilote_store::Store, address: &str) -> String {
    let outbox = store.outbox(50).await.unwrap();
    let link = outbox
        .iter()
        .filter(|sent| sent.email.to == [address])
        .find_map(|sent| sent.email.link.clone())
        .expect("a confirmation e-mail with its link");
    link.split_once("jeton=").expect("a secret").1.to_owned()
}

/// What the outbox holds for `address`, subjects latest first.
async fn subjects_to(store: &pilote_store::Store, address: &str) -> Vec<String> {
    store
        .outbox(50)
        .await
        .unwrap()
        .into_iter()
        .filter(|sent| sent.email.to == [address])
        .map(|sent| sent.email.subject)
        .collect()
}

fn applicant(name: &str, email: &str) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "email": email,
        "profile": "Développeuse depuis dix ans",
        "skills": ["Rust", "PostgreSQL"],
        "motivation": "Servir les usagers",
    })
}

/// The whole pipeline through HTTP: a call opened, a challenge proposed, scored and
/// retained; a candidate applies without an account, confirms, is moved along by the
/// call's panel and selected, and becomes a member; a job offer published, applied to and
/// withdrawn from. The public, another call's panel and a recruiter see no candidate.
async fn pipeline_over_http(db: TestDb) {
    use reqwest::Method;
    db.fill_demo().await;
    let app = common::TestApp::spawn_writable(db).await;
    app.db
        .add_agents(&[
            ("jury-a", None, Some((Role::Panelist, "appel-a"))),
            ("jury-b", None, Some((Role::Panelist, "appel-b"))),
            (
                "recruteuse",
                None,
                Some((Role::Recruiter, "dir-solidarites")),
            ),
        ])
        .await;
    let scopes = pilote_domain::identity::Scope::ALL;
    let jury_a = app.token_for("jury-a", &scopes).await;
    let jury_b = app.token_for("jury-b", &scopes).await;
    let recruiter = app.token_for("recruteuse", &scopes).await;
    let today = chrono::Utc::now().date_naive();
    let call = |name: &str| {
        serde_json::json!({
            "slug": name, "title": format!("Appel {name}"),
            "opens_on": (today - chrono::Duration::days(1)).to_string(),
            "closes_on": (today + chrono::Duration::days(30)).to_string(),
            "criteria": [
                {"slug": "impact", "label": "Impact pour les usagers", "weight": 2},
                {"slug": "faisabilite", "label": "Faisabilité", "weight": 1},
            ],
        })
    };
    for name in ["appel-a", "appel-b"] {
        let (status, body) = app.send(Method::POST, "/api/v1/calls", &call(name)).await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, _) = app
        .send(Method::POST, "/api/v1/calls", &call("appel-a"))
        .await;
    assert_eq!(status, 409, "a call's slug is taken once");
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/calls",
            Some(&jury_a),
            Some(&call("appel-c")),
        )
        .await;
    assert_eq!(status, 403, "a panelist does not open calls");

    // The organisation's recruiter proposes a challenge; the panel scores it.
    let proposal = serde_json::json!({
        "organisation": "dir-solidarites",
        "title": "Simplifier les demandes d'aide",
        "description": "Moins de pièces justificatives.",
    });
    let (status, created) = app
        .call(
            Method::POST,
            "/api/v1/calls/appel-a/proposals",
            Some(&recruiter),
            Some(&proposal),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let scorecard = format!("/api/v1/calls/appel-a/proposals/{id}/scorecard");
    let marks = serde_json::json!({"marks": {"impact": 4, "faisabilite": 1}});
    let (status, _) = app
        .call(Method::PUT, &scorecard, Some(&jury_b), Some(&marks))
        .await;
    assert_eq!(status, 403, "another call's panel does not score");
    let (status, body) = app
        .call(
            Method::PUT,
            &scorecard,
            Some(&jury_a),
            Some(&serde_json::json!({"marks": {"impact": 4}})),
        )
        .await;
    assert_eq!(status, 422, "every criterion is marked");
    assert!(
        body["error"]["fields"]["marks"]
            .as_str()
            .unwrap()
            .contains("Faisabilité"),
        "{body}"
    );
    let (status, scored) = app
        .call(Method::PUT, &scorecard, Some(&jury_a), Some(&marks))
        .await;
    assert_eq!(status, 200, "{scored}");
    // (2 × 4 + 1 × 1) / 3
    assert_eq!(scored["score"], 3.0);
    assert_eq!(scored["scorecards"], 1);

    // Retained with its product, it takes applications.
    let (status, _) = app
        .call(Method::GET, "/api/v1/calls/appel-a", None, None)
        .await;
    assert_eq!(status, 200);
    let (status, body) = app
        .send(
            Method::PUT,
            &format!("/api/v1/calls/appel-a/proposals/{id}/status"),
            &serde_json::json!({"status": "retained", "product": "droits-simples"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, public_call) = app
        .call(Method::GET, "/api/v1/calls/appel-a", None, None)
        .await;
    assert_eq!(public_call["challenges"].as_array().unwrap().len(), 1);
    assert_eq!(public_call["open"], true);

    // A candidate applies, without an account.
    let apply = format!("/api/v1/calls/appel-a/proposals/{id}/applications");
    let (status, body) = app
        .call(
            Method::POST,
            &apply,
            None,
            Some(&serde_json::json!({"name": "", "email": "pas-une-adresse"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, receipt) = app
        .call(
            Method::POST,
            &apply,
            None,
            Some(&applicant("Ada Lovelace", "ada@exemple.fr")),
        )
        .await;
    assert_eq!(status, 202, "{receipt}");
    let application = receipt["id"].as_i64().unwrap();
    let secret = secret_sent_to(&app.db.store, "ada@exemple.fr").await;
    let kept = app.db.store.application(application).await.unwrap();
    assert!(
        !kept.holds(&secret),
        "the store keeps the secret's digest, not the secret"
    );
    assert!(kept.holds(&common::sha256_hex(&secret)));

    // Nobody reviews it before it is confirmed.
    let show = format!("/api/v1/applications/{application}");
    let (status, _) = app.call(Method::GET, &show, Some(&jury_a), None).await;
    assert_eq!(status, 404);
    let (_, listed) = app
        .call(
            Method::GET,
            "/api/v1/applications?call=appel-a",
            Some(&jury_a),
            None,
        )
        .await;
    assert_eq!(listed["total"], 0);
    let confirm = "/api/v1/applications/confirmation";
    let (status, _) = app
        .call(
            Method::POST,
            confirm,
            None,
            Some(&serde_json::json!({"token": "pas-le-bon"})),
        )
        .await;
    assert_eq!(status, 404);
    let (status, confirmed) = app
        .call(
            Method::POST,
            confirm,
            None,
            Some(&serde_json::json!({"token": secret})),
        )
        .await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["candidate"]["name"], "Ada Lovelace");
    assert!(confirmed["confirmed_at"].is_string());

    // The call's panel reads it; nobody else does.
    let (status, listed) = app
        .call(
            Method::GET,
            "/api/v1/applications?call=appel-a",
            Some(&jury_a),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["data"][0]["candidate"]["email"], "ada@exemple.fr");
    let (status, _) = app.call(Method::GET, &show, None, None).await;
    assert_eq!(status, 401, "the public");
    for stranger in [&jury_b, &recruiter] {
        let (status, body) = app.call(Method::GET, &show, Some(stranger), None).await;
        assert_eq!(status, 404, "{body}");
        assert!(!body.to_string().contains("ada@exemple.fr"));
        let (status, _) = app
            .call(
                Method::GET,
                "/api/v1/applications?call=appel-a",
                Some(stranger),
                None,
            )
            .await;
        assert_eq!(status, 403);
        let (status, _) = app
            .call(
                Method::POST,
                &format!("{show}/events"),
                Some(stranger),
                Some(&serde_json::json!({"event": "shortlist"})),
            )
            .await;
        assert_eq!(status, 404, "another panel cannot move it");
    }
    for public in [
        "/api/v1/calls/appel-a",
        "/api/v1/search?q=lovelace",
        "/api/v1/members?page_size=1000",
    ] {
        let (status, body) = app.call(Method::GET, public, None, None).await;
        assert_eq!(status, 200, "{public}");
        assert!(
            !body.to_string().contains("Lovelace"),
            "{public} shows the candidate"
        );
    }

    // The panel moves it along; rejecting needs a reason.
    let event = |name: &str, message: &str| serde_json::json!({"event": name, "message": message});
    let events = format!("{show}/events");
    let (status, body) = app
        .call(
            Method::POST,
            &events,
            Some(&jury_a),
            Some(&event("reject", "")),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = app
        .call(
            Method::POST,
            &events,
            Some(&jury_a),
            Some(&event("select", "")),
        )
        .await;
    assert_eq!(status, 409, "selected only after an interview: {body}");
    for (name, state) in [
        ("shortlist", "shortlisted"),
        ("invite", "interview"),
        ("select", "selected"),
    ] {
        let (status, body) = app
            .call(
                Method::POST,
                &events,
                Some(&jury_a),
                Some(&event(name, "Merci pour votre candidature.")),
            )
            .await;
        assert_eq!(status, 200, "{name}: {body}");
        assert_eq!(body["state"], state);
    }
    let (status, body) = app
        .call(
            Method::POST,
            &format!("{show}/messages"),
            Some(&jury_a),
            Some(&serde_json::json!({"message": "Bienvenue !"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["history"].as_array().unwrap().len(),
        5,
        "confirmation, three events, a message: {body}"
    );
    let subjects = subjects_to(&app.db.store, "ada@exemple.fr").await;
    assert_eq!(subjects.len(), 5, "{subjects:?}");
    assert!(
        subjects.iter().any(|s| s.contains("Retenue")),
        "{subjects:?}"
    );

    // Selected: a member with a mission on the challenge's product.
    let mut member = serde_json::Value::Null;
    for _ in 0..30 {
        let (status, body) = app
            .call(Method::GET, "/api/v1/members/ada-lovelace", None, None)
            .await;
        if status == 200 {
            member = body;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let missions = member["missions"]
        .as_array()
        .expect("the selected candidate is a member");
    assert_eq!(missions.len(), 1);
    assert_eq!(missions[0]["products"][0], "droits-simples");
    assert_eq!(missions[0]["status"], "admin");

    // A job offer: its organisation's recruiter publishes it; a panelist may not.
    let offer = |published: bool| {
        serde_json::json!({
            "title": "Développeuse ou développeur", "organisation": "dir-solidarites",
            "domaine": "Développement", "location": "Paris", "remote": "partial",
            "contract": "cdi", "salary": {"min": 45000, "max": 60000},
            "closes_on": (today + chrono::Duration::days(20)).to_string(),
            "description": "Rejoindre l'équipe.", "published": published,
        })
    };
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v1/job-offers/dev-1",
            Some(&jury_a),
            Some(&offer(true)),
        )
        .await;
    assert_eq!(status, 403);
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/job-offers/dev-1",
            Some(&recruiter),
            Some(&offer(true)),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v1/job-offers/brouillon",
            Some(&recruiter),
            Some(&offer(false)),
        )
        .await;
    assert_eq!(status, 201);
    let (_, listed) = app
        .call(Method::GET, "/api/v1/job-offers", None, None)
        .await;
    assert_eq!(
        listed["total"], 1,
        "the public sees the published offer only"
    );
    let (_, listed) = app
        .call(Method::GET, "/api/v1/job-offers", Some(&recruiter), None)
        .await;
    assert_eq!(listed["total"], 2, "its recruiter sees the draft too");
    let (_, listed) = app
        .call(Method::GET, "/api/v1/job-offers?contract=cdd", None, None)
        .await;
    assert_eq!(listed["total"], 0);
    let (status, body) = app
        .call(Method::GET, "/api/v1/job-offers?sort=salaire", None, None)
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, _) = app
        .call(Method::GET, "/api/v1/job-offers/brouillon", None, None)
        .await;
    assert_eq!(status, 404);
    // The published offer reaches the search within a second; the draft never does.
    let mut found = serde_json::Value::Null;
    for _ in 0..20 {
        let (_, body) = app
            .call(
                Method::GET,
                "/api/v1/search?q=developeuse&kind=job_offer",
                None,
                None,
            )
            .await;
        if body["total"] != 0 {
            found = body;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let slugs: Vec<&str> = found["data"]
        .as_array()
        .expect("the offer found, misspelled")
        .iter()
        .map(|hit| hit["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["dev-1"], "{found}");

    // Applied to, then withdrawn by its candidate with their secret.
    let (status, receipt) = app
        .call(
            Method::POST,
            "/api/v1/job-offers/dev-1/applications",
            None,
            Some(&applicant("Grace Hopper", "grace@exemple.fr")),
        )
        .await;
    assert_eq!(status, 202, "{receipt}");
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/job-offers/brouillon/applications",
            None,
            Some(&applicant("Grace Hopper", "grace@exemple.fr")),
        )
        .await;
    assert_eq!(status, 404, "a draft takes no application");
    let secret = secret_sent_to(&app.db.store, "grace@exemple.fr").await;
    let offer_application = receipt["id"].as_i64().unwrap();
    let events = format!("/api/v1/applications/{offer_application}/events");
    let withdraw = serde_json::json!({"event": "withdraw", "token": secret});
    let (status, _) = app.call(Method::POST, &events, None, Some(&withdraw)).await;
    assert_eq!(status, 409, "not before confirming");
    let (status, _) = app
        .call(
            Method::POST,
            confirm,
            None,
            Some(&serde_json::json!({"token": secret})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = app
        .call(
            Method::GET,
            "/api/v1/applications?offer=dev-1",
            Some(&recruiter),
            None,
        )
        .await;
    assert_eq!((status, body["total"].as_i64()), (200, Some(1)), "{body}");
    let (status, _) = app
        .call(
            Method::GET,
            "/api/v1/applications?offer=dev-1",
            Some(&jury_a),
            None,
        )
        .await;
    assert_eq!(status, 403, "a panel does not read an offer's applications");
    let (status, _) = app
        .call(
            Method::POST,
            &events,
            None,
            Some(&serde_json::json!({"event": "withdraw", "token": "autre"})),
        )
        .await;
    assert_eq!(status, 404, "someone else's secret");
    let (status, body) = app.call(Method::POST, &events, None, Some(&withdraw)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "withdrawn");
    let (status, _) = app.call(Method::POST, &events, None, Some(&withdraw)).await;
    assert_eq!(status, 409, "withdrawn once");
    app.stop().await;
}
on_both_backends!(recruitment_http, pipeline_over_http);

/// The cookie of an anonymous visitor's CSRF token, from a page's response.
async fn anonymous_visit(app: &common::TestApp, path: &str) -> (String, String) {
    let response = reqwest::get(app.url(path)).await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let cookie = response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .find(|value| value.starts_with("pilote_csrf="))
        .expect("an anonymous CSRF cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();
    (cookie, common::csrf_of(&html))
}

/// The pages: the hub, an offer and its form (errors read back, then sent), the
/// candidate's page to confirm, the recruiter's list and decision form, and what another
/// call's panel and the public are refused.
async fn pages_carry_an_application(db: TestDb) {
    use common::Browser;
    db.fill_demo().await;
    let system = Actor::system("test");
    let today = chrono::Utc::now().date_naive();
    let store = &db.store;
    let open_call = Call {
        opens_on: today - chrono::Duration::days(1),
        closes_on: today + chrono::Duration::days(30),
        ..call("appel-a")
    };
    let criteria = [Criterion {
        slug: slug("impact"),
        label: "Impact".into(),
        weight: 1,
    }];
    store
        .create_call(&open_call, &criteria, &system)
        .await
        .unwrap();
    let open_offer = JobOffer {
        organisation: slug("dir-solidarites"),
        closes_on: today + chrono::Duration::days(10),
        ..offer("dev-1", true, ContractType::OpenEnded)
    };
    store.save_job_offer(&open_offer, &system).await.unwrap();
    let app = common::TestApp::spawn_writable(db).await;
    app.db
        .add_agents(&[
            ("jury-a", None, Some((Role::Panelist, "appel-a"))),
            (
                "recruteuse",
                None,
                Some((Role::Recruiter, "dir-solidarites")),
            ),
            (
                "editrice",
                None,
                Some((Role::OrganisationEditor, "dir-solidarites")),
            ),
        ])
        .await;

    let public = Browser::with(&app, None);
    let (status, hub) = public.get("/talents").await;
    assert_eq!(status, 200);
    assert!(hub.contains("1 offre ouverte"), "{hub}");
    assert!(hub.contains("1 appel ouvert"), "{hub}");
    let (status, list) = public.get("/talents/offres?contract=cdi&sort=title").await;
    assert_eq!(status, 200);
    assert!(list.contains("href=\"/talents/offres/dev-1\""), "{list}");
    let (_, none) = public.get("/talents/offres?contract=stage").await;
    assert!(none.contains("Aucune offre ouverte"), "{none}");

    // The form, sent with an error, then right.
    let (cookie, csrf) = anonymous_visit(&app, "/talents/offres/dev-1").await;
    let visitor = Browser::with(&app, Some(cookie));
    let form = |email: &'static str| {
        vec![
            ("name", "Ada Lovelace"),
            ("email", email),
            ("profile", "Développeuse"),
            ("skills", "Rust, PostgreSQL"),
            ("motivation", "Servir le public"),
        ]
    };
    let action = "/talents/offres/dev-1/candidature";
    let (status, _, page) = visitor
        .post(action, &form("pas-une-adresse"), Some(&csrf))
        .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("Adresse électronique : adresse électronique invalide"),
        "{page}"
    );
    assert!(
        page.contains("value=\"Ada Lovelace\""),
        "the form keeps what was typed"
    );
    let (status, _, page) = visitor
        .post(action, &form("ada@exemple.fr"), Some(&csrf))
        .await;
    assert_eq!(status, 202, "{page}");
    assert!(page.contains("Candidature reçue"), "{page}");

    // The candidate's link: opening it confirms nothing; the button does.
    let secret = secret_sent_to(&app.db.store, "ada@exemple.fr").await;
    let own = format!("/talents/candidature?jeton={secret}");
    let (status, page) = visitor.get(&own).await;
    assert_eq!(status, 200);
    assert!(page.contains("Confirmer mon adresse"), "{page}");
    let id = app
        .db
        .store
        .applications(None, Some(&slug("dev-1")))
        .await
        .unwrap()[0]
        .id;
    assert!(
        app.db
            .store
            .application(id)
            .await
            .unwrap()
            .confirmed_at
            .is_none()
    );
    let (status, _, page) = visitor
        .post(
            "/talents/candidature",
            &[("jeton", &secret), ("action", "confirmer")],
            Some(&csrf),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Retirer ma candidature"), "{page}");

    // The recruiter reviews it; rejecting needs a reason.
    let recruiter = Browser::signed_in(&app, "recruteuse").await;
    let (status, list) = recruiter.get("/talents/offres/dev-1/candidatures").await;
    assert_eq!(status, 200);
    assert!(list.contains("Ada Lovelace"), "{list}");
    let review = format!("/talents/candidatures/{id}");
    let (status, _, page) = recruiter
        .submit(&review, &[("event", "reject"), ("message", "")])
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("motif"), "{page}");
    let (status, location, _) = recruiter
        .submit(
            &review,
            &[
                ("event", "shortlist"),
                ("message", "Nous vous recontactons."),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some(format!("{review}#historique").as_str()))
    );
    let (_, page) = recruiter.get(&review).await;
    assert!(
        page.contains("ada@exemple.fr") && page.contains("Présélectionnée"),
        "{page}"
    );

    // Another call's panel and the public see nothing of it.
    let panel = Browser::signed_in(&app, "jury-a").await;
    let (status, page) = panel.get(&review).await;
    assert_eq!(status, 404);
    assert!(!page.contains("Lovelace"));
    let (status, _) = panel.get("/talents/offres/dev-1/candidatures").await;
    assert_eq!(status, 403);
    let (status, page) = panel.get("/talents/appels/appel-a/jury").await;
    assert_eq!(status, 200);
    assert!(page.contains("Aucune candidature confirmée"), "{page}");
    let (status, page) = public.get(&review).await;
    assert_eq!(status, 401);
    assert!(!page.contains("Lovelace"));
    let (status, _) = public.get("/talents/appels/appel-a/jury").await;
    assert_eq!(status, 401);

    // The recruiter publishes an offer with the form, then makes it a draft again.
    let (status, _) = panel.get("/talents/offres/nouvelle").await;
    assert_eq!(status, 403);
    let mut offer_form = vec![
        ("slug", "dev-2"),
        ("title", ""),
        ("organisation", "dir-solidarites"),
        ("domaine", "Data"),
        ("location", "Lyon"),
        ("remote", "full"),
        ("contract", "cdd"),
        ("salary_min", "40 000"),
        ("salary_max", "52000"),
        ("closes_on", "2099-01-31"),
        ("description", "Analyser les données."),
        ("published", "on"),
    ];
    let (status, _, page) = recruiter
        .submit("/talents/offres/nouvelle", &offer_form)
        .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("Intitulé du poste : ce champ est obligatoire"),
        "{page}"
    );
    offer_form[1] = ("title", "Data scientist");
    let (status, location, page) = recruiter
        .submit("/talents/offres/nouvelle", &offer_form)
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/talents/offres/dev-2")),
        "{page}"
    );
    let (status, page) = public.get("/talents/offres/dev-2").await;
    assert_eq!(status, 200);
    assert!(page.contains("de 40000 à 52000 €"), "{page}");
    offer_form.pop();
    let (status, _, _) = recruiter
        .submit("/talents/offres/dev-2/modifier", &offer_form[1..])
        .await;
    assert_eq!(status, 303);
    let (status, _) = public.get("/talents/offres/dev-2").await;
    assert_eq!(status, 404, "a draft again");

    // The organisation's editor proposes a challenge; the panel scores it; an
    // administrator retains it.
    let editor = Browser::signed_in(&app, "editrice").await;
    let proposal_form = [
        ("organisation", "dir-solidarites"),
        ("title", "Lire les courriers plus vite"),
        ("description", "Trier le courrier entrant."),
        ("product", ""),
    ];
    let (status, location, page) = editor
        .submit("/talents/appels/appel-a/proposer", &proposal_form)
        .await;
    assert_eq!(status, 303, "{page}");
    let proposal = location.unwrap();
    let (status, page) = editor.get(&proposal).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Déposée") && !page.contains("Ma grille"),
        "{page}"
    );
    let (status, _) = public.get(&proposal).await;
    assert_eq!(status, 404, "not retained: not public");
    let (status, _, _) = panel.submit(&proposal, &[("note-impact", "4")]).await;
    assert_eq!(status, 303);
    let (_, page) = panel.get(&proposal).await;
    assert!(page.contains("4.0 sur 5, d’après 1 grille"), "{page}");
    let admin = Browser::signed_in(&app, "administratrice").await;
    let (status, _, _) = admin
        .submit(
            &proposal,
            &[("status", "retained"), ("product", "droits-simples")],
        )
        .await;
    assert_eq!(status, 303);
    let (_, page) = public.get("/talents/appels/appel-a").await;
    assert!(page.contains("Lire les courriers plus vite"), "{page}");
    app.stop().await;
}
on_both_backends!(recruitment_pages, pages_carry_an_application);
