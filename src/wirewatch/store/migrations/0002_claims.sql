-- wirewatch schema 2: claims (who said what, citing whom, how sure), one row per Claim of an article's
-- analysis, and their sources, relays ("via") and askers, one row each. `claims.record` keeps the whole Claim
-- dict of the interchange format, and the other columns copy its fields out so they can be filtered and indexed.
-- Rows are replaced with the article, in the same transaction, and deleting an article deletes its claims.

CREATE TABLE claims (
    id TEXT NOT NULL PRIMARY KEY,              -- "ARTICLEID:cN"
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,                      -- position in Analysis.claims, from 0
    kind TEXT,                                 -- statement | denial | no_comment
    quote TEXT,                                -- direct | indirect | mixed | none
    content_start INTEGER,
    content_end INTEGER,
    content_text TEXT,
    cue_start INTEGER,
    cue_end INTEGER,
    cue_text TEXT,
    evidential TEXT,                           -- asserted | reported | alleged | speculated
    strength TEXT,                             -- certain | probable | possible | unknown
    polarity TEXT,                             -- positive | negative
    term TEXT,                                 -- the hedge or booster as written
    probability TEXT CHECK (probability IS NULL OR json_valid(probability)),   -- [lo, hi] or NULL
    denies TEXT,                               -- for a denial: the id of the claim it rejects
    record TEXT NOT NULL CHECK (json_valid(record))
);
CREATE UNIQUE INDEX claims_article_id ON claims(article_id, seq);
CREATE INDEX claims_kind ON claims(kind);
CREATE INDEX claims_evidential ON claims(evidential);
CREATE INDEX claims_denies ON claims(denies);

-- role 'source': who holds the claim (Claim.sources), 'via': the relays, position 0 first, so the `via` rows
-- ordered by position are the chain the claim travelled along, 'asked_by': who asked (no_comment only).
CREATE TABLE claim_sources (
    claim_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('source', 'via', 'asked_by')),
    position INTEGER NOT NULL,
    name TEXT,
    kind TEXT,                                 -- outlet | government | military | ... | anonymous | unknown
    country TEXT,                              -- ISO 3166 alpha-2
    span_start INTEGER,
    span_end INTEGER,
    span_text TEXT,
    PRIMARY KEY (claim_id, role, position)
);
CREATE INDEX claim_sources_name ON claim_sources(name COLLATE NOCASE);
CREATE INDEX claim_sources_kind ON claim_sources(kind);

-- Backfill: the claims already stored in each article's analysis JSON. A claim without an id gets
-- "ARTICLEID:c<n>" (n from 1, as the pipeline numbers them), and a repeated id keeps its first occurrence.
INSERT OR IGNORE INTO claims (
    id, article_id, seq, kind, quote, content_start, content_end, content_text, cue_start, cue_end, cue_text,
    evidential, strength, polarity, term, probability, denies, record
)
SELECT
    coalesce(json_extract(c.value, '$.id'), a.id || ':c' || (c.key + 1)),
    a.id,
    c.key,
    json_extract(c.value, '$.kind'),
    json_extract(c.value, '$.quote'),
    json_extract(c.value, '$.content.start'),
    json_extract(c.value, '$.content.end'),
    json_extract(c.value, '$.content.text'),
    json_extract(c.value, '$.cue.start'),
    json_extract(c.value, '$.cue.end'),
    json_extract(c.value, '$.cue.text'),
    json_extract(c.value, '$.certainty.evidential'),
    json_extract(c.value, '$.certainty.strength'),
    json_extract(c.value, '$.certainty.polarity'),
    json_extract(c.value, '$.certainty.term'),
    CASE json_type(c.value, '$.certainty.probability')
        WHEN 'array' THEN json_extract(c.value, '$.certainty.probability')
    END,
    json_extract(c.value, '$.denies'),
    json(c.value)
FROM articles a, json_each(a.analysis, '$.claims') AS c
WHERE a.analysis IS NOT NULL AND json_type(a.analysis, '$.claims') = 'array' AND c.type = 'object'
ORDER BY a.id, c.key;

INSERT OR IGNORE INTO claim_sources (claim_id, role, position, name, kind, country, span_start, span_end, span_text)
SELECT cl.id, 'source', s.key, json_extract(s.value, '$.name'), json_extract(s.value, '$.kind'),
       json_extract(s.value, '$.country'), json_extract(s.value, '$.span.start'),
       json_extract(s.value, '$.span.end'), json_extract(s.value, '$.span.text')
FROM claims cl, json_each(cl.record, '$.sources') AS s
WHERE json_type(cl.record, '$.sources') = 'array' AND s.type = 'object';

INSERT OR IGNORE INTO claim_sources (claim_id, role, position, name, kind, country, span_start, span_end, span_text)
SELECT cl.id, 'via', s.key, json_extract(s.value, '$.name'), json_extract(s.value, '$.kind'),
       json_extract(s.value, '$.country'), json_extract(s.value, '$.span.start'),
       json_extract(s.value, '$.span.end'), json_extract(s.value, '$.span.text')
FROM claims cl, json_each(cl.record, '$.via') AS s
WHERE json_type(cl.record, '$.via') = 'array' AND s.type = 'object';

INSERT OR IGNORE INTO claim_sources (claim_id, role, position, name, kind, country, span_start, span_end, span_text)
SELECT cl.id, 'asked_by', 0, json_extract(cl.record, '$.asked_by.name'),
       json_extract(cl.record, '$.asked_by.kind'), json_extract(cl.record, '$.asked_by.country'),
       json_extract(cl.record, '$.asked_by.span.start'), json_extract(cl.record, '$.asked_by.span.end'),
       json_extract(cl.record, '$.asked_by.span.text')
FROM claims cl
WHERE json_type(cl.record, '$.asked_by') = 'object';
