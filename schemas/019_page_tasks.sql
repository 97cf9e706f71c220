-- assay store, migration 19: page tasks (issue 8, docs/page_tasks.md). When a worker is idle
-- and one document is left, a range of that document's pages is run through the plan's
-- page-major block (e.g. rasterize..ocr) by another worker. Lineage only: the outcomes are the
-- same whichever worker computes them, so nothing here is part of a hash or an export.

-- One row per page range the document's worker lent, keyed by the transformation of the
-- block's first stage (the block's stages are that transformation's seq up to block_end_seq,
-- exclusive, in the same run).
CREATE TABLE page_tasks (
  page_task_id  INTEGER PRIMARY KEY,
  transformation_id INTEGER NOT NULL REFERENCES transformations(transformation_id),
  first_page    INTEGER NOT NULL,
  last_page     INTEGER NOT NULL,
  block_end_seq INTEGER NOT NULL,
  -- The worker that ran the page task, as the supervisor names it ("worker 1 (pid 4242)");
  -- empty when it never answered.
  helper        TEXT NOT NULL,
  -- used: every page from the helper; partly: the helper's answer came while the document's
  -- worker was running the range from its last page back, the first helper_pages pages are the
  -- helper's; withdrawn: the document's worker ran every page first and stopped the helper;
  -- failed: the helper died, ran out of time or memory, or answered garbage.
  outcome       TEXT NOT NULL CHECK (outcome IN ('used', 'partly', 'withdrawn', 'failed')),
  helper_pages  INTEGER NOT NULL,
  UNIQUE (transformation_id, first_page)
);
