-- Ernstfall schema 2: sync through a shared folder.

-- Every change received from another device, kept so that the merge of a
-- field is a function of the set of changes known, whatever order they
-- arrived in. Local changes stay in the outbox.
CREATE TABLE sync_changes (
    entity      TEXT NOT NULL,
    id          TEXT NOT NULL,
    field       TEXT NOT NULL,
    hlc         INTEGER NOT NULL,
    device      TEXT NOT NULL,
    base_hlc    INTEGER NOT NULL DEFAULT 0,
    base_device TEXT NOT NULL DEFAULT '',
    value       TEXT NOT NULL CHECK (json_valid(value)),
    PRIMARY KEY (entity, id, field, hlc, device)
) WITHOUT ROWID;

CREATE INDEX outbox_field ON outbox (entity, id, field);

-- The batches applied from other devices (and written by this one).
CREATE TABLE sync_applied (
    device     TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (device, seq)
) WITHOUT ROWID;

-- Open conflicts: values that lost to a concurrent change of the same
-- field (kind 'value'), or a deletion outdone by a newer edit of the record
-- (kind 'deleted'). The value in effect is the record's.
CREATE TABLE conflicts (
    entity TEXT NOT NULL,
    id     TEXT NOT NULL,
    field  TEXT NOT NULL,
    hlc    INTEGER NOT NULL,
    device TEXT NOT NULL,
    kind   TEXT NOT NULL,
    value  TEXT NOT NULL CHECK (json_valid(value)),
    PRIMARY KEY (entity, id, field, hlc, device)
) WITHOUT ROWID;
