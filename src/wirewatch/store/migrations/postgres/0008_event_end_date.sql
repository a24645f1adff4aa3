-- wirewatch schema 8, PostgreSQL dialect (see ../0008_event_end_date.sql).

CREATE INDEX events_end_date ON events(end_date);
