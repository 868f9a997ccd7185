-- Slugs of tags merged into others: their pages and feeds answer 301.
CREATE TABLE tag_redirects (
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    slug TEXT NOT NULL,
    tag_id BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (edition_id, slug)
);
