-- Ernstfall schema 5: trusted sync.

-- The hash of each batch file applied (or written, for this device's own),
-- so that the next batch of a device can be checked to follow it. For
-- this device's own batches, outbox_top is the last outbox change the
-- batch holds: a batch of its own that was lost (a copied database wrote
-- the same number) can be sent again.
ALTER TABLE sync_applied ADD COLUMN hash TEXT NOT NULL DEFAULT '';
ALTER TABLE sync_applied ADD COLUMN outbox_top INTEGER NOT NULL DEFAULT 0;
