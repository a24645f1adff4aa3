-- wirewatch schema 5, PostgreSQL dialect (see ../0005_stories.sql): stories, their articles, copies.

CREATE TABLE stories (
    id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    block TEXT COLLATE "C" NOT NULL,
    first_seen TEXT COLLATE "C",
    last_seen TEXT COLLATE "C",
    n_articles INTEGER NOT NULL,
    n_outlets INTEGER NOT NULL,
    independent_origins INTEGER NOT NULL,
    contested INTEGER NOT NULL,
    record JSONB NOT NULL
);
CREATE INDEX stories_block ON stories(block);
CREATE INDEX stories_first_seen ON stories(first_seen);

CREATE TABLE story_articles (
    article_id TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    story_id TEXT COLLATE "C" NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    block TEXT COLLATE "C" NOT NULL
);
CREATE INDEX story_articles_story ON story_articles(story_id);
CREATE INDEX story_articles_block ON story_articles(block);

CREATE TABLE article_copies (
    article_id TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    canonical_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    jaccard DOUBLE PRECISION NOT NULL,
    containment DOUBLE PRECISION NOT NULL,
    block TEXT COLLATE "C" NOT NULL
);
CREATE INDEX article_copies_canonical ON article_copies(canonical_id);
