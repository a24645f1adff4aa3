-- wirewatch schema 3, PostgreSQL dialect (see ../0003_places.sql): places mentioned in articles.

CREATE TABLE places (
    id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    mention_start INTEGER,
    mention_end INTEGER,
    mention_text TEXT COLLATE "C",
    name TEXT COLLATE "C",
    geonameid BIGINT,
    level TEXT COLLATE "C",
    country TEXT COLLATE "C",
    admin1 TEXT COLLATE "C",
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    relation TEXT COLLATE "C",
    score DOUBLE PRECISION,
    record JSONB NOT NULL
);
CREATE UNIQUE INDEX places_article_id ON places(article_id, idx);
CREATE INDEX places_country ON places(country);
CREATE INDEX places_geonameid ON places(geonameid);
