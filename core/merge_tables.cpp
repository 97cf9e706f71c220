#include "core/merge_tables.h"

namespace assay {
namespace {

// Machine-made queue items: every event by assay itself (opened, updated, resolved by a run).
constexpr std::string_view kQueueFold = R"(
  SELECT q.item_id AS old_id,
         (SELECT MAX(m.item_id) FROM main.queue_items m WHERE m.doc_id = q.doc_id) AS new_id
  FROM s.queue_items q
  WHERE q.doc_id NOT IN (SELECT doc_id FROM temp.taken)
    AND NOT EXISTS (SELECT 1 FROM main.merge_ids x
                    WHERE x.store_id = ?1 AND x.tbl = 'queue_items' AND x.old_id = q.item_id)
    AND NOT EXISTS (SELECT 1 FROM s.queue_events e
                    WHERE e.item_id = q.item_id AND e.actor <> 'assay'))";

constexpr std::string_view kQueueConflict = R"(
  SELECT 'document ' || q.doc_id || ': queue item ' || q.item_id || ' (' || q.state ||
         ') has a person''s actions and the merged store has another active item for the ' ||
         'document; close one of them first'
  FROM s.queue_items q
  WHERE q.state IN ('open', 'claimed')
    AND q.doc_id NOT IN (SELECT doc_id FROM temp.taken)
    AND EXISTS (SELECT 1 FROM s.queue_events e WHERE e.item_id = q.item_id AND e.actor <> 'assay')
    AND EXISTS (SELECT 1 FROM main.queue_items m
                WHERE m.doc_id = q.doc_id AND m.state IN ('open', 'claimed'))
    AND NOT EXISTS (SELECT 1 FROM main.merge_ids x
                    WHERE x.store_id = ?1 AND x.tbl = 'queue_items' AND x.old_id = q.item_id))";

// Tasks without votes that the merged store has already (same document, region, task type),
// or that belong to a document another shard decided.
constexpr std::string_view kTaskFold = R"(
  SELECT t.task_id AS old_id, m.task_id AS new_id
  FROM s.annotation_tasks t
  LEFT JOIN main.annotation_tasks m
    ON m.doc_id = t.doc_id AND m.region = t.region AND m.task_type = t.task_type
  WHERE NOT EXISTS (SELECT 1 FROM main.merge_ids x
                    WHERE x.store_id = ?1 AND x.tbl = 'annotation_tasks' AND x.old_id = t.task_id)
    AND NOT EXISTS (SELECT 1 FROM s.annotations a WHERE a.task_id = t.task_id)
    AND (m.task_id IS NOT NULL OR t.doc_id NOT IN (SELECT doc_id FROM temp.taken)))";

constexpr std::string_view kTaskConflict = R"(
  SELECT 'document ' || t.doc_id || ': annotation task ' || t.task_type || ' has votes in ' ||
         'this shard and the merged store has the same task; merge the votes by hand'
  FROM s.annotation_tasks t
  JOIN main.annotation_tasks m
    ON m.doc_id = t.doc_id AND m.region = t.region AND m.task_type = t.task_type
  WHERE EXISTS (SELECT 1 FROM s.annotations a WHERE a.task_id = t.task_id)
    AND NOT EXISTS (SELECT 1 FROM main.merge_ids x
                    WHERE x.store_id = ?1 AND x.tbl = 'annotation_tasks' AND x.old_id = t.task_id))";

TableMerge Excluded(std::string_view table, std::string_view why) {
  return {table, MergeAs::kExcluded, {}, {}, {}, {}, why};
}

}  // namespace

const std::vector<TableMerge>& MergeTables() {
  // One line per table (clang-format would spread them over many).
  // clang-format off
  static const std::vector<TableMerge> kTables = {
      {"runs", MergeAs::kNumbered, "run_id"},
      {"sources", MergeAs::kKeyed},
      {"source_paths", MergeAs::kKeyed, {}, {{"last_run_id", "runs"}}},
      {"documents", MergeAs::kDocuments, {}, {{"run_id", "runs"}}},
      {"outputs", MergeAs::kKeyed},
      {"contracts", MergeAs::kKeyed},
      {"routing_files", MergeAs::kKeyed},
      {"queue_items", MergeAs::kNumbered, "item_id", {{"run_id", "runs"}}, kQueueFold, kQueueConflict},
      {"queue_events", MergeAs::kNumbered, "event_id", {{"item_id", "queue_items", true}}},
      {"transformations", MergeAs::kNumbered, "transformation_id",
       {{"run_id", "runs"}, {"reused_from", "transformations"}, {"queue_item_id", "queue_items"}}},
      {"page_tasks", MergeAs::kNumbered, "page_task_id", {{"transformation_id", "transformations", true}}},
      {"metrics", MergeAs::kPerDocument},
      {"contract_results", MergeAs::kPerDocument, {}, {{"run_id", "runs"}}},
      {"annotation_imports", MergeAs::kNumbered, "import_id"},
      {"annotation_tasks", MergeAs::kNumbered, "task_id", {{"run_id", "runs"}}, kTaskFold, kTaskConflict},
      {"annotations", MergeAs::kNumbered, "vote_id",
       {{"task_id", "annotation_tasks", true}, {"import_id", "annotation_imports"}}},
      {"annotation_events", MergeAs::kNumbered, "event_id", {{"task_id", "annotation_tasks", true}}},
      {"model_feedback", MergeAs::kNumbered, "id"},
      {"image_hashes", MergeAs::kPerDocument},
      {"video_frame_hashes", MergeAs::kPerDocument},
      Excluded("queue_item_rules", "derived from queue_items.reasons by triggers (migration 016) as items are merged"),
      Excluded("near_duplicates", "groups span the whole store: the merge makes them again over the merged store"),
      Excluded("frame_near_duplicates", "found over the whole store: the merge's step finds them again over the merged store"),
      Excluded("releases", "a release is made from the merged store, not merged into it"),
      Excluded("release_items", "a release is made from the merged store, not merged into it"),
      Excluded("document_leases", "a lease belongs to a live process on the shard's store"),
      Excluded("store_identity", "each store has its own identity"),
      Excluded("merged_shards", "the merged store's own bookkeeping"),
      Excluded("merge_ids", "the merged store's own bookkeeping"),
  };
  // clang-format on
  return kTables;
}

}  // namespace assay
