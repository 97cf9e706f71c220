#include "core/document_runner.h"

#include <cmath>

#include "core/clock.h"
#include "core/delta.h"
#include "core/names.h"
#include "core/raster.h"
#include "core/sha256.h"

namespace assay {

// ---------------------------------------------------------------------------------------------
// Resources.

Result<LoadedResource*> ResourceCache::Get(const ResolvedResource& r) {
  const ResourceKind* kind = catalog_.FindResource(r.ref.kind);
  if (kind == nullptr) return Error{"resource", "unknown resource kind '" + r.ref.kind + "'"};
  // Process-wide resources (one global state per process, whatever the number of caches)
  // live in one list of the process, one per kind.
  static std::list<Entry> process_wide;
  std::list<Entry>& entries = kind->process_wide ? process_wide : entries_;
  const std::string key = r.ref.kind + "\n" + r.ref.name + "\n" + r.sha256;
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (it->key == key) {
      entries.splice(entries.begin(), entries, it);
      return entries.front().loaded.get();
    }
  }
  // The plan says which files were hashed; load only if they still are those files.
  auto now = kind->resolve(r.ref.name);
  if (!now.ok()) return now.error();
  if (now.value().sha256 != r.sha256) {
    return Error{"resource", r.ref.kind + " '" + r.ref.name + "' at " + now.value().location +
                                 " changed since the run planned this document (planned " +
                                 r.sha256.substr(0, 12) + ", now " +
                                 now.value().sha256.substr(0, 12) + "); run again"};
  }
  if (kind->process_wide) {
    entries.remove_if([&](const Entry& e) { return e.kind == r.ref.kind; });
  }
  auto loaded = kind->load(r);
  if (!loaded.ok()) return loaded.error();
  entries.push_front(Entry{key, r.ref.kind, std::move(loaded.value())});
  if (!kind->process_wide) {
    while (entries.size() > capacity_) entries.pop_back();
  }
  return entries.front().loaded.get();
}

// ---------------------------------------------------------------------------------------------
// Running a plan.

DocumentRunner::DocumentRunner(const StageCatalog& catalog, int64_t raster_budget_bytes)
    : catalog_(catalog), raster_budget_(raster_budget_bytes), resources_(catalog) {}

Result<const Stage*> DocumentRunner::StageFor(const PlannedStage& planned) {
  const std::string key = std::string(planned.spec->id) + "\n" +
                          std::to_string(planned.spec->version) + "\n" + planned.params_sha256;
  auto it = stages_.find(key);
  if (it == stages_.end()) {
    std::unique_ptr<Stage> stage = planned.spec->make(planned.params);
    if (!stage) return Error{std::string(planned.spec->id), "the stage could not be built"};
    it = stages_.emplace(key, std::move(stage)).first;
  }
  return it->second.get();
}

Result<StageContext> DocumentRunner::ContextFor(const Plan& plan, const PlannedStage& planned) {
  std::vector<std::pair<ResourceRef, LoadedResource*>> loaded;
  for (const ResolvedResource& r : planned.resources) {
    auto got = resources_.Get(r);
    if (!got.ok()) return Error{std::string(planned.spec->id), got.error().message};
    loaded.emplace_back(r.ref, got.value());
  }
  StageContext::PixelSource pixels = [this, &plan](const Document& doc, Page& page) {
    return RebuildPixels(plan, doc, page);
  };
  return StageContext(std::move(loaded), std::move(pixels), raster_budget_);
}

Result<PixHandle> DocumentRunner::RebuildPixels(const Plan& plan, const Document& doc,
                                                const Page& page) {
  if (page.raster_steps.empty()) {
    return Error{"worker", "page " + std::to_string(page.number) + " has no raster"};
  }
  PixHandle current;
  for (const RasterStep& step : page.raster_steps) {
    const PlannedStage* maker = nullptr;
    for (const PlannedStage& s : plan.stages) {
      if (s.spec->id == step.stage) maker = &s;
    }
    if (maker == nullptr || maker->spec->pixels != Pixels::kMakes) {
      return Error{step.stage, "page " + std::to_string(page.number) +
                                   ": its raster was made by a stage that is not in the plan"};
    }
    auto stage = StageFor(*maker);
    if (!stage.ok()) return stage.error();
    auto ctx = ContextFor(plan, *maker);
    if (!ctx.ok()) return ctx.error();
    auto made = stage.value()->RebuildRaster(doc, page, step, current, ctx.value());
    if (!made.ok()) return made.error();
    if (!made.value() || PixSha256(made.value().get()) != step.sha256) {
      rebuild_mismatch_ = true;
      return Error{step.stage, "page " + std::to_string(page.number) +
                                   ": the rebuilt raster differs from the recorded one"};
    }
    current = made.value();
  }
  // Not kept on the page: the pixels live as long as the caller's handle, so a stage that
  // walks every page of a long scan holds one rebuilt page at a time (a 300-page scan went
  // over the 2 GiB worker limit when the handwriting stage kept them all).
  return current;
}

namespace {

// What a stage may write as metrics: finite numbers (JSON holds no other), and only those it
// declares. `before` is the content before the stage; a metric it already held with the same
// value was not written by this stage.
Status CheckMetrics(const CanonicalJson& before, const Document& doc, const StageSpec& spec) {
  auto check = [&](const CanonicalJson& had, const std::map<std::string, double>& now) -> Status {
    for (const auto& [name, value] : now) {
      if (!std::isfinite(value)) {
        return Error{std::string(spec.id), "wrote metric '" + name + "' as " +
                                               std::to_string(value) + ", not a finite number"};
      }
      const auto it = had.find(name);
      if ((it == had.end() || *it != value) && spec.FindMetric(name) == nullptr) {
        return Error{std::string(spec.id),
                     "wrote metric '" + name + "', which the stage does not declare"};
      }
    }
    return Status();
  };
  if (Status s = check(before.at("metrics"), doc.metrics); !s.ok()) return s;
  const CanonicalJson& parts = before.at("part_metrics");
  for (const auto& [scope, m] : doc.part_metrics) {
    const auto had = parts.find(scope);
    if (Status s = check(had != parts.end() ? *had : CanonicalJson::object(), m); !s.ok()) {
      return s;
    }
  }
  return Status();
}

// Keeps page rasters in memory up to `budget` bytes, in page order; drops the rest (a stage
// that needs them later rebuilds them).
void TrimRasters(Document& doc, int64_t budget) {
  int64_t held = 0;
  for (Page& p : doc.pages) {
    if (!p.raster) continue;
    held += PixBytes(p.raster.get());
    if (held > budget) p.raster.reset();
  }
}

}  // namespace

WorkResult DocumentRunner::Run(const WorkRequest& req) {
  const std::string first_input = FirstInputSha256(req);
  const auto actual = Sha256File(req.path);
  if (!actual) {
    return ErrorResult(req.doc_id, first_input, {"worker", "the file can no longer be read"});
  }
  if (*actual != req.source_sha256) {
    return ErrorResult(req.doc_id, first_input,
                       {"worker", "the file changed after it was ingested"});
  }
  auto parsed = Plan::FromJson(req.plan, catalog_);
  if (!parsed.ok()) return ErrorResult(req.doc_id, first_input, parsed.error());
  const Plan& plan = parsed.value();
  if (req.start_at < 0 || req.start_at > static_cast<int>(plan.stages.size()) ||
      (req.start_at > 0 && !req.state)) {
    return ErrorResult(req.doc_id, first_input, {"worker", "malformed request: bad start_at"});
  }
  rebuild_mismatch_ = false;
  WorkResult result = RunFrom(req, plan, req.start_at);
  if (rebuild_mismatch_ && req.start_at > 0) {
    // A reused raster stage no longer makes the pixels it recorded (a library or font the key
    // does not see changed): the prefix cannot be trusted, so the whole plan runs again.
    result = RunFrom(req, plan, 0);
  }
  return result;
}

WorkResult DocumentRunner::RunFrom(const WorkRequest& req, const Plan& plan, int start_at) {
  WorkResult result;
  result.doc_id = req.doc_id;
  result.ran_from = start_at;
  Document doc;
  std::string input = FirstInputSha256(req);
  if (start_at > 0) {
    try {
      doc = Document::FromContentJson(*req.state);
    } catch (const std::exception& e) {
      return ErrorResult(req.doc_id, req.state_sha256,
                         {"worker", std::string("the stored state cannot be read: ") + e.what()});
    }
    input = req.state_sha256;
  } else {
    doc.container = req.container;
  }
  CanonicalJson before = doc.ToContentJson();
  if (start_at > 0 && !SameContent(before, *req.state)) {
    return ErrorResult(req.doc_id, input,
                       {"worker",
                        "the stored state does not restore exactly; run again with a fresh "
                        "--out or report this"});
  }
  doc.doc_id = req.doc_id;
  doc.source_sha256 = req.source_sha256;
  doc.path = req.path;
  doc.alt_text = req.alt_text;
  doc.caption = req.caption;
  doc.image_role = req.image_role;
  doc.table_hints = req.table_hints;
  doc.ground_truth_path = req.ground_truth;
  doc.media_path = req.media;
  doc.declared_language = req.language;
  doc.password = req.password;

  for (int i = start_at; i < static_cast<int>(plan.stages.size()); ++i) {
    const PlannedStage& planned = plan.stages[i];
    const std::string id(planned.spec->id);
    TransformationRecord rec;
    rec.seq = i;
    rec.stage = id;
    rec.stage_version = planned.spec->version;
    rec.params = planned.params;
    rec.resources = planned.ResourcesJson();
    rec.resources_sha256 = planned.resources_sha256;
    rec.input_sha256 = StageInputSha256(input, *planned.spec, req);
    rec.started_at = NowRfc3339();
    const double t0 = MonotonicSeconds();

    if (!planned.spec->RunsOn(doc.modality)) {
      // Not for this document: recorded, and the content is left exactly as it was.
      rec.outcome = std::string(step::kSkipped);
      rec.note = "not for modality " + (doc.modality.empty() ? "(none)" : doc.modality);
      static const std::string kNoChange = "[]";
      static const std::string kNoChangeSha256 = Sha256Hex(kNoChange);
      rec.delta_sha256 = kNoChangeSha256;
      rec.output_sha256 = rec.input_sha256;
      input = rec.output_sha256;
      result.outputs.emplace(rec.delta_sha256, kNoChange);
      result.output_sha256 = rec.output_sha256;
      result.transformations.push_back(std::move(rec));
      continue;
    }
    Result<StageReport> report = StageReport{};
    try {
      auto stage = StageFor(planned);
      auto ctx = stage.ok() ? ContextFor(plan, planned) : Result<StageContext>(stage.error());
      report = ctx.ok() ? stage.value()->Run(doc, ctx.value()) : Result<StageReport>(ctx.error());
    } catch (const std::bad_alloc&) {
      report = Error{id, "out of memory"};
    } catch (const std::exception& e) {
      report = Error{id, std::string("internal error: ") + e.what()};
    }
    if (report.ok()) {
      Status metrics = CheckMetrics(before, doc, *planned.spec);
      if (!metrics.ok()) report = metrics.error();
    }
    doc.Normalize();
    CanonicalJson after = doc.ToContentJson();
    rec.duration_ms = (MonotonicSeconds() - t0) * 1000.0;
    if (!report.ok()) {
      rec.outcome = std::string(step::kError);
      rec.note = report.error().message;
      result.transformations.push_back(std::move(rec));
      result.error = Error{id, report.error().message};
      break;
    }
    rec.outcome = report.value().outcome;
    rec.note = report.value().note;
    const CanonicalJson delta_json = ContentDelta(before, after);
    std::string delta = DumpCanonical(delta_json);
    rec.delta_sha256 = Sha256Hex(delta);
    rec.output_sha256 = NextStateSha256(rec.input_sha256, rec.delta_sha256, delta_json.empty());
    input = rec.output_sha256;
    result.outputs.emplace(rec.delta_sha256, std::move(delta));
    result.output_sha256 = rec.output_sha256;
    result.transformations.push_back(std::move(rec));
    before = std::move(after);
    TrimRasters(doc, raster_budget_);
  }
  result.modality = doc.modality;
  result.metrics = doc.metrics;
  result.part_metrics = doc.part_metrics;
  result.image_hashes = doc.image_hashes;
  result.frame_hashes = FrameHashesOf(doc);
  result.page_count = static_cast<int>(doc.pages.size());
  return result;
}

}  // namespace assay
