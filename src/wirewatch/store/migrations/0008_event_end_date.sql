-- wirewatch schema 8: an index on events.end_date, so that a date window (the map, `--since`/`--until`) can
-- use an index for events whose start is unknown ("by Tuesday") as it already does for the start date.

CREATE INDEX events_end_date ON events(end_date);
