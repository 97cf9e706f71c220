-- assay store, migration 9: shards and merges (issue 14).
-- A corpus too big for one machine runs as N shards (`assay run --shard K/N`, one store each);
-- `assay merge` combines their stores into one. runs.shard (migration 1) holds "K/N".

-- This store's identity, made once when the store is created (or migrated to 9): a merge
-- knows by it which rows it already took from a shard store, so merging a shard twice changes
-- nothing. A byte copy of a store keeps the identity, and merging the copy is the same merge.
CREATE TABLE store_identity (
  store_id   TEXT NOT NULL,                 -- 32 hex digits, random
  created_at TEXT NOT NULL
);
INSERT INTO store_identity(store_id, created_at)
  VALUES(lower(hex(randomblob(16))), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

-- A run merged in from a shard's store: the store it came from and its run id there (NULL for
-- a run made on this store).
ALTER TABLE runs ADD COLUMN merged_from TEXT;
ALTER TABLE runs ADD COLUMN merged_run_id INTEGER;

-- A document's queue items: the merge (and `assay lineage`) look them up by document.
CREATE INDEX IF NOT EXISTS queue_items_doc ON queue_items(doc_id);

-- Every shard store merged into this one, with the completion marker it had (JSON).
CREATE TABLE merged_shards (
  store_id            TEXT PRIMARY KEY,     -- the shard store's store_identity
  shard               TEXT NOT NULL,        -- "K/N"
  path                TEXT NOT NULL,        -- the shard's output folder, as given (path text)
  marker              TEXT NOT NULL,        -- OUT/shard-K-of-N.done as read
  processing_identity TEXT NOT NULL,
  contracts_sha256    TEXT NOT NULL,
  merged_at           TEXT NOT NULL,
  folded              INTEGER NOT NULL DEFAULT 0  -- duplicate machine-made rows not copied
);

-- Which row of this store each numbered row of a shard store became. `new_id` NULL with
-- `folded` = 1: the row duplicated one already here (the same document decided by another
-- shard) and was not copied.
CREATE TABLE merge_ids (
  store_id TEXT NOT NULL,
  tbl      TEXT NOT NULL,
  old_id   INTEGER NOT NULL,
  new_id   INTEGER,
  folded   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id, tbl, old_id)
);
