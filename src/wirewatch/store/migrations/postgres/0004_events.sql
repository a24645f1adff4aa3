-- wirewatch schema 4, PostgreSQL dialect (see ../0004_events.sql): events, their actors and places.

CREATE TABLE events (
    id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    type TEXT COLLATE "C",
    mode TEXT COLLATE "C",
    acled_event_type TEXT COLLATE "C",
    acled_sub_event_type TEXT COLLATE "C",
    trigger_start INTEGER,
    trigger_end INTEGER,
    trigger_text TEXT COLLATE "C",
    start_date TEXT COLLATE "C",
    end_date TEXT COLLATE "C",
    precision TEXT COLLATE "C",
    fatalities BIGINT,
    size BIGINT,
    negated INTEGER,
    hypothetical INTEGER,
    future INTEGER,
    allegation INTEGER,
    record JSONB NOT NULL
);
CREATE UNIQUE INDEX events_article_id ON events(article_id, idx);
CREATE INDEX events_type ON events(upper(type));
CREATE INDEX events_start_date ON events(start_date);

CREATE TABLE event_actors (
    event_id TEXT COLLATE "C" NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    role TEXT COLLATE "C",
    name TEXT COLLATE "C",
    country TEXT COLLATE "C",
    sector TEXT COLLATE "C",
    PRIMARY KEY (event_id, idx)
);
CREATE INDEX event_actors_country ON event_actors(country);

CREATE TABLE event_places (
    event_id TEXT COLLATE "C" NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    place_id TEXT COLLATE "C",
    relation TEXT COLLATE "C",
    distance_km DOUBLE PRECISION,
    "from" TEXT COLLATE "C",
    geo_precision BIGINT,
    PRIMARY KEY (event_id, idx)
);
CREATE INDEX event_places_place_id ON event_places(place_id);
