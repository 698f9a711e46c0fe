-- Ernstfall schema 3: prefix indexes for search.
--
-- People type the first letters of a name or the first digits of a number
-- ("kr", "030", "+49 30"). Without a prefix index such a query merges the
-- entries of every word that starts with it, thousands for an area code;
-- with one it reads a single list. The index is rebuilt from its own
-- content, which holds the text exactly as it was indexed.
CREATE VIRTUAL TABLE search_next USING fts5 (
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
INSERT INTO search_next(rowid, title, body) SELECT rowid, title, body FROM search;
DROP TABLE search;
ALTER TABLE search_next RENAME TO search;
