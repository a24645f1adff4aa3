-- wirewatch schema 5: stories across outlets (the link stage). An article belongs to at most one story; a
-- copy (syndicated or re-published text) points at its canonical article. `stories.record` keeps the whole
-- Story dict of the interchange format; the other columns copy its fields out for filtering. The link stage
-- works one block (a publication week) at a time and replaces that block's rows in one transaction.

CREATE TABLE stories (
    id TEXT NOT NULL PRIMARY KEY,              -- "s" + 15 hex digits, stable while its first article stays
    block TEXT NOT NULL,                       -- the publication week it was linked in ("2026-W09", "undated")
    first_seen TEXT,                           -- the earliest publication date of its articles
    last_seen TEXT,
    n_articles INTEGER NOT NULL,
    n_outlets INTEGER NOT NULL,
    independent_origins INTEGER NOT NULL,      -- the largest over its claim clusters
    contested INTEGER NOT NULL,                -- 1 when a claim in it is denied or contradicted
    record TEXT NOT NULL CHECK (json_valid(record))
);
CREATE INDEX stories_block ON stories(block);
CREATE INDEX stories_first_seen ON stories(first_seen);

CREATE TABLE story_articles (
    article_id TEXT NOT NULL PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    block TEXT NOT NULL
);
CREATE INDEX story_articles_story ON story_articles(story_id);
CREATE INDEX story_articles_block ON story_articles(block);

CREATE TABLE article_copies (
    article_id TEXT NOT NULL PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    canonical_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    jaccard REAL NOT NULL,                     -- of their word 5-gram shingle sets
    containment REAL NOT NULL,                 -- the share of the shorter text's shingles inside the longer
    block TEXT NOT NULL
);
CREATE INDEX article_copies_canonical ON article_copies(canonical_id);
