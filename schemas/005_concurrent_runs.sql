-- assay store, migration 5: several processes on one store.
-- A run records which process it is, so a later process can tell a run whose supervisor is
-- gone (killed with SIGKILL, a crash, a reboot) from one still working, and mark it 'killed'.
-- A document being processed is leased to its run, so two runs on one store do not process
-- the same document at the same time.

-- The supervisor's process id, and what makes it unique on its host over time: the kernel's
-- boot id and the process start time (field 22 of /proc/PID/stat, clock ticks since boot), as
-- "BOOT_ID:START_TICKS". A pid reused by another process has another start time. NULL for
-- runs recorded before migration 5: their liveness cannot be told.
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN process_start TEXT;
-- runs.status gains 'killed': a running run whose process was found gone (finished_at is
-- when that was noticed).

-- At most one run processes a document at a time. Taken just before the document goes to a
-- worker, removed in the transaction that records its result; a lease of a run that is no
-- longer alive is void.
CREATE TABLE document_leases (
  doc_id   TEXT PRIMARY KEY REFERENCES documents(doc_id),
  run_id   INTEGER NOT NULL REFERENCES runs(run_id),
  taken_at TEXT NOT NULL
);
CREATE INDEX document_leases_run ON document_leases(run_id);
