-- wirewatch schema 12, PostgreSQL dialect (see ../0012_events_day.sql).

CREATE INDEX events_day ON events(substr(coalesce(start_date, end_date), 1, 10));
