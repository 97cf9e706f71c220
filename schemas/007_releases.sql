-- assay store, migration 7: releases (issue 13). A release is a frozen selection of accepted
-- documents written as files (docs/releases.md); these rows say what each release holds, so a
-- second `release create` under the same name can be refused or recognised as a no-op.

-- One release by name. Immutable: a name is never reused for other content.
CREATE TABLE releases (
  name            TEXT PRIMARY KEY,
  content_sha256  TEXT NOT NULL,   -- manifest.json's content_sha256 (data files only)
  manifest_sha256 TEXT NOT NULL,   -- SHA-256 of manifest.json as written
  path            TEXT NOT NULL,   -- where it was written (path text)
  documents       INTEGER NOT NULL,
  filters         TEXT NOT NULL,   -- canonical JSON of the selection and split options
  tool_version    TEXT NOT NULL,
  created_at      TEXT NOT NULL    -- volatile: also in the release's lineage.jsonl
);

-- One row per document in a release, with the facts that made it part of it.
CREATE TABLE release_items (
  release_name       TEXT NOT NULL REFERENCES releases(name),
  doc_id             TEXT NOT NULL REFERENCES documents(doc_id),
  split              TEXT,            -- NULL when the release has no splits
  waived             INTEGER NOT NULL DEFAULT 0,
  processing_version TEXT NOT NULL,
  PRIMARY KEY (release_name, doc_id)
);
CREATE INDEX release_items_doc ON release_items(doc_id);

CREATE TRIGGER releases_no_update BEFORE UPDATE ON releases
  BEGIN SELECT RAISE(ABORT, 'releases are immutable'); END;
CREATE TRIGGER release_items_no_update BEFORE UPDATE ON release_items
  BEGIN SELECT RAISE(ABORT, 'releases are immutable'); END;

-- The working directory of a run (path text), so a relative input path can be found again
-- later (a release's image shards read the source files; `release validate --reproduce`
-- re-processes them). NULL for runs made before this migration.
ALTER TABLE runs ADD COLUMN cwd TEXT;
