-- Notifications: the e-mails waiting for a worker to send them, and the webhooks of the
-- data producers with their deliveries. A write that notifies adds its rows here and a
-- one-off job per row (kinds 'email' and 'webhook', key the row's id) in one transaction;
-- the workers send them and retry with back-off through the job table.

-- outbox_emails: recipients are a JSON array of addresses; link is a page of the site.
CREATE TABLE outbox_emails (
    id BIGSERIAL PRIMARY KEY,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);

-- webhook_subscriptions: a producer's receiver. The secret signs each body (HMAC-SHA256)
-- and so is kept as given; warned_at is set when the producer is told of repeated
-- failures, and cleared by the next success.
CREATE TABLE webhook_subscriptions (
    id BIGSERIAL PRIMARY KEY,
    producer_slug TEXT NOT NULL REFERENCES data_producers (slug),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    warned_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX webhook_subscriptions_producer ON webhook_subscriptions (producer_slug, active);

-- webhook_deliveries: one event for one subscription; payload is JSON text, sent as is.
CREATE TABLE webhook_deliveries (
    id BIGSERIAL PRIMARY KEY,
    subscription_id BIGINT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    delivered_at TEXT,
    abandoned_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_status INTEGER,
    last_error TEXT
);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, id);
