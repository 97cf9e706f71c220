-- assay store, migration 11: near-duplicate images over the whole store (issue 11,
-- docs/image_checks.md "Near-duplicates").

-- Each image document's 64-bit perceptual hashes (image_checks), 16 lowercase hex digits
-- each: stage outputs kept out of `metrics` (a hash is not a measure). `phash` is the whole
-- picture's; `windows` the hashes of its 90% windows (centre, four corners), space-separated,
-- which a cropped copy's whole hash matches. Written with the document's result, deleted when
-- a later result has none (e.g. the document became an error).
CREATE TABLE image_hashes (
  doc_id  TEXT PRIMARY KEY REFERENCES documents(doc_id),
  phash   TEXT NOT NULL CHECK (length(phash) = 16),
  windows TEXT NOT NULL DEFAULT ''
);

-- The groups the supervisor's near-duplicate step found (core/near_duplicates.h), made again
-- over the whole store after every run: one row per member of a group of two or more.
-- `group_id`: the group's smallest doc_id; `kept_doc_id`: the member kept (most pixels, then
-- sharpest, then smallest doc_id); `reason`: why this member is kept or not, for a reviewer.
CREATE TABLE near_duplicates (
  doc_id       TEXT PRIMARY KEY REFERENCES documents(doc_id),
  group_id     TEXT NOT NULL,
  kept_doc_id  TEXT NOT NULL,
  kept         INTEGER NOT NULL CHECK (kept IN (0, 1)),
  distance     INTEGER NOT NULL,  -- Hamming distance of its hash to the kept member's
  max_distance INTEGER NOT NULL,  -- the threshold the groups were made with
  reason       TEXT NOT NULL,
  run_id       INTEGER NOT NULL REFERENCES runs(run_id),  -- the run whose step found it
  found_at     TEXT NOT NULL
);
CREATE INDEX near_duplicates_group ON near_duplicates(group_id);
