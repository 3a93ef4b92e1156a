-- Delivery: support requests to the steering team, their trail, and the notifications
-- recorded for accounts until e-mails go out through an outbox. A request keeps the names
-- of its requester and assignee as they were, so that its page reads the same later and
-- survives the erasure of their accounts.

CREATE TABLE support_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    urgency TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    organisation_slug TEXT,
    product_slug TEXT,
    requester_account BIGINT NOT NULL,
    requester_name TEXT NOT NULL,
    status TEXT NOT NULL,
    assignee_account BIGINT,
    assignee_name TEXT,
    minutes_spent BIGINT NOT NULL DEFAULT 0,
    outcome TEXT,
    submitted_at TEXT NOT NULL,
    triaged_at TEXT,
    closed_at TEXT
);
CREATE INDEX support_requests_status ON support_requests (status, submitted_at);

CREATE TABLE support_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id BIGINT NOT NULL REFERENCES support_requests (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    actor_account BIGINT NOT NULL,
    actor_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    minutes BIGINT,
    expert_account BIGINT,
    expert_name TEXT,
    outcome TEXT
);
CREATE INDEX support_events_request ON support_events (request_id, id);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX notifications_account ON notifications (account_id, id);
