// What `assay serve` shows of the annotation adjudication queue: the tasks whose votes did not
// reach their agreement, per adjudication pool, with the votes side by side. Deciding one is
// `Adjudicate` (core/annotation_store.h), the same code as `assay annotate adjudicate`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/store.h"

namespace assay {

// {"pools": {pool: tasks in adjudication}, "pool": the one shown (the one asked, or the
// fullest), "total": its tasks, "tasks": [{"task_id", "task_type", "doc_id", "path", "region",
// "page", "question", "level", "labels", "votes": [{"annotator", "label"}], "tally": {label: n},
// "agreement", "agreement_required", "text", "alt_text"}]}, `limit` tasks after `offset`, by
// task id.
Json ReviewAdjudicationView(Store& store, const std::optional<std::string>& pool, int64_t offset,
                            int64_t limit);

// The document and page an adjudication task is about (page 1 for a whole-document task);
// nullopt for an unknown task.
struct TaskPage {
  std::string doc_id;
  int page = 1;
};
std::optional<TaskPage> AdjudicationTaskPage(Store& store, int64_t task_id);

}  // namespace assay
