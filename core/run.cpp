#include "core/run.h"

#include <algorithm>
#include <fstream>

#include "contracts/contract.h"
#include "core/clock.h"
#include "core/completion_marker.h"
#include "core/exit_codes.h"
#include "core/ingest.h"
#include "core/names.h"
#include "core/near_duplicate_step.h"
#include "core/path_text.h"
#include "core/pipeline_config.h"
#include "core/session.h"
#include "core/signals.h"
#include "core/worker_count.h"

namespace fs = std::filesystem;

namespace assay {
namespace {

WorkerPoolOptions PoolOptions(const RunOptions& opt, const RunObserver& observer) {
  WorkerPoolOptions o;
  o.max_memory_bytes = opt.max_memory_mb << 20;
  const WorkerCount workers =
      ChooseWorkerCount(opt.jobs, o.max_memory_bytes, OnlineCores(), AvailableMemoryBytes());
  if (!workers.capped.empty() && observer.notice) observer.notice(workers.capped);
  o.jobs = workers.count;
  o.timeout_seconds = opt.timeout_seconds;
  return o;
}

}  // namespace

int ExitCodeFor(const std::map<std::string, int>& outcomes, bool interrupted) {
  if (interrupted) return kExitInterrupted;
  if (outcomes.count(std::string(outcome::kError))) return kExitDocErrors;
  if (outcomes.count(std::string(outcome::kRejected))) return kExitRejected;
  return kExitOk;
}

RunResult RunBatch(const RunOptions& opt, const StageCatalog& catalog,
                   const RunObserver& observer) {
  auto fail = [](int code, const std::string& message) {
    RunResult r;
    r.exit_code = code;
    r.error = message;
    return r;
  };
  auto loaded = LoadSessionConfig(opt.set, opt.config_path, opt.contracts_dir, catalog,
                                  opt.routing_file);
  if (auto* e = std::get_if<SessionConfigError>(&loaded)) return fail(e->exit_code, e->message);
  SessionConfig& config = std::get<SessionConfig>(loaded);
  InputRules rules;
  rules.exclude = opt.exclude;
  rules.out_dir = opt.out_dir;
  rules.allow_outside = opt.allow_outside_inputs;
  auto inputs = EnumerateInputs(opt.inputs, rules);
  if (!inputs.ok()) return fail(kExitUsage, inputs.error().message);
  int other_shards = 0;
  if (opt.shard) {
    // Every shard enumerates the same inputs and keeps its own: no task reads a file it does
    // not own, and the split does not depend on the order inputs are listed in.
    std::vector<InputItem>& items = inputs.value().items;
    const size_t all = items.size();
    std::erase_if(items,
                  [&](const InputItem& i) { return !ShardOwns(*opt.shard, i.relative_path); });
    other_shards = static_cast<int>(all - items.size());
  }
  std::optional<std::string> password;
  if (!opt.password_file.empty()) {
    auto read = ReadPasswordFile(opt.password_file);
    if (!read.ok()) return fail(kExitUsage, read.error().message);
    password = std::move(read.value());
  }

  InstallStopHandlers();
  // The store is about to change: a marker of an earlier run no longer describes it.
  RemoveCompletionMarkers(opt.out_dir);
  std::optional<CompletionMarker> marker;
  RunResult result;
  try {
    Session session(opt.out_dir, catalog, Planner(catalog, config.pipelines, config.set),
                    std::move(config.contracts), std::move(config.routing));
    Status started = session.Start(PoolOptions(opt, observer), opt.argv, opt.fault_injection,
                                   opt.shard ? opt.shard->Text() : "0/1");
    if (!started.ok()) return fail(kExitInternal, started.error().message);
    Store& store = session.store();

    RunSummary summary;
    summary.run_id = session.run_id();
    summary.ignored = inputs.value().ignored;
    summary.other_shards = other_shards;
    summary.unreadable_folders = inputs.value().unreadable_folders;
    summary.notices = inputs.value().notices;
    const std::vector<IngestedItem> ingested =
        IngestInputs(store, inputs.value().items, session.run_id(),
                     static_cast<uint64_t>(opt.max_file_mb) << 20, StopRequested);

    // Decide what needs work: a document decided with the same processing version is done.
    std::vector<PendingDocument> todo;
    std::vector<std::pair<PendingDocument, std::string>> ingest_errors;  // with the problem
    std::vector<std::string> doc_ids;
    for (const IngestedItem& in : ingested) {
      doc_ids.push_back(in.doc.doc_id);
      auto state = store.GetDocumentState(in.doc.doc_id);
      PendingDocument d;
      d.request.doc_id = in.doc.doc_id;
      d.request.source_sha256 = in.doc.source_id.value_or("");
      d.request.path = in.item.path;
      d.request.container = in.problem ? "" : in.doc.container;
      d.request.alt_text = in.item.alt_text;
      d.request.caption = in.item.caption;
      d.request.image_role = in.item.image_role;
      d.request.table_hints = in.item.table_hints;
      d.request.ground_truth = in.item.ground_truth;
      d.request.ground_truth_sha256 = in.ground_truth_sha256;
      d.request.media = in.item.media;
      d.request.media_sha256 = in.media_sha256;
      d.request.language = in.item.language;
      d.request.password = in.item.password ? in.item.password : password;
      d.params = state ? state->overrides : ParamLayer::object();
      d.tags = in.item.tags;
      d.skip_if_decided_elsewhere = true;
      if (state) d.decided_by = state->run_id;
      const bool done = state && state->outcome &&
                        state->processing_version == session.ProcessingVersion(d) &&
                        !(opt.retry_errors && *state->outcome == outcome::kError);
      if (done) {
        ++summary.reused;
      } else if (in.problem) {
        ingest_errors.emplace_back(std::move(d), *in.problem);
      } else {
        todo.push_back(std::move(d));
      }
    }

    if (observer.started)
      observer.started(static_cast<int64_t>(todo.size() + ingest_errors.size()));
    auto done = [&](const WorkResult& r) {
      summary.pages += r.page_count;
      ++summary.processed;
      if (observer.document_done) observer.document_done(r.page_count);
    };
    const double t0 = MonotonicSeconds();
    auto decided_elsewhere = [&](const PendingDocument&) {
      ++summary.reused;
      if (observer.document_done) observer.document_done(0);
    };
    for (const auto& [d, problem] : ingest_errors) {
      switch (session.RecordIngestError(d, problem)) {
        case IngestErrorRecord::kRecorded:
          done(ErrorResult(d.request.doc_id, d.request.source_sha256, {"ingest", problem}));
          break;
        case IngestErrorRecord::kDecidedElsewhere:
          decided_elsewhere(d);
          break;
        case IngestErrorRecord::kStopped:
          break;
      }
    }
    session.Process(std::move(todo), std::nullopt, done, decided_elsewhere);
    // Near-duplicates need the whole store, so they are found once every document is decided.
    if (!StopRequested()) summary.near_duplicates = session.DecideNearDuplicates();
    summary.seconds = MonotonicSeconds() - t0;
    if (observer.finished) observer.finished();
    session.Finish();

    const Store::OutcomeCounts counts = store.CountOutcomes(doc_ids);
    summary.documents = counts.documents;
    summary.outcomes = counts.outcomes;
    summary.modalities = counts.modalities;
    result.exit_code = ExitCodeFor(counts.outcomes, StopRequested());
    // A shard is complete when the run went through and every owned input is decided.
    // (Ingest stops early only on a stop request; it returns one item per document.)
    if (opt.shard && !StopRequested() &&
        !counts.outcomes.count(std::string(outcome::kPending))) {
      auto identity = IdentityOfRun(store, session.run_id());
      if (!identity) return fail(kExitInternal, "the run record is missing");
      marker.emplace();
      marker->shard = *opt.shard;
      marker->store_id = StoreIdOf(store);
      marker->run_id = session.run_id();
      marker->finished_at = NowRfc3339();
      marker->tool_version = identity->tool_version;
      marker->processing_identity = identity->processing_identity;
      marker->contracts_sha256 = identity->contracts_sha256;
      marker->inputs = static_cast<int>(inputs.value().items.size());
      marker->documents = counts.documents;
      marker->outcomes = counts.outcomes;
      marker->pages = summary.pages;
    }
    result.summary = std::move(summary);
  } catch (const StoreError& e) {
    return fail(kExitInternal, e.what());
  }
  // Written once the session has closed the store: after the last commit.
  if (marker) {
    Status written = WriteCompletionMarker(opt.out_dir, *opt.shard, marker->ToJson());
    if (!written.ok()) return fail(kExitInternal, written.error().message);
    result.summary->marker_written = true;
  }
  return result;
}

}  // namespace assay
