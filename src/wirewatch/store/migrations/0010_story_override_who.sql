-- wirewatch schema 10: who made an analyst's story merge or split (the token's name, or "local" for the CLI
-- and a loopback server without tokens): story overrides join the corrections' audit trail of who, when, why.
ALTER TABLE story_overrides ADD COLUMN who TEXT;
