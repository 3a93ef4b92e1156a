-- Identity: accounts, granted roles, server-side sessions, pending sign-ins and API tokens.
-- Times are UTC RFC 3339 text with a fixed width, so that they compare as text on both
-- backends. Secrets (session ids, tokens) are stored as SHA-256 hashes only.

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The identity provider's subject; NULL for demo accounts.
    sub TEXT UNIQUE,
    email TEXT NOT NULL,
    given_name TEXT NOT NULL,
    usual_name TEXT NOT NULL,
    siret TEXT,
    uid TEXT,
    member_slug TEXT,
    -- The demo account's key for `serve --demo`; NULL for real accounts.
    demo_key TEXT UNIQUE,
    created_at TEXT NOT NULL,
    last_sign_in_at TEXT
);
CREATE INDEX accounts_member ON accounts (member_slug);

CREATE TABLE role_grants (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    -- The incubator or organisation; '' for unscoped roles, so that the key is unique.
    scope TEXT NOT NULL DEFAULT '',
    granted_at TEXT NOT NULL,
    PRIMARY KEY (account_id, role, scope)
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    -- 'proconnect' or 'demo'.
    method TEXT NOT NULL,
    -- Kept for the provider's end-session request (id_token_hint).
    id_token TEXT,
    created_at TEXT NOT NULL,
    authenticated_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE sign_in_attempts (
    id_hash TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    return_to TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- The first characters, shown so that people recognise their tokens.
    prefix TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);
