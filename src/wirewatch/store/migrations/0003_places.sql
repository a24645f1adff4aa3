-- wirewatch schema 3: places (where), one row per Place of an article's analysis: each toponym mention with
-- the gazetteer entry it resolved to. `places.record` keeps the whole Place dict of the interchange format, and
-- the other columns copy its fields out so they can be filtered, indexed and mapped (Datasette shows lat/lon).
-- Rows are replaced with the article, in the same transaction, and deleting an article deletes its places.

CREATE TABLE places (
    id TEXT NOT NULL PRIMARY KEY,              -- "ARTICLEID:pN"
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,                      -- position in Analysis.places, from 0
    mention_start INTEGER,
    mention_end INTEGER,
    mention_text TEXT,
    name TEXT,                                 -- the gazetteer name of the place
    geonameid INTEGER,                         -- NULL when unresolved or not from GeoNames
    level TEXT,                                -- continent | region | country | admin1 | admin2 | populated | feature
    country TEXT,                              -- ISO 3166 alpha-2
    admin1 TEXT,                               -- English name of the first-level division
    lat REAL,                                  -- WGS 84; NULL when unresolved
    lon REAL,
    relation TEXT,                             -- relative.relation: near | distance | outskirts | direction
    score REAL,
    record TEXT NOT NULL CHECK (json_valid(record))
);
CREATE UNIQUE INDEX places_article_id ON places(article_id, idx);
CREATE INDEX places_country ON places(country);
CREATE INDEX places_geonameid ON places(geonameid);

-- Backfill: the places already stored in each article's analysis JSON. A place without an id gets
-- "ARTICLEID:p<n>" (n from 1, as the pipeline numbers them), and a repeated id keeps its first occurrence.
INSERT OR IGNORE INTO places (
    id, article_id, idx, mention_start, mention_end, mention_text, name, geonameid, level, country, admin1,
    lat, lon, relation, score, record
)
SELECT
    coalesce(json_extract(p.value, '$.id'), a.id || ':p' || (p.key + 1)),
    a.id,
    p.key,
    json_extract(p.value, '$.mention.start'),
    json_extract(p.value, '$.mention.end'),
    json_extract(p.value, '$.mention.text'),
    json_extract(p.value, '$.name'),
    json_extract(p.value, '$.geonameid'),
    json_extract(p.value, '$.level'),
    json_extract(p.value, '$.country'),
    json_extract(p.value, '$.admin1'),
    json_extract(p.value, '$.lat'),
    json_extract(p.value, '$.lon'),
    json_extract(p.value, '$.relative.relation'),
    json_extract(p.value, '$.score'),
    json(p.value)
FROM articles a, json_each(a.analysis, '$.places') AS p
WHERE a.analysis IS NOT NULL AND json_type(a.analysis, '$.places') = 'array' AND p.type = 'object'
ORDER BY a.id, p.key;
