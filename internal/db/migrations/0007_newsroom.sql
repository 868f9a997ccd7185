-- The editorial side: optimistic locking, revisions, old URLs, audit.
ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE articles ADD COLUMN correction TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN created_by BIGINT;

-- Every save of an article, in full, so any two can be compared and any
-- one restored.
CREATE TABLE revisions (
    id ID_PK,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    user_id BIGINT,
    action TEXT NOT NULL,
    status TEXT NOT NULL,
    section_id BIGINT NOT NULL,
    slug TEXT NOT NULL,
    headline TEXT NOT NULL,
    standfirst TEXT NOT NULL,
    body_md TEXT NOT NULL,
    dateline TEXT NOT NULL,
    correction TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (article_id, version)
);

-- Paths an article had before a slug change: they answer 301.
CREATE TABLE slug_redirects (
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    slug TEXT NOT NULL,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (edition_id, slug)
);

CREATE TABLE audit_log (
    id ID_PK,
    user_id BIGINT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    at BIGINT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
