-- One row per article in the "Read also" index, that is per published
-- article. terms lists its distinct terms, space-separated: article_terms
-- keeps the strongest 30 but term_stats counts them all, so an update needs
-- the old set to decrement the terms the article no longer has. edition_id
-- is the edition they were counted in. published_at is copied from articles
-- because candidate scoring reads it hundreds of times per publish, and in
-- articles it sits behind the body, where SQLite would read overflow pages.
CREATE TABLE related_docs (
    article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    published_at BIGINT NOT NULL,
    terms TEXT NOT NULL
);

-- How many articles of an edition are indexed: N in idf = ln(1 + N/df),
-- kept as a counter so a publish does not count the whole archive.
CREATE TABLE related_editions (
    edition_id BIGINT PRIMARY KEY REFERENCES editions(id),
    docs BIGINT NOT NULL
);

-- The lists an article appears in, to withdraw it when it changes or goes.
CREATE INDEX related_related ON related (related_id);

-- Postings are read per term strongest first; with article_id in the index
-- that read never touches the table.
DROP INDEX article_terms_term;
CREATE INDEX article_terms_postings ON article_terms (term, weight, article_id);
