-- Talent: the catalogue of trainings offered to the network's members, and who attended.
-- A member is a slug of the portfolio (no foreign key: members are replaced by imports).

CREATE TABLE trainings (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    provider TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    format TEXT NOT NULL,
    audience TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX trainings_start ON trainings (start_date);

CREATE TABLE training_attendees (
    training_id BIGINT NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    member_slug TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (training_id, member_slug)
);
CREATE INDEX training_attendees_member ON training_attendees (member_slug);
