-- Ernstfall schema 9: the batch that brought each received change.
-- A laptop that starts from a compaction checkpoint folds away exactly the
-- changes it knows that came in batches the checkpoint covers, also when
-- it has applied newer batches the checkpoint does not cover. 0: not known
-- (received before this schema, or from a file that did not say).
ALTER TABLE sync_changes ADD COLUMN batch INTEGER NOT NULL DEFAULT 0;
