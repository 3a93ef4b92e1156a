-- Delivery: releases of a product, declared by its team or read from its forge.
-- A forge's releases are replaced at each import; a release is one per product, source and name.

CREATE TABLE releases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_slug TEXT NOT NULL,
    name TEXT NOT NULL,
    date DATE NOT NULL,
    summary TEXT NOT NULL,
    notes_url TEXT,
    size TEXT,
    source TEXT NOT NULL,
    UNIQUE (product_slug, source, name)
);
CREATE INDEX releases_product_date ON releases (product_slug, date);
