-- Delivery: the team composition administrators recommend for each phase, one row per
-- recommended discipline. Seeded with Pilote's defaults (pilote_domain::delivery::
-- RecommendedComposition::default), which administrators then replace as a whole.

CREATE TABLE recommended_composition (
    phase TEXT NOT NULL,
    discipline TEXT NOT NULL,
    PRIMARY KEY (phase, discipline)
);

INSERT INTO recommended_composition (phase, discipline) VALUES
    ('investigation', 'intrapreneurship'),
    ('investigation', 'product'),
    ('investigation', 'coaching'),
    ('construction', 'intrapreneurship'),
    ('construction', 'product'),
    ('construction', 'design'),
    ('construction', 'development'),
    ('construction', 'coaching'),
    ('acceleration', 'intrapreneurship'),
    ('acceleration', 'product'),
    ('acceleration', 'design'),
    ('acceleration', 'development'),
    ('acceleration', 'deployment'),
    ('acceleration', 'coaching'),
    ('consolidation', 'intrapreneurship'),
    ('consolidation', 'product'),
    ('consolidation', 'development'),
    ('consolidation', 'deployment');
