-- Ernstfall schema 7: the search index's vocabulary, for compound words.
--
-- German users search with compounds ("Datenschutzbehörde") that the
-- handbook writes in other compounds ("Aufsichtsbehörde", "Datenschutz").
-- The search splits such a query into words the handbook itself uses; this
-- table lists them. It stores nothing: it reads the index.
CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search, 'row');
