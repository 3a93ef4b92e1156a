//! Notifications: the e-mail outbox and the data producers' webhooks, queued in the
//! store on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use chrono::{Duration, Utc};
use common::TestDb;
use common::notify::{SmtpSink, free_port, pilote, receiver};
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::notification::{EMAIL_JOB, Email, WEBHOOK_JOB};
use pilote_store::{Attempt, Store, timestamp};
use reqwest::Method;
use serde_json::{Value, json};

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

/// Runs one statement of the tests' own making (a producer as the catalogue's import
/// adds it, a role the other contexts grant).
async fn execute(store: &Store, sql: &str) {
    match store {
        Store::Sqlite(pool) => {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
        Store::Postgres(pool) => {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
    }
}

/// Adds a data producer as the catalogue's import would.
async fn add_producer(store: &Store, producer: &str) {
    execute(
        store,
        &format!(
            "INSERT INTO data_producers (slug, name, source) VALUES ('{producer}', '{}', 'test')",
            producer.to_uppercase()
        ),
    )
    .await;
}

async fn outbox_rows_come_with_their_jobs(db: TestDb) {
    let store = &db.store;
    let insee = slug("insee");
    add_producer(store, "insee").await;
    let now = timestamp(Utc::now());
    let later = timestamp(Utc::now() + Duration::seconds(1));
    let lease_end = timestamp(Utc::now() + Duration::seconds(60));

    // An e-mail to nobody is not queued.
    let nobody = Email {
        to: vec![" ".into()],
        subject: "Rien".into(),
        body: "Personne.".into(),
        link: None,
    };
    store.queue_email(&nobody, &now).await.unwrap();
    assert!(store.outbox(10).await.unwrap().is_empty());

    let email = Email {
        to: vec!["b@example.org".into(), "a@example.org".into()],
        subject: "Votre demande a été acceptée".into(),
        body: "Bonjour.".into(),
        link: Some("/accompagnement/7".into()),
    };
    store.queue_email(&email, &now).await.unwrap();
    let outbox = store.outbox(10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].email.to, ["a@example.org", "b@example.org"]);
    assert_eq!(outbox[0].email.link.as_deref(), Some("/accompagnement/7"));
    assert_eq!(outbox[0].sent_at, None);

    // No subscription: no delivery.
    let payload = serde_json::json!({"request": 3, "status": "accepted"});
    store
        .queue_webhooks(&insee, "access_request.accepted", &payload, &now)
        .await
        .unwrap();
    let admin = Actor::system("test");
    let first = store
        .subscribe_webhook(&insee, "http://127.0.0.1:9/a", "secret-a", &admin)
        .await
        .unwrap();
    let second = store
        .subscribe_webhook(&insee, "http://127.0.0.1:9/b", "secret-b", &admin)
        .await
        .unwrap();
    store
        .unsubscribe_webhook(&insee, first.id, &admin)
        .await
        .unwrap();
    assert!(matches!(
        store.unsubscribe_webhook(&insee, first.id, &admin).await,
        Err(pilote_store::StoreError::NotFound)
    ));
    assert!(matches!(
        store.webhook_subscriptions(&slug("inconnu")).await,
        Err(pilote_store::StoreError::NotFound)
    ));
    let subscriptions = store.webhook_subscriptions(&insee).await.unwrap();
    assert_eq!(subscriptions.len(), 1);
    assert_eq!(subscriptions[0], second);
    store
        .queue_webhooks(&insee, "access_request.accepted", &payload, &now)
        .await
        .unwrap();
    let deliveries = store
        .webhook_deliveries(&insee, second.id, 10)
        .await
        .unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].payload, payload);
    assert_eq!(deliveries[0].attempts, 0);
    let pending = store
        .pending_webhook_delivery(deliveries[0].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pending.secret, "secret-b");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&pending.body).unwrap(),
        payload
    );

    // A worker without a mail server leaves the e-mail; another takes it.
    let webhooks = store
        .claim_jobs_except("sans-smtp", &later, &lease_end, 10, EMAIL_JOB)
        .await
        .unwrap();
    assert_eq!(
        webhooks
            .iter()
            .map(|job| (job.kind.as_str(), job.key.clone()))
            .collect::<Vec<_>>(),
        [(WEBHOOK_JOB, deliveries[0].id.to_string())]
    );
    let emails = store
        .claim_jobs("avec-smtp", &later, &lease_end, 10)
        .await
        .unwrap();
    assert_eq!(
        emails
            .iter()
            .map(|job| (job.kind.as_str(), job.key.clone()))
            .collect::<Vec<_>>(),
        [(EMAIL_JOB, outbox[0].id.to_string())]
    );
    assert!(
        store
            .record_email_sent(&emails[0].lease, outbox[0].id, &later)
            .await
            .unwrap()
    );
    let sent = store.outbox_email(outbox[0].id).await.unwrap().unwrap();
    assert_eq!(sent.sent_at.as_deref(), Some(later.as_str()));
    assert_eq!(store.job_queue(&later).await.unwrap().jobs, 1);

    // Ending the subscription gives up its pending delivery.
    store
        .unsubscribe_webhook(&insee, second.id, &admin)
        .await
        .unwrap();
    let given_up = store
        .pending_webhook_delivery(deliveries[0].id)
        .await
        .unwrap()
        .unwrap();
    assert!(!given_up.active);
    assert!(given_up.delivery.abandoned_at.is_some(), "{given_up:?}");
    assert!(given_up.delivery.delivered_at.is_none());
}

on_both_backends!(outbox_store, outbox_rows_come_with_their_jobs);

async fn support_notices_reach_a_real_mail_server(db: TestDb) {
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    db.fill_demo().await;
    // No product address: the worker has nothing to probe outside this machine.
    execute(&db.store, "UPDATE products SET link = NULL").await;
    let url = db.url.clone();
    let app = common::TestApp::spawn_writable(db).await;
    let editor = app
        .token_for(
            "editrice-organisation",
            &pilote_domain::identity::Scope::ALL,
        )
        .await;
    let admin = app
        .token_for("administratrice", &pilote_domain::identity::Scope::ALL)
        .await;
    let expert = app
        .db
        .store
        .demo_account("expert-accompagnement")
        .await
        .unwrap();
    let (status, created) = app
        .call(
            Method::POST,
            "/api/v1/support-requests",
            Some(&editor),
            Some(&json!({
                "kind": "accessibility_audit", "urgency": "high", "title": "Audit RGAA",
                "description": "Audit complet avant l'ouverture.", "product": "droits-simples"
            })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    for step in [
        json!({"step": "accept"}),
        json!({"step": "assign", "expert": expert.id}),
    ] {
        let (status, body) = app
            .call(
                Method::POST,
                &format!("/api/v1/support-requests/{id}/steps"),
                Some(&admin),
                Some(&step),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    // What each account was told, by address.
    let mut expected = Vec::new();
    for account in app.db.store.accounts().await.unwrap() {
        for notice in app.db.store.notifications(account.id, 50).await.unwrap() {
            expected.push((account.email.clone(), notice.subject));
        }
    }
    expected.sort();
    assert!(expected.len() >= 4, "{expected:?}");

    // A worker without a mail server leaves the e-mails be, and says so.
    let (out, err) = pilote(&[
        "worker",
        "--database",
        &url,
        "--once",
        "--name",
        "sans-smtp",
    ]);
    assert!(out.contains("0 e-mail(s) envoyé(s)"), "{out}");
    assert_eq!(err.matches("no SMTP server configured").count(), 1, "{err}");
    let outbox = app.db.store.outbox(50).await.unwrap();
    assert_eq!(outbox.len(), expected.len());
    assert!(
        outbox
            .iter()
            .all(|e| e.sent_at.is_none() && e.attempts == 0)
    );
    assert!(sink.received().is_empty());

    let (out, _) = pilote(&[
        "worker",
        "--database",
        &url,
        "--once",
        "--name",
        "avec-smtp",
        "--smtp-url",
        &sink.url(),
        "--mail-from",
        "Pilote <pilote@example.org>",
        "--public-url",
        "https://pilote.example.org/",
    ]);
    assert!(
        out.contains(&format!("{} e-mail(s) envoyé(s)", expected.len())),
        "{out}"
    );
    let received = sink.received();
    let mut got: Vec<(String, String)> = received
        .iter()
        .map(|mail| {
            let to: Vec<&str> = mail["to"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap())
                .collect();
            assert_eq!(to.len(), 1, "one recipient per e-mail: {mail}");
            assert_eq!(mail["from"], "pilote@example.org");
            let body = mail["body"].as_str().unwrap();
            assert!(
                body.contains(&format!("https://pilote.example.org/accompagnement/{id}")),
                "{body}"
            );
            assert!(body.contains(mail["subject"].as_str().unwrap()), "{mail}");
            (
                to[0].to_owned(),
                mail["subject"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, expected);
    let outbox = app.db.store.outbox(50).await.unwrap();
    assert!(
        outbox
            .iter()
            .all(|e| e.sent_at.is_some() && e.attempts == 1)
    );
    // Sent once: a second round sends nothing more.
    pilote(&[
        "worker",
        "--database",
        &url,
        "--once",
        "--smtp-url",
        &sink.url(),
    ]);
    assert_eq!(sink.received().len(), expected.len());
    app.stop().await;
}

on_both_backends!(support_mails, support_notices_reach_a_real_mail_server);

async fn webhooks_are_signed_and_retried_with_back_off(db: TestDb) {
    const SECRET: &str = "It's a Secret to Everybody";
    let store = &db.store;
    let insee = slug("insee");
    add_producer(store, "insee").await;
    let (url, seen) = receiver(SECRET, vec![500, 500, 200]).await;
    let subscription = store
        .subscribe_webhook(&insee, &url, SECRET, &Actor::system("test"))
        .await
        .unwrap();
    let payload = json!({"request": 12, "status": "accepted", "dataset": "sirene"});
    store
        .queue_webhooks(
            &insee,
            "access_request.accepted",
            &payload,
            &timestamp(Utc::now()),
        )
        .await
        .unwrap();
    let mut worker = std::process::Command::new(env!("CARGO_BIN_EXE_pilote"))
        .args([
            "worker",
            "--database",
            &db.url,
            "--poll-seconds",
            "1",
            "--webhook-retry-seconds",
            "1",
            "--name",
            "essai",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let delivered = loop {
        let deliveries = store
            .webhook_deliveries(&insee, subscription.id, 10)
            .await
            .unwrap();
        if deliveries[0].delivered_at.is_some()
            || started.elapsed() > std::time::Duration::from_secs(30)
        {
            break deliveries[0].clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    let _ = worker.kill();
    let _ = worker.wait();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    for request in &seen {
        assert!(request.signature_valid, "{request:?}");
        assert_eq!(request.event, "access_request.accepted");
        assert_eq!(request.delivery, delivered.id.to_string());
        assert_eq!(request.content_type, "application/json");
        assert_eq!(request.body, payload);
    }
    // Back-off: base × 2^(attempt − 1) with a one-second base.
    let first_wait = seen[1].at - seen[0].at;
    let second_wait = seen[2].at - seen[1].at;
    assert!(
        first_wait >= std::time::Duration::from_secs(1),
        "{first_wait:?}"
    );
    assert!(
        second_wait >= std::time::Duration::from_secs(2),
        "{second_wait:?}"
    );
    assert!(delivered.delivered_at.is_some(), "{delivered:?}");
    assert_eq!(delivered.attempts, 3);
    assert_eq!(delivered.last_status, Some(200));
    assert_eq!(delivered.last_error, None);
    let subscription = &store.webhook_subscriptions(&insee).await.unwrap()[0];
    assert_eq!(subscription.consecutive_failures, 0);
    // What remains is the hourly sweep of access requests and the daily erasure of
    // candidates' data, neither due yet.
    let queue = store.job_queue(&timestamp(Utc::now())).await.unwrap();
    assert_eq!((queue.jobs, queue.due), (2, 0));
}

on_both_backends!(
    webhook_retries,
    webhooks_are_signed_and_retried_with_back_off
);

async fn repeated_failures_warn_the_producer_once(db: TestDb) {
    let store = &db.store;
    pilote_web::ensure_demo_accounts(store).await.unwrap();
    add_producer(store, "insee").await;
    add_producer(store, "dgfip").await;
    // INSEE has a data manager; DGFiP has none, so its warning goes to the administrators.
    let manager = store.demo_account("membre-produit").await.unwrap();
    execute(
        store,
        &format!(
            "INSERT INTO role_grants (account_id, role, scope, granted_at) VALUES ({}, 'data_manager', 'insee', '2026-01-01T00:00:00.000000Z')",
            manager.id
        ),
    )
    .await;
    let refused = format!("http://127.0.0.1:{}/hook", free_port());
    let admin = Actor::system("test");
    let insee_hook = store
        .subscribe_webhook(&slug("insee"), &refused, "s1", &admin)
        .await
        .unwrap();
    store
        .subscribe_webhook(&slug("dgfip"), &refused, "s2", &admin)
        .await
        .unwrap();
    let now = timestamp(Utc::now());
    for n in 0..6 {
        store
            .queue_webhooks(&slug("insee"), "dataset.updated", &json!({"n": n}), &now)
            .await
            .unwrap();
    }
    for n in 0..4 {
        store
            .queue_webhooks(&slug("dgfip"), "dataset.updated", &json!({"n": n}), &now)
            .await
            .unwrap();
    }
    let (out, _) = pilote(&["worker", "--database", &db.url, "--once"]);
    assert!(out.contains("10 notification(s) en échec"), "{out}");
    // Six failures in a row: one warning, to the manager alone.
    let outbox = store.outbox(50).await.unwrap();
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    assert_eq!(outbox[0].email.to, std::slice::from_ref(&manager.email));
    assert!(outbox[0].email.subject.contains(&refused), "{outbox:?}");
    let hooks = store.webhook_subscriptions(&slug("insee")).await.unwrap();
    assert_eq!(hooks[0].consecutive_failures, 6);
    assert!(hooks[0].warned_at.is_some());
    let deliveries = store
        .webhook_deliveries(&slug("insee"), insee_hook.id, 10)
        .await
        .unwrap();
    assert!(deliveries.iter().all(|d| d.attempts == 1
        && d.last_status.is_none()
        && d.last_error.is_some()
        && d.abandoned_at.is_none()));

    // DGFiP's fifth failure warns its administrators, once.
    store
        .queue_webhooks(&slug("dgfip"), "dataset.updated", &json!({"n": 4}), &now)
        .await
        .unwrap();
    pilote(&["worker", "--database", &db.url, "--once"]);
    let outbox = store.outbox(50).await.unwrap();
    assert_eq!(outbox.len(), 2, "{outbox:?}");
    let administrator = store.demo_account("administratrice").await.unwrap();
    assert!(
        outbox[0].email.to.contains(&administrator.email),
        "{outbox:?}"
    );
    assert!(!outbox[0].email.to.contains(&manager.email), "{outbox:?}");
}

on_both_backends!(webhook_warning, repeated_failures_warn_the_producer_once);

async fn webhooks_are_managed_through_the_api(db: TestDb) {
    add_producer(&db.store, "insee").await;
    let app = common::TestApp::spawn_writable(db).await;
    let admin = app.token.clone().unwrap();
    let editor = app
        .token_for(
            "editrice-organisation",
            &pilote_domain::identity::Scope::ALL,
        )
        .await;
    let hooks = "/api/v1/data-producers/insee/webhooks";
    let new = json!({"url": "https://recepteur.example.org/pilote"});

    let (status, _) = app.call(Method::POST, hooks, None, Some(&new)).await;
    assert_eq!(status, 401);
    let (status, _) = app
        .call(Method::POST, hooks, Some(&editor), Some(&new))
        .await;
    assert_eq!(status, 403);
    let (status, _) = app.call(Method::GET, hooks, Some(&editor), None).await;
    assert_eq!(status, 403);
    let (status, body) = app
        .call(
            Method::POST,
            hooks,
            Some(&admin),
            Some(&json!({"url": "ftp://recepteur.example.org"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["fields"]["url"].is_string(), "{body}");
    let (status, body) = app
        .call(
            Method::POST,
            hooks,
            Some(&admin),
            Some(&json!({"url": "https://a.example.org", "secret": "mine"})),
        )
        .await;
    assert_eq!(status, 422, "the secret is the server's to make: {body}");
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/data-producers/inconnu/webhooks",
            Some(&admin),
            Some(&new),
        )
        .await;
    assert_eq!(status, 404);

    let (status, created) = app
        .call(Method::POST, hooks, Some(&admin), Some(&new))
        .await;
    assert_eq!(status, 201, "{created}");
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 32, "{created}");
    assert_eq!(created["url"], "https://recepteur.example.org/pilote");
    assert_eq!(created["producer"], "insee");
    assert_eq!(created["active"], true);
    let id = created["id"].as_i64().unwrap();

    // Shown once: neither the list nor the audit log holds it.
    let (status, listed) = app.call(Method::GET, hooks, Some(&admin), None).await;
    assert_eq!(status, 200);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], id);
    assert!(!listed.to_string().contains(&secret), "{listed}");
    let (status, history) = app
        .call(
            Method::GET,
            &format!("/api/v1/audit/webhook_subscription/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{history}");
    assert!(
        history.to_string().contains("recepteur.example.org"),
        "{history}"
    );
    assert!(!history.to_string().contains(&secret), "{history}");

    // The deliveries queued for it, with their attempts.
    let payload = json!({"dataset": "sirene"});
    app.db
        .store
        .queue_webhooks(
            &slug("insee"),
            "dataset.updated",
            &payload,
            &timestamp(Utc::now()),
        )
        .await
        .unwrap();
    let deliveries = format!("{hooks}/{id}/deliveries");
    let (status, listed) = app.call(Method::GET, &deliveries, Some(&admin), None).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["event"], "dataset.updated");
    assert_eq!(listed[0]["payload"], payload);
    assert_eq!(listed[0]["attempts"], 0);
    assert_eq!(listed[0]["delivered_at"], Value::Null);

    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("{hooks}/{id}"),
            Some(&editor),
            None,
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = app
        .call(Method::DELETE, &format!("{hooks}/{id}"), Some(&admin), None)
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .call(Method::DELETE, &format!("{hooks}/{id}"), Some(&admin), None)
        .await;
    assert_eq!(status, 404);
    let (_, listed) = app.call(Method::GET, hooks, Some(&admin), None).await;
    assert_eq!(listed, json!([]));
    // Ended: nothing more is queued for it, and its pending delivery is dropped unsent.
    app.db
        .store
        .queue_webhooks(
            &slug("insee"),
            "dataset.updated",
            &payload,
            &timestamp(Utc::now()),
        )
        .await
        .unwrap();
    let (out, _) = pilote(&["worker", "--database", &app.db.url, "--once"]);
    assert!(
        out.contains("0 webhook(s) livré(s), 0 notification(s) en échec"),
        "{out}"
    );
    // What remains is the hourly sweep of access requests and the daily erasure of
    // candidates' data, neither due yet.
    let queue = app
        .db
        .store
        .job_queue(&timestamp(Utc::now()))
        .await
        .unwrap();
    assert_eq!((queue.jobs, queue.due), (2, 0));
    app.stop().await;
}

on_both_backends!(webhook_api, webhooks_are_managed_through_the_api);

async fn attempts_deliver_give_up_and_warn_once_until_a_success(db: TestDb) {
    let store = &db.store;
    pilote_web::ensure_demo_accounts(store).await.unwrap();
    add_producer(store, "insee").await;
    let insee = &slug("insee");
    let hook = store
        .subscribe_webhook(
            insee,
            "http://127.0.0.1:9/hook",
            "s",
            &Actor::system("test"),
        )
        .await
        .unwrap();
    let warning = |subscription: &pilote_domain::notification::WebhookSubscription| Email {
        to: vec![],
        subject: format!("En échec : {}", subscription.id),
        body: "Corps".into(),
        link: None,
    };
    // Queues `n` deliveries and leases their jobs.
    let leased = |n: usize| async move {
        let now = timestamp(Utc::now());
        for i in 0..n {
            store
                .queue_webhooks(insee, "dataset.updated", &json!({"i": i}), &now)
                .await
                .unwrap();
        }
        let later = timestamp(Utc::now() + Duration::seconds(1));
        let until = timestamp(Utc::now() + Duration::seconds(60));
        let jobs = store
            .claim_jobs_except("w", &later, &until, 50, EMAIL_JOB)
            .await
            .unwrap();
        assert_eq!(jobs.len(), n, "{jobs:?}");
        jobs
    };
    let retry = timestamp(Utc::now() + Duration::hours(1));
    let failed = Attempt {
        status: Some(503),
        error: Some("statut HTTP 503"),
        retry_at: Some(&retry),
    };
    let now = timestamp(Utc::now());
    let outcome = |failures: i32, warned: bool| async move {
        let hooks = store.webhook_subscriptions(insee).await.unwrap();
        assert_eq!(hooks[0].consecutive_failures, failures);
        assert_eq!(hooks[0].warned_at.is_some(), warned, "{hooks:?}");
    };

    // The last attempt fails: the delivery is given up, its job ended.
    let job = &leased(1).await[0];
    let given_up = Attempt {
        status: None,
        error: Some("connexion refusée"),
        retry_at: None,
    };
    let id: i64 = job.key.parse().unwrap();
    assert!(
        store
            .record_webhook_attempt(&job.lease, id, &given_up, warning, &now)
            .await
            .unwrap()
    );
    let delivery = &store.webhook_deliveries(insee, hook.id, 1).await.unwrap()[0];
    assert!(delivery.abandoned_at.is_some() && delivery.delivered_at.is_none());
    assert_eq!(delivery.last_error.as_deref(), Some("connexion refusée"));
    assert_eq!(store.job_queue(&now).await.unwrap().jobs, 0);
    // A lease lost records nothing.
    assert!(
        !store
            .record_webhook_attempt(&job.lease, id, &failed, warning, &now)
            .await
            .unwrap()
    );
    outcome(1, false).await;

    // Four more failures make five: one warning; a sixth adds none.
    for job in leased(5).await {
        let id = job.key.parse().unwrap();
        store
            .record_webhook_attempt(&job.lease, id, &failed, warning, &now)
            .await
            .unwrap();
    }
    outcome(6, true).await;
    assert_eq!(store.outbox(10).await.unwrap().len(), 1);

    // A success resets the count and the warning: five new failures warn again.
    let job = &leased(1).await[0];
    let delivered = Attempt {
        status: Some(204),
        error: None,
        retry_at: None,
    };
    store
        .record_webhook_attempt(
            &job.lease,
            job.key.parse().unwrap(),
            &delivered,
            warning,
            &now,
        )
        .await
        .unwrap();
    outcome(0, false).await;
    for job in leased(5).await {
        let id = job.key.parse().unwrap();
        store
            .record_webhook_attempt(&job.lease, id, &failed, warning, &now)
            .await
            .unwrap();
    }
    outcome(5, true).await;
    let outbox = store.outbox(10).await.unwrap();
    assert_eq!(outbox.len(), 2);
    // No data manager: the administrators are warned.
    let administrator = store.demo_account("administratrice").await.unwrap();
    assert!(
        outbox
            .iter()
            .all(|e| e.email.to.contains(&administrator.email))
    );
    assert_eq!(outbox[0].email.subject, format!("En échec : {}", hook.id));
}

on_both_backends!(
    webhook_attempts,
    attempts_deliver_give_up_and_warn_once_until_a_success
);

async fn an_unreachable_mail_server_leaves_the_email_for_later(db: TestDb) {
    let store = &db.store;
    let email = Email {
        to: vec!["agent@example.org".into()],
        subject: "Essai".into(),
        body: "Corps.".into(),
        link: None,
    };
    store
        .queue_email(&email, &timestamp(Utc::now()))
        .await
        .unwrap();
    let refused = format!("smtp://127.0.0.1:{}", free_port());
    let (out, _) = pilote(&[
        "worker",
        "--database",
        &db.url,
        "--once",
        "--smtp-url",
        &refused,
    ]);
    assert!(
        out.contains("0 e-mail(s) envoyé(s), 0 webhook(s) livré(s), 1 notification(s) en échec"),
        "{out}"
    );
    let outbox = store.outbox(10).await.unwrap();
    assert_eq!(outbox[0].attempts, 1);
    assert!(outbox[0].sent_at.is_none());
    assert!(outbox[0].last_error.is_some(), "{outbox:?}");
    // Due again in a minute, not now (beside the hourly sweep of access requests and the
    // daily erasure of candidates' data).
    let now = Utc::now();
    let queue = store.job_queue(&timestamp(now)).await.unwrap();
    assert_eq!((queue.jobs, queue.due), (3, 0));
    let later = store
        .job_queue(&timestamp(now + Duration::seconds(61)))
        .await
        .unwrap();
    assert_eq!(later.due, 1);
}

on_both_backends!(
    email_retry,
    an_unreachable_mail_server_leaves_the_email_for_later
);
