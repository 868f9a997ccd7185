-- Outgoing webhooks. An endpoint is a URL an admin registered with the
-- events it wants; the secret signs every request (it must be kept in the
-- clear: the server needs it to sign). A delivery is one event for one
-- endpoint, its body frozen when the article change committed; each try
-- is a row of webhook_attempts (the delivery log). The tries themselves run
-- as jobs, one job per attempt.
CREATE TABLE webhook_endpoints (
    id ID_PK,
    url TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id ID_PK,
    uid TEXT NOT NULL UNIQUE,
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    event TEXT NOT NULL,
    article_id BIGINT,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    next_at BIGINT,
    created_at BIGINT NOT NULL,
    done_at BIGINT
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

CREATE TABLE webhook_attempts (
    id ID_PK,
    delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    at BIGINT NOT NULL,
    status_code INTEGER NOT NULL DEFAULT 0,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    UNIQUE (delivery_id, attempt)
);
