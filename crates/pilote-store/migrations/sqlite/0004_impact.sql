-- Impact: indicators of a product, their measurements, and what each product costs.
-- Products are referred to by slug without a foreign key, as elsewhere in the portfolio.

CREATE TABLE impact_indicators (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_slug TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    unit TEXT NOT NULL,
    direction TEXT NOT NULL,
    baseline_value REAL,
    baseline_date DATE,
    baseline_source TEXT,
    target_value REAL,
    target_date DATE,
    methodology TEXT NOT NULL,
    public BOOLEAN NOT NULL
);
CREATE INDEX impact_indicators_product ON impact_indicators (product_slug);

CREATE TABLE impact_measurements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    indicator_id BIGINT NOT NULL REFERENCES impact_indicators (id) ON DELETE CASCADE,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    value REAL NOT NULL,
    method TEXT NOT NULL,
    evidence_url TEXT,
    comment TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX impact_measurements_indicator ON impact_measurements (indicator_id, period_end);

CREATE TABLE budget_lines (
    product_slug TEXT NOT NULL,
    year INTEGER NOT NULL,
    source TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    comment TEXT NOT NULL,
    PRIMARY KEY (product_slug, year, source)
);
