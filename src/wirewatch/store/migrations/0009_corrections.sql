-- wirewatch schema 9: analysts' corrections of the machine's records, kept beside them (the records are never
-- changed) with who, when and why: the audit log. A correction names its record by id and keeps the text the
-- record pointed at when it was made (`anchor`), so that after a reprocess that moved the record it is shown as
-- stale rather than applied to another one.

CREATE TABLE corrections (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL,                      -- a claim, event or place id ("ARTICLEID:e0")
    kind TEXT NOT NULL CHECK (kind IN ('claim', 'event', 'place')),
    action TEXT NOT NULL CHECK (action IN ('reject', 'set_type', 'set_date', 'pick_candidate')),
    value TEXT CHECK (value IS NULL OR json_valid(value)),
    anchor TEXT,                               -- the record's span text when corrected
    why TEXT,
    who TEXT NOT NULL,                         -- the token's name, or "local"
    created_at TEXT NOT NULL
);
CREATE INDEX corrections_target ON corrections(target);
