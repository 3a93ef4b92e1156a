-- Data: requests for access to restricted datasets and APIs (the DataPass model), their
-- trail, and the authorisations approvals grant. A request keeps the applicant's name as
-- it was, so that its trail reads the same later and survives the account's erasure. The
-- producer is not a foreign key: a catalogue import may rewrite producers, the requests
-- about their data stay.

CREATE TABLE access_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dataset_slug TEXT,
    api_slug TEXT,
    provider_slug TEXT NOT NULL,
    title TEXT NOT NULL,
    purpose TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    legal_basis_url TEXT,
    data_requested TEXT NOT NULL,
    retention_months BIGINT,
    dpo_email TEXT,
    technical_contact_email TEXT,
    siret TEXT NOT NULL,
    applicant_account BIGINT NOT NULL,
    applicant_name TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    decided_at TEXT,
    reminded_at TEXT
);
CREATE INDEX access_requests_provider ON access_requests (provider_slug, state);
CREATE INDEX access_requests_siret ON access_requests (siret);
CREATE INDEX access_requests_waiting ON access_requests (state, updated_at);

CREATE TABLE access_request_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id BIGINT NOT NULL REFERENCES access_requests (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    actor_account BIGINT NOT NULL,
    actor_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX access_request_events_request ON access_request_events (request_id, id);

-- At most one active authorisation per request: a reopened request's approval makes the
-- running one obsolete in the same transaction.
CREATE TABLE authorisations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id BIGINT NOT NULL REFERENCES access_requests (id) ON DELETE CASCADE,
    dataset_slug TEXT,
    api_slug TEXT,
    provider_slug TEXT NOT NULL,
    siret TEXT NOT NULL,
    state TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX authorisations_request ON authorisations (request_id);
CREATE INDEX authorisations_provider ON authorisations (provider_slug, state);
