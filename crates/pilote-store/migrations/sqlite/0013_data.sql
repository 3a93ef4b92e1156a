-- Data: the catalogue of producers, datasets with their resources, APIs, and the datalab's
-- projects. Lists of words (tags, audiences, themes, partners, links) are JSON text.
-- `search` holds the folded title, description, producer and tags, so that `LIKE` finds
-- words whatever their case and accents.

CREATE TABLE data_producers (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    acronym TEXT,
    url TEXT,
    source TEXT NOT NULL
);

CREATE TABLE datasets (
    slug TEXT PRIMARY KEY,
    source_id TEXT,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    producer_slug TEXT REFERENCES data_producers (slug),
    licence TEXT,
    frequency TEXT NOT NULL,
    temporal_start DATE,
    temporal_end DATE,
    spatial TEXT,
    tags TEXT NOT NULL,
    access TEXT NOT NULL,
    audiences TEXT NOT NULL,
    quality DOUBLE PRECISION,
    created DATE,
    modified DATE,
    source TEXT NOT NULL,
    page_url TEXT,
    search TEXT NOT NULL
);
CREATE INDEX datasets_producer ON datasets (producer_slug);
CREATE INDEX datasets_source ON datasets (source);

-- A dataset's resources in their source's order; rewritten with their dataset.
CREATE TABLE dataset_resources (
    dataset_slug TEXT NOT NULL REFERENCES datasets (slug) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    id TEXT,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    format TEXT,
    url TEXT NOT NULL,
    size BIGINT,
    checksum_type TEXT,
    checksum_value TEXT,
    last_modified TEXT,
    available BOOLEAN,
    PRIMARY KEY (dataset_slug, position)
);

CREATE TABLE data_apis (
    slug TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    tagline TEXT NOT NULL,
    producer_slug TEXT REFERENCES data_producers (slug),
    access TEXT NOT NULL,
    access_url TEXT,
    documentation_url TEXT,
    rate_limits TEXT,
    monitoring_url TEXT,
    uptime DOUBLE PRECISION,
    themes TEXT NOT NULL,
    partners TEXT NOT NULL,
    contact TEXT,
    updated DATE,
    source TEXT NOT NULL
);
CREATE INDEX data_apis_producer ON data_apis (producer_slug);

CREATE TABLE data_projects (
    slug TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    description TEXT NOT NULL,
    products TEXT NOT NULL,
    datasets TEXT NOT NULL
);
