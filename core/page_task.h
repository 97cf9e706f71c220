// Page tasks: a range of one document's pages run through its page-major block (the plan's
// consecutive page stages, core/page_stage.h) by another worker, so a long scan uses more than
// one core (docs/page_tasks.md). The document's own worker asks for them (PageHelpers), uses
// their outcomes as if it had computed them, and computes them itself when a task fails: a
// page task can never lose its document. Outcomes are exactly what the document's worker
// would have computed, so the results are byte-identical to a run without page tasks.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/page_stage.h"
#include "core/work.h"

namespace assay {

// One page through a page-major block.
struct PageRun {
  int page = 0;
  // One per block stage that ran on the page, in plan order; a stage skipped for the
  // document's modality has a placeholder (null content).
  std::vector<PageOutcome> outcomes;
  // The plan position of the stage that failed on the page (-1: none), and why.
  int error_stage = -1;
  std::string error;

  CanonicalJson ToJson() const;
  static PageRun FromJson(const CanonicalJson& j);
};

// A request for a page task: the document's request, the block it runs and the pages.
struct PageTaskRequest {
  WorkRequest work;
  int block_first = 0, block_end = 0;  // plan positions [block_first, block_end)
  int first_page = 0, last_page = 0;   // page numbers, inclusive

  Json ToJson() const;
  static PageTaskRequest FromJson(const CanonicalJson& j);
};

// What a page task answers: the pages it ran, or why it could not.
struct PageTaskResult {
  std::string doc_id;
  int block_first = 0, block_end = 0;
  int first_page = 0, last_page = 0;
  std::vector<PageRun> pages;  // first_page..last_page, in order
  std::optional<Error> error;
  std::string helper;  // set by the supervisor: the worker that ran it (lineage)

  CanonicalJson ToJson() const;  // sent with DumpCanonical
  static PageTaskResult FromJson(const CanonicalJson& j);
};

// A page range handed to a helper.
struct PageRange {
  int first_page = 0, last_page = 0;
};

// The document's worker's side of page tasks. Between two pages of a block the runner asks
// Offer() whether a helper wants some of the pages still ahead of it; once its own pages are
// done it Poll()s each range it gave away, running the range's pages itself from the last one
// back while the helper's answer is not in, and Withdraw()s a range it finished alone.
class PageHelpers {
 public:
  virtual ~PageHelpers() = default;
  // `next_page`..`last_page` (page numbers) are still to run locally, in the block
  // [block_first, block_end) of the plan. Returns the tail range a helper takes (then the
  // runner stops before it), or nullopt.
  virtual std::optional<PageRange> Offer(int block_first, int block_end, int next_page,
                                         int last_page) = 0;
  // What is known of `range`'s helper, without waiting: `ready` false while it still runs;
  // `result` empty when it failed (the runner computes the pages itself).
  struct Answer {
    bool ready = false;
    std::optional<PageTaskResult> result;
  };
  virtual Answer Poll(const PageRange& range) = 0;
  // The runner computed every page of `range` itself before the helper answered: the helper's
  // work is no longer wanted (its answer, should one still come, is ignored).
  virtual void Withdraw(const PageRange& range) = 0;
};

}  // namespace assay
