-- Background work and what the probes saw.
--
-- jobs: the work queue every `pilote worker` shares. A worker leases due jobs (until
-- leased_until) before running them; a lease that expires, because its worker died, lets
-- another take the job again. A recurring job (every_seconds set) is rescheduled when done,
-- a one-off job is deleted. Times are fixed-width UTC text, so they compare as strings.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    run_at TEXT NOT NULL,
    every_seconds BIGINT,
    attempts INTEGER NOT NULL DEFAULT 0,
    leased_by TEXT,
    leased_until TEXT,
    last_error TEXT,
    last_done_at TEXT,
    UNIQUE (kind, key)
);
CREATE INDEX jobs_due ON jobs (run_at);

-- service_checks: one row per probe of a product's public address.
CREATE TABLE service_checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_slug TEXT NOT NULL,
    url TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    up BOOLEAN NOT NULL,
    status INTEGER,
    response_ms BIGINT,
    reason TEXT,
    ecoindex_score INTEGER,
    detail TEXT NOT NULL
);
CREATE INDEX service_checks_product ON service_checks (product_slug, checked_at);

-- observatory_editions: the observatory table frozen once a quarter (rows as JSON).
CREATE TABLE observatory_editions (
    edition TEXT PRIMARY KEY,
    frozen_at TEXT NOT NULL,
    frozen_by TEXT NOT NULL,
    rows_json TEXT NOT NULL
);
