-- wirewatch schema 4: events (what happened, who did it to whom, when and where), one row per Event of an
-- article's analysis, with its actors and its places one row each. `events.record` keeps the whole Event dict
-- of the interchange format, and the other columns copy its fields out so they can be filtered and indexed.
-- Rows are replaced with the article, in the same transaction, and deleting an article deletes its events.

CREATE TABLE events (
    id TEXT NOT NULL PRIMARY KEY,              -- "ARTICLEID:eN"
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,                      -- position in Analysis.events, from 0
    type TEXT,                                 -- PLOVER 2.0 type: ASSAULT, ACCUSE, PROTEST, ...
    mode TEXT,                                 -- PLOVER mode, e.g. "aerial" for an ASSAULT
    acled_event_type TEXT,                     -- e.g. "Explosions/Remote violence"; NULL when none applies
    acled_sub_event_type TEXT,                 -- e.g. "Air/drone strike"
    trigger_start INTEGER,
    trigger_end INTEGER,
    trigger_text TEXT,
    start_date TEXT,                           -- when.start: YYYY-MM-DD (or a full timestamp)
    end_date TEXT,                             -- when.end
    precision TEXT,                            -- when.precision: day | week | month | year | unknown
    fatalities INTEGER,
    size INTEGER,
    negated INTEGER,                           -- 1 / 0; NULL when the record does not say
    hypothetical INTEGER,
    future INTEGER,
    allegation INTEGER,
    record TEXT NOT NULL CHECK (json_valid(record))
);
CREATE UNIQUE INDEX events_article_id ON events(article_id, idx);
CREATE INDEX events_type ON events(type COLLATE NOCASE);
CREATE INDEX events_start_date ON events(start_date);

-- The event's actors (Event.actors), in order: role 'actor' did it, 'recipient' had it done to them.
CREATE TABLE event_actors (
    event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,                      -- position in Event.actors, from 0
    role TEXT,                                 -- actor | recipient
    name TEXT,
    country TEXT,                              -- ISO 3166 alpha-2
    sector TEXT,                               -- e.g. military, government, civilians
    PRIMARY KEY (event_id, idx)
);
CREATE INDEX event_actors_country ON event_actors(country);

-- Where the event happened (Event.where), in order: each points at a place of the same article.
CREATE TABLE event_places (
    event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,                      -- position in Event.where, from 0
    place_id TEXT,                             -- "ARTICLEID:pN", a row of `places`
    relation TEXT,                             -- in | near | distance
    distance_km REAL,
    "from" TEXT,                               -- place | border (for near / distance)
    geo_precision INTEGER,                     -- ACLED's: 1 the place itself, 2 near it / part of a region, 3 coarser
    PRIMARY KEY (event_id, idx)
);
CREATE INDEX event_places_place_id ON event_places(place_id);

-- Backfill: the events already stored in each article's analysis JSON. An event without an id gets
-- "ARTICLEID:e<n>" (n from 1, as the pipeline numbers them), and a repeated id keeps its first occurrence.
INSERT OR IGNORE INTO events (
    id, article_id, idx, type, mode, acled_event_type, acled_sub_event_type, trigger_start, trigger_end,
    trigger_text, start_date, end_date, precision, fatalities, size, negated, hypothetical, future, allegation,
    record
)
SELECT
    coalesce(json_extract(e.value, '$.id'), a.id || ':e' || (e.key + 1)),
    a.id,
    e.key,
    json_extract(e.value, '$.type'),
    json_extract(e.value, '$.mode'),
    json_extract(e.value, '$.acled.event_type'),
    json_extract(e.value, '$.acled.sub_event_type'),
    json_extract(e.value, '$.trigger.start'),
    json_extract(e.value, '$.trigger.end'),
    json_extract(e.value, '$.trigger.text'),
    json_extract(e.value, '$.when.start'),
    json_extract(e.value, '$.when.end'),
    json_extract(e.value, '$.when.precision'),
    CASE json_type(e.value, '$.fatalities') WHEN 'integer' THEN json_extract(e.value, '$.fatalities') END,
    CASE json_type(e.value, '$.size') WHEN 'integer' THEN json_extract(e.value, '$.size') END,
    CASE json_type(e.value, '$.negated') WHEN 'true' THEN 1 WHEN 'false' THEN 0 END,
    CASE json_type(e.value, '$.hypothetical') WHEN 'true' THEN 1 WHEN 'false' THEN 0 END,
    CASE json_type(e.value, '$.future') WHEN 'true' THEN 1 WHEN 'false' THEN 0 END,
    CASE json_type(e.value, '$.allegation') WHEN 'true' THEN 1 WHEN 'false' THEN 0 END,
    json(e.value)
FROM articles a, json_each(a.analysis, '$.events') AS e
WHERE a.analysis IS NOT NULL AND json_type(a.analysis, '$.events') = 'array' AND e.type = 'object'
ORDER BY a.id, e.key;

INSERT OR IGNORE INTO event_actors (event_id, idx, role, name, country, sector)
SELECT ev.id, x.key, json_extract(x.value, '$.role'), json_extract(x.value, '$.name'),
       json_extract(x.value, '$.country'), json_extract(x.value, '$.sector')
FROM events ev, json_each(ev.record, '$.actors') AS x
WHERE json_type(ev.record, '$.actors') = 'array' AND x.type = 'object';

INSERT OR IGNORE INTO event_places (event_id, idx, place_id, relation, distance_km, "from", geo_precision)
SELECT ev.id, w.key, json_extract(w.value, '$.place'), json_extract(w.value, '$.relation'),
       CASE json_type(w.value, '$.distance_km')
           WHEN 'integer' THEN json_extract(w.value, '$.distance_km')
           WHEN 'real' THEN json_extract(w.value, '$.distance_km')
       END,
       json_extract(w.value, '$.from'),
       CASE json_type(w.value, '$.geo_precision') WHEN 'integer' THEN json_extract(w.value, '$.geo_precision') END
FROM events ev, json_each(ev.record, '$.where') AS w
WHERE json_type(ev.record, '$.where') = 'array' AND w.type = 'object';
