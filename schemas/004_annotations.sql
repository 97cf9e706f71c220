-- assay store, migration 4: annotation routing, tasks, votes, consensus and adjudication.

-- Every routing file text that routed a task, by content hash: a task traces to the exact text.
CREATE TABLE routing_files (
  sha256        TEXT PRIMARY KEY,
  path          TEXT NOT NULL,            -- where it was loaded from ('builtin:...' if shipped)
  text          TEXT NOT NULL,
  first_seen_at TEXT NOT NULL
);

-- One row per task: a document, or a region of it, routed to an annotator pool. A document may
-- have several (one per task type and region); re-routing updates the row of the same
-- (document, region, task type) and records the routing hash it now follows.
CREATE TABLE annotation_tasks (
  task_id            INTEGER PRIMARY KEY,
  doc_id             TEXT NOT NULL REFERENCES documents(doc_id),
  region             TEXT NOT NULL DEFAULT '',  -- '' = whole document; 'page:3' (later 'table:1')
  task_type          TEXT NOT NULL,
  question           TEXT NOT NULL,             -- what the annotator is asked
  pool               TEXT NOT NULL,
  votes_required     INTEGER NOT NULL,
  agreement_required REAL NOT NULL,             -- share of votes behind the consensus label
  consensus_rule     TEXT NOT NULL CHECK (consensus_rule IN ('majority', 'unanimity', 'weighted')),
  complexity         REAL NOT NULL,             -- 0..1, terms in reason
  rule               TEXT NOT NULL,             -- the routing rule that matched
  reason             TEXT NOT NULL,             -- JSON: what matched, complexity terms, sampling draw
  labels             TEXT NOT NULL,             -- JSON array: the task type's label set
  level              TEXT NOT NULL CHECK (level IN ('nominal', 'interval')),
  adjudication_pool  TEXT NOT NULL,
  routing_sha256     TEXT NOT NULL REFERENCES routing_files(sha256),
  state              TEXT NOT NULL CHECK (state IN ('open', 'unsampled', 'complete', 'adjudication',
                                                    'adjudicated', 'withdrawn')),
  label              TEXT,                      -- the consensus (or adjudicated) label
  agreement          REAL,                      -- share behind the leading label, once voted
  decided_by         TEXT,                      -- 'consensus:<rule>' or the adjudicator
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  run_id             INTEGER REFERENCES runs(run_id),  -- the run that routed it; NULL: `annotate route`
  UNIQUE (doc_id, region, task_type)
);
CREATE INDEX annotation_tasks_pool ON annotation_tasks(pool, state);

-- Each file of votes imported, whole or not at all.
CREATE TABLE annotation_imports (
  import_id   INTEGER PRIMARY KEY,
  path        TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  format      TEXT NOT NULL,                    -- label-studio | jsonl
  imported_at TEXT NOT NULL,
  votes       INTEGER NOT NULL                  -- votes added (already imported ones not counted)
);

-- One row per vote: who said what about which task, when, and from which import.
CREATE TABLE annotations (
  vote_id      INTEGER PRIMARY KEY,
  task_id      INTEGER NOT NULL REFERENCES annotation_tasks(task_id),
  annotator    TEXT NOT NULL,
  label        TEXT NOT NULL,
  annotated_at TEXT NOT NULL DEFAULT '',        -- as the tool recorded it
  source_ref   TEXT NOT NULL DEFAULT '',        -- e.g. the Label Studio annotation id
  import_id    INTEGER NOT NULL REFERENCES annotation_imports(import_id),
  UNIQUE (task_id, annotator)                    -- one vote per annotator and task
);
CREATE TRIGGER annotations_no_update BEFORE UPDATE ON annotations
  BEGIN SELECT RAISE(ABORT, 'annotations are append-only'); END;

-- Append-only audit trail of every task: created, rerouted, voted, consensus, adjudication.
CREATE TABLE annotation_events (
  event_id   INTEGER PRIMARY KEY,
  task_id    INTEGER NOT NULL REFERENCES annotation_tasks(task_id),
  at         TEXT NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,  -- created | rerouted | unsampled | withdrawn | voted | consensus | adjudication | adjudicated
  from_state TEXT,
  to_state   TEXT NOT NULL,
  note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX annotation_events_task ON annotation_events(task_id);
CREATE TRIGGER annotation_events_no_update BEFORE UPDATE ON annotation_events
  BEGIN SELECT RAISE(ABORT, 'annotation_events is append-only'); END;
CREATE TRIGGER annotation_events_no_delete BEFORE DELETE ON annotation_events
  BEGIN SELECT RAISE(ABORT, 'annotation_events is append-only'); END;

-- The adjudication queue: tasks whose votes did not reach their required agreement.
CREATE VIEW adjudication_queue AS
  SELECT t.task_id, t.adjudication_pool AS pool, t.task_type, t.doc_id, d.path, t.region,
         t.agreement, t.agreement_required, t.updated_at,
         (SELECT json_group_array(json_object('annotator', a.annotator, 'label', a.label))
          FROM annotations a WHERE a.task_id = t.task_id) AS votes
  FROM annotation_tasks t JOIN documents d ON d.doc_id = t.doc_id
  WHERE t.state = 'adjudication';

-- Tasks per pool and state: "how much work is waiting where".
CREATE VIEW annotation_load AS
  SELECT pool, task_type, state, COUNT(*) AS tasks FROM annotation_tasks
  GROUP BY pool, task_type, state;
