-- wirewatch schema 10, PostgreSQL dialect (see ../0010_story_override_who.sql).

ALTER TABLE story_overrides ADD COLUMN who TEXT COLLATE "C";
