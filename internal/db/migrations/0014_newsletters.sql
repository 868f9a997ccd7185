-- Newsletters. A subscriber is one address in one edition; its lists are
-- rows of newsletter_subscriptions ('daily', 'breaking', 'section:SLUG',
-- 'tag:SLUG', 'author:SLUG'). Mail goes only to confirmed subscribers.
CREATE TABLE newsletter_subscribers (
    id ID_PK,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    email TEXT NOT NULL,
    -- manage_token is in every mail's preference and unsubscribe links.
    manage_token TEXT NOT NULL UNIQUE,
    -- confirm_hash is the SHA-256 of the one-time confirmation token.
    confirm_hash TEXT UNIQUE,
    confirm_expires BIGINT,
    confirm_sent_at BIGINT,
    confirmed_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (edition_id, email)
);

CREATE TABLE newsletter_subscriptions (
    subscriber_id BIGINT NOT NULL REFERENCES newsletter_subscribers(id) ON DELETE CASCADE,
    list TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (subscriber_id, list)
);
CREATE INDEX newsletter_subscriptions_list ON newsletter_subscriptions (list, subscriber_id);

-- The end of the period the last digest of a list covered.
CREATE TABLE newsletter_list_state (
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    list TEXT NOT NULL,
    last_until BIGINT NOT NULL,
    PRIMARY KEY (edition_id, list)
);

-- One send (campaign): the message once, with {{unsubscribe}}-style
-- placeholders filled per recipient.
CREATE TABLE newsletter_sends (
    id ID_PK,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    list TEXT NOT NULL,
    kind TEXT NOT NULL,
    article_id BIGINT,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    total INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    finished_at BIGINT,
    -- Final counts, written when the last delivery is done, so the
    -- progress of a finished send of millions costs no counting.
    n_sent INTEGER,
    n_failed INTEGER,
    n_skipped INTEGER
);

-- One row per recipient: the durable queue. A node claims pending rows
-- with a lease (locked_until, locked_by) and marks each sent in a
-- transaction that checks the lease is still its own.
CREATE TABLE newsletter_deliveries (
    id ID_PK,
    send_id BIGINT NOT NULL REFERENCES newsletter_sends(id) ON DELETE CASCADE,
    subscriber_id BIGINT NOT NULL,
    email TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at BIGINT NOT NULL,
    locked_until BIGINT,
    locked_by TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at BIGINT,
    UNIQUE (send_id, subscriber_id)
);
CREATE INDEX newsletter_deliveries_due ON newsletter_deliveries (status, next_at, id);
CREATE INDEX newsletter_deliveries_send ON newsletter_deliveries (send_id, status);

-- The cluster-wide pace: the next free sending slot, in microseconds.
CREATE TABLE newsletter_pace (
    id INTEGER PRIMARY KEY,
    next_slot BIGINT NOT NULL
);
INSERT INTO newsletter_pace (id, next_slot) VALUES (1, 0);
