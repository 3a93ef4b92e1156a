-- Quality: each product's record of sign-in, hosting, security homologation and
-- accessibility statement, as one JSON document (the domain's `QualityRecord`); and RGAA
-- audits, each as one JSON document (the domain's `Audit`: type, sample, results by page);
-- and each product's RGESN self-assessment (its answers, as JSON).

CREATE TABLE quality_records (
    product_slug TEXT PRIMARY KEY,
    document TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE rgaa_audits (
    id BIGSERIAL PRIMARY KEY,
    product_slug TEXT NOT NULL,
    date DATE NOT NULL,
    audit TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX rgaa_audits_product ON rgaa_audits (product_slug, date);

CREATE TABLE rgesn_assessments (
    product_slug TEXT PRIMARY KEY,
    document TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
