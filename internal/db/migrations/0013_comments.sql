-- Comments by readers under articles (issue #4). The body is what the reader
-- wrote, verbatim; it is rendered through a small safe markup when shown.
CREATE TABLE comments (
    id ID_PK,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    parent_id BIGINT REFERENCES comments(id),
    reader_id BIGINT REFERENCES readers(id) ON DELETE SET NULL,
    author_name TEXT NOT NULL,            -- display name when posted
    body TEXT NOT NULL,                   -- what the reader wrote, verbatim
    status TEXT NOT NULL,                 -- pending | approved | rejected | spam | deleted
    held_reason TEXT NOT NULL DEFAULT '', -- premoderation | first | filter:<pattern> | …
    hidden BOOLEAN NOT NULL DEFAULT FALSE,-- auto-hidden by flags until reviewed
    likes INTEGER NOT NULL DEFAULT 0,
    flags INTEGER NOT NULL DEFAULT 0,
    addr_hash TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    edited_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX comments_article ON comments (article_id, status, created_at);
CREATE INDEX comments_parent ON comments (parent_id);
CREATE INDEX comments_reader ON comments (reader_id, created_at);
CREATE INDEX comments_status ON comments (status, created_at);

CREATE TABLE comment_likes (comment_id BIGINT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    reader_id BIGINT NOT NULL, PRIMARY KEY (comment_id, reader_id));
CREATE INDEX comment_likes_reader ON comment_likes (reader_id);

CREATE TABLE comment_flags (comment_id BIGINT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    reader_id BIGINT NOT NULL, reason TEXT NOT NULL, created_at BIGINT NOT NULL,
    reviewed BOOLEAN NOT NULL DEFAULT FALSE, PRIMARY KEY (comment_id, reader_id));
CREATE INDEX comment_flags_open ON comment_flags (reviewed, created_at);

CREATE TABLE comment_bans (id ID_PK, reader_id BIGINT NOT NULL, until_at BIGINT NOT NULL, -- 0: for good
    reason TEXT NOT NULL, by_user BIGINT NOT NULL, created_at BIGINT NOT NULL);
CREATE INDEX comment_bans_reader ON comment_bans (reader_id);

-- Moderation settings by scope: 'edition:<id>', 'section:<id>', 'article:<id>';
-- the most specific row wins; '' / -1 mean "inherit".
CREATE TABLE comment_settings (scope TEXT PRIMARY KEY,
    mode TEXT NOT NULL DEFAULT '',             -- pre | post | ''
    close_after_days INTEGER NOT NULL DEFAULT -1, -- 0: never closes
    closed BOOLEAN NOT NULL DEFAULT FALSE);

CREATE TABLE comment_filters (id ID_PK, kind TEXT NOT NULL,  -- word | link
    pattern TEXT NOT NULL, action TEXT NOT NULL,              -- hold | reject
    created_at BIGINT NOT NULL);
