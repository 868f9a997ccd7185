-- Ids of the view-count batches already written, so that a flush retried
-- after an error that may have followed its COMMIT is not counted twice.
CREATE TABLE view_batches (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL
);
CREATE INDEX view_batches_at ON view_batches (at);
