-- Talent: the programme of entrepreneurs of general interest (EIG): promotions, skills,
-- challenges and the people who took them on. References between them are slugs; lists
-- (skills sought, key figures, people of a challenge, a person's years...) are JSON text.
-- A challenge's results live in the portfolio and impact tables, as the product
-- `eig-<slug>` and its indicators.

CREATE TABLE eig_promotions (
    slug TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    year INTEGER NOT NULL
);

CREATE TABLE eig_skills (
    slug TEXT PRIMARY KEY,
    label TEXT NOT NULL
);

CREATE TABLE eig_challenges (
    slug TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    administration TEXT NOT NULL,
    administration_website TEXT,
    city TEXT,
    year INTEGER NOT NULL,
    promotion_slug TEXT NOT NULL,
    duration_months INTEGER,
    skills TEXT NOT NULL,
    key_figures TEXT NOT NULL,
    source_code TEXT,
    website TEXT,
    eigs TEXT NOT NULL,
    mentors TEXT NOT NULL
);
CREATE INDEX eig_challenges_promotion ON eig_challenges (promotion_slug, year);

CREATE TABLE eig_people (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    profile TEXT NOT NULL,
    years TEXT NOT NULL,
    promotions TEXT NOT NULL,
    challenges TEXT NOT NULL,
    skills TEXT NOT NULL,
    links TEXT NOT NULL
);
