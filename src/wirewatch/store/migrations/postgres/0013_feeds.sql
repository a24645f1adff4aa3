-- wirewatch schema 13, PostgreSQL dialect (see ../0013_feeds.sql): feeds polled by `wirewatch watch`.

CREATE TABLE feeds (
    url TEXT COLLATE "C" PRIMARY KEY,
    etag TEXT COLLATE "C",
    last_modified TEXT COLLATE "C",
    last_success TEXT COLLATE "C",
    last_error TEXT COLLATE "C",
    last_error_at TEXT COLLATE "C",
    error_count INTEGER NOT NULL DEFAULT 0,
    next_poll TEXT COLLATE "C",
    items_seen BIGINT NOT NULL DEFAULT 0,
    added_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE feed_items (
    feed_url TEXT COLLATE "C" NOT NULL REFERENCES feeds(url) ON DELETE CASCADE,
    item_key TEXT COLLATE "C" NOT NULL,
    seen_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (feed_url, item_key)
);
