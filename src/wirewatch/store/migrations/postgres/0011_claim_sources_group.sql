-- wirewatch schema 11, PostgreSQL dialect (see ../0011_claim_sources_group.sql).

CREATE INDEX claim_sources_group ON claim_sources(name, kind, country, role);
