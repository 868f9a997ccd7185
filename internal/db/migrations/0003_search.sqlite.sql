-- Search (package search). Go analyses each published article (the same
-- terms as "Read also": tokenised, stemmed, folded, stop words dropped) and
-- writes the terms, space-separated, into an FTS5 table whose ascii
-- tokenizer only splits on spaces: the engine indexes our terms as they
-- are, and ranks with its bm25(). Contentless: the text lives in articles.
--
-- The rowid is the edition (8 bits), the minute of publication (27 bits)
-- and the article id (28 bits): an edition and a date range are a rowid
-- range, and rowid order within an edition is time order, so the edition
-- filter, date filters, the recency boost and "the newest N matches" need
-- nothing but the index.
CREATE VIRTUAL TABLE search_fts USING fts5(
    headline, standfirst, body,
    content = '', contentless_delete = 1, tokenize = 'ascii', detail = full
);

-- One row per indexed article, kept narrow: section filters read it.
-- rid is the article's rowid in search_fts.
CREATE TABLE search_docs (
    article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    section_id BIGINT NOT NULL,
    published_at BIGINT NOT NULL,
    len BIGINT NOT NULL,
    rid BIGINT NOT NULL
);

-- Each indexed article's distinct terms, to update the vocabulary counts
-- exactly when it changes or goes.
CREATE TABLE search_doc_terms (
    article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    terms TEXT NOT NULL
);

-- The vocabulary of each edition: how many articles have the term, and one
-- word it was written as, for prefixes and "did you mean".
CREATE TABLE search_terms (
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    term TEXT NOT NULL,
    df BIGINT NOT NULL,
    word TEXT NOT NULL,
    PRIMARY KEY (edition_id, term)
);
CREATE INDEX search_terms_term ON search_terms (term);

-- Articles and terms indexed per edition.
CREATE TABLE search_stats (
    edition_id BIGINT PRIMARY KEY REFERENCES editions(id),
    docs BIGINT NOT NULL,
    tokens BIGINT NOT NULL
);
