-- Ernstfall schema 6: every change names the save it belongs to.

-- edit is the clock reading of the first change a transaction wrote: the
-- changes of one save share it, on every laptop, so a document's
-- revisions are exact. 0: a change written before this schema, or
-- received from a laptop that did not send it yet; those are grouped by
-- their times as before.
ALTER TABLE outbox ADD COLUMN edit INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_changes ADD COLUMN edit INTEGER NOT NULL DEFAULT 0;

-- Who made each save, as the person at the laptop gave their name. It
-- travels with the save's changes; a save without a name has no row.
CREATE TABLE edits (
    device TEXT NOT NULL,
    edit   INTEGER NOT NULL,
    author TEXT NOT NULL,
    PRIMARY KEY (device, edit)
) WITHOUT ROWID;
