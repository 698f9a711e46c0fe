-- Ernstfall schema 1: records as JSON documents, per-field versions for sync,
-- an outbox of field-level changes, and a full-text index.

-- Facts about this database: device id, handbook id, last clock value.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Every record of every kind. data is the record as a JSON object; label,
-- deleted and the times are copied out of it for lists and sorting.
CREATE TABLE records (
    rowid      INTEGER PRIMARY KEY,
    entity     TEXT NOT NULL,
    id         TEXT NOT NULL,
    data       TEXT NOT NULL CHECK (json_valid(data)),
    label      TEXT NOT NULL DEFAULT '',
    deleted    INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (entity, id)
);
CREATE INDEX records_list ON records (entity, deleted, label);

-- The version of each field's current value: the clock reading and device
-- of the change that wrote it. Sync compares against it.
CREATE TABLE field_versions (
    entity TEXT NOT NULL,
    id     TEXT NOT NULL,
    field  TEXT NOT NULL,
    hlc    INTEGER NOT NULL,
    device TEXT NOT NULL,
    PRIMARY KEY (entity, id, field)
) WITHOUT ROWID;

-- Field-level changes made on this device, in order; value is JSON (null
-- for an emptied field); base_* is the version the change replaced.
CREATE TABLE outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    entity      TEXT NOT NULL,
    id          TEXT NOT NULL,
    field       TEXT NOT NULL,
    value       TEXT NOT NULL CHECK (json_valid(value)),
    hlc         INTEGER NOT NULL,
    device      TEXT NOT NULL,
    base_hlc    INTEGER NOT NULL DEFAULT 0,
    base_device TEXT NOT NULL DEFAULT '',
    sent        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_unsent ON outbox (sent, seq);

-- Full-text index. Text is folded (case, umlauts, ß) before it goes in, so
-- "mueller" finds "Müller" and "strasse" finds "Straße".
CREATE VIRTUAL TABLE search USING fts5 (
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);
