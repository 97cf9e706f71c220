-- assay store, migration 13: where a document's tables are, when the manifest says
-- (issue 10, docs/tables.md): `pages` and `table_areas` as one canonical JSON text
-- (core/table_hints.h). Part of the document's identity when given; NULL when not.
ALTER TABLE documents ADD COLUMN table_hints TEXT;
