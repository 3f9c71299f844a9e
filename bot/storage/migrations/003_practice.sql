-- Practice problems handed out by /practice: the next pick prefers problems a member has not seen.
-- (Answers to them are ordinary `submissions` rows of kind 'practice', written by /answer.)

CREATE TABLE practice_issued (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    problem_id TEXT NOT NULL,
    topic      TEXT NOT NULL,
    difficulty INTEGER NOT NULL CHECK (difficulty BETWEEN 1 AND 5),
    issued_at  TEXT NOT NULL,
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX practice_issued_by_member ON practice_issued (guild_id, user_id, issued_at);
