#include "core/document_runner.h"

#include <cmath>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>

#include "core/clock.h"
#include "core/delta.h"
#include "core/names.h"
#include "core/page_heap.h"
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
  if (PixHandle recent = recent_rasters_.Find(page.number, page.raster_steps.back().sha256)) {
    return recent;
  }
  if (PixHandle spilled = spill_.Get(page.raster_steps.back().sha256)) {
    recent_rasters_.Keep(page.number, page.raster_steps.back().sha256, spilled);
    return spilled;
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
  // over the 2 GiB worker limit when the handwriting stage kept them all); only the last few
  // are kept here, for the next stage that asks.
  recent_rasters_.Keep(page.number, page.raster_steps.back().sha256, current);
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

// The position in doc.pages of page `number`; doc.pages.size() when there is none.
size_t PageIndexOf(const Document& doc, int number) {
  for (size_t i = 0; i < doc.pages.size(); ++i) {
    if (doc.pages[i].number == number) return i;
  }
  return doc.pages.size();
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

WorkResult DocumentRunner::Run(const WorkRequest& req, PageHelpers* helpers) {
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
  WorkResult result = RunFrom(req, plan, req.start_at, helpers, nullptr);
  if (rebuild_mismatch_ && req.start_at > 0) {
    // A reused raster stage no longer makes the pixels it recorded (a library or font the key
    // does not see changed): the prefix cannot be trusted, so the whole plan runs again.
    result = RunFrom(req, plan, 0, nullptr, nullptr);
  }
  return result;
}

PageTaskResult DocumentRunner::RunPages(const PageTaskRequest& task) {
  PageTaskResult out;
  const WorkRequest& req = task.work;
  out.doc_id = req.doc_id;
  out.block_first = task.block_first;
  out.block_end = task.block_end;
  out.first_page = task.first_page;
  out.last_page = task.last_page;
  const auto actual = Sha256File(req.path);
  if (!actual || *actual != req.source_sha256) {
    out.error = Error{"worker", "page task: the file changed or cannot be read"};
    return out;
  }
  auto parsed = Plan::FromJson(req.plan, catalog_);
  if (!parsed.ok()) {
    out.error = parsed.error();
    return out;
  }
  if (req.start_at < 0 || req.start_at > task.block_first || (req.start_at > 0 && !req.state)) {
    out.error = Error{"worker", "malformed page task"};
    return out;
  }
  rebuild_mismatch_ = false;
  TaskTarget target{&task, &out};
  try {
    WorkResult prefix = RunFrom(req, parsed.value(), req.start_at, nullptr, &target);
    if (prefix.error && !out.error) out.error = prefix.error;
  } catch (const std::exception& e) {
    out.error = Error{"worker", std::string("page task: ") + e.what()};
  }
  if (!out.error && out.pages.empty()) out.error = Error{"worker", "page task: no pages ran"};
  return out;
}

// One stage of a page-major block: its stage, context and session, set up once for the block.
struct DocumentRunner::BlockStage {
  const PlannedStage* planned = nullptr;
  bool skipped = false;
  const PageStage* stage = nullptr;
  std::optional<StageContext> ctx;
  std::unique_ptr<PageStage::Session> session;
};

int DocumentRunner::PageBlockEnd(const Plan& plan, int first, const std::string& modality) {
  if (!page_major_) return first;
  // A stage belongs to the block when it is a page stage and whether it runs is already known
  // at the block's start: the same for every modality a stage before it in the block may
  // establish (handwriting's page_handwritten, on which ocr runs as well).
  std::set<std::string> possible{modality};
  int end = first;
  for (int k = first; k < static_cast<int>(plan.stages.size()); ++k) {
    const PlannedStage& planned = plan.stages[k];
    auto stage = StageFor(planned);
    if (!stage.ok() || dynamic_cast<const PageStage*>(stage.value()) == nullptr) break;
    const bool runs = planned.spec->RunsOn(modality);
    bool known = true;
    for (const std::string& m : possible) known = known && planned.spec->RunsOn(m) == runs;
    if (!known) break;
    end = k + 1;
    if (runs) {
      for (std::string_view m : planned.spec->establishes) possible.emplace(m);
    }
  }
  return end;
}

std::optional<PageRun> DocumentRunner::RunBlockPages(const Plan& plan, int block_first,
                                                    int block_end, const Document& doc,
                                                    size_t first_index, size_t last_index,
                                                    std::vector<PageRun>& runs,
                                                    PageHelpers* helpers,
                                                    std::vector<PageRange>* given) {
  // Set-up, in plan order; a stage that cannot start fails every page at that stage (as it
  // would fail the stage before its first page when it runs alone).
  std::vector<BlockStage> stages(block_end - block_first);
  int limit = block_end;
  std::string setup_error;
  for (int k = block_first; k < block_end && limit == block_end; ++k) {
    BlockStage& bs = stages[k - block_first];
    bs.planned = &plan.stages[k];
    bs.skipped = !bs.planned->spec->RunsOn(doc.modality);
    if (bs.skipped) continue;
    const std::string id(bs.planned->spec->id);
    try {
      auto stage = StageFor(*bs.planned);
      if (!stage.ok()) throw std::runtime_error(stage.error().message);
      bs.stage = dynamic_cast<const PageStage*>(stage.value());
      auto ctx = ContextFor(plan, *bs.planned);
      if (!ctx.ok()) {
        setup_error = ctx.error().message;
        limit = k;
        break;
      }
      bs.ctx.emplace(std::move(ctx.value()));
      auto session = bs.stage->Begin(doc, *bs.ctx);
      if (!session.ok()) {
        setup_error = session.error().message;
        limit = k;
        break;
      }
      bs.session = std::move(session.value());
    } catch (const std::bad_alloc&) {
      setup_error = "out of memory";
      limit = k;
    } catch (const std::exception& e) {
      setup_error = std::string("internal error: ") + e.what();
      limit = k;
    }
  }
  // Pages leave the block onto disk when a stage after it reads pixels and the pages would not
  // all stay among the recent ones until it does (core/raster_spill.h).
  bool later_reads_pixels = false;
  for (size_t k = block_end; k < plan.stages.size(); ++k) {
    later_reads_pixels = later_reads_pixels || plan.stages[k].spec->pixels == Pixels::kReads;
  }
  const bool spill = spill_.on() && later_reads_pixels;
  std::optional<PageRun> setup_failure;
  if (limit < block_end) {
    setup_failure = PageRun{};
    setup_failure->error_stage = limit;
    setup_failure->error = setup_error;
  }
  for (size_t i = first_index; i <= last_index && i < doc.pages.size(); ++i) {
    if (helpers != nullptr && i < last_index) {
      // Between two pages: a helper may take the tail still ahead.
      auto offer =
          helpers->Offer(block_first, block_end, doc.pages[i].number, doc.pages[last_index].number);
      const size_t from = offer ? PageIndexOf(doc, offer->first_page) : doc.pages.size();
      if (offer && from > i && from <= last_index &&
          offer->last_page == doc.pages[last_index].number) {
        given->push_back(*offer);
        last_index = from - 1;
      }
    }
    PageRun& run = runs[i];
    run = PageRun{};
    run.page = doc.pages[i].number;
    Page page = doc.pages[i];
    std::optional<std::map<std::string, double>> metrics;
    const auto had = doc.part_metrics.find("page:" + std::to_string(page.number));
    if (had != doc.part_metrics.end()) metrics = had->second;
    // The page's pixels go from stage to stage: a stage that keeps the page's raster as it
    // was but drops the pixels (preprocess, on a page that needs nothing) costs no rebuild.
    PixHandle current = page.raster;
    for (int k = block_first; k < limit; ++k) {
      BlockStage& bs = stages[k - block_first];
      if (bs.skipped) {
        PageOutcome placeholder;
        placeholder.page = page.number;
        placeholder.content = nullptr;
        run.outcomes.push_back(std::move(placeholder));
        continue;
      }
      // A context per page: the pixels it holds are this page's only, whatever the budget.
      auto page_ctx = ContextFor(plan, *bs.planned);
      if (!page_ctx.ok()) {
        run.error_stage = k;
        run.error = page_ctx.error().message;
        limit = k;
        break;
      }
      const size_t steps_before = page.raster_steps.size();
      const std::string last_sha = steps_before > 0 ? page.raster_steps.back().sha256 : "";
      auto out = RunOnePage(*bs.stage, bs.planned->spec->id, doc, page,
                            metrics ? &*metrics : nullptr, bs.session.get(), page_ctx.value(),
                            /*with_content=*/true);
      if (!out.ok()) {
        run.error_stage = k;
        run.error = out.error().message;
        limit = k;  // the pages after it need only the stages before (the first error wins)
        break;
      }
      const bool same_raster =
          page.raster_steps.size() == steps_before &&
          (steps_before == 0 || page.raster_steps.back().sha256 == last_sha);
      PixHandle held = page.raster;
      // What the next stage reads is the page as the content holds it (Normalize).
      page = PageFromContentJson(out.value().content);
      page.raster = held ? held : (same_raster ? current : nullptr);
      current = page.raster;
      if (out.value().has_metrics) metrics = out.value().metrics;
      run.outcomes.push_back(std::move(out.value()));
    }
    // The page leaves the block without its pixels (the outcomes carry content only); the
    // stages after the block find them here while they are among the last few.
    if (current && page.has_raster()) {
      const std::string& sha = page.raster_steps.back().sha256;
      recent_rasters_.Keep(page.number, sha, current);
      if (spill && static_cast<int64_t>(doc.pages.size()) * PixBytes(current.get()) >
                       recent_rasters_.budget()) {
        spill_.Put(sha, current.get());
      }
    }
    ReturnSurplusFreeHeap();  // the page's buffers are free now
  }
  return setup_failure;
}

namespace {

// The range `range` of a helper's result, checked against what the runner asked for.
bool PageTaskFits(const PageTaskResult& r, int block_first, int block_end, const PageRange& range,
                  const Document& doc) {
  if (r.error || r.block_first != block_first || r.block_end != block_end ||
      r.first_page != range.first_page || r.last_page != range.last_page ||
      static_cast<int>(r.pages.size()) != range.last_page - range.first_page + 1) {
    return false;
  }
  for (size_t i = 0; i < r.pages.size(); ++i) {
    const PageRun& p = r.pages[i];
    if (p.page != range.first_page + static_cast<int>(i)) return false;
    // A page after a failed one ran only the stages before the failure.
    if (p.outcomes.size() > static_cast<size_t>(block_end - block_first)) return false;
    if (p.error_stage >= 0 &&
        p.outcomes.size() != static_cast<size_t>(p.error_stage - block_first)) {
      return false;
    }
    bool found = false;
    for (const Page& page : doc.pages) found = found || page.number == p.page;
    if (!found) return false;
  }
  return true;
}

}  // namespace

WorkResult DocumentRunner::RunFrom(const WorkRequest& req, const Plan& plan, int start_at,
                                   PageHelpers* helpers, TaskTarget* task) {
  WorkResult result;
  result.doc_id = req.doc_id;
  result.ran_from = start_at;
  recent_rasters_.Clear();  // another document's, or the pixels of a run that is redone
  spill_ = req.spill_dir ? RasterSpill(*req.spill_dir) : RasterSpill();
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

  // One stage's transformation record; `run` does the stage's work on `doc` (not called when
  // the stage is not for the document's modality). False when the stage failed.
  auto record_stage = [&](int i, double extra_seconds,
                  const std::function<Result<StageReport>()>& run) -> bool {
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
      return true;
    }
    Result<StageReport> report = StageReport{};
    try {
      report = run();
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
    rec.duration_ms = (MonotonicSeconds() - t0 + extra_seconds) * 1000.0;
    if (!report.ok()) {
      rec.outcome = std::string(step::kError);
      rec.note = report.error().message;
      result.transformations.push_back(std::move(rec));
      result.error = Error{id, report.error().message};
      return false;
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
    return true;
  };

  for (int i = start_at; i < static_cast<int>(plan.stages.size());) {
    const int block_end = PageBlockEnd(plan, i, doc.modality);
    if (task != nullptr && i == task->task->block_first) {
      // A page task: the block on the task's pages, nothing else.
      PageTaskResult& out = *task->out;
      if (block_end != task->task->block_end) {
        out.error = Error{"worker", "page task: the plan has no such block"};
        return result;
      }
      const size_t first = PageIndexOf(doc, task->task->first_page);
      const size_t last = PageIndexOf(doc, task->task->last_page);
      if (first > last || last >= doc.pages.size()) {
        out.error = Error{"worker", "page task: no such pages"};
        return result;
      }
      std::vector<PageRun> runs(doc.pages.size());
      const auto setup = RunBlockPages(plan, i, block_end, doc, first, last, runs, nullptr, nullptr);
      if (setup) {
        // The document's own worker meets it too, or not: either way it decides.
        out.error = Error{"worker", "page task: " + setup->error};
        return result;
      }
      if (rebuild_mismatch_) {
        out.error = Error{"worker", "page task: a rebuilt raster differs"};
        return result;
      }
      out.pages.assign(std::make_move_iterator(runs.begin() + first),
                       std::make_move_iterator(runs.begin() + last + 1));
      return result;
    }
    if (block_end == i) {
      const PlannedStage& planned = plan.stages[i];
      const bool ok = record_stage(i, 0, [&]() -> Result<StageReport> {
        auto stage = StageFor(planned);
        if (!stage.ok()) return stage.error();
        auto ctx = ContextFor(plan, planned);
        if (!ctx.ok()) return ctx.error();
        return stage.value()->Run(doc, ctx.value());
      });
      if (!ok) break;
      ++i;
      continue;
    }

    // A page-major block: every page through all its stages (here, or in page tasks), then
    // each stage's transformation made from the pages' outcomes exactly as if it had run alone.
    std::vector<PageRun> runs(doc.pages.size());
    std::vector<PageRange> given;
    const std::optional<PageRun> setup =
        doc.pages.empty() ? std::nullopt
                          : RunBlockPages(plan, i, block_end, doc, 0, doc.pages.size() - 1, runs,
                                          helpers, &given);
    for (const PageRange& range : given) {
      const size_t from = PageIndexOf(doc, range.first_page);
      const size_t to = PageIndexOf(doc, range.last_page);
      PageTaskNote note{i, block_end, range.first_page, range.last_page, "", "", 0};
      // While the helper runs, its pages are run here from the last one back: waiting never
      // takes longer than running them all here, and the helper's answer covers the pages not
      // reached. Its pages and these are the same outcomes, so where they meet is no matter.
      size_t here = to + 1;  // pages [here, to] were run here
      PageHelpers::Answer answer = helpers->Poll(range);
      while (!answer.ready && here > from) {
        --here;
        RunBlockPages(plan, i, block_end, doc, here, here, runs, nullptr, nullptr);
        answer = helpers->Poll(range);
      }
      if (!answer.ready) {
        helpers->Withdraw(range);
        note.outcome = "withdrawn";
      } else if (answer.result && PageTaskFits(*answer.result, i, block_end, range, doc)) {
        note.helper = answer.result->helper;
        note.helper_pages = static_cast<int>(here - from);
        note.outcome = here > to ? "used" : "partly";
        for (size_t p = from; p < here; ++p) runs[p] = std::move(answer.result->pages[p - from]);
      } else {
        // The helper failed (crash, timeout, memory limit) or answered something else: the
        // pages are computed here, and the document is whole all the same.
        note.helper = answer.result ? answer.result->helper : "";
        note.outcome = "failed";
        if (here > from) {
          RunBlockPages(plan, i, block_end, doc, from, here - 1, runs, nullptr, nullptr);
        }
      }
      result.page_tasks.push_back(std::move(note));
    }
    // The first failure in stage-major order: the earliest stage, then the earliest page.
    // A stage that could not start fails before its first page.
    int failed_stage = block_end;
    std::string failure;
    if (setup) {
      failed_stage = setup->error_stage;
      failure = setup->error;
    }
    for (const PageRun& r : runs) {
      if (r.error_stage >= 0 && r.error_stage < failed_stage) {
        failed_stage = r.error_stage;
        failure = r.error;
      }
    }
    bool ok = true;
    for (int k = i; k < block_end && ok; ++k) {
      const auto* page_stage = dynamic_cast<const PageStage*>(StageFor(plan.stages[k]).value());
      double seconds = 0;
      for (const PageRun& r : runs) {
        if (k - i < static_cast<int>(r.outcomes.size())) seconds += r.outcomes[k - i].seconds;
      }
      ok = record_stage(k, seconds, [&]() -> Result<StageReport> {
        if (k == failed_stage) return Error{std::string(plan.stages[k].spec->id), failure};
        std::vector<PageOutcome> outcomes;
        outcomes.reserve(runs.size());
        for (PageRun& r : runs) {
          PageOutcome& o = r.outcomes.at(k - i);
          ApplyPageOutcome(doc, o);
          o.content = nullptr;  // applied: Finish reads the rest
          outcomes.push_back(o);
        }
        return page_stage->Finish(doc, outcomes);
      });
    }
    if (!ok) break;
    i = block_end;
  }
  // The document is done with its pages' spilled rasters (its helpers wrote the same names).
  for (const Page& page : doc.pages) {
    for (const RasterStep& step : page.raster_steps) spill_.Remove(step.sha256);
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
