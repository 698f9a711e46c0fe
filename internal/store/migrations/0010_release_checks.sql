-- Ernstfall schema 10: the verdicts of the check of each release.
-- A release counts (the binder prints it, copies follow it) only once this
-- laptop checked it: signed by an admitted approver's key, by a holder of
-- an approver role, releasing a version the document had. The verdict is
-- this laptop's own and never syncs; data_hash names the record as it was
-- checked. Releases made before approver keys existed are kept as they
-- were ('legacy').
CREATE TABLE release_checks (
    id         TEXT PRIMARY KEY,
    verdict    TEXT NOT NULL CHECK (verdict IN ('legacy', 'ok', 'refused')),
    reason     TEXT NOT NULL DEFAULT '',
    data_hash  TEXT NOT NULL DEFAULT '',
    checked_at TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
INSERT INTO release_checks(id, verdict) SELECT id, 'legacy' FROM records WHERE entity = 'release';
