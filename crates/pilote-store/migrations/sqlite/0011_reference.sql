-- The standards' reference texts (RGAA 4.1, RGESN v1): each criterion's topic and title,
-- imported from the published files.
CREATE TABLE reference_criteria (
    standard TEXT NOT NULL,
    criterion TEXT NOT NULL,
    topic TEXT NOT NULL,
    title TEXT NOT NULL,
    url TEXT,
    PRIMARY KEY (standard, criterion)
);
