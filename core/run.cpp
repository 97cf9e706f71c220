#include "core/run.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "contracts/contract.h"
#include "core/clock.h"
#include "core/exit_codes.h"
#include "core/ingest.h"
#include "core/progress.h"
#include "core/queue.h"
#include "core/sha256.h"
#include "core/stage_registry.h"
#include "core/store.h"
#include "core/version.h"
#include "core/worker_pool.h"

namespace fs = std::filesystem;

namespace assay {
namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

Result<Json> ParseOverrides(const std::vector<std::string>& set) {
  Json out = Json::object();
  for (const std::string& s : set) {
    const auto dot = s.find('.');
    const auto eq = s.find('=');
    if (dot == std::string::npos || eq == std::string::npos || dot > eq) {
      return Error{"usage", "--set expects stage.param=value, got '" + s + "'"};
    }
    const std::string value = s.substr(eq + 1);
    Json v = Json::parse(value, nullptr, /*allow_exceptions=*/false);
    if (v.is_discarded() || v.is_object() || v.is_array()) v = value;
    out[s.substr(0, dot)][s.substr(dot + 1, eq - dot - 1)] = v;
  }
  return out;
}

Json Merge(Json base, const Json& extra) {
  for (const auto& [stage, params] : extra.items()) {
    for (const auto& [k, v] : params.items()) base[stage][k] = v;
  }
  return base;
}

// The canonical plan of a container: stage ids, versions and full parameters.
Result<Json> CanonicalPlan(const std::string& container, const Json& overrides) {
  auto built = BuildPlan(PlanFor(container), overrides);
  if (!built.ok()) return built.error();
  Json stages = Json::array();
  for (const auto& st : built.value()) {
    stages.push_back(
        {{"stage", std::string(st->id())}, {"version", st->version()}, {"params", st->params()}});
  }
  return stages;
}

std::string HostName() {
  char buf[256] = {0};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string DocIdFor(const std::string& source_id, const InputItem& item) {
  if (!item.alt_text) return source_id;
  // Same bytes with other alt-text is another training example (DESIGN: identities).
  return Sha256Hex(source_id + "\nalt_text\n" + *item.alt_text);
}

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

// Everything one invocation needs to process documents and record them: the store, the
// workers, the plans and contracts, the run record. Shared by `run` and `queue reprocess`.
class Session {
 public:
  Session(fs::path out_dir, Json overrides, ContractSet contracts)
      : out_dir_(std::move(out_dir)),
        overrides_(std::move(overrides)),
        contracts_(std::move(contracts)) {}

  // Opens the store, starts the workers, records the run. Returns an exit code on failure.
  std::optional<int> Start(const WorkerPoolOptions& base, const std::vector<std::string>& argv,
                           bool fault_injection) {
    std::error_code ec;
    fs::create_directories(out_dir_ / "logs", ec);
    if (ec) {
      std::cerr << "assay: cannot create " << out_dir_ << ": " << ec.message() << "\n";
      return kExitInternal;
    }
    store_ = std::make_unique<Store>(out_dir_ / "assay.db", /*create=*/true);
    WorkerPoolOptions options = base;
    options.log_dir = out_dir_ / "logs";
    options.worker_argv = {fs::read_symlink("/proc/self/exe").string(), "__worker", "--overrides",
                           overrides_.dump()};
    if (fault_injection) options.worker_argv.push_back("--fault-injection");
    pool_ = std::make_unique<WorkerPool>(options);
    Json hello;
    Status started = pool_->Start(&hello);
    if (!started.ok()) {
      std::cerr << "assay: " << started.error().message << "\n";
      return kExitInternal;
    }
    models_ = hello.value("tessdata_sha256", "") + "\n" + hello.value("dictionary_sha256", "");

    Json plans = Json::object();
    for (const char* container : {"image", "pdf"})
      plans[container] = PlanFor(container, Json::object());
    RunRecord run;
    run.started_at = NowRfc3339();
    run.tool_version = kToolVersion;
    run.git_commit = kGitCommit;
    run.config = Json{{"plans", plans}, {"contracts", contracts_.sha256}}.dump();
    run.config_hash = Sha256Hex(run.config);
    Json libraries = hello.value("libraries", Json::object());
    libraries["dictionary_sha256"] = hello.value("dictionary_sha256", "");
    run.libraries = libraries.dump();
    run.tessdata_sha256 = hello.value("tessdata_sha256", "");
    run.host = HostName();
    run.argv = Json(argv).dump();
    run.workers = options.jobs;
    run_id_ = store_->BeginRun(run);
    {
      Transaction tx(store_->db());
      for (const auto& [m, c] : contracts_.by_modality) {
        store_->RegisterContract(c.sha256, m, c.version, c.path, c.text, run.started_at);
      }
      tx.Commit();
    }
    return std::nullopt;
  }

  Store& store() { return *store_; }
  int64_t run_id() const { return run_id_; }

  // The plan of a container with a document's own overrides (already validated).
  Json PlanFor(const std::string& container, const Json& doc_overrides) {
    const std::string key = container + "\n" + doc_overrides.dump();
    auto it = plan_cache_.find(key);
    if (it == plan_cache_.end()) {
      auto plan = CanonicalPlan(container, Merge(overrides_, doc_overrides));
      it = plan_cache_.emplace(key, plan.ok() ? plan.value() : Json::array()).first;
    }
    return it->second;
  }

  // DESIGN: hash of tool version, the ordered stages with versions and canonical parameters,
  // model file hashes and the contracts.
  std::string ProcessingVersion(const std::string& container, const Json& doc_overrides) {
    const Json plan = container.empty() ? Json("ingest") : PlanFor(container, doc_overrides);
    return Sha256Hex(std::string(kToolVersion) + "\n" + plan.dump() + "\n" + models_ + "\n" +
                     contracts_.sha256);
  }

  // Records one document: evaluates its contract when it was processed, writes everything.
  void Record(const WorkResult& r, const std::string& container, const Json& doc_overrides,
              const std::vector<std::string>& tags, std::optional<int64_t> queue_item) {
    std::optional<ContractDecisionRecord> decision;
    if (!r.error) {
      if (const Contract* c = contracts_.For(r.modality)) {
        decision = ToRecord(*c, Evaluate(*c, r.metrics, r.part_metrics, tags));
      }
    }
    store_->CommitResult(run_id_, ProcessingVersion(container, doc_overrides), r, NowRfc3339(),
                         decision ? &*decision : nullptr, queue_item);
  }

  // Rebuilds a document's result from earlier transformations when every stage of its plan
  // already ran on the same input with the same version and parameters (DESIGN: identities).
  std::optional<WorkResult> ReuseEarlierWork(const WorkRequest& req) {
    WorkResult r;
    r.doc_id = req.doc_id;
    std::string input = FirstInputSha256(req);
    int seq = 0;
    for (const Json& step : PlanFor(req.container, req.overrides)) {
      const std::string params = step["params"].dump();
      auto prior =
          store_->FindTransformation(step["stage"], step["version"], Sha256Hex(params), input);
      if (!prior) return std::nullopt;
      TransformationRecord t;
      t.seq = seq++;
      t.stage = step["stage"];
      t.stage_version = step["version"];
      t.params = step["params"];
      t.input_sha256 = input;
      t.output_sha256 = prior->output_sha256;
      t.started_at = NowRfc3339();
      t.outcome = prior->outcome;
      t.note = "reused transformation #" + std::to_string(prior->transformation_id);
      r.transformations.push_back(std::move(t));
      input = prior->output_sha256;
    }
    auto content = store_->GetOutput(input);
    if (!content) return std::nullopt;
    const Document doc = Document::FromContentJson(Json::parse(*content));
    r.modality = doc.modality;
    r.metrics = doc.metrics;
    r.part_metrics = doc.part_metrics;
    r.page_count = static_cast<int>(doc.pages.size());
    r.output_sha256 = input;
    return r;
  }

  // Processes requests: reuses what can be reused, sends the rest to the workers (documents
  // that share a first input go once; the others then reuse that work). `on_done` is called
  // with each result after it is recorded.
  void Process(std::deque<WorkRequest> todo,
               const std::map<std::string, std::vector<std::string>>& tags,
               std::optional<int64_t> queue_item,
               const std::function<void(const WorkResult&)>& on_done) {
    std::map<std::string, WorkRequest> by_id;
    for (const WorkRequest& r : todo) by_id[r.doc_id] = r;
    auto record = [&](const WorkResult& r) {
      const WorkRequest& req = by_id[r.doc_id];
      auto t = tags.find(r.doc_id);
      Record(r, req.container, req.overrides,
             t == tags.end() ? std::vector<std::string>{} : t->second, queue_item);
      on_done(r);
    };
    std::deque<WorkRequest> to_workers, deferred;
    std::set<std::string> first_inputs;
    for (WorkRequest& req : todo) {
      if (auto reused = ReuseEarlierWork(req)) {
        record(*reused);
      } else if (!first_inputs.insert(req.container + FirstInputSha256(req) + req.overrides.dump())
                      .second) {
        deferred.push_back(std::move(req));
      } else {
        to_workers.push_back(std::move(req));
      }
    }
    const auto stop = [] { return g_stop.load(); };
    pool_->Process(std::move(to_workers), record, stop);
    to_workers.clear();
    for (WorkRequest& req : deferred) {
      if (auto reused = ReuseEarlierWork(req)) {
        record(*reused);
      } else {
        to_workers.push_back(std::move(req));  // the first one failed: try this one itself
      }
    }
    pool_->Process(std::move(to_workers), record, stop);
  }

  void Finish() { store_->FinishRun(run_id_, g_stop ? "interrupted" : "finished", NowRfc3339()); }

 private:
  fs::path out_dir_;
  Json overrides_;
  ContractSet contracts_;
  std::string models_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<WorkerPool> pool_;
  int64_t run_id_ = 0;
  std::map<std::string, Json> plan_cache_;
};

Result<ContractSet> LoadContractSet(const fs::path& dir) {
  return dir.empty() ? BuiltinContracts() : LoadContracts(dir);
}

struct Summary {
  std::map<std::string, int> outcomes, modalities;
  int documents = 0;
};

Summary Summarise(Store& store, const std::set<std::string>& doc_ids) {
  Summary s;
  Statement q(store.db().handle(),
              "SELECT COALESCE(outcome,'pending'), COALESCE(modality, container) "
              "FROM documents WHERE doc_id=?");
  for (const std::string& id : doc_ids) {
    q.Bind(1, id);
    if (q.Step()) {
      ++s.outcomes[q.Text(0)];
      ++s.modalities[q.Text(1)];
      ++s.documents;
    }
    q.Reset();
  }
  return s;
}

int ExitCodeFor(const std::map<std::string, int>& outcomes) {
  if (g_stop) return kExitInterrupted;
  if (outcomes.count("error")) return kExitDocErrors;
  if (outcomes.count("rejected")) return kExitRejected;
  return kExitOk;
}

WorkerPoolOptions PoolOptions(int jobs, double timeout, int64_t max_memory_mb) {
  WorkerPoolOptions o;
  o.jobs = jobs > 0 ? jobs : static_cast<int>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
  o.timeout_seconds = timeout;
  o.max_memory_bytes = max_memory_mb << 20;
  return o;
}

}  // namespace

int RunBatch(const RunOptions& opt) {
  auto overrides = ParseOverrides(opt.set);
  if (!overrides.ok()) {
    std::cerr << "assay run: " << overrides.error().message << "\n";
    return kExitUsage;
  }
  for (const char* container : {"image", "pdf"}) {
    auto plan = CanonicalPlan(container, overrides.value());
    if (!plan.ok()) {
      std::cerr << "assay run: --set " << plan.error().stage << ": " << plan.error().message
                << "\n";
      return kExitUsage;
    }
  }
  auto contracts = LoadContractSet(opt.contracts_dir);
  if (!contracts.ok()) {
    std::cerr << "assay run: " << contracts.error().message << "\n";
    return kExitInternal;
  }
  auto items = EnumerateInputs(opt.inputs, opt.exclude);
  if (!items.ok()) {
    std::cerr << "assay run: " << items.error().message << "\n";
    return kExitUsage;
  }

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  try {
    Session session(opt.out_dir, overrides.value(), std::move(contracts.value()));
    const WorkerPoolOptions pool = PoolOptions(opt.jobs, opt.timeout_seconds, opt.max_memory_mb);
    if (auto failed = session.Start(pool, opt.argv, opt.fault_injection)) return *failed;
    Store& store = session.store();
    const int64_t run_id = session.run_id();

    // Ingest: hash and sniff every item, register sources and documents in one transaction.
    std::deque<WorkRequest> todo;
    std::vector<WorkResult> ingest_errors;
    std::set<std::string> doc_ids;
    std::map<std::string, std::vector<std::string>> tags;
    int reused = 0;
    {
      Transaction tx(store.db());
      const std::string now = NowRfc3339();
      for (const InputItem& item : items.value().items) {
        DocumentRecord doc;
        doc.path = item.path;
        doc.alt_text = item.alt_text;
        doc.ground_truth = item.ground_truth;
        doc.tags = Json(item.tags).dump();
        std::optional<std::string> problem = item.problem;
        std::string source_id;
        std::error_code fec;
        if (!problem && !fs::is_regular_file(item.path, fec)) problem = "not a regular file";
        uint64_t size = problem ? 0 : fs::file_size(item.path, fec);
        if (!problem && size > static_cast<uint64_t>(opt.max_file_mb) << 20) {
          problem = "file of " + std::to_string(size >> 20) + " MiB exceeds --max-file-size (" +
                    std::to_string(opt.max_file_mb) + " MiB)";
        }
        if (!problem) {
          auto sha = Sha256File(item.path, &size);
          if (sha) {
            source_id = *sha;
          } else {
            problem = "cannot read the file (permissions?)";
          }
        }
        if (!problem && size == 0) problem = "empty file (0 bytes)";
        std::optional<std::string> gt_sha;
        if (!problem && item.ground_truth) {
          gt_sha = Sha256File(*item.ground_truth);
          if (!gt_sha) problem = "ground truth not readable: " + *item.ground_truth;
        }
        Sniffed sniffed{"unreadable", ""};
        if (!source_id.empty()) {
          std::string head(8192, '\0');
          std::ifstream in(item.path, std::ios::binary);
          in.read(head.data(), static_cast<std::streamsize>(head.size()));
          head.resize(static_cast<size_t>(in.gcount()));
          sniffed = SniffBytes(head);
          store.RegisterSource({source_id, size, sniffed.mime, item.path}, run_id, now);
          doc.source_id = source_id;
          if (!problem && sniffed.container == "unsupported") {
            problem = "unsupported type: " + sniffed.mime;
          }
        }
        doc.container = sniffed.container;
        doc.doc_id =
            source_id.empty() ? Sha256Hex("unreadable\n" + item.path) : DocIdFor(source_id, item);
        if (!doc_ids.insert(doc.doc_id).second) continue;  // same bytes, another path
        store.RegisterDocument(doc, now);
        tags[doc.doc_id] = item.tags;
        auto state = store.GetDocumentState(doc.doc_id);
        const Json doc_overrides = state ? state->overrides : Json::object();
        const std::string container = problem ? "" : doc.container;
        const std::string pv = session.ProcessingVersion(container, doc_overrides);
        const bool done = state && state->outcome && state->processing_version == pv &&
                          !(opt.retry_errors && *state->outcome == "error");
        if (done) {
          ++reused;
          continue;
        }
        if (problem) {
          // One `ingest` transformation records why, so lineage explains the error.
          ingest_errors.push_back(ErrorResult(doc.doc_id, source_id, {"ingest", *problem}));
        } else {
          WorkRequest req;
          req.doc_id = doc.doc_id;
          req.source_sha256 = source_id;
          req.path = item.path;
          req.container = doc.container;
          req.alt_text = item.alt_text;
          req.ground_truth = item.ground_truth;
          req.ground_truth_sha256 = gt_sha;
          req.overrides = doc_overrides;
          todo.push_back(std::move(req));
        }
      }
      tx.Commit();
    }

    Progress progress(static_cast<int64_t>(todo.size() + ingest_errors.size()),
                      !opt.json && ProgressWanted());
    int pages = 0, processed = 0;
    auto done = [&](const WorkResult& r) {
      pages += r.page_count;
      ++processed;
      progress.Add(r.page_count);
    };
    const double t0 = MonotonicSeconds();
    for (const WorkResult& r : ingest_errors) {
      session.Record(r, "", Json::object(), tags[r.doc_id], std::nullopt);
      done(r);
    }
    session.Process(std::move(todo), tags, std::nullopt, done);
    const double seconds = MonotonicSeconds() - t0;
    progress.Finish();
    session.Finish();

    const Summary s = Summarise(store, doc_ids);
    const int code = ExitCodeFor(s.outcomes);
    const double pps = seconds > 0 ? pages / seconds : 0;
    if (opt.json) {
      Json j = {{"run_id", run_id},         {"out", opt.out_dir.string()},
                {"documents", s.documents}, {"processed", processed},
                {"reused", reused},         {"ignored", items.value().ignored},
                {"outcomes", s.outcomes},   {"modalities", s.modalities},
                {"pages", pages},           {"seconds", seconds},
                {"pages_per_second", pps},  {"exit_code", code}};
      std::cout << j.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    } else {
      std::printf("run %lld: %d documents (%d processed, %d already done) in %.1f s\n",
                  static_cast<long long>(run_id), s.documents, processed, reused, seconds);
      if (items.value().ignored > 0) {
        std::printf("  ignored: %d files (--exclude, .assayignore)\n", items.value().ignored);
      }
      std::printf("  modalities:");
      for (const auto& [k, v] : s.modalities) std::printf(" %s=%d", k.c_str(), v);
      std::printf("\n  outcomes:  ");
      for (const auto& [k, v] : s.outcomes) std::printf(" %s=%d", k.c_str(), v);
      std::printf("\n  pages: %d processed, %.2f pages/s\n", pages, pps);
      std::printf("  store: %s\n", (opt.out_dir / "assay.db").c_str());
      if (s.outcomes.count("error") || s.outcomes.count("rejected")) {
        std::printf("  remediation queue: assay queue list --out %s\n", opt.out_dir.c_str());
      }
    }
    return code;
  } catch (const StoreError& e) {
    std::cerr << "assay run: " << e.what() << "\n";
    return kExitInternal;
  }
}

int ReprocessQueueItem(const ReprocessOptions& opt) {
  auto extra = ParseOverrides(opt.set);
  if (!extra.ok()) {
    std::cerr << "assay queue reprocess: " << extra.error().message << "\n";
    return kExitUsage;
  }
  auto contracts = LoadContractSet(opt.contracts_dir);
  if (!contracts.ok()) {
    std::cerr << "assay queue reprocess: " << contracts.error().message << "\n";
    return kExitInternal;
  }
  const fs::path db = opt.out_dir / "assay.db";
  if (!fs::exists(db)) {
    std::cerr << "assay queue reprocess: no store at " << db << "\n";
    return kExitUsage;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  try {
    // Read the item and its document before starting workers: refusals cost nothing.
    WorkRequest req;
    std::vector<std::string> tags;
    {
      Store store(db, /*create=*/false);
      Queue queue(store.db());
      // Check and record the request in one transaction: a reviewer cannot close the item
      // between the check and the `reprocessed` event.
      Transaction tx(store.db());
      auto item = queue.Get(opt.item_id);
      if (!item) {
        std::cerr << "assay queue reprocess: no queue item " << opt.item_id << "\n";
        return kExitRefused;
      }
      if (item->state != "open" && item->state != "claimed") {
        std::cerr << "assay queue reprocess: item " << opt.item_id << " is " << item->state
                  << ": no further action\n";
        return kExitRefused;
      }
      if (item->state == "claimed" && item->assignee && *item->assignee != opt.actor) {
        std::cerr << "assay queue reprocess: item " << opt.item_id << " is claimed by "
                  << *item->assignee << "\n";
        return kExitRefused;
      }
      Statement q(store.db().handle(),
                  "SELECT source_id, path, container, alt_text, ground_truth, tags, "
                  "param_overrides FROM documents WHERE doc_id=?");
      q.Bind(1, item->doc_id);
      if (!q.Step() || q.IsNull(0) || (q.Text(2) != "pdf" && q.Text(2) != "image")) {
        std::cerr << "assay queue reprocess: the document of item " << opt.item_id
                  << " was never readable as a PDF or image; fix the file and run again\n";
        return kExitRefused;
      }
      req.doc_id = item->doc_id;
      req.source_sha256 = q.Text(0);
      req.path = q.Text(1);
      req.container = q.Text(2);
      if (!q.IsNull(3)) req.alt_text = q.Text(3);
      if (!q.IsNull(4)) {
        req.ground_truth = q.Text(4);
        req.ground_truth_sha256 = Sha256File(*req.ground_truth);
      }
      tags = Json::parse(q.Text(5)).get<std::vector<std::string>>();
      req.overrides = Merge(Json::parse(q.Text(6)), extra.value());
      auto plan = CanonicalPlan(req.container, req.overrides);
      if (!plan.ok()) {
        std::cerr << "assay queue reprocess: --set " << plan.error().stage << ": "
                  << plan.error().message << "\n";
        return kExitUsage;
      }
      // Remember the document's own parameters so later runs keep them, and say who asked.
      Statement u(store.db().handle(), "UPDATE documents SET param_overrides=? WHERE doc_id=?");
      u.Bind(1, req.overrides.dump()).Bind(2, req.doc_id).Run();
      Statement e(store.db().handle(),
                  "INSERT INTO queue_events(item_id, at, actor, action, from_state, to_state, "
                  "note) VALUES(?,?,?,'reprocessed',?,?,?)");
      e.Bind(1, opt.item_id).Bind(2, NowRfc3339()).Bind(3, opt.actor).Bind(4, item->state);
      e.Bind(5, item->state).Bind(6, "with " + extra.value().dump()).Run();
      tx.Commit();
    }

    Session session(opt.out_dir, Json::object(), std::move(contracts.value()));
    if (auto failed =
            session.Start(PoolOptions(1, opt.timeout_seconds, opt.max_memory_mb),
                          {"assay", "queue", "reprocess", std::to_string(opt.item_id)}, false)) {
      return *failed;
    }
    std::optional<WorkResult> result;
    session.Process({req}, {{req.doc_id, tags}}, opt.item_id,
                    [&](const WorkResult& r) { result = r; });
    session.Finish();
    Queue queue(session.store().db());
    auto item = queue.Get(opt.item_id);
    auto state = session.store().GetDocumentState(req.doc_id);
    const std::string outcome = state && state->outcome ? *state->outcome : "pending";
    if (opt.json) {
      std::cout << Json{{"item", item ? item->ToJson() : Json()}, {"outcome", outcome}}.dump(2)
                << "\n";
    } else {
      std::cout << "document " << req.doc_id.substr(0, 12) << " is now " << outcome
                << "; queue item " << opt.item_id << " is " << (item ? item->state : "?") << "\n";
    }
    if (outcome == "accepted") return kExitOk;
    return outcome == "error" ? kExitDocErrors : kExitRejected;
  } catch (const StoreError& e) {
    std::cerr << "assay queue reprocess: " << e.what() << "\n";
    return kExitInternal;
  }
}

}  // namespace assay
