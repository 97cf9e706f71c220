// The supervisor's pool of worker processes. Hands one document at a time to each worker,
// enforces the per-document timeout and memory limit, and turns a worker's death into an
// error for that one document: the pool restarts the worker and goes on.
#pragma once

#include <deque>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/work.h"

namespace assay {

struct WorkerPoolOptions {
  int jobs = 2;
  double timeout_seconds = 300;
  int64_t max_memory_bytes = int64_t{2048} << 20;  // resident set size per worker
  std::vector<std::string> worker_argv;  // argv of the worker command (argv[0] = executable)
  std::filesystem::path log_dir;         // worker stderr goes to log_dir/worker-N.log
};

class WorkerPool {
 public:
  explicit WorkerPool(WorkerPoolOptions options);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Starts the workers and waits for each to report ready. Fails (run-level) if a worker
  // cannot start, e.g. Tesseract has no language data. `hello` receives the first worker's
  // report (library versions, traineddata hash).
  Status Start(Json* hello);

  // Processes every request; `on_result` is called in this process for each document as it
  // finishes (processed, errored, crashed or timed out). `stop` is polled: when it returns
  // true no new document is started and the call returns once running ones are abandoned.
  void Process(std::deque<WorkRequest> todo,
               const std::function<void(const WorkResult&)>& on_result,
               const std::function<bool()>& stop);

 private:
  struct Worker;
  Status Spawn(Worker& w);
  void Kill(Worker& w);

  WorkerPoolOptions options_;
  std::vector<Worker> workers_;
};

}  // namespace assay
