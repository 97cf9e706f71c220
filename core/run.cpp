#include "core/run.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "core/clock.h"
#include "core/exit_codes.h"
#include "core/ingest.h"
#include "core/progress.h"
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

// The canonical description of every plan: stage ids, versions and full parameters.
Result<Json> CanonicalPlans(const Json& overrides) {
  Json plans = Json::object();
  for (const char* container : {"image", "pdf"}) {
    auto built = BuildPlan(PlanFor(container), overrides);
    if (!built.ok()) return built.error();
    Json stages = Json::array();
    for (const auto& st : built.value()) {
      stages.push_back(
          {{"stage", std::string(st->id())}, {"version", st->version()}, {"params", st->params()}});
    }
    plans[container] = std::move(stages);
  }
  return plans;
}

std::string ProcessingVersion(const Json& plans, const std::string& container,
                              const std::string& tessdata_sha) {
  const Json plan = plans.contains(container) ? plans[container] : Json("ingest");
  return Sha256Hex(std::string(kToolVersion) + "\n" + plan.dump() + "\n" + tessdata_sha);
}

std::string HostName() {
  char buf[256] = {0};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

// Rebuilds a document's result from earlier transformations when every stage of its plan
// already ran on the same input with the same version and parameters (DESIGN: identities).
std::optional<WorkResult> ReuseEarlierWork(Store& store, const Json& plan, const WorkRequest& req) {
  WorkResult r;
  r.doc_id = req.doc_id;
  std::string input = FirstInputSha256(req.source_sha256, req.alt_text.has_value());
  int seq = 0;
  for (const Json& step : plan) {
    const std::string params = step["params"].dump();
    auto prior = store.FindTransformation(step["stage"], step["version"], Sha256Hex(params), input);
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
  auto content = store.GetOutput(input);
  if (!content) return std::nullopt;
  const Json j = Json::parse(*content);
  r.modality = j.value("modality", "");
  r.metrics = j.at("metrics").get<std::map<std::string, double>>();
  r.page_count = static_cast<int>(j.at("pages").size());
  r.output_sha256 = input;
  return r;
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

std::string DocIdFor(const std::string& source_id, const InputItem& item) {
  if (!item.alt_text) return source_id;
  // Same bytes with other alt-text is another training example (DESIGN: identities).
  return Sha256Hex(source_id + "\nalt_text\n" + *item.alt_text);
}

}  // namespace

int RunBatch(const RunOptions& opt) {
  auto overrides = ParseOverrides(opt.set);
  if (!overrides.ok()) {
    std::cerr << "assay run: " << overrides.error().message << "\n";
    return kExitUsage;
  }
  auto plans = CanonicalPlans(overrides.value());
  if (!plans.ok()) {
    std::cerr << "assay run: " << plans.error().stage << ": " << plans.error().message << "\n";
    return kExitUsage;
  }
  auto items = EnumerateInputs(opt.inputs, opt.exclude);
  if (!items.ok()) {
    std::cerr << "assay run: " << items.error().message << "\n";
    return kExitUsage;
  }

  std::error_code ec;
  fs::create_directories(opt.out_dir / "logs", ec);
  if (ec) {
    std::cerr << "assay run: cannot create " << opt.out_dir << ": " << ec.message() << "\n";
    return kExitInternal;
  }

  const int jobs = opt.jobs > 0 ? opt.jobs : std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
  WorkerPoolOptions pool_options;
  pool_options.jobs = jobs;
  pool_options.timeout_seconds = opt.timeout_seconds;
  pool_options.max_memory_bytes = opt.max_memory_mb << 20;
  pool_options.log_dir = opt.out_dir / "logs";
  pool_options.worker_argv = {fs::read_symlink("/proc/self/exe").string(), "__worker",
                              "--overrides", overrides.value().dump()};
  if (opt.fault_injection) pool_options.worker_argv.push_back("--fault-injection");

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  try {
    Store store(opt.out_dir / "assay.db", /*create=*/true);
    WorkerPool pool(pool_options);
    Json hello;
    Status started = pool.Start(&hello);
    if (!started.ok()) {
      std::cerr << "assay run: " << started.error().message << "\n";
      return kExitInternal;
    }
    const std::string tessdata_sha = hello.value("tessdata_sha256", "");

    RunRecord run;
    run.started_at = NowRfc3339();
    run.tool_version = kToolVersion;
    run.git_commit = kGitCommit;
    run.config = plans.value().dump();
    run.config_hash = Sha256Hex(run.config);
    run.libraries = hello.value("libraries", Json::object()).dump();
    run.tessdata_sha256 = tessdata_sha;
    run.host = HostName();
    run.argv = Json(opt.argv).dump();
    run.workers = jobs;
    const int64_t run_id = store.BeginRun(run);

    // Ingest: hash and sniff every item, register sources and documents in one transaction.
    std::deque<WorkRequest> todo;
    std::vector<WorkResult> ingest_errors;
    std::set<std::string> doc_ids;
    std::map<std::string, std::string> container_of;
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
        const std::string pv =
            ProcessingVersion(plans.value(), problem ? "" : doc.container, tessdata_sha);
        container_of[doc.doc_id] = problem ? "" : doc.container;
        auto state = store.GetDocumentState(doc.doc_id);
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
          todo.push_back({doc.doc_id, source_id, item.path, doc.container, item.alt_text});
        }
      }
      tx.Commit();
    }

    Progress progress(static_cast<int64_t>(todo.size() + ingest_errors.size()),
                      !opt.json && ProgressWanted());
    int pages = 0, processed = 0;
    auto record = [&](const WorkResult& r) {
      store.CommitResult(run_id,
                         ProcessingVersion(plans.value(), container_of[r.doc_id], tessdata_sha), r,
                         NowRfc3339());
      pages += r.page_count;
      ++processed;
      progress.Add(r.page_count);
    };
    const double t0 = MonotonicSeconds();
    for (const WorkResult& r : ingest_errors) record(r);
    // Documents sharing a source and first input (one photo, several alt-texts) are
    // processed once; the others reuse that work once it is recorded.
    std::deque<WorkRequest> to_workers, deferred;
    std::set<std::string> first_inputs;
    for (WorkRequest& req : todo) {
      if (auto reused_result = ReuseEarlierWork(store, plans.value()[req.container], req)) {
        record(*reused_result);
      } else if (!first_inputs
                      .insert(req.container +
                              FirstInputSha256(req.source_sha256, req.alt_text.has_value()))
                      .second) {
        deferred.push_back(std::move(req));
      } else {
        to_workers.push_back(std::move(req));
      }
    }
    const auto stop = [] { return g_stop.load(); };
    pool.Process(std::move(to_workers), record, stop);
    to_workers.clear();
    for (WorkRequest& req : deferred) {
      if (auto reused_result = ReuseEarlierWork(store, plans.value()[req.container], req)) {
        record(*reused_result);
      } else {
        to_workers.push_back(std::move(req));  // the first one failed: try this one itself
      }
    }
    pool.Process(std::move(to_workers), record, stop);
    const double seconds = MonotonicSeconds() - t0;
    progress.Finish();
    store.FinishRun(run_id, g_stop ? "interrupted" : "finished", NowRfc3339());

    const Summary s = Summarise(store, doc_ids);
    int code = kExitOk;
    if (s.outcomes.count("rejected")) code = kExitRejected;
    if (s.outcomes.count("error")) code = kExitDocErrors;
    if (g_stop) code = kExitInterrupted;
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
      if (s.outcomes.count("error")) {
        std::printf("  see errors: assay status --out %s\n", opt.out_dir.c_str());
      }
    }
    return code;
  } catch (const StoreError& e) {
    std::cerr << "assay run: " << e.what() << "\n";
    return kExitInternal;
  }
}

}  // namespace assay
