-- wirewatch schema 6: analysts' decisions about stories. `wirewatch merge-stories` and `wirewatch split-story`
-- record one row each; the link stage applies every row, in order, after clustering a block, so a decision
-- survives every later `wirewatch link`.

CREATE TABLE story_overrides (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
    articles TEXT NOT NULL CHECK (json_valid(articles)),   -- merge: every article of the merged stories;
                                                           -- split: the articles that form a story of their own
    created_at TEXT NOT NULL,
    note TEXT
);
