-- Talent: recruitment. Calls for challenges and the proposals administrations make to them,
-- the panel's scoring grid and scorecards, job offers, and the applications candidates send
-- to a retained proposal or a published offer. Organisations, promotions and products are
-- slugs of the portfolio (no foreign key: imports replace them).
-- Candidates' texts are personal: `erase_applications` blanks them after the retention
-- period; the audit log records applications without them.

CREATE TABLE recruitment_calls (
    slug TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    opens_on DATE NOT NULL,
    closes_on DATE NOT NULL,
    promotion_slug TEXT,
    -- The scoring grid, as JSON: [{slug, label, weight}].
    criteria TEXT NOT NULL
);

CREATE TABLE challenge_proposals (
    id BIGSERIAL PRIMARY KEY,
    call_slug TEXT NOT NULL REFERENCES recruitment_calls (slug) ON DELETE CASCADE,
    organisation_slug TEXT NOT NULL,
    product_slug TEXT,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX challenge_proposals_call ON challenge_proposals (call_slug);

CREATE TABLE proposal_scorecards (
    proposal_id BIGINT NOT NULL REFERENCES challenge_proposals (id) ON DELETE CASCADE,
    panelist_account BIGINT NOT NULL,
    -- The marks, as JSON: [[criterion, mark]].
    marks TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (proposal_id, panelist_account)
);

CREATE TABLE job_offers (
    slug TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    organisation_slug TEXT NOT NULL,
    domaine TEXT NOT NULL,
    location TEXT NOT NULL,
    remote TEXT NOT NULL,
    contract TEXT NOT NULL,
    salary_min BIGINT,
    salary_max BIGINT,
    closes_on DATE NOT NULL,
    description TEXT NOT NULL,
    published BOOLEAN NOT NULL
);
CREATE INDEX job_offers_published ON job_offers (published, closes_on);

CREATE TABLE applications (
    id BIGSERIAL PRIMARY KEY,
    -- `challenge` (call, proposal) or `job_offer` (offer); organisation in both.
    kind TEXT NOT NULL,
    call_slug TEXT,
    proposal_id BIGINT REFERENCES challenge_proposals (id) ON DELETE CASCADE,
    offer_slug TEXT REFERENCES job_offers (slug) ON DELETE CASCADE,
    organisation_slug TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    profile TEXT NOT NULL,
    skills TEXT NOT NULL,
    motivation TEXT NOT NULL,
    -- SHA-256 of the secret the confirmation e-mail carries; empty once erased.
    token_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    confirmed_at TEXT,
    closed_at TEXT,
    erased_at TEXT
);
CREATE INDEX applications_call ON applications (call_slug);
CREATE INDEX applications_offer ON applications (offer_slug);
CREATE INDEX applications_erasable ON applications (erased_at, closed_at);
-- Candidates come back with the secret of their e-mail, not a number.
CREATE INDEX applications_token ON applications (token_hash);

-- What happened to an application: state changes and messages to the candidate.
CREATE TABLE application_events (
    id BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    event TEXT,
    message TEXT NOT NULL,
    author TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX application_events_application ON application_events (application_id);
