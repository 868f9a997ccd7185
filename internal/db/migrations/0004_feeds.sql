-- Whether an edition's feeds carry the full text or only the standfirst.
ALTER TABLE editions ADD COLUMN feed_full_text BOOLEAN NOT NULL DEFAULT TRUE;
