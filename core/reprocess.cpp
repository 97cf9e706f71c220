#include "core/reprocess.h"

#include <algorithm>

#include "contracts/contract.h"
#include "core/exit_codes.h"
#include "core/ingest.h"
#include "core/names.h"
#include "core/path_text.h"
#include "core/pipeline_config.h"
#include "core/session.h"
#include "core/sha256.h"
#include "core/signals.h"

namespace fs = std::filesystem;

namespace assay {
namespace {

// The pipelines and --set parameters run `run_id` recorded; nullopt for a run made before
// configurations were recorded (the default applies); an error when they no longer validate.
Result<std::optional<std::pair<PipelineConfig, ParamLayer>>> RecordedConfig(
    Store& store, int64_t run_id, const StageCatalog& catalog) {
  auto text = store.RunConfig(run_id);
  const CanonicalJson j =
      text ? CanonicalJson::parse(*text, nullptr, /*allow_exceptions=*/false) : CanonicalJson();
  if (!j.is_object() || !j.contains("pipelines") || !j.contains("set")) {
    return std::optional<std::pair<PipelineConfig, ParamLayer>>();
  }
  auto config = PipelineConfig::FromJson(j["pipelines"], catalog);
  auto set = ValidateLayer(j["set"], catalog);
  if (!config.ok() || !set.ok()) {
    return Error{"config", "run " + std::to_string(run_id) +
                               " decided this document with a configuration this assay cannot "
                               "run (" +
                               (config.ok() ? set.error().message : config.error().message) +
                               "); give --config"};
  }
  return std::optional(std::make_pair(std::move(config.value()), std::move(set.value())));
}

}  // namespace

ReprocessResult ReprocessQueueItem(const ReprocessOptions& opt, const StageCatalog& catalog) {
  ReprocessResult result;
  auto fail = [&](int code, const std::string& message) {
    result.exit_code = code;
    result.error = message;
    return result;
  };
  // The reviewer's --set are the document's own parameters; the run-wide ones come from the
  // run that decided it (below).
  auto loaded = LoadSessionConfig(opt.set, opt.config_path, opt.contracts_dir, catalog,
                                  opt.routing_file);
  if (auto* e = std::get_if<SessionConfigError>(&loaded)) return fail(e->exit_code, e->message);
  SessionConfig& config = std::get<SessionConfig>(loaded);
  const ParamLayer extra = std::move(config.set);
  config.set = ParamLayer::object();
  const fs::path db = opt.out_dir / "assay.db";
  if (!fs::exists(db)) return fail(kExitUsage, "no store at " + db.string());
  InstallStopHandlers();
  try {
    // Check and record the request before starting workers: refusals cost nothing.
    PendingDocument doc;
    {
      Store store(db, /*create=*/false);
      Queue queue(store.db());
      auto item = queue.Get(opt.item_id);
      if (!item) return fail(kExitRefused, "no queue item " + std::to_string(opt.item_id));
      auto record = store.GetDocument(item->doc_id);
      auto state = store.GetDocumentState(item->doc_id);
      const auto& known = KnownContainers();
      if (!record || !record->source_id ||
          std::find(known.begin(), known.end(), record->container) == known.end()) {
        return fail(kExitRefused, "the document of item " + std::to_string(opt.item_id) +
                                      " was never readable as a PDF or image; fix the file and "
                                      "run again");
      }
      WorkRequest& req = doc.request;
      req.doc_id = record->doc_id;
      req.source_sha256 = *record->source_id;
      req.path = record->path;
      req.container = record->container;
      req.alt_text = record->alt_text;
      req.caption = record->caption;
      req.image_role = record->image_role;
      req.table_hints = record->table_hints;
      if (!opt.password_file.empty()) {
        auto password = ReadPasswordFile(opt.password_file);
        if (!password.ok()) return fail(kExitUsage, password.error().message);
        req.password = std::move(password.value());
      }
      req.ground_truth = record->ground_truth;
      if (req.ground_truth) {
        req.ground_truth_sha256 = Sha256File(*req.ground_truth);
        if (!req.ground_truth_sha256) {
          return fail(kExitRefused, "the ground truth of item " + std::to_string(opt.item_id) +
                                        " cannot be read: " + PathToText(*req.ground_truth));
        }
      }
      req.language = record->language;
      req.media = record->media;
      if (req.media) {
        req.media_sha256 = Sha256File(*req.media);
        if (!req.media_sha256) {
          return fail(kExitRefused, "the media of item " + std::to_string(opt.item_id) +
                                        " cannot be read: " + PathToText(*req.media));
        }
      }
      doc.tags = Json::parse(record->tags).get<std::vector<std::string>>();
      // The document runs again as the run that decided it ran it (its pipelines and --set),
      // plus the reviewer's parameters; --config replaces the recorded pipelines.
      if (opt.config_path.empty() && state && state->run_id) {
        auto recorded = RecordedConfig(store, *state->run_id, catalog);
        if (!recorded.ok()) return fail(kExitUsage, recorded.error().message);
        if (recorded.value()) {
          config.pipelines = std::move(recorded.value()->first);
          config.set = std::move(recorded.value()->second);
        }
      }
      doc.params = MergeLayers(state ? state->overrides : ParamLayer::object(), extra);
      // Remember the document's own parameters so later runs keep them, and say who asked,
      // in the queue's transaction.
      auto asked =
          queue.RequestReprocess(opt.item_id, opt.actor, "with " + DumpCanonical(extra),
                                 [&] { store.SetDocumentOverrides(req.doc_id, doc.params); });
      if (const auto* e = std::get_if<QueueError>(&asked)) return fail(kExitRefused, e->message);
    }

    Session session(opt.out_dir, catalog, Planner(catalog, config.pipelines, config.set),
                    std::move(config.contracts), std::move(config.routing));
    WorkerPoolOptions pool;
    pool.jobs = 1;
    pool.timeout_seconds = opt.timeout_seconds;
    pool.max_memory_bytes = opt.max_memory_mb << 20;
    Status started =
        session.Start(pool, {"assay", "queue", "reprocess", std::to_string(opt.item_id)}, false);
    if (!started.ok()) return fail(kExitInternal, started.error().message);
    const std::string doc_id = doc.request.doc_id;
    session.Process({std::move(doc)}, opt.item_id, [](const WorkResult&) {});
    session.Finish();
    result.doc_id = doc_id;
    result.item = Queue(session.store().db()).Get(opt.item_id);
    auto state = session.store().GetDocumentState(doc_id);
    result.outcome = state && state->outcome ? *state->outcome : std::string(outcome::kPending);
    result.exit_code = result.outcome == outcome::kAccepted ? kExitOk
                       : result.outcome == outcome::kError  ? kExitDocErrors
                                                            : kExitRejected;
    return result;
  } catch (const StoreError& e) {
    return fail(kExitInternal, e.what());
  }
}

}  // namespace assay
