-- Accent forms (package search): a word written with accents whose term
-- differs from the term of the same word typed without them ("sécurité"
-- gives secur, "securite" gives securit, as the French stemmer strips
-- "-ité" but not "-ite"). Search reads it to find the accented word's
-- articles when a reader types the word without its accents. Filled when
-- articles are indexed (`lede reindex` fills it for articles indexed
-- before it existed); never emptied: a form's term is fixed by analysis.
CREATE TABLE search_forms (
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    form TEXT NOT NULL,
    term TEXT NOT NULL,
    PRIMARY KEY (edition_id, form, term)
);

-- Articles indexed before this migration have no accent forms: the marker
-- makes serve ask for `lede reindex`, which removes it.
CREATE TABLE search_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO search_meta (key, value) SELECT 'forms_pending', '1' WHERE EXISTS (SELECT 1 FROM search_docs);

-- search_docs with a narrow heap: its tsvector and term frequencies (several
-- KB an article) go to TOAST, so the rows the GIN index finds are read from
-- a heap of about 100 bytes a row instead of 2 KB (184 MB → 10 MB at
-- 100,000 articles), and counting or ordering tens of thousands of matches
-- by date reads only that. The frequencies, read for every article scored,
-- are compressed with lz4, which decompresses twice as fast as pglz, where
-- the server has it. The table is rebuilt to move the existing rows.
ALTER TABLE search_docs RENAME TO search_docs_wide;
ALTER INDEX search_docs_tsv RENAME TO search_docs_wide_tsv;
ALTER INDEX search_docs_pkey RENAME TO search_docs_wide_pkey;
CREATE TABLE search_docs (
    article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    section_id BIGINT NOT NULL,
    published_at BIGINT NOT NULL,
    len BIGINT NOT NULL,
    tsv TSVECTOR NOT NULL,
    tf JSONB NOT NULL
) WITH (toast_tuple_target = 128);
DO $$ BEGIN
    ALTER TABLE search_docs ALTER COLUMN tf SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN NULL; -- a server built without lz4 keeps pglz
END $$;
INSERT INTO search_docs (article_id, edition_id, section_id, published_at, len, tsv, tf)
    SELECT article_id, edition_id, section_id, published_at, len, tsv, tf || '{}'::jsonb FROM search_docs_wide;
DROP TABLE search_docs_wide;
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);
ANALYZE search_docs;
