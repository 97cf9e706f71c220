// The supervisor's pool of worker processes. Hands one document at a time to each worker,
// enforces the per-document timeout and memory limit, and turns anything a worker does wrong
// (dying, hanging, ballooning, answering garbage) into an error for that one document: the
// pool replaces the worker and goes on. Nothing a worker does can end or block the supervisor.
#pragma once

#include <deque>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/work.h"

namespace assay {

struct WorkerPoolOptions {
  int jobs = 2;
  double timeout_seconds = 300;                    // per document
  int64_t max_memory_bytes = int64_t{2048} << 20;  // resident set size per worker
  // How long a worker may take from exec to its hello.
  // Beyond it, a worker at Start() fails the run; a restarted one loses its slot.
  double start_timeout_seconds = 60;
  // Once `stop` (see Process) says stop, documents still running after this long are
  // abandoned: their workers are killed and nothing is reported for them, so they stay pending
  // for a later run. A hanging document then costs the grace, not the whole timeout.
  double stop_grace_seconds = 10;
  // Polled while stopping: true abandons the running documents at once (a second Ctrl-C).
  std::function<bool()> stop_now;
  std::vector<std::string> worker_argv;  // argv of the worker command (argv[0] = executable)
  std::filesystem::path log_dir;         // worker stderr goes to log_dir/worker-N.log
};

class WorkerPool {
 public:
  explicit WorkerPool(WorkerPoolOptions options);
  ~WorkerPool();  // kills the workers
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Starts the workers and waits, all at once, for each to report ready. Fails (run-level,
  // stage "worker") if any worker cannot start: its own {"fatal": message} (e.g. Tesseract has
  // no language data), or a message naming the worker and its log when it exits, says no
  // hello within `start_timeout_seconds` or sends something else. On failure every worker is
  // stopped. `hello` receives worker 0's report ({"pid": N}).
  Status Start(Json* hello);

  // Processes every request; `on_result` is called in this process for each document as it
  // finishes (processed, errored, crashed or timed out). `stop` is polled: when it returns
  // true no new document is started, and the call returns once the running ones have
  // finished or failed, or were abandoned (`stop_grace_seconds`, `stop_now`: not reported).
  // Never throws for what a worker does. Per document, a failure is an error result of stage
  // "worker":
  //  - the worker died (signal or exit, also in the middle of a frame): the document is
  //    retried once in a fresh worker, then recorded with the cause;
  //  - it ran past `timeout_seconds` or above `max_memory_bytes`: recorded, not retried;
  //  - it answered something that is not this document's result: recorded as
  //    "worker sent a malformed result: ...", not retried.
  // In every case the worker is killed and a new one started in its slot, without stopping
  // the others; a replacement that does not say hello in time loses its slot (logged in
  // log_dir/supervisor.log). When no worker is left, the remaining documents fail with
  // "no worker could start".
  void Process(std::deque<WorkRequest> todo,
               const std::function<void(const WorkResult&)>& on_result,
               const std::function<bool()>& stop);
  // The same, pulling documents from `next` (nullopt: no more) only when a worker is free to
  // take one, so the caller prepares each document just in time.
  void Process(const std::function<std::optional<WorkRequest>()>& next,
               const std::function<void(const WorkResult&)>& on_result,
               const std::function<bool()>& stop);

 private:
  struct Worker;
  Status Spawn(Worker& w);
  int Kill(Worker& w);
  Result<bool> AwaitHello(Worker& w, bool readable, Json* hello);
  std::string LogPath(const Worker& w) const;
  void Log(const std::string& line) const;

  WorkerPoolOptions options_;
  std::vector<Worker> workers_;
};

}  // namespace assay
