-- wirewatch schema 13: feeds polled by `wirewatch watch`, and the items already seen in each, so that a
-- restarted watcher resumes where it stopped: conditional GET validators (etag, last_modified), when it last
-- worked or failed and why, how many failures in a row (the backoff), when it is next due, and how many
-- items it has brought. Times are ISO 8601 UTC strings of one width (they sort in time order).

CREATE TABLE feeds (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    last_success TEXT,
    last_error TEXT,
    last_error_at TEXT,
    error_count INTEGER NOT NULL DEFAULT 0,
    next_poll TEXT,
    items_seen INTEGER NOT NULL DEFAULT 0,
    added_at TEXT NOT NULL
);

CREATE TABLE feed_items (
    feed_url TEXT NOT NULL REFERENCES feeds(url) ON DELETE CASCADE,
    item_key TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (feed_url, item_key)
);
