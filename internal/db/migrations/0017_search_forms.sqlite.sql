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
