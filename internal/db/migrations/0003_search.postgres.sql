-- Search (package search). Go analyses each published article (the same
-- terms as "Read also": tokenised, stemmed, folded, stop words dropped) and
-- writes them as a tsvector with their positions, for matching words,
-- phrases and prefixes with the GIN index, and as a JSON object of weighted
-- term frequencies, from which the same BM25 as SQLite's FTS5 is computed.
CREATE TABLE search_docs (
    article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    section_id BIGINT NOT NULL,
    published_at BIGINT NOT NULL,
    len BIGINT NOT NULL,
    tsv TSVECTOR NOT NULL,
    tf JSONB NOT NULL
);
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);

-- Each indexed article's distinct terms, to update the vocabulary counts
-- exactly when it changes or goes.
CREATE TABLE search_doc_terms (
    article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    terms TEXT NOT NULL
);

-- The vocabulary of each edition: how many articles have the term, and one
-- word it was written as, for prefixes and "did you mean". Terms compare
-- byte by byte, as in SQLite, so prefix ranges and ties sort the same.
CREATE TABLE search_terms (
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    term TEXT COLLATE "C" NOT NULL,
    df BIGINT NOT NULL,
    word TEXT NOT NULL,
    PRIMARY KEY (edition_id, term)
);
CREATE INDEX search_terms_term ON search_terms (term);

-- Articles and terms indexed per edition: N and the average length in BM25.
CREATE TABLE search_stats (
    edition_id BIGINT PRIMARY KEY REFERENCES editions(id),
    docs BIGINT NOT NULL,
    tokens BIGINT NOT NULL
);
