#include "core/session.h"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "core/annotation_store.h"
#include "core/clock.h"
#include "core/exit_codes.h"
#include "core/ingest.h"
#include "core/names.h"
#include "core/near_duplicate_step.h"
#include "core/process_identity.h"
#include "core/path_text.h"
#include "core/sha256.h"
#include "core/signals.h"
#include "core/version.h"

namespace fs = std::filesystem;

namespace assay {

namespace {

ContractDecisionRecord ToRecord(const Contract& contract, const Decision& d) {
  ContractDecisionRecord rec;
  rec.contract_sha256 = contract.sha256;
  rec.outcome = d.outcome;
  rec.reasons = d.Failures("reject");
  for (const RuleResult& r : d.results) {
    rec.rows.push_back({r.scope, r.rule->id, r.metric, r.value, r.rule->Operator(),
                        r.rule->Threshold().dump(), r.rule->severity, r.outcome});
  }
  return rec;
}

}  // namespace

ContractOutcome DecideAndRoute(const Contract& contract, const RoutingConfig& routing,
                               const RoutingUnit& unit) {
  ContractOutcome o;
  o.decision = ToRecord(contract, Evaluate(contract, unit.metrics, unit.part_metrics, unit.tags));
  // Routing follows the decision: an accepted document gets its annotation tasks, any other
  // has its undecided ones withdrawn (no tasks).
  if (o.decision.outcome == outcome::kAccepted) o.tasks = Route(routing, unit);
  return o;
}

std::variant<SessionConfig, SessionConfigError> LoadSessionConfig(
    const std::vector<std::string>& set, const std::string& config_path,
    const std::filesystem::path& contracts_dir, const StageCatalog& catalog,
    const std::filesystem::path& routing_file) {
  auto layer = ParseSetOptions(set, catalog);
  if (!layer.ok()) return SessionConfigError{kExitUsage, "--set: " + layer.error().message};
  auto pipelines = EffectiveConfig(config_path, catalog);
  if (!pipelines.ok()) return SessionConfigError{kExitUsage, pipelines.error().message};
  auto contracts = LoadContractSet(contracts_dir, catalog);
  if (!contracts.ok()) return SessionConfigError{kExitInternal, contracts.error().message};
  auto routing = LoadRouting(routing_file, catalog);
  if (!routing.ok()) return SessionConfigError{kExitInternal, routing.error().message};
  return SessionConfig{std::move(layer.value()), std::move(pipelines.value()),
                       std::move(contracts.value()), std::move(routing.value())};
}

Session::Session(fs::path out_dir, const StageCatalog& catalog, Planner planner,
                 ContractSet contracts, RoutingConfig routing)
    : out_dir_(std::move(out_dir)),
      catalog_(catalog),
      planner_(std::move(planner)),
      contracts_(std::move(contracts)),
      routing_(std::move(routing)) {}

Session::~Session() = default;

Status Session::Start(const WorkerPoolOptions& base, const std::vector<std::string>& argv,
                      bool fault_injection, const std::string& shard) {
  // Every container's plan must resolve before anything runs: a model named run-wide that is
  // not installed is a run-level failure, not an error on every document.
  CanonicalJson resources = CanonicalJson::array();
  std::string tessdata_sha256;
  for (const std::string& container : KnownContainers()) {
    auto plan = planner_.For(container);
    if (!plan.ok()) {
      return Error{"resource", "cannot plan " + container + " documents: " + plan.error().stage +
                                   ": " + plan.error().message};
    }
    for (const PlannedStage& s : plan.value().stages) {
      for (const ResolvedResource& r : s.resources) {
        // runs.tessdata_sha256 (schema 1) names the OCR model (the ocr stage's, not the
        // preprocess stage's orientation model); every resource is in `libraries`.
        if (r.ref.kind == "tesseract" && s.spec->id == "ocr" && tessdata_sha256.empty()) {
          tessdata_sha256 = r.sha256;
        }
        const nlohmann::json j = r.ToJson();
        if (std::find(resources.begin(), resources.end(), j) == resources.end()) {
          resources.push_back(j);
        }
      }
    }
  }

  std::error_code ec;
  fs::create_directories(out_dir_ / "logs", ec);
  if (ec) return Error{"store", "cannot create " + out_dir_.string() + ": " + ec.message()};
  store_ = std::make_unique<Store>(out_dir_ / "assay.db", /*create=*/true);

  WorkerPoolOptions options = base;
  options.log_dir = out_dir_ / "logs";
  options.worker_argv = {fs::read_symlink("/proc/self/exe").string(), "__worker"};
  if (fault_injection) options.worker_argv.push_back("--fault-injection");
  options.stop_now = StopNowRequested;
  pool_ = std::make_unique<WorkerPool>(options);
  Status started = pool_->Start(nullptr);
  if (!started.ok()) return started;

  RunRecord run;
  run.started_at = NowRfc3339();
  run.tool_version = kToolVersion;
  run.git_commit = kGitCommit;
  run.config = DumpCanonical({{"pipelines", planner_.config().ToJson()},
                              {"set", planner_.run_params()},
                              {"contracts", contracts_.sha256}});
  run.config_hash = Sha256Hex(run.config);
  run.libraries = DumpCanonical({{"libraries", catalog_.libraries()}, {"resources", resources}});
  run.tessdata_sha256 = tessdata_sha256;
  run.host = HostName();
  run.shard = shard;
  Json args = Json::array();
  for (const std::string& a : argv) args.push_back(PathToText(a));  // file names are bytes
  run.argv = DumpJson(args);
  run.workers = options.jobs;
  // Runs whose supervisor is gone are marked before this one starts, so their leases are void.
  store_->MarkStaleRuns(run.started_at);
  run_id_ = store_->BeginRun(run);
  spill_dir_ = out_dir_ / "scratch" / ("run-" + std::to_string(run_id_));
  RemoveDeadRunsScratch();
  Transaction tx(store_->db());
  for (const auto& [m, c] : contracts_.by_modality) {
    store_->RegisterContract(c.sha256, m, c.version, c.path, c.text, run.started_at);
  }
  RegisterRouting(store_->db(), routing_, run.started_at);
  tx.Commit();
  return Status();
}

std::string Session::ProcessingVersion(const PendingDocument& d) {
  std::string plan;
  if (d.request.container.empty()) {
    plan = "ingest";
  } else if (auto p = planner_.For(d.request.container, d.params); p.ok()) {
    plan = p.value().IdentitySha256();
  } else {
    plan = "unplannable: " + p.error().stage + ": " + p.error().message;
  }
  std::string decided_by = "ground truth " + d.request.ground_truth_sha256.value_or("-") + "\ntags";
  for (const std::string& t : d.tags) decided_by += " " + t;
  // Whether a password was given (never the password): adding one to an encrypted PDF that
  // failed for want of it processes it again.
  if (d.request.password) decided_by += "\npassword given";
  // A transcript's media and declared language (only when given: other documents keep
  // their processing version).
  if (d.request.media_sha256) decided_by += "\nmedia " + *d.request.media_sha256;
  if (d.request.language) decided_by += "\nlanguage " + *d.request.language;
  return Sha256Hex(std::string(kToolVersion) + "\n" + plan + "\n" + contracts_.sha256 + "\n" +
                   decided_by);
}

void Session::Record(const WorkResult& result, const PendingDocument& d,
                     std::optional<int64_t> queue_item) {
  // Outputs are content-addressed: one that does not hash to its name is never stored.
  for (const auto& [sha, content] : result.outputs) {
    if (Sha256Hex(content) != sha) {
      Record(
          ErrorResult(result.doc_id,
                      result.transformations.empty() ? std::string()
                                                     : result.transformations.front().input_sha256,
                      {"worker", "the worker sent an output that does not match its hash"}),
          d, queue_item);
      return;
    }
  }
  WorkResult r = result;
  std::optional<ContractDecisionRecord> decision;
  std::vector<RoutedTask> tasks;
  if (!r.error && r.modality.empty()) {
    r.error = Error{"plan", "no stage of the " + d.request.container +
                                " pipeline established the document's modality"};
  } else if (!r.error) {
    const Contract* c = contracts_.For(r.modality);
    if (c == nullptr) {
      // A modality without a contract would pass unchecked: that is an error, not an accept.
      r.error = Error{"contracts", "no contract for modality '" + r.modality + "'"};
    } else {
      if (auto m = r.metrics.find(std::string(kNearDuplicateMetric)); m != r.metrics.end()) {
        m->second = StoredNearDuplicateMetric(*store_, r.doc_id);
      }
      if (auto m = r.metrics.find(std::string(kFrameNearDuplicateMetric)); m != r.metrics.end()) {
        m->second = StoredFrameNearDuplicateMetric(*store_, r.doc_id);
      }
      ContractOutcome o =
          DecideAndRoute(*c, routing_, {r.doc_id, r.modality, d.tags, r.metrics, r.part_metrics});
      decision = std::move(o.decision);
      tasks = std::move(o.tasks);
    }
  }
  // The decision and its routing go into the store in one transaction.
  const RoutingRecord routing{&routing_, &tasks};
  store_->CommitResult(run_id_, ProcessingVersion(d), r, NowRfc3339(),
                       decision ? &*decision : nullptr, queue_item, &routing);
}

bool Session::DecidedElsewhere(const PendingDocument& d) {
  if (!d.skip_if_decided_elsewhere) return false;
  auto state = store_->GetDocumentState(d.request.doc_id);
  return state && state->outcome && state->run_id && *state->run_id != run_id_ &&
         state->run_id != d.decided_by && state->processing_version == ProcessingVersion(d);
}

IngestErrorRecord Session::RecordIngestError(const PendingDocument& d, const std::string& problem) {
  // Whether another run recorded it is asked once the lease is held (or while another holds
  // it): asked before taking it, a run that records it in between would be missed.
  while (store_->TakeLease(d.request.doc_id, run_id_, NowRfc3339())) {
    if (DecidedElsewhere(d)) return IngestErrorRecord::kDecidedElsewhere;
    if (StopRequested()) return IngestErrorRecord::kStopped;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (DecidedElsewhere(d)) {
    store_->ReleaseLease(d.request.doc_id, run_id_);
    return IngestErrorRecord::kDecidedElsewhere;
  }
  // One `ingest` transformation records why, so lineage explains the error.
  Record(ErrorResult(d.request.doc_id, d.request.source_sha256, {"ingest", problem}), d,
         std::nullopt);
  return IngestErrorRecord::kRecorded;
}

void Session::Process(std::vector<PendingDocument> todo, std::optional<int64_t> queue_item,
                      const std::function<void(const WorkResult&)>& on_done,
                      const std::function<void(const PendingDocument&)>& on_decided_elsewhere) {
  std::map<std::string, const PendingDocument*> by_id;
  for (const PendingDocument& d : todo) by_id[d.request.doc_id] = &d;
  std::map<std::string, FinishedPrefix> prefixes;  // of documents at the workers
  auto record = [&](const WorkResult& result) {
    auto it = by_id.find(result.doc_id);
    if (it == by_id.end()) return;  // not ours (the pool reports every result it gets)
    const PendingDocument& d = *it->second;
    WorkResult r = result;
    if (auto p = prefixes.find(d.request.doc_id); p != prefixes.end()) {
      r = WithPrefix(p->second, std::move(r));
      prefixes.erase(p);
    }
    Record(r, d, queue_item);
    on_done(r);
  };

  std::set<std::string> sent;  // first input + plan identity of documents at the workers
  std::vector<const PendingDocument*> deferred;
  std::vector<const PendingDocument*> leased_elsewhere;  // another live run processes them
  auto decided_elsewhere = [&](const PendingDocument& d) {
    if (!DecidedElsewhere(d)) return false;
    if (on_decided_elsewhere) on_decided_elsewhere(d);
    return true;
  };
  // Plans `d` and either records it (nothing to run, or no plan), defers it (identical work is
  // already at a worker) or returns its request.
  auto prepare = [&](const PendingDocument& d, bool may_defer) -> std::optional<WorkRequest> {
    const std::string first_input = FirstInputSha256(d.request);
    auto plan = planner_.For(d.request.container, d.params);
    if (!plan.ok()) {
      // Nothing ran: the document's plan could not be made (e.g. a model it names is not
      // installed). Recorded under "plan", with the stage that asked in the message.
      record(ErrorResult(d.request.doc_id, first_input,
                         {"plan", plan.error().stage + ": " + plan.error().message}));
      return std::nullopt;
    }
    if (store_->TakeLease(d.request.doc_id, run_id_, NowRfc3339())) {
      leased_elsewhere.push_back(&d);
      return std::nullopt;
    }
    if (decided_elsewhere(d)) {
      store_->ReleaseLease(d.request.doc_id, run_id_);
      return std::nullopt;
    }
    FinishedPrefix prefix =
        FindFinishedPrefix(*store_, plan.value(), first_input, d.request);
    if (prefix.Complete(plan.value())) {
      record(ResultFromPrefix(d.request.doc_id, std::move(prefix)));
      return std::nullopt;
    }
    if (may_defer && !sent.insert(first_input + plan.value().IdentitySha256()).second) {
      deferred.push_back(&d);
      return std::nullopt;
    }
    WorkRequest req = d.request;
    req.spill_dir = spill_dir_.string();
    req.plan = plan.value().ToJson();
    req.start_at = static_cast<int>(prefix.records.size());
    if (req.start_at > 0) {
      req.state = std::move(prefix.state);
      req.state_sha256 = prefix.state_sha256;
      prefixes.emplace(d.request.doc_id, std::move(prefix));
    }
    return req;
  };
  // Documents are prepared when a worker is free to take one: a prepared document may carry
  // the state of its reused prefix, which is never held for a whole corpus at once.
  auto pull = [&](const std::vector<const PendingDocument*>& docs, bool may_defer) {
    size_t i = 0;
    pool_->Process(
        [&]() -> std::optional<WorkRequest> {
          while (i < docs.size() && !StopRequested()) {
            if (auto req = prepare(*docs[i++], may_defer)) return req;
          }
          return std::nullopt;
        },
        record, StopRequested);
  };
  std::vector<const PendingDocument*> all;
  for (const PendingDocument& d : todo) all.push_back(&d);
  pull(all, /*may_defer=*/true);
  // The deferred documents now find their twin's work in the store; a twin that failed
  // leaves them to run themselves.
  pull(deferred, /*may_defer=*/false);
  // Documents another run was processing: skipped once it records them with this run's
  // processing version, processed here when its lease ends otherwise (or its run is gone).
  while (!leased_elsewhere.empty() && !StopRequested()) {
    std::vector<const PendingDocument*> retry;
    for (const PendingDocument* d : leased_elsewhere) {
      if (!decided_elsewhere(*d)) retry.push_back(d);
    }
    leased_elsewhere.clear();
    pull(retry, /*may_defer=*/false);
    if (leased_elsewhere.size() == retry.size()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }
}

NearDuplicateSummary Session::DecideNearDuplicates() {
  return assay::DecideNearDuplicates(*store_, run_id_, contracts_, routing_, NowRfc3339());
}

void Session::RemoveDeadRunsScratch() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(out_dir_ / "scratch", ec)) {
    const std::string name = entry.path().filename().string();
    int64_t id = 0;
    const char* digits = name.c_str() + 4;
    const char* end = name.c_str() + name.size();
    if (name.rfind("run-", 0) != 0 || std::from_chars(digits, end, id).ptr != end) continue;
    if (id != run_id_ && !store_->RunAlive(id)) fs::remove_all(entry.path(), ec);
  }
}

void Session::Finish() {
  store_->FinishRun(run_id_, StopRequested() ? run_status::kInterrupted : run_status::kFinished,
                    NowRfc3339());
  std::error_code ec;
  fs::remove_all(spill_dir_, ec);
  if (fs::is_empty(out_dir_ / "scratch", ec)) fs::remove(out_dir_ / "scratch", ec);
  const BusyStats& busy = store_->db().busy_stats();
  std::ofstream log(out_dir_ / "logs" / "supervisor.log", std::ios::app);
  log << NowRfc3339() << " run " << run_id_ << ": waited for the store's write lock " << busy.waits
      << " times, " << busy.total_ms << " ms in all, longest " << busy.longest_ms << " ms\n";
}

}  // namespace assay
