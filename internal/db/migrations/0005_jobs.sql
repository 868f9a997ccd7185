-- Background work shared by all nodes. A job is claimed by setting
-- locked_until (a lease); its effect and done_at commit in one transaction,
-- so a job whose node died is retried by another and never done twice.
CREATE TABLE jobs (
    id ID_PK,
    kind TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL DEFAULT '',
    run_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT,
    locked_by TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    done_at BIGINT,
    failed_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (done_at, run_at);
