-- Ernstfall schema 4: the history of changes, newest first.

-- The change list reads the changes by clock, newest first, a page at a
-- time; without these it sorted every change ever made for each page.
CREATE INDEX outbox_hlc ON outbox (hlc, device);
CREATE INDEX sync_changes_hlc ON sync_changes (hlc, device);
