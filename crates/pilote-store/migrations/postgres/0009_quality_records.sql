-- Quality: each product's record of sign-in, hosting, security homologation and
-- accessibility statement, as one JSON document (the domain's `QualityRecord`).

CREATE TABLE quality_records (
    product_slug TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
