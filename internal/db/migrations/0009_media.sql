-- Uploaded images live in the database, so every node serves them without
-- a shared folder; each is kept as a few re-encoded widths (no metadata).
CREATE TABLE media (
    id ID_PK,
    sha256 TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    alt TEXT NOT NULL,
    caption TEXT NOT NULL DEFAULT '',
    credit TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE media_variants (
    media_id BIGINT NOT NULL REFERENCES media(id) ON DELETE CASCADE,
    width INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    data BLOB_T NOT NULL,
    PRIMARY KEY (media_id, width)
);
