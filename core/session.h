// A session: everything one invocation needs to process documents and record them (the store,
// the planner, the contracts, the workers, the run record). Shared by `assay run` and
// `assay queue reprocess`.
#pragma once

#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "contracts/contract.h"
#include "core/plan.h"
#include "core/reuse.h"
#include "core/routing.h"
#include "core/store.h"
#include "core/worker_pool.h"

namespace assay {

// A document to process: who it is (its request, whose plan the session fills in), its own
// parameters and its tags.
struct PendingDocument {
  WorkRequest request;
  ParamLayer params = ParamLayer::object();  // the document's own (manifest, queue reprocess)
  std::vector<std::string> tags;
};

// What configures a session, loaded and validated: the run-wide `--set` parameters, the
// pipeline configuration (the compiled default with `--config` over it), the contract set, the
// annotation routing (the shipped file, or `--routing`).
struct SessionConfig {
  ParamLayer set = ParamLayer::object();
  PipelineConfig pipelines;
  ContractSet contracts;
  RoutingConfig routing;
};

// Loads a SessionConfig. A bad `--set` or configuration is bad usage, a contract set that does
// not load (or a routing file) a run-level failure: the error carries its exit code (core/exit_codes.h) in
// `exit_code`.
struct SessionConfigError {
  int exit_code;
  std::string message;
};
std::variant<SessionConfig, SessionConfigError> LoadSessionConfig(
    const std::vector<std::string>& set, const std::string& config_path,
    const std::filesystem::path& contracts_dir, const StageCatalog& catalog,
    const std::filesystem::path& routing_file = {});

class Session {
 public:
  Session(std::filesystem::path out_dir, const StageCatalog& catalog, Planner planner,
          ContractSet contracts, RoutingConfig routing);
  ~Session();

  // Opens (creating) the store, starts the workers, records the run. On failure returns the
  // message of a run-level failure (the caller exits with kExitInternal).
  Status Start(const WorkerPoolOptions& pool, const std::vector<std::string>& argv,
               bool fault_injection);

  Store& store() { return *store_; }
  int64_t run_id() const { return run_id_; }

  // The processing version of a document (request.container empty: it failed at ingest):
  // tool version, plan identity (stages, versions, parameters, resources, library versions),
  // contract set, and what else its decision reads (ground truth, tags). A document whose plan
  // cannot be made gets one naming why, so it is not redone until something changes.
  std::string ProcessingVersion(const PendingDocument& d);

  // Records a result: evaluates the document's contract (unless it errored), routes an
  // accepted document to annotation, and writes everything in one transaction. Used directly for results that need no worker.
  void Record(const WorkResult& r, const PendingDocument& d, std::optional<int64_t> queue_item);

  // Processes documents: plans each, reuses the longest finished prefix of its plan, sends
  // the rest to the workers (documents that share a first input and plan go once; the others
  // then reuse that work). `on_done` is called with each result after it is recorded.
  // Returns when every document is recorded or a stop was requested.
  void Process(std::vector<PendingDocument> todo, std::optional<int64_t> queue_item,
               const std::function<void(const WorkResult&)>& on_done);

  // Records the end of the run: finished, or interrupted when a stop was requested.
  void Finish();

 private:
  std::filesystem::path out_dir_;
  const StageCatalog& catalog_;
  Planner planner_;
  ContractSet contracts_;
  RoutingConfig routing_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<WorkerPool> pool_;
  int64_t run_id_ = 0;
};

}  // namespace assay
