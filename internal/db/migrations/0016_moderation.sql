-- Moderation (issue #4): what a moderator's edit replaced, kept verbatim so
-- nothing a reader wrote is lost, and the staff who asked to be emailed
-- when a reader flags a comment.
CREATE TABLE comment_edits (
    id ID_PK,
    comment_id BIGINT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    body_before TEXT NOT NULL,
    body_after TEXT NOT NULL,
    user_id BIGINT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX comment_edits_comment ON comment_edits (comment_id);

CREATE TABLE moderation_alerts (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
