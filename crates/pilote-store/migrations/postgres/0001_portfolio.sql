-- The portfolio: organisations, incubators, teams, products and members.
-- References between records are plain slugs without foreign keys: the real network holds
-- dangling references, which are imported with a data-quality warning rather than dropped.
-- Lists of words (usertypes, competences, ...) and source fields kept verbatim are JSON text.

CREATE TABLE store_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO store_revision (id, revision) VALUES (1, 0);

CREATE TABLE organisations (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    acronym TEXT,
    kind TEXT NOT NULL,
    ministerial_domain TEXT NOT NULL,
    extra TEXT NOT NULL
);

CREATE TABLE incubators (
    slug TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    owner TEXT,
    contact TEXT,
    website TEXT,
    github TEXT,
    address TEXT,
    short_description TEXT,
    highlighted_products TEXT NOT NULL,
    description TEXT NOT NULL,
    extra TEXT NOT NULL
);

CREATE TABLE teams (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    mission TEXT NOT NULL,
    incubator TEXT NOT NULL
);

CREATE TABLE products (
    slug TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    mission TEXT NOT NULL,
    description TEXT NOT NULL,
    incubator TEXT NOT NULL,
    usertypes TEXT NOT NULL,
    thematiques TEXT NOT NULL,
    techno TEXT NOT NULL,
    link TEXT,
    repository TEXT,
    contact TEXT,
    stats_url TEXT,
    impact_url TEXT,
    budget_url TEXT,
    dashlord_url TEXT,
    accessibility_status TEXT,
    analyse_risques BOOLEAN,
    mon_service_securise BOOLEAN,
    fast_promotion INTEGER,
    fast_amount_cents BIGINT,
    extra TEXT NOT NULL,
    data_quality TEXT NOT NULL
);
CREATE INDEX products_incubator ON products (incubator);

CREATE TABLE product_phases (
    product TEXT NOT NULL REFERENCES products (slug) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    source_name TEXT,
    start DATE NOT NULL,
    "end" DATE,
    comment TEXT,
    PRIMARY KEY (product, position)
);

CREATE TABLE product_events (
    product TEXT NOT NULL REFERENCES products (slug) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    date DATE NOT NULL,
    comment TEXT,
    PRIMARY KEY (product, position)
);

-- Sponsors (role 'sponsor') and co-incubating incubators (role 'incubator').
CREATE TABLE product_links (
    product TEXT NOT NULL REFERENCES products (slug) ON DELETE CASCADE,
    role TEXT NOT NULL,
    position INTEGER NOT NULL,
    target TEXT NOT NULL,
    PRIMARY KEY (product, role, position)
);
CREATE INDEX product_links_target ON product_links (role, target);

CREATE TABLE members (
    slug TEXT PRIMARY KEY,
    fullname TEXT NOT NULL,
    role TEXT NOT NULL,
    domaine TEXT NOT NULL,
    competences TEXT NOT NULL,
    github TEXT,
    link TEXT,
    member_type TEXT,
    previously TEXT NOT NULL,
    badges TEXT NOT NULL,
    teams TEXT NOT NULL,
    bio TEXT NOT NULL,
    extra TEXT NOT NULL,
    data_quality TEXT NOT NULL
);

CREATE TABLE missions (
    member TEXT NOT NULL REFERENCES members (slug) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    start DATE NOT NULL,
    "end" DATE,
    status TEXT NOT NULL,
    employer TEXT,
    PRIMARY KEY (member, position)
);

CREATE TABLE mission_products (
    member TEXT NOT NULL REFERENCES members (slug) ON DELETE CASCADE,
    mission INTEGER NOT NULL,
    position INTEGER NOT NULL,
    product TEXT NOT NULL,
    PRIMARY KEY (member, mission, position)
);
CREATE INDEX mission_products_product ON mission_products (product);
