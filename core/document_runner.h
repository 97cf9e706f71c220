// Runs a document's plan inside a worker: builds (and caches) the plan's stages and loads (and
// caches) the resources it names, runs the stages from `start_at` on, and returns what each
// stage added. The worker process (core/worker.h) is a loop around one DocumentRunner; tests
// use it in-process.
//
// What a stage "outputs" is the difference it made to the document's content: a JSON Patch
// (RFC 6902) against its input, stored content-addressed; the state after the stage is
// identified by chaining the input state's identity with the delta's hash (core/delta.h).
// Replaying the patches in order rebuilds any state, which is how a later run starts from the
// longest finished prefix of a changed plan.
#pragma once

#include <list>
#include <map>
#include <memory>
#include <string>

#include "core/page_task.h"
#include "core/plan.h"
#include "core/raster.h"
#include "core/raster_spill.h"
#include "core/stage_catalog.h"
#include "core/work.h"

namespace assay {

// Resources loaded in this process, by kind, name and hash, the least recently used dropped
// beyond `capacity`. A process-wide kind (ResourceKind::process_wide) is held once per process,
// shared by every cache. Loading checks that the resource still resolves to the hash the plan
// recorded (a model replaced since the run started is an error for the document, not a silent
// substitution).
class ResourceCache {
 public:
  explicit ResourceCache(const StageCatalog& catalog, size_t capacity = 16)
      : catalog_(catalog), capacity_(capacity) {}
  Result<LoadedResource*> Get(const ResolvedResource& r);

 private:
  struct Entry {
    std::string key;
    std::string kind;
    std::unique_ptr<LoadedResource> loaded;
  };
  const StageCatalog& catalog_;
  size_t capacity_;
  std::list<Entry> entries_;  // most recently used first
};

class DocumentRunner {
 public:
  // `raster_budget_bytes`: page rasters kept in memory between stages; beyond it they are
  // dropped and rebuilt when a stage asks for them (flat memory on long scans).
  explicit DocumentRunner(const StageCatalog& catalog,
                          int64_t raster_budget_bytes = int64_t{512} << 20);

  // Runs `req`. Never throws: every failure is the document's error. When a reused raster
  // stage no longer rebuilds the pixels it recorded, the whole plan runs again from the start
  // (WorkResult::ran_from says where the transformations begin).
  // `helpers`, when given, may take ranges of pages of the plan's page-major block (page
  // tasks, core/page_task.h); the result is the same with or without them.
  WorkResult Run(const WorkRequest& req, PageHelpers* helpers = nullptr);

  // Runs a page task: the request's plan up to the task's block as Run() does (nothing of it
  // is returned), then the block on the task's pages only. Never throws.
  PageTaskResult RunPages(const PageTaskRequest& task);

  // False: every stage runs alone over the whole document (stage-major), as before page
  // stages existed; for tests that prove page-major gives the same result.
  void set_page_major(bool on) { page_major_ = on; }

 private:
  struct BlockStage;
  // What RunFrom stops at for a page task: the block's pages are run for the task.
  struct TaskTarget {
    const PageTaskRequest* task;
    PageTaskResult* out;
  };
  WorkResult RunFrom(const WorkRequest& req, const Plan& plan, int start_at,
                     PageHelpers* helpers, TaskTarget* task);
  // The end of the page-major block that starts at plan position `first` for a document of
  // `modality` (== first when the stage there is not a page stage).
  int PageBlockEnd(const Plan& plan, int first, const std::string& modality);
  // Runs pages `first_index`..`last_index` (positions in doc.pages) through the block,
  // page-major, into `runs` (indexed by page position). With `helpers`, a tail of the pages
  // may go to a helper instead (appended to `given`, not run here). Returns the failure of a
  // stage that could not start (error_stage, error), if any: it fails before any page.
  std::optional<PageRun> RunBlockPages(const Plan& plan, int block_first, int block_end,
                                       const Document& doc, size_t first_index,
                                       size_t last_index, std::vector<PageRun>& runs,
                                       PageHelpers* helpers, std::vector<PageRange>* given);
  Result<const Stage*> StageFor(const PlannedStage& planned);
  Result<PixHandle> RebuildPixels(const Plan& plan, const Document& doc, const Page& page);
  Result<StageContext> ContextFor(const Plan& plan, const PlannedStage& planned);

  const StageCatalog& catalog_;
  int64_t raster_budget_;
  ResourceCache resources_;
  std::map<std::string, std::unique_ptr<Stage>> stages_;  // by id, version and params
  bool rebuild_mismatch_ = false;  // set by RebuildPixels during the current document
  // The current document's last page rasters (the block's results, rebuilt ones): what a
  // stage after the block asks for again is not decoded or rendered again. Four pages of a
  // 300-dpi gray scan.
  RecentRasters recent_rasters_{int64_t{36} << 20};
  // The current document's page rasters on disk (the request's spill_dir; off without one):
  // what the block made, for the stages after it once the page is no longer among the recent.
  RasterSpill spill_;
  bool page_major_ = true;
};

}  // namespace assay
