-- wirewatch schema 11: who holds and relays the claims (`Store.sources`, `GET /api/sources`) is a GROUP BY over
-- every claim source; this covering index lets SQLite read the groups in order instead of sorting the whole
-- table into a temporary B-tree (p95 174 -> about 40 ms over 100,000 events in bench/api.py).
CREATE INDEX claim_sources_group ON claim_sources(name, kind, country, role);
