//! The job table on both backends: leases, expiry, rescheduling, and workers claiming at
//! the same time without ever taking one job twice.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use common::TestDb;
use pilote_store::timestamp;

fn at(base: DateTime<Utc>, seconds: i64) -> String {
    timestamp(base + Duration::seconds(seconds))
}

async fn leases_expire_and_recurring_jobs_come_back(db: TestDb) {
    let store = &db.store;
    let t0 = Utc::now();
    let keys: Vec<String> = ["a", "b", "c"].iter().map(|k| (*k).to_owned()).collect();
    assert_eq!(
        store
            .schedule_jobs("probe", &keys, 600, &at(t0, 0))
            .await
            .unwrap(),
        3
    );
    // Scheduling again adds nothing.
    assert_eq!(
        store
            .schedule_jobs("probe", &keys, 600, &at(t0, 0))
            .await
            .unwrap(),
        0
    );
    let first = store
        .claim_jobs("w1", &at(t0, 1), &at(t0, 61), 2)
        .await
        .unwrap();
    assert_eq!(
        first.iter().map(|j| j.key.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    let second = store
        .claim_jobs("w2", &at(t0, 1), &at(t0, 61), 5)
        .await
        .unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].key, "c");
    assert!(
        store
            .claim_jobs("w3", &at(t0, 2), &at(t0, 62), 5)
            .await
            .unwrap()
            .is_empty()
    );
    let depth = store.job_queue(&at(t0, 2)).await.unwrap();
    assert_eq!((depth.jobs, depth.due), (3, 3));

    // w1 finishes "a": due again ten minutes later, not before.
    assert!(
        store
            .finish_job(&first[0].lease, &at(t0, 10))
            .await
            .unwrap()
    );
    assert!(
        store
            .claim_jobs("w3", &at(t0, 30), &at(t0, 90), 5)
            .await
            .unwrap()
            .is_empty()
    );
    // w1 dies holding "b": once its lease has expired, w3 takes it, and w1's late finish
    // changes nothing.
    let taken = store
        .claim_jobs("w3", &at(t0, 62), &at(t0, 122), 5)
        .await
        .unwrap();
    assert_eq!(
        taken
            .iter()
            .map(|j| (j.key.as_str(), j.attempts))
            .collect::<Vec<_>>(),
        [("b", 2), ("c", 2)]
    );
    assert!(
        !store
            .finish_job(&first[1].lease, &at(t0, 63))
            .await
            .unwrap()
    );
    assert!(
        store
            .finish_job(&taken[0].lease, &at(t0, 63))
            .await
            .unwrap()
    );
    // A failed job is due again at its retry time.
    assert!(
        store
            .fail_job(&taken[1].lease, "boom", &at(t0, 300))
            .await
            .unwrap()
    );
    let again = store
        .claim_jobs("w4", &at(t0, 610), &at(t0, 670), 5)
        .await
        .unwrap();
    assert_eq!(
        again.iter().map(|j| j.key.as_str()).collect::<Vec<_>>(),
        ["c", "a"]
    );

    // A one-off job is gone once done.
    store.enqueue_job("mail", "x", &at(t0, 0)).await.unwrap();
    let mail = store
        .claim_jobs("w5", &at(t0, 700), &at(t0, 760), 5)
        .await
        .unwrap();
    let mail: Vec<_> = mail.into_iter().filter(|j| j.kind == "mail").collect();
    assert_eq!(mail.len(), 1);
    assert!(
        store
            .finish_job(&mail[0].lease, &at(t0, 701))
            .await
            .unwrap()
    );
    assert_eq!(store.job_queue(&at(t0, 10_000)).await.unwrap().jobs, 3);

    // A job whose subject is gone is removed; scheduling brings it back with its subject.
    let held = store
        .claim_jobs("w6", &at(t0, 20_000), &at(t0, 20_060), 1)
        .await
        .unwrap();
    assert!(store.remove_job(&held[0].lease).await.unwrap());
    assert_eq!(store.job_queue(&at(t0, 20_000)).await.unwrap().jobs, 2);
    assert_eq!(
        store
            .schedule_jobs("probe", &keys, 600, &at(t0, 0))
            .await
            .unwrap(),
        1
    );
}
on_both_backends!(leases, leases_expire_and_recurring_jobs_come_back);

async fn concurrent_workers_never_share_a_job(db: TestDb) {
    let t0 = Utc::now();
    let keys: Vec<String> = (0..200).map(|i| format!("p{i:03}")).collect();
    db.store
        .schedule_jobs("probe", &keys, 600, &at(t0, 0))
        .await
        .unwrap();
    let mut workers = Vec::new();
    for w in 0..4 {
        let handle = db.another_handle().await;
        workers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let jobs = handle
                    .store
                    .claim_jobs(&format!("w{w}"), &at(t0, 1), &at(t0, 120), 7)
                    .await
                    .unwrap();
                if jobs.is_empty() {
                    return mine;
                }
                mine.extend(jobs.into_iter().map(|j| j.key));
            }
        }));
    }
    let mut seen = BTreeSet::new();
    let mut total = 0;
    for worker in workers {
        let mine = worker.await.unwrap();
        total += mine.len();
        seen.extend(mine);
    }
    assert_eq!(total, 200, "each job leased once");
    assert_eq!(seen.len(), 200);
}
on_both_backends!(concurrency, concurrent_workers_never_share_a_job);
