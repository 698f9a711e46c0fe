-- Ernstfall schema 8: changes a compaction checkpoint folded away.
-- A laptop that starts from a checkpoint while it still knows older
-- changes of a field (it was away while the others compacted) notes which
-- of them the checkpoint showed outdone, so that its merges decide as the
-- laptops that saw every change do. The changes stay in the history.
CREATE TABLE sync_folded (
    entity TEXT NOT NULL,
    id     TEXT NOT NULL,
    field  TEXT NOT NULL,
    hlc    INTEGER NOT NULL,
    device TEXT NOT NULL,
    PRIMARY KEY (entity, id, field, hlc, device)
) WITHOUT ROWID;
