-- What the imports did, added up since the database was created, for the metrics that a
-- server or a worker exposes (an import runs in a process of its own, which ends with it).
-- Dry runs are not counted: they write nothing.
CREATE TABLE import_runs (
    importer TEXT PRIMARY KEY,
    runs BIGINT NOT NULL,
    last_run_at TEXT NOT NULL
);

CREATE TABLE import_counts (
    importer TEXT NOT NULL,
    entity TEXT NOT NULL,
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    unchanged BIGINT NOT NULL,
    deleted BIGINT NOT NULL,
    PRIMARY KEY (importer, entity)
);
