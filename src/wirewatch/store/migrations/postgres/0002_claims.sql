-- wirewatch schema 2, PostgreSQL dialect (see ../0002_claims.sql): claims and their sources, relays, askers.

CREATE TABLE claims (
    id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT COLLATE "C",
    quote TEXT COLLATE "C",
    content_start INTEGER,
    content_end INTEGER,
    content_text TEXT COLLATE "C",
    cue_start INTEGER,
    cue_end INTEGER,
    cue_text TEXT COLLATE "C",
    evidential TEXT COLLATE "C",
    strength TEXT COLLATE "C",
    polarity TEXT COLLATE "C",
    term TEXT COLLATE "C",
    probability JSONB,
    denies TEXT COLLATE "C",
    record JSONB NOT NULL
);
CREATE UNIQUE INDEX claims_article_id ON claims(article_id, seq);
CREATE INDEX claims_kind ON claims(kind);
CREATE INDEX claims_evidential ON claims(evidential);
CREATE INDEX claims_denies ON claims(denies);

CREATE TABLE claim_sources (
    claim_id TEXT COLLATE "C" NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    role TEXT COLLATE "C" NOT NULL CHECK (role IN ('source', 'via', 'asked_by')),
    position INTEGER NOT NULL,
    name TEXT COLLATE "C",
    kind TEXT COLLATE "C",
    country TEXT COLLATE "C",
    span_start INTEGER,
    span_end INTEGER,
    span_text TEXT COLLATE "C",
    PRIMARY KEY (claim_id, role, position)
);
CREATE INDEX claim_sources_name ON claim_sources(wirewatch_casefold(name));
CREATE INDEX claim_sources_kind ON claim_sources(kind);
