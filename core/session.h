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
  // Set by `run`: when another run on the store decides the document with the same
  // processing version while this one waits to process it, this one does not redo it.
  // `decided_by` is the run that had decided it when it was selected.
  bool skip_if_decided_elsewhere = false;
  std::optional<int64_t> decided_by;
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

// A document's contract decision as the store records it and, when it is accepted, the
// annotation tasks routing gives it (none otherwise: its undecided ones are withdrawn).
struct ContractOutcome {
  ContractDecisionRecord decision;
  std::vector<RoutedTask> tasks;
};
ContractOutcome DecideAndRoute(const Contract& contract, const RoutingConfig& routing,
                               const RoutingUnit& unit);

struct NearDuplicateSummary;  // core/near_duplicate_step.h

enum class IngestErrorRecord { kRecorded, kDecidedElsewhere, kStopped };

class Session {
 public:
  Session(std::filesystem::path out_dir, const StageCatalog& catalog, Planner planner,
          ContractSet contracts, RoutingConfig routing);
  ~Session();

  // Opens (creating) the store, starts the workers, records the run. On failure returns the
  // message of a run-level failure (the caller exits with kExitInternal).
  // `shard` is recorded on the run ("K/N"; core/shard.h).
  Status Start(const WorkerPoolOptions& pool, const std::vector<std::string>& argv,
               bool fault_injection, const std::string& shard = "0/1");

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
  // A document leased by another live run on the store (core/store.h TakeLease) waits until
  // that run records it (then `on_decided_elsewhere` is called for it, if it asked to be
  // skipped so) or is gone. Returns when every document is recorded or a stop was requested.
  void Process(std::vector<PendingDocument> todo, std::optional<int64_t> queue_item,
               const std::function<void(const WorkResult&)>& on_done,
               const std::function<void(const PendingDocument&)>& on_decided_elsewhere = {});

  // Records `d` as an error found at ingest (`problem`), unless another run records it first.
  // Waits while another live run holds its lease (until a stop is requested).
  IngestErrorRecord RecordIngestError(const PendingDocument& d, const std::string& problem);

  // True when `d` asked for it and another run decided it with this run's processing version
  // since it was selected.
  bool DecidedElsewhere(const PendingDocument& d);

  // The corpus-level near-duplicate step over the whole store, once the run's documents are
  // decided (core/near_duplicate_step.h).
  NearDuplicateSummary DecideNearDuplicates();

  // Records the end of the run: finished, or interrupted when a stop was requested; notes in
  // logs/supervisor.log how long the run waited for other processes' locks on the store.
  // Removes the run's spilled page rasters.
  void Finish();

 private:
  // Removes the scratch folders (OUT/scratch/run-N) of runs that died before they finished.
  void RemoveDeadRunsScratch();

  std::filesystem::path out_dir_;
  const StageCatalog& catalog_;
  Planner planner_;
  ContractSet contracts_;
  RoutingConfig routing_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<WorkerPool> pool_;
  int64_t run_id_ = 0;
  // The run's folder of page rasters kept between stages (core/raster_spill.h), under
  // OUT/scratch; removed when the run finishes, or by the next run when this one died.
  std::filesystem::path spill_dir_;
};

}  // namespace assay
