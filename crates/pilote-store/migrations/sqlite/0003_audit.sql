-- The audit log: one entry per written record, in the write's transaction, each chained to
-- the previous one by its hash (see pilote_domain::audit). Times are RFC 3339 text with
-- microseconds in UTC and JSON is canonical text, exactly as hashed. Personal values in
-- "before" and "after" are sealed under their person's key in person_keys; deleting the key
-- erases them without touching the chain.

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    subject TEXT,
    before TEXT,
    after TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity_kind, entity_id);
CREATE INDEX audit_log_subject ON audit_log (subject);

-- One random key per person ('member:jean.dupont', 'account:42').
CREATE TABLE person_keys (
    subject TEXT PRIMARY KEY,
    key BLOB NOT NULL,
    created_at TEXT NOT NULL
);

-- Members' personal fields: not published by beta.gouv.fr, never overwritten by its import.
ALTER TABLE members ADD COLUMN email TEXT;
ALTER TABLE members ADD COLUMN phone TEXT;
CREATE INDEX members_email ON members (lower(email));
