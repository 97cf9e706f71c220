-- assay store, migration 2: quality contracts, their results, the remediation queue.

-- Every contract text a run used, by content hash: a decision traces to the exact text.
CREATE TABLE contracts (
  sha256        TEXT PRIMARY KEY,
  modality      TEXT NOT NULL,
  version       INTEGER NOT NULL,
  path          TEXT NOT NULL,            -- where it was loaded from ('builtin:...' if shipped)
  text          TEXT NOT NULL,
  first_seen_at TEXT NOT NULL
);

-- One row per document, part and rule of its contract, for the latest decision.
CREATE TABLE contract_results (
  doc_id          TEXT NOT NULL REFERENCES documents(doc_id),
  run_id          INTEGER NOT NULL REFERENCES runs(run_id),
  contract_sha256 TEXT NOT NULL REFERENCES contracts(sha256),
  scope           TEXT NOT NULL DEFAULT '',  -- '' = whole document; 'page:3', later 'table:1'
  rule            TEXT NOT NULL,
  metric          TEXT NOT NULL,
  value           REAL,                      -- NULL when the document lacks the metric
  operator        TEXT NOT NULL,             -- min | max | equals | in
  threshold       TEXT NOT NULL,             -- JSON: a number, or an array for `in`
  severity        TEXT NOT NULL,             -- reject | warn
  outcome         TEXT NOT NULL,             -- pass | fail | not_applicable
  PRIMARY KEY (doc_id, scope, rule)
);

ALTER TABLE documents ADD COLUMN contract_sha256 TEXT;
-- Parameter overrides that apply to this document only (set by `queue reprocess --set`);
-- later runs keep them, so a fixed document is not undone by the next batch.
ALTER TABLE documents ADD COLUMN param_overrides TEXT NOT NULL DEFAULT '{}';
-- The queue item whose reprocess produced a transformation, if any.
ALTER TABLE transformations ADD COLUMN queue_item_id INTEGER;

-- A rejected or errored document waiting for a person.
CREATE TABLE queue_items (
  item_id    INTEGER PRIMARY KEY,
  doc_id     TEXT NOT NULL REFERENCES documents(doc_id),
  kind       TEXT NOT NULL CHECK (kind IN ('rejected', 'error')),
  state      TEXT NOT NULL CHECK (state IN ('open', 'claimed', 'resolved', 'waived', 'rejected')),
  reasons    TEXT NOT NULL,      -- JSON array: {rule, metric, value, threshold, severity} or {stage, message}
  assignee   TEXT,
  opened_at  TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  run_id     INTEGER NOT NULL REFERENCES runs(run_id)  -- run that opened it
);
-- At most one active item per document.
CREATE UNIQUE INDEX queue_items_active ON queue_items(doc_id) WHERE state IN ('open', 'claimed');
CREATE INDEX queue_items_state ON queue_items(state);

-- Append-only audit trail of every queue action: who, when, what, note.
CREATE TABLE queue_events (
  event_id   INTEGER PRIMARY KEY,
  item_id    INTEGER NOT NULL REFERENCES queue_items(item_id),
  at         TEXT NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,      -- opened | updated | claimed | released | resolved | waived | rejected | reprocessed
  from_state TEXT,
  to_state   TEXT NOT NULL,
  note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX queue_events_item ON queue_events(item_id);
CREATE TRIGGER queue_events_no_update BEFORE UPDATE ON queue_events
  BEGIN SELECT RAISE(ABORT, 'queue_events is append-only'); END;
CREATE TRIGGER queue_events_no_delete BEFORE DELETE ON queue_events
  BEGIN SELECT RAISE(ABORT, 'queue_events is append-only'); END;

-- Which documents failed which rule, per run: "which documents of batch X failed rule Y".
CREATE VIEW rule_failures AS
  SELECT r.run_id, r.rule, r.metric, r.severity, r.scope, r.value, r.threshold, d.doc_id, d.path,
         d.modality
  FROM contract_results r JOIN documents d ON d.doc_id = r.doc_id
  WHERE r.outcome = 'fail';

-- The open work of reviewers, one row per active item and reason.
CREATE VIEW queue_open AS
  SELECT q.item_id, q.state, q.assignee, q.kind, d.modality, d.path, q.doc_id,
         json_extract(j.value, '$.rule') AS rule, json_extract(j.value, '$.stage') AS stage,
         j.value AS reason
  FROM queue_items q JOIN documents d ON d.doc_id = q.doc_id, json_each(q.reasons) j
  WHERE q.state IN ('open', 'claimed');
