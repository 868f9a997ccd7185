-- Search (package search). Go analyses each published article (the same
-- terms as "Read also": tokenised, stemmed, folded, stop words dropped) and
-- writes the terms, space-separated, into an FTS5 table whose ascii
-- tokenizer only splits on spaces: the engine indexes our terms as they
-- are, and ranks with its bm25(). Contentless: the text lives in articles.
CREATE VIRTUAL TABLE search_fts USING fts5(
    headline, standfirst, body,
    content = '', contentless_delete = 1, tokenize = 'ascii', detail = full
);

-- One row per indexed article: the filters and the recency boost read this
-- narrow table rather than articles, whose rows carry the body. terms is
-- the article's distinct terms, to update the vocabulary counts exactly.
CREATE TABLE search_docs (
    article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    section_id BIGINT NOT NULL,
    published_at BIGINT NOT NULL,
    len BIGINT NOT NULL,
    terms TEXT NOT NULL
);
CREATE INDEX search_docs_edition ON search_docs (edition_id, published_at);

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
