-- wirewatch schema 1: articles, their raw bytes, entities, runs, per-document errors, full-text search.
-- Plain columns with readable names; JSON columns are TEXT holding valid JSON, so Datasette can browse
-- every table as it is. Timestamps are ISO 8601 UTC strings ("2024-06-01T12:00:00.000000Z").

CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    producer TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(producer)),
    settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
    counts TEXT CHECK (counts IS NULL OR json_valid(counts))
);

-- Content-addressed: identical bytes are stored once; the input details are those of the first input
-- that delivered them (articles.input keeps each article's own).
CREATE TABLE raw_blobs (
    sha256 TEXT PRIMARY KEY,
    data BLOB NOT NULL,
    size INTEGER NOT NULL,
    kind TEXT,
    content_type TEXT,
    record_format TEXT,
    first_name TEXT,
    url TEXT,
    meta TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(meta)),
    stored_at TEXT NOT NULL
);

CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    external_id TEXT,
    url TEXT,
    outlet TEXT,
    title TEXT,
    published TEXT,
    language TEXT,
    authors TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(authors)),
    text TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'skipped')),
    error TEXT,
    skipped_stages TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(skipped_stages)),
    duplicate_of TEXT REFERENCES articles(id) ON DELETE SET NULL,
    extractor TEXT,
    encoding TEXT,
    raw_sha256 TEXT REFERENCES raw_blobs(sha256),
    source_name TEXT,
    text_sha256 TEXT,
    analysis TEXT CHECK (analysis IS NULL OR json_valid(analysis)),
    producer TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(producer)),
    input TEXT CHECK (input IS NULL OR json_valid(input)),
    run_id INTEGER REFERENCES runs(id),
    ingested_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX articles_ingested_at ON articles(ingested_at, id);
CREATE INDEX articles_status ON articles(status);
CREATE INDEX articles_raw_sha256 ON articles(raw_sha256);
CREATE INDEX articles_duplicate_of ON articles(duplicate_of);
CREATE INDEX articles_run_id ON articles(run_id);

-- Every input (raw bytes + what the input said about itself) that produced an article, including earlier
-- versions that a later input replaced: seeing any of them again is "unchanged", never a flip back.
CREATE TABLE article_inputs (
    raw_sha256 TEXT NOT NULL REFERENCES raw_blobs(sha256),
    input_key TEXT NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (raw_sha256, input_key)
);
CREATE INDEX article_inputs_article_id ON article_inputs(article_id);

CREATE TABLE entities (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    label TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT,
    country TEXT,
    name TEXT,
    PRIMARY KEY (article_id, seq)
);
CREATE INDEX entities_label_text ON entities(label, text);

CREATE TABLE errors (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id),
    input_name TEXT NOT NULL,
    url TEXT,
    raw_sha256 TEXT REFERENCES raw_blobs(sha256),
    article_id TEXT,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX errors_run_id ON errors(run_id);
CREATE INDEX errors_raw_sha256 ON errors(raw_sha256);

-- Full-text search over title + text, kept in step with articles by triggers (the sqlite-utils layout,
-- so Datasette shows a search box on the articles table). content="articles" is spelled with double
-- quotes on purpose: Datasette detects the table's FTS index by that text.
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content="articles", content_rowid="rowid", tokenize="unicode61 remove_diacritics 2"
);
CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
