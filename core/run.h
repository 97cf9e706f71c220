// `assay run`: ingest, plan, process with the worker pool, record, summarise.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace assay {

struct RunOptions {
  std::vector<std::string> inputs;
  std::filesystem::path out_dir = "out";
  int jobs = 0;                         // 0 = one worker per core
  double timeout_seconds = 300;         // per document
  int64_t max_memory_mb = 2048;         // per worker (resident set)
  int64_t max_file_mb = 2048;           // larger files are recorded as errors, not read
  std::vector<std::string> exclude;     // globs on file names or paths
  std::vector<std::string> set;         // "stage.param=value" overrides
  bool json = false;                    // JSON summary on stdout, no progress
  bool retry_errors = false;            // process documents that ended in error again
  bool fault_injection = false;         // hidden: lets tests crash/hang workers on purpose
  std::filesystem::path contracts_dir;  // empty = the shipped contracts
  std::vector<std::string> argv;        // the command line, for the run record
};

// Runs the batch and returns the exit code (core/exit_codes.h). Prints a summary on stdout and
// run-level errors on stderr.
int RunBatch(const RunOptions& options);

// `assay queue reprocess`: processes the document of queue item `item_id` again with extra
// parameter overrides (kept for that document in later runs), records the new transformations
// linked to the item, and lets the queue close the item when the document now passes.
struct ReprocessOptions {
  std::filesystem::path out_dir = "out";
  int64_t item_id = 0;
  std::vector<std::string> set;  // "stage.param=value"
  std::string actor;             // who asked, for the audit trail
  double timeout_seconds = 300;
  int64_t max_memory_mb = 2048;
  bool json = false;
  std::filesystem::path contracts_dir;  // empty = the shipped contracts
};

// Returns 0 when the document now passes (item resolved), 1 when it is still rejected, 4 when
// it errored, 5 when the item cannot be reprocessed (unknown, or in a terminal state), 2 for a
// bad --set.
int ReprocessQueueItem(const ReprocessOptions& options);

}  // namespace assay
