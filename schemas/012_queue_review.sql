-- assay store, migration 12: indexes for `assay serve`'s queue page on large queues.
-- The queue page orders active items by the size of their first rule's group (core/queue.cpp
-- kFirstRule: the same expression, so SQLite uses this index to count the groups).
CREATE INDEX IF NOT EXISTS queue_items_first_rule ON queue_items(
  COALESCE(json_extract(reasons,'$[0].rule'),json_extract(reasons,'$[0].stage'),''))
  WHERE state IN ('open', 'claimed');
CREATE INDEX IF NOT EXISTS queue_items_run ON queue_items(run_id);
CREATE INDEX IF NOT EXISTS queue_items_assignee ON queue_items(assignee);
