-- Readers: people who comment, apart from the newsroom's users. The email
-- is stored lower-cased, so the unique constraint refuses a second account
-- for the same address on every node.
CREATE TABLE readers (
    id ID_PK,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',   -- '' when the reader signs in by link or provider only
    verified_at BIGINT NOT NULL DEFAULT 0,    -- 0: email not verified yet
    conduct_at BIGINT NOT NULL DEFAULT 0,     -- when the code of conduct was accepted (0: not yet)
    notify_replies BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);

-- Signed-in browsers; only the SHA-256 of the cookie's token is kept.
CREATE TABLE reader_sessions (
    token_hash TEXT PRIMARY KEY,
    reader_id BIGINT NOT NULL REFERENCES readers(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen BIGINT NOT NULL
);
CREATE INDEX reader_sessions_reader ON reader_sessions (reader_id);
CREATE INDEX reader_sessions_last_seen ON reader_sessions (last_seen);

-- Accounts at external providers (OAuth 2 / OpenID Connect) linked to a
-- reader: the provider's stable subject, never the email, names the account.
CREATE TABLE reader_identities (
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    reader_id BIGINT NOT NULL REFERENCES readers(id) ON DELETE CASCADE,
    email TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (provider, subject)
);
CREATE INDEX reader_identities_reader ON reader_identities (reader_id);

-- One-time links mailed to readers (verify | signin), hashed like sessions.
-- A sign-in link for an address with no account yet has reader_id 0 and
-- creates the account with name when it is used.
CREATE TABLE reader_tokens (
    token_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    reader_id BIGINT NOT NULL DEFAULT 0,
    email TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX reader_tokens_reader ON reader_tokens (reader_id);
CREATE INDEX reader_tokens_expires ON reader_tokens (expires_at);

-- OAuth flows in progress: the state names the row; the PKCE verifier and
-- the OIDC nonce never leave the server. Deleted when the callback uses it.
CREATE TABLE reader_oauth_states (
    state_hash TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    verifier TEXT NOT NULL,
    nonce TEXT NOT NULL,
    next TEXT NOT NULL,
    edition TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX reader_oauth_states_expires ON reader_oauth_states (expires_at);
