//! Notifications: the e-mail outbox and the data producers' webhooks, queued in the
//! store on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use chrono::{Duration, Utc};
use common::TestDb;
use pilote_domain::Slug;
use pilote_domain::audit::Actor;
use pilote_domain::notification::{EMAIL_JOB, Email, WEBHOOK_JOB};
use pilote_store::{Store, timestamp};

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

/// Adds a data producer as the catalogue's import would.
async fn add_producer(store: &Store, producer: &str) {
    let sql = "INSERT INTO data_producers (slug, name, source) VALUES ($1, $2, 'test')";
    match store {
        Store::Sqlite(pool) => {
            sqlx::query(sql)
                .bind(producer)
                .bind(producer.to_uppercase())
                .execute(pool)
                .await
                .unwrap();
        }
        Store::Postgres(pool) => {
            sqlx::query(sql)
                .bind(producer)
                .bind(producer.to_uppercase())
                .execute(pool)
                .await
                .unwrap();
        }
    }
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
}

on_both_backends!(outbox_store, outbox_rows_come_with_their_jobs);
