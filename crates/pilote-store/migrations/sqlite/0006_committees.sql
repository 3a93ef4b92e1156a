-- Delivery: investment committees of an incubator and their decisions on products.
-- A decision keeps a copy of the impact evidence presented (JSON), so that later changes to
-- indicators or measurements never change it. Imported decisions (the beta.gouv.fr
-- content's `committee` events) have no committee and one row per product and day.

CREATE TABLE committees (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    date DATE NOT NULL,
    incubator_slug TEXT NOT NULL,
    members TEXT NOT NULL,
    comment TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX committees_incubator ON committees (incubator_slug, date);

CREATE TABLE committee_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    committee_id BIGINT REFERENCES committees (id) ON DELETE CASCADE,
    product_slug TEXT NOT NULL,
    date DATE NOT NULL,
    kind TEXT NOT NULL,
    phase TEXT,
    amount_cents BIGINT,
    comment TEXT NOT NULL,
    phase_before TEXT,
    phase_after TEXT,
    evidence TEXT NOT NULL,
    source TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX committee_decisions_product ON committee_decisions (product_slug, date);
CREATE INDEX committee_decisions_committee ON committee_decisions (committee_id);
CREATE UNIQUE INDEX committee_decisions_imported ON committee_decisions (product_slug, date)
    WHERE source = 'beta';
