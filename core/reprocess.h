// `assay queue reprocess`: processes the document of a queue item again with extra stage
// parameters (kept for that document in later runs), records the new transformations linked
// to the item, and lets the queue close the item when the document now passes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/queue.h"
#include "core/stage_catalog.h"

namespace assay {

struct ReprocessOptions {
  std::filesystem::path out_dir = "out";
  int64_t item_id = 0;
  std::vector<std::string> set;  // "stage.param=value"
  std::string actor;             // who asked, for the audit trail
  double timeout_seconds = 300;
  int64_t max_memory_mb = 2048;
  std::filesystem::path contracts_dir;  // empty = the shipped contracts
  std::filesystem::path routing_file;   // empty = the shipped annotation routing
  std::string config_path;              // empty = the compiled default pipelines
  std::filesystem::path password_file;  // opens an encrypted PDF (never recorded)
};

struct ReprocessResult {
  // 0 when the document now passes (item resolved), 1 when it is still rejected, 4 when it
  // errored (e.g. a parameter names a model that is not installed), 5 when the item cannot be
  // reprocessed (unknown, terminal, claimed by someone else, or its file was never readable),
  // 2 for a bad --set, 3 for a run-level failure.
  int exit_code = 0;
  std::optional<QueueItem> item;  // after the reprocess
  std::string outcome;            // the document's outcome after it
  std::string doc_id;
  std::string error;  // why, for the codes 2, 3 and 5
};

ReprocessResult ReprocessQueueItem(const ReprocessOptions& options, const StageCatalog& catalog);

}  // namespace assay
