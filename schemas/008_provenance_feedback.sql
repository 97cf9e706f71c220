-- assay store, migration 8: provenance of documents, and model-evaluation feedback.
-- Never edit this file once released; add a new migration instead.

-- Where a document came from and under which licence, from its manifest entry or the
-- `assay-provenance.json` sidecar of its folder (docs/provenance.md). Manifest facts, like
-- tags: not part of the document's identity, stage outputs or reuse; a later run updates them.
ALTER TABLE documents ADD COLUMN license TEXT;     -- SPDX-like licence expression, e.g. CC-BY-4.0
ALTER TABLE documents ADD COLUMN source_url TEXT;  -- an absolute URL (syntax checked)

-- One row per result line of a model-evaluation file (`assay feedback import`). Append-only
-- in practice: a file already imported (same SHA-256) is not imported again.
CREATE TABLE model_feedback (
  id            INTEGER PRIMARY KEY,
  doc_id        TEXT NOT NULL REFERENCES documents(doc_id),
  release_name  TEXT,              -- when the line named the document by release and key
  item_key      TEXT,
  score         REAL,
  flagged       INTEGER NOT NULL,  -- 0 | 1: the evaluation flags the document for review
  note          TEXT,
  source_file   TEXT NOT NULL,     -- the file imported, as path text
  source_sha256 TEXT NOT NULL,     -- SHA-256 of its bytes: the import's identity
  imported_at   TEXT NOT NULL      -- RFC 3339, UTC
);
CREATE INDEX model_feedback_doc ON model_feedback(doc_id);
CREATE INDEX model_feedback_source ON model_feedback(source_sha256);
