-- Commons: the catalogue of pooled free software (SILL), agents' declarations, instances,
-- contributors, and the products that depend on each software.
-- Lists of words (systems, categories) are JSON text. Removing a software removes what
-- hangs on it.

CREATE TABLE software (
    slug TEXT PRIMARY KEY,
    sill_id TEXT,
    name TEXT NOT NULL,
    description_fr TEXT NOT NULL,
    description_en TEXT NOT NULL,
    licence TEXT NOT NULL,
    minimal_version TEXT,
    status TEXT NOT NULL,
    status_reason TEXT,
    status_date DATE,
    kind TEXT NOT NULL,
    operating_systems TEXT NOT NULL,
    categories TEXT NOT NULL,
    function TEXT NOT NULL,
    parent TEXT,
    website TEXT,
    repository TEXT,
    documentation TEXT,
    comptoir_id BIGINT,
    wikidata_id TEXT,
    framalibre TEXT,
    logo_url TEXT,
    added_in INTEGER
);

-- One declaration per agent, software and kind.
CREATE TABLE software_declarations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    software_slug TEXT NOT NULL REFERENCES software (slug) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    organisation TEXT NOT NULL,
    use_case TEXT NOT NULL,
    version TEXT,
    service_url TEXT,
    expert BOOLEAN NOT NULL,
    declared_at TEXT NOT NULL,
    UNIQUE (software_slug, account_id, kind)
);
CREATE INDEX software_declarations_account ON software_declarations (account_id);

CREATE TABLE software_instances (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    software_slug TEXT NOT NULL REFERENCES software (slug) ON DELETE CASCADE,
    organisation TEXT NOT NULL,
    url TEXT NOT NULL,
    audience TEXT NOT NULL,
    public BOOLEAN NOT NULL
);
CREATE INDEX software_instances_software ON software_instances (software_slug);

-- A contributor without software contributes to the catalogue itself.
CREATE TABLE software_contributors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    software_slug TEXT REFERENCES software (slug) ON DELETE CASCADE,
    name TEXT NOT NULL,
    acronym TEXT,
    kind TEXT NOT NULL,
    url TEXT
);
CREATE INDEX software_contributors_software ON software_contributors (software_slug);

CREATE TABLE product_software (
    product_slug TEXT NOT NULL,
    software_slug TEXT NOT NULL REFERENCES software (slug) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (product_slug, software_slug)
);
CREATE INDEX product_software_software ON product_software (software_slug);
