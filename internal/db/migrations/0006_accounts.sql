-- People who run the site. The email is stored lower-cased, so the unique
-- constraint refuses a second account for the same address on every node.
CREATE TABLE users (
    id ID_PK,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    -- The confirmed TOTP secret ('' when the second factor is off), a secret
    -- waiting for its first code, and the last time step accepted, so a code
    -- cannot be replayed within its window.
    totp_secret TEXT NOT NULL DEFAULT '',
    totp_pending TEXT NOT NULL DEFAULT '',
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);
CREATE INDEX users_role ON users (role);

-- Sessions live in the database so any node can serve them. Only the
-- SHA-256 of the token is kept: a copy of this table signs no one in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    user_agent TEXT NOT NULL DEFAULT '',
    second_factor BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    last_seen BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen);

-- Password reset tokens, hashed like sessions; a token is deleted when used.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- Tokens for the one-time set-up page, valid while no admin exists.
CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

-- Failed sign-ins per key ('email:…', 'addr:…'), shared by all nodes.
CREATE TABLE signin_failures (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_at BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0
);

-- Fixed-window counters for rate limits (sign-in, comments…), incremented
-- with an upsert so nodes never overwrite each other.
CREATE TABLE rate_limits (
    key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);
