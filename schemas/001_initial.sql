-- assay store, migration 1: runs, sources, documents and their lineage.
-- Never edit this file once released; add 002_*.sql instead.

-- One invocation of `assay run`. Volatile facts (times, host) live here, not in content.
CREATE TABLE runs (
  run_id            INTEGER PRIMARY KEY,
  started_at        TEXT NOT NULL,            -- RFC 3339, UTC
  finished_at       TEXT,                     -- NULL while running or if killed
  status            TEXT NOT NULL DEFAULT 'running',  -- running | finished | interrupted
  tool_version      TEXT NOT NULL,
  git_commit        TEXT NOT NULL,
  config_hash       TEXT NOT NULL,            -- SHA-256 of the canonical plan parameters
  config            TEXT NOT NULL,            -- the canonical plan parameters (JSON)
  libraries         TEXT NOT NULL,            -- JSON: tesseract, leptonica, poppler, opencv, sqlite
  tessdata_sha256   TEXT NOT NULL,            -- SHA-256 of the traineddata file used
  host              TEXT NOT NULL,
  shard             TEXT NOT NULL DEFAULT '0/1',
  argv              TEXT NOT NULL,            -- JSON array
  workers           INTEGER NOT NULL
);

-- One input file, identified by the SHA-256 of its bytes.
CREATE TABLE sources (
  source_id     TEXT PRIMARY KEY,             -- sha256 hex
  bytes         INTEGER NOT NULL,
  mime          TEXT NOT NULL,                -- as sniffed from the bytes
  first_seen_at TEXT NOT NULL
);

-- Every path a source was seen at (same bytes twice = one source, two paths).
CREATE TABLE source_paths (
  source_id     TEXT NOT NULL REFERENCES sources(source_id),
  path          TEXT NOT NULL,
  first_seen_at TEXT NOT NULL,
  last_run_id   INTEGER NOT NULL REFERENCES runs(run_id),
  PRIMARY KEY (source_id, path)
);

-- One document: a source as the pipeline sees it (plus manifest content such as alt-text).
CREATE TABLE documents (
  doc_id             TEXT PRIMARY KEY,        -- sha256 hex
  source_id          TEXT REFERENCES sources(source_id),  -- NULL if the file could not be read
  path               TEXT NOT NULL,           -- the path it was processed from
  container          TEXT NOT NULL,           -- pdf | image | unsupported | unreadable
  modality           TEXT,                    -- pdf_text | pdf_scan | pdf_mixed | page_image | photo
  alt_text           TEXT,
  ground_truth       TEXT,                    -- path of the ground-truth text, from the manifest
  tags               TEXT NOT NULL DEFAULT '[]',  -- JSON array
  ingested_at        TEXT NOT NULL,
  processing_version TEXT,                    -- set when processed
  outcome            TEXT,                    -- NULL = pending | accepted | rejected | error
  error_stage        TEXT,
  error_message      TEXT,
  output_sha256      TEXT,                    -- final content (outputs.sha256)
  page_count         INTEGER,
  run_id             INTEGER REFERENCES runs(run_id),  -- run that produced the outcome
  processed_at       TEXT
);
CREATE INDEX documents_outcome ON documents(outcome);

-- Content-addressed stage outputs (canonical JSON of the document after the stage).
CREATE TABLE outputs (
  sha256     TEXT PRIMARY KEY,
  media_type TEXT NOT NULL,
  bytes      INTEGER NOT NULL,
  content    BLOB NOT NULL
);

-- One stage applied to one document.
CREATE TABLE transformations (
  transformation_id INTEGER PRIMARY KEY,
  doc_id            TEXT NOT NULL REFERENCES documents(doc_id),
  run_id            INTEGER NOT NULL REFERENCES runs(run_id),
  processing_version TEXT NOT NULL,
  seq               INTEGER NOT NULL,         -- position in the plan, from 0
  stage             TEXT NOT NULL,
  stage_version     INTEGER NOT NULL,
  params            TEXT NOT NULL,            -- canonical JSON
  params_sha256     TEXT NOT NULL,
  input_sha256      TEXT NOT NULL,            -- source or previous output
  output_sha256     TEXT,                     -- NULL when the stage failed
  started_at        TEXT NOT NULL,
  duration_ms       REAL NOT NULL,
  outcome           TEXT NOT NULL,            -- ok | skipped | error
  note              TEXT NOT NULL DEFAULT ''
);
CREATE INDEX transformations_doc ON transformations(doc_id, processing_version, seq);
CREATE INDEX transformations_key ON transformations(stage, stage_version, params_sha256, input_sha256);

-- Named numbers measured by stages; the only thing contracts read.
CREATE TABLE metrics (
  doc_id TEXT NOT NULL REFERENCES documents(doc_id),
  scope  TEXT NOT NULL DEFAULT '',           -- '' = whole document; later 'page:3', 'table:1'...
  name   TEXT NOT NULL,
  value  REAL NOT NULL,
  PRIMARY KEY (doc_id, scope, name)
);

-- Common questions as one query.
-- Latest state of every document with its source path and the run that decided it.
CREATE VIEW document_status AS
  SELECT d.doc_id, d.path, d.container, d.modality, COALESCE(d.outcome, 'pending') AS outcome,
         d.error_stage, d.error_message, d.page_count, d.run_id, d.processed_at
  FROM documents d;

-- Documents that ended in error, grouped by stage and message.
CREATE VIEW errors_by_reason AS
  SELECT error_stage, error_message, COUNT(*) AS documents
  FROM documents WHERE outcome = 'error'
  GROUP BY error_stage, error_message ORDER BY documents DESC;
