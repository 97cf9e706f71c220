// `assay run`: ingest, plan, process with the worker pool, record. The command line and the
// printing of the summary live in cli/run_command.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/near_duplicate_step.h"
#include "core/shard.h"
#include "core/stage_catalog.h"

namespace assay {

struct RunOptions {
  std::vector<std::string> inputs;
  std::filesystem::path out_dir = "out";
  int jobs = 0;  // 0 = one worker per core; capped by cores and memory (core/worker_count.h)
  double timeout_seconds = 300;         // per document
  int64_t max_memory_mb = 2048;         // per worker (resident set)
  int64_t max_file_mb = 2048;           // larger files are recorded as errors, not read
  std::vector<std::string> exclude;     // globs on file names or paths
  bool allow_outside_inputs = false;    // manifest paths and symlinks leaving their input root
  std::filesystem::path password_file;  // run-wide password of encrypted PDFs (first line)
  std::vector<std::string> set;         // "stage.param=value" overrides
  std::string config_path;              // empty = the compiled default pipelines only
  bool retry_errors = false;            // process documents that ended in error again
  bool fault_injection = false;         // hidden: lets tests crash/hang workers on purpose
  std::filesystem::path contracts_dir;  // empty = the shipped contracts
  std::filesystem::path routing_file;   // empty = the shipped annotation routing
  std::vector<std::string> argv;        // the command line, for the run record
  // Process only the inputs this shard owns (core/shard.h); the run records "K/N", and writes
  // OUT/shard-K-of-N.done (core/completion_marker.h) once every owned input is decided.
  std::optional<ShardSpec> shard;
};

struct RunSummary {
  int64_t run_id = 0;
  int documents = 0;  // every document of the inputs, decided now or before
  int processed = 0;  // recorded by this run
  int reused = 0;     // already decided with the same processing version
  int ignored = 0;    // skipped by --exclude or .assayignore
  int other_shards = 0;  // inputs left to the other shards (--shard)
  bool marker_written = false;  // OUT/shard-K-of-N.done: the shard is complete
  std::vector<std::string> unreadable_folders;  // of the walks (raw paths): not read
  std::vector<std::string> notices;             // how the inputs were read (path text)
  int pages = 0;                                // pages of the documents this run processed
  double seconds = 0;
  std::map<std::string, int> outcomes, modalities;
  NearDuplicateSummary near_duplicates;  // the step over the whole store after the run
};

struct RunResult {
  int exit_code = 0;                  // core/exit_codes.h
  std::optional<RunSummary> summary;  // absent when the run could not start
  std::string error;                  // run-level failure or bad usage, for stderr
};

// What a caller may watch while a run goes (the CLI draws its progress line from it).
struct RunObserver {
  std::function<void(int64_t documents)> started;  // documents this run will process
  std::function<void(int pages)> document_done;    // one more, with its page count
  std::function<void()> finished;
  std::function<void(const std::string&)> notice;  // a remark for the user (e.g. a capped -j)
};

// Runs the batch.
RunResult RunBatch(const RunOptions& options, const StageCatalog& catalog,
                   const RunObserver& observer = {});

// The exit code of a set of outcomes (interrupted wins, then errors, then rejections).
int ExitCodeFor(const std::map<std::string, int>& outcomes, bool interrupted);

}  // namespace assay
