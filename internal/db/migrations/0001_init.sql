-- Times are Unix seconds (UTC) and days are 'YYYY-MM-DD' text, so both
-- engines compare and sort them the same way.
CREATE TABLE editions (
    id ID_PK,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    lang TEXT NOT NULL,
    timezone TEXT NOT NULL,
    tagline TEXT NOT NULL DEFAULT '',
    conduct_md TEXT NOT NULL DEFAULT '',
    is_default BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE sections (
    id ID_PK,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    UNIQUE (edition_id, slug)
);

CREATE TABLE authors (
    id ID_PK,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    bio_json TEXT NOT NULL DEFAULT '{}',
    agency BOOLEAN NOT NULL DEFAULT FALSE,
    photo TEXT NOT NULL DEFAULT ''
);

CREATE TABLE tags (
    id ID_PK,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    long_name TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (edition_id, slug)
);

CREATE TABLE articles (
    id ID_PK,
    external_id TEXT UNIQUE,
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    section_id BIGINT NOT NULL REFERENCES sections(id),
    slug TEXT NOT NULL,
    headline TEXT NOT NULL,
    standfirst TEXT NOT NULL DEFAULT '',
    body_md TEXT NOT NULL,
    body_html TEXT NOT NULL,
    dateline TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'published',
    top BOOLEAN NOT NULL DEFAULT FALSE,
    published_at BIGINT NOT NULL,
    updated_at BIGINT,
    modified_at BIGINT NOT NULL,
    translation_group BIGINT,
    shortcode TEXT UNIQUE,
    content_hash TEXT NOT NULL DEFAULT '',
    UNIQUE (edition_id, slug)
);
CREATE INDEX articles_edition_pub ON articles (edition_id, status, published_at);
CREATE INDEX articles_section_pub ON articles (section_id, status, published_at);
CREATE INDEX articles_translation ON articles (translation_group);

CREATE TABLE article_authors (
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES authors(id),
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, author_id)
);
CREATE INDEX article_authors_author ON article_authors (author_id);

CREATE TABLE article_tags (
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags(id),
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags (tag_id);

-- Editors' choices for "Read also": kind is 'pin' or 'exclude'.
CREATE TABLE related_overrides (
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    other_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, other_id)
);

-- Each article's strongest terms (TF-IDF, L2-normalised): the inverted index.
CREATE TABLE article_terms (
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    term TEXT NOT NULL,
    weight DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (article_id, term)
);
CREATE INDEX article_terms_term ON article_terms (term, weight);

-- Document frequency of each term per edition, for IDF.
CREATE TABLE term_stats (
    edition_id BIGINT NOT NULL REFERENCES editions(id),
    term TEXT NOT NULL,
    df BIGINT NOT NULL,
    PRIMARY KEY (edition_id, term)
);

CREATE TABLE related (
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    related_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    score DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (article_id, related_id)
);

-- Views are flushed as deltas (n = n + excluded.n) so nodes never overwrite
-- each other.
CREATE TABLE views_daily (
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (article_id, day)
);
CREATE INDEX views_daily_day ON views_daily (day);

CREATE TABLE view_totals (
    article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    n BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX view_totals_updated ON view_totals (updated_at);

CREATE TABLE shortlink_aliases (
    code TEXT PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);

CREATE TABLE shortlink_clicks (
    code TEXT PRIMARY KEY,
    n BIGINT NOT NULL
);

-- Cache invalidations, polled by every node: a publish on one node drops the
-- affected pages everywhere, and a node that was down catches up.
CREATE TABLE changes (
    id ID_PK,
    tag TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX changes_at ON changes (at);
