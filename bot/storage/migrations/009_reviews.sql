-- Spaced review (issue 16): a card per problem a member missed, solved only after hints or several
-- attempts, or gave up on; FSRS's state is kept as plain columns so a restart reads the same
-- schedule. A generated problem's card is its family (a review draws a fresh variant); a bank
-- prompt's card is the prompt itself. Portable SQL: the same file runs on PostgreSQL.
CREATE TABLE review_cards (
    id              INTEGER PRIMARY KEY,
    guild_id        BIGINT NOT NULL,
    user_id         BIGINT NOT NULL,
    card_key        TEXT NOT NULL,            -- bank prompt id, or generator family id
    problem_id      TEXT NOT NULL,            -- the problem that made the card
    family          TEXT,                     -- set for generator families
    topic           TEXT NOT NULL,
    difficulty      INTEGER NOT NULL,
    fsrs_state      INTEGER NOT NULL,
    fsrs_step       INTEGER,
    stability       DOUBLE PRECISION,
    fsrs_difficulty DOUBLE PRECISION,
    due_at          TEXT NOT NULL,            -- ISO UTC instant
    last_review     TEXT,
    reviews         INTEGER NOT NULL DEFAULT 0,  -- ratings given by /review (not the first go)
    lapses          INTEGER NOT NULL DEFAULT 0,
    issued_problem  TEXT,                     -- the problem /review is showing now (a fresh variant)
    issued_misses   INTEGER NOT NULL DEFAULT 0,  -- wrong answers to that issue
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (guild_id, user_id, card_key),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX review_cards_due ON review_cards (guild_id, user_id, due_at);

-- Every rating and every review answer: retention, the "reviews" line in /stats, the export.
CREATE TABLE review_log (
    id          INTEGER PRIMARY KEY,
    card_id     INTEGER NOT NULL REFERENCES review_cards (id) ON DELETE CASCADE,
    guild_id    BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    topic       TEXT NOT NULL,
    problem_id  TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('first', 'review')),
    status      TEXT NOT NULL CHECK (status IN ('correct', 'incorrect', 'solution')),
    rating      INTEGER CHECK (rating BETWEEN 1 AND 4),  -- NULL: an answer that did not rate the card
    due_after   TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX review_log_by_member ON review_log (guild_id, user_id, created_at);
