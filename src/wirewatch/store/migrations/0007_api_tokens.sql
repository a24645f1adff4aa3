-- wirewatch schema 7: API tokens for `wirewatch serve`. Only a token's SHA-256 is stored; the token itself is
-- printed once by `wirewatch token create`. Roles: viewer (read), analyst (read, ingest, correct), admin
-- (tokens, settings).

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
